// @vitest-environment happy-dom
/**
 * Lifecycle rows among the frames (opened, closed 1006, reconnecting #1 in 250 ms...), where the page's
 * stream put them, filterable like frames; and every frame's provenance and fate as tags with words.
 */
import { afterEach, describe, expect, it } from "vitest";
import { act } from "preact/test-utils";
import { FramesView } from "../../src/panel/FramesView";
import { FrameRows } from "../../src/panel/frame-rows";
import { NO_FILTER, compileFilter, compileLifecycleFilter } from "../../src/panel/frame-filter";
import { LIFECYCLE_ROWS } from "../../src/panel/lifecycle-rows";
import { createModel, reduce, type PanelModel } from "../../src/panel/model";
import type { FrameRecord, RecorderEvent } from "../../src/shared/protocol";
import { eventsMessage, snapshotMessage, socketInfo, socketSnapshot, stateEvent } from "../support/messages";
import { RECT, frame, mount, settle, unmount } from "./frames-support";

let container: HTMLElement;
afterEach(async () => {
  if (container) await unmount(container);
});

const S = "a:1";
const f = (seq: number, t: number, over: Partial<FrameRecord> = {}): RecorderEvent => ({ kind: "frame", frame: frame(S, seq, { t, ...over }) });

/** A connection's life as the page world records it, in stream order. Several events share a ms with a frame. */
const story: RecorderEvent[] = [
  { kind: "created", t: 1000, socket: socketInfo(S, { createdAt: 1000 }) },
  stateEvent(S, "connecting", 1000),
  { kind: "protection", t: 1000, socket: S, protected: true, rule: "wss://example.test/*", strategy: "transparent", reason: "no protocol recognised" },
  stateEvent(S, "open", 1010, { protocol: "chat.v2", extensions: "permessage-deflate", cause: "connected" }),
  f(1, 1010, { dir: "out", preview: "hello" }),
  f(2, 1020, { dir: "in", preview: "welcome" }),
  { kind: "heartbeat", t: 1100, socket: S, phase: "sent" },
  f(3, 1100, { dir: "out", preview: "ping", from: "heartbeat" }),
  f(4, 1105, { dir: "in", preview: "pong", from: "heartbeat", fate: "hidden-reply" }),
  { kind: "heartbeat", t: 1105, socket: S, phase: "answered", rttMs: 5 },
  { kind: "heartbeat", t: 1300, socket: S, phase: "missed", rttMs: 200 },
  { kind: "fault", t: 1300, socket: S, fault: "blackhole", active: true, detail: "10000 ms" },
  stateEvent(S, "reconnecting", 1300, { attempt: 1, delayMs: 250, code: 1006, cause: "heartbeat timeout" }),
  f(5, 1400, { dir: "out", preview: "while down", fate: "queued" }),
  { kind: "queue", t: 1450, socket: S, action: "dropped", count: 1, bytes: 10, reason: "maxMessages" },
  stateEvent(S, "connecting", 1550, { attempt: 1 }),
  stateEvent(S, "open", 1560, { attempt: 1, cause: "reconnected after 1 attempt(s), 260 ms down" }),
  { kind: "resume", t: 1560, socket: S, lastSeq: "41", via: "message" },
  f(6, 1560, { dir: "out", preview: '{"type":"resume"}', from: "resume" }),
  { kind: "queue", t: 1560, socket: S, action: "flushed", count: 1, bytes: 10 },
  f(7, 1560, { dir: "out", preview: "while down", fate: "sent" }),
  { kind: "delivery", t: 1700, socket: S, id: "9", status: "lost", reason: "maxAgeMs" },
  { kind: "fault", t: 1800, socket: S, fault: "blackhole", active: false },
  f(8, 1900, { dir: "in", preview: "bye soon" }),
  stateEvent(S, "closing", 1900, { cause: "page called close()" }),
  stateEvent(S, "closed", 1900, { code: 1006, reason: "", wasClean: false, cause: "no closing handshake within 1000 ms" }),
];

const modelOf = (events: RecorderEvent[]): PanelModel => reduce(createModel(), eventsMessage(events));

/** The table's rows, top to bottom: `#seq` for a frame, the kind for a lifecycle row. */
const order = (root: ParentNode) =>
  [...root.querySelectorAll<HTMLElement>('[data-testid="frame-row"], [data-testid="lifecycle-row"]')]
    .sort((a, b) => parseFloat(a.style.transform.slice(11)) - parseFloat(b.style.transform.slice(11)))
    .map((r) => (r.dataset.testid === "frame-row" ? `#${r.dataset.seq}` : r.dataset.kind!));
const lifecycleText = (kind: string) => container.querySelector<HTMLElement>(`[data-testid="lifecycle-row"][data-kind="${kind}"] .frames-preview`)!.textContent;
const $ = (id: string) => container.querySelector<HTMLElement>(`[data-testid="${id}"]`)!;

async function type(id: string, value: string) {
  await act(async () => {
    const input = $(id) as HTMLInputElement;
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  });
}

async function check(id: string, on: boolean) {
  await act(async () => {
    const input = $(id) as HTMLInputElement;
    input.checked = on;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  });
}

async function rerender(model: PanelModel) {
  await act(async () => {
    const { render } = await import("preact");
    render(<FramesView model={model} socket={S} initialRect={RECT} />, container);
  });
}

const FULL_ORDER = [
  "protection-on",
  "opened",
  "#1",
  "#2",
  "#3",
  "#4",
  "heartbeat-answered",
  "heartbeat-missed",
  "fault-on",
  "reconnecting",
  "#5",
  "queue-dropped",
  "reconnected",
  "resume",
  "#6",
  "queue-flushed",
  "#7",
  "delivery-lost",
  "fault-off",
  "#8",
  "closing",
  "closed",
];

describe("lifecycle rows in the frames table", () => {
  it("sit among the frames where the stream put them, even within one ms, and say what happened in words", async () => {
    container = await mount(<FramesView model={modelOf(story)} socket={S} initialRect={RECT} />);
    expect(order(container)).toEqual(FULL_ORDER);
    expect(lifecycleText("opened")).toBe("connection opened, subprotocol chat.v2, extensions permessage-deflate (connected)");
    expect(lifecycleText("closed")).toBe("connection closed: 1006, not clean (no closing handshake within 1000 ms)");
    expect(lifecycleText("closing")).toBe("closing (page called close())");
    expect(lifecycleText("reconnecting")).toBe("reconnecting #1 in 250 ms, code 1006 (heartbeat timeout)");
    expect(lifecycleText("reconnected")).toBe("reconnected, attempt 1 (reconnected after 1 attempt(s), 260 ms down)");
    expect(lifecycleText("heartbeat-answered")).toBe("heartbeat answered in 5 ms");
    expect(lifecycleText("heartbeat-missed")).toBe("heartbeat missed (200 ms silent)");
    expect(lifecycleText("fault-on")).toBe("fault: black-hole started (10000 ms)");
    expect(lifecycleText("fault-off")).toBe("fault: black-hole ended");
    expect(lifecycleText("protection-on")).toBe("protection on, transparent, rule wss://example.test/* (no protocol recognised)");
    expect(lifecycleText("queue-dropped")).toBe("queue dropped: 1 message, 10 B (maxMessages)");
    expect(lifecycleText("queue-flushed")).toBe("queue flushed: 1 message, 10 B");
    expect(lifecycleText("delivery-lost")).toBe("delivery lost: message 9 (maxAgeMs)");
    expect(lifecycleText("resume")).toBe("resume from 41 (message)");
    // A lifecycle row has its time and category; the frame count counts frames only.
    const closed = container.querySelector<HTMLElement>('[data-testid="lifecycle-row"][data-kind="closed"]')!;
    expect(closed.querySelector(".frames-type")!.textContent).toBe("connection");
    expect(closed.querySelector(".frames-time")!.textContent).toMatch(/:01\.900$/);
    expect($("frame-count").dataset.shown).toBe("8");
    expect($("frame-count").dataset.lifecycle).toBe("14");
  });

  it("the same order when the events come in a snapshot, and when a batch is split anywhere", async () => {
    const fromSnapshot = reduce(createModel(), snapshotMessage([socketSnapshot(S, { events: story.slice(1), lastSeq: 8, framesIn: 3, framesOut: 5 }, { createdAt: 1000 })]));
    container = await mount(<FramesView model={fromSnapshot} socket={S} initialRect={RECT} />);
    expect(order(container)).toEqual(FULL_ORDER);
    await unmount(container);

    // Live, one event per batch, the view rendering after each: the rows are extended, not rebuilt.
    let model = reduce(createModel(), eventsMessage([story[0]!]));
    container = await mount(<FramesView model={model} socket={S} initialRect={RECT} />);
    for (let i = 1; i < story.length; i++) {
      model = reduce(model, eventsMessage([story[i]!], i + 1));
      await rerender(model);
    }
    await settle();
    expect(order(container)).toEqual(FULL_ORDER);
  });

  it("a snapshot that fills a gap of events puts them back in their place in a table already shown", async () => {
    // A lost batch held only events: the panel has every frame, not the heartbeat rows, the fault nor the reconnect.
    const lost = new Set(story.slice(9, 13));
    let model = reduce(createModel(), eventsMessage(story.filter((e) => !lost.has(e))));
    container = await mount(<FramesView model={model} socket={S} initialRect={RECT} />);
    expect(order(container)).toEqual(FULL_ORDER.filter((r) => !["heartbeat-answered", "heartbeat-missed", "fault-on", "reconnecting"].includes(r)));
    model = reduce(model, snapshotMessage([socketSnapshot(S, { events: story.slice(1), lastSeq: 8 }, { createdAt: 1000 })]));
    await rerender(model);
    expect(order(container)).toEqual(FULL_ORDER);
  });

  it("a snapshot's ring that starts with events puts them before its first frame, not after the newest frame held", async () => {
    // The panel saw the start, lost a batch, saw the end; the page's ring kept only from the heartbeat miss on.
    const start = story.slice(0, 6);
    const end = story.slice(23);
    let model = reduce(createModel(), eventsMessage([...start, ...end]));
    container = await mount(<FramesView model={model} socket={S} initialRect={RECT} />);
    model = reduce(model, snapshotMessage([socketSnapshot(S, { events: story.slice(10), lastSeq: 8 }, { createdAt: 1000 })]));
    await rerender(model);
    expect(order(container)).toEqual(FULL_ORDER.filter((r) => !["#3", "#4", "heartbeat-answered"].includes(r)));
  });

  it("in the all-sockets view, other sockets' rows interleave by time", async () => {
    const other: RecorderEvent[] = [
      { kind: "created", t: 1000, socket: socketInfo("b:1", { createdAt: 1000 }) },
      stateEvent("b:1", "open", 1050),
      { kind: "frame", frame: frame("b:1", 1, { t: 1060, dir: "in", preview: "b says hi" }) },
      stateEvent("b:1", "closed", 1350, { code: 1000, reason: "done", wasClean: true }),
    ];
    // One page world's stream: both sockets' events in the order they happened.
    const time = (e: RecorderEvent) => (e.kind === "frame" ? e.frame.t : e.t);
    const model = modelOf([...story, ...other].sort((x, y) => time(x) - time(y)));
    container = await mount(<FramesView model={model} socket={null} initialRect={RECT} />);
    const rows = [...container.querySelectorAll<HTMLElement>('[data-testid="frame-row"], [data-testid="lifecycle-row"]')]
      .sort((a, b) => parseFloat(a.style.transform.slice(11)) - parseFloat(b.style.transform.slice(11)))
      .map((r) => `${r.dataset.socketId} ${r.dataset.testid === "frame-row" ? `#${r.dataset.seq}` : r.dataset.kind}`);
    expect(rows.slice(0, 6)).toEqual(["a:1 protection-on", "a:1 opened", "a:1 #1", "a:1 #2", "b:1 opened", "b:1 #1"]);
    expect(rows.indexOf("b:1 closed")).toBe(rows.indexOf("a:1 reconnecting") + 1);
    expect(container.querySelector('[data-testid="lifecycle-row"][data-socket-id="b:1"][data-kind="closed"] .frames-preview')!.textContent).toBe(
      "connection closed: 1000 “done”, clean",
    );
  });
  it("protection taking over an open socket makes one row, not a second 'connection opened'", async () => {
    const model = modelOf([
      { kind: "created", t: 1000, socket: socketInfo(S, { createdAt: 1000 }) },
      stateEvent(S, "open", 1010, { protocol: "chat" }),
      stateEvent(S, "open", 1020, { cause: "adopted while open", protocol: "chat" }),
      { kind: "protection", t: 1020, socket: S, protected: true, rule: "ws://x/*", strategy: "transparent" },
    ]);
    container = await mount(<FramesView model={model} socket={S} initialRect={RECT} />);
    expect(order(container)).toEqual(["opened", "protection-on"]);
  });
});

describe("filtering lifecycle rows", () => {
  it("the text filter matches their text; Hide lifecycle hides them all; Hide heartbeats takes the routine heartbeat rows, not a miss", async () => {
    container = await mount(<FramesView model={modelOf(story)} socket={S} initialRect={RECT} />);
    await type("filter-text", "1006");
    expect(order(container)).toEqual(["reconnecting", "closed"]);
    await type("filter-text", "while down");
    expect(order(container)).toEqual(["#5", "#7"]);
    await type("filter-text", "");
    await check("filter-hide-lifecycle", true);
    expect(order(container)).toEqual(["#1", "#2", "#3", "#4", "#5", "#6", "#7", "#8"]);
    await check("filter-hide-lifecycle", false);
    await check("filter-hide-heartbeats", true);
    expect(order(container)).toEqual(FULL_ORDER.filter((r) => r !== "#3" && r !== "#4" && r !== "heartbeat-answered"));
  });

  it("keyboard selection steps over lifecycle rows; clicking one selects nothing", async () => {
    container = await mount(<FramesView model={modelOf(story)} socket={S} initialRect={RECT} />);
    const key = async (k: string) =>
      act(async () => {
        $("frames-table").dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
      });
    const selected = () => container.querySelector<HTMLElement>('[data-testid="frame-row"][aria-selected="true"]')?.dataset.seq;
    await key("Home");
    expect(selected()).toBe("1");
    await key("End");
    expect(selected()).toBe("8");
    await key("ArrowUp");
    expect(selected()).toBe("7");
    await key("ArrowUp");
    expect(selected()).toBe("6");
    await key("ArrowUp");
    expect(selected()).toBe("5");
    await act(async () => {
      container.querySelector<HTMLElement>('[data-testid="lifecycle-row"][data-kind="closed"]')!.dispatchEvent(new MouseEvent("mousedown", { bubbles: true }));
    });
    expect(selected()).toBe("5");
  });
});

describe("provenance and fate on frame rows and in the detail", () => {
  const marked: RecorderEvent[] = [
    { kind: "created", t: 1000, socket: socketInfo(S) },
    f(1, 1001, { dir: "in", preview: "as if the server", from: "injected" }),
    f(2, 1002, { dir: "out", preview: "as if the page", from: "panel" }),
    f(3, 1003, { dir: "out", preview: "again", from: "resend" }),
    f(4, 1004, { dir: "out", preview: "queued one", fate: "queued" }),
    f(5, 1005, { dir: "in", preview: "pong", from: "heartbeat", fate: "hidden-reply" }),
    f(6, 1006, { dir: "in", preview: "black-holed", fate: "held" }),
    f(7, 1007, { dir: "out", preview: "late", fate: "delayed" }),
    f(8, 1008, { dir: "in", preview: "gone", fate: "dropped" }),
    f(9, 1009, { dir: "in", preview: "ack", fate: "hidden-ack" }),
    f(10, 1010, { dir: "in", preview: "plain", from: "page", fate: "delivered" }),
  ];

  it("each row shows its tags with words and a tooltip in words; the page's ordinary frames have none", async () => {
    container = await mount(<FramesView model={modelOf(marked)} socket={S} initialRect={RECT} />);
    const rows = [...container.querySelectorAll<HTMLElement>('[data-testid="frame-row"]')];
    const tags = rows.map((r) => [...r.querySelectorAll<HTMLElement>('[data-testid="frame-mark"]')].map((m) => m.textContent));
    expect(tags).toEqual([
      ["⚡ injected"],
      ["✎ sent from panel"],
      ["↻ resend"],
      ["… queued"],
      ["♥ heartbeat", "◌ hidden: reply"],
      ["‖ held"],
      ["◔ delayed"],
      ["✕ dropped"],
      ["◌ hidden: ack"],
      [],
    ]);
    expect(rows.map((r) => `${r.dataset.from}/${r.dataset.fate}`)).toEqual([
      "injected/delivered",
      "panel/sent",
      "resend/sent",
      "page/queued",
      "heartbeat/hidden-reply",
      "page/held",
      "page/delayed",
      "page/dropped",
      "page/hidden-ack",
      "page/delivered",
    ]);
    const title = (seq: number, mark: string) => rows[seq - 1]!.querySelector<HTMLElement>(`[data-mark="${mark}"]`)!.title;
    expect(title(2, "from-panel")).toBe("Sent by Lifeguard (from the panel or a test) as if the page had sent it");
    expect(title(5, "fate-hidden-reply")).toBe("The reply to Lifeguard's heartbeat: not passed to the page");
  });

  it("the detail header shows the same tags, and the body says it in words", async () => {
    container = await mount(<FramesView model={modelOf(marked)} socket={S} initialRect={RECT} />);
    const select = async (seq: number) =>
      act(async () => {
        container.querySelector<HTMLElement>(`[data-testid="frame-row"][data-seq="${seq}"]`)!.dispatchEvent(new MouseEvent("mousedown", { bubbles: true }));
      });
    await select(5);
    const detail = $("frame-detail");
    expect([...detail.querySelectorAll<HTMLElement>('[data-testid="detail-mark"]')].map((m) => m.textContent)).toEqual(["♥ heartbeat", "◌ hidden: reply"]);
    expect($("detail-provenance").textContent).toBe(
      "Lifeguard's heartbeat: its own ping, or the server's reply to it. The reply to Lifeguard's heartbeat: not passed to the page",
    );
    await select(10);
    expect($("frame-detail").querySelectorAll('[data-testid="detail-mark"]').length).toBe(0);
    expect($("detail-provenance").textContent).toBe("Made by the page (or the server) and gone its ordinary way");
  });
});

describe("at scale", () => {
  it("~500,000 frames (the panel's cap) and their lifecycle: one number per row, a batch appends without a rebuild", () => {
    // Just under the cap: one more frame past it drops the oldest tenth (a rebuild, rightly).
    const N = 499_000;
    let model = reduce(createModel(), snapshotMessage([socketSnapshot(S)]));
    const events: RecorderEvent[] = [];
    for (let i = 1; i <= N; i++) {
      events.push({ kind: "frame", frame: { socket: S, seq: i, t: 2000 + i, dir: "in", opcode: "text", size: 1, preview: "x", truncated: false } });
      if (i % 10_000 === 0) events.push(stateEvent(S, "reconnecting", 2000 + i, { attempt: 1, delayMs: 10 }), stateEvent(S, "open", 2000 + i, { attempt: 1 }));
    }
    model = reduce(model, eventsMessage(events));
    const rows = new FrameRows();
    const frameMatcher = compileFilter(NO_FILTER, (fr) => fr.opcode);
    if (typeof frameMatcher !== "function") throw new Error("filter");
    const eventMatcher = compileLifecycleFilter(NO_FILTER, LIFECYCLE_ROWS);
    rows.update(model.log, null, frameMatcher, eventMatcher);
    expect(rows.codes.length).toBe(N + 98);
    expect(rows.frameCount).toBe(N);
    expect(rows.events.length).toBe(98);
    // The reconnect after frame 10,000 sits right after it.
    const at = rows.codes.indexOf(9999);
    expect(rows.codes.slice(at, at + 4).map((c) => (c >= 0 ? model.log.frames[c]!.seq : rows.eventOf(c).kind))).toEqual([10_000, "state", "state", 10_001]);
    const generation = rows.generation;
    model = reduce(model, eventsMessage([{ kind: "frame", frame: { socket: S, seq: N + 1, t: 2000 + N + 1, dir: "out", opcode: "text", size: 1, preview: "y", truncated: false } }, stateEvent(S, "closed", 2000 + N + 2, { code: 1000 })], N + 99));
    rows.update(model.log, null, frameMatcher, eventMatcher);
    expect(rows.generation).toBe(generation);
    expect(rows.codes.length).toBe(N + 100);
    expect(rows.eventOf(rows.codes.at(-1)!)).toMatchObject({ state: "closed" });
  });
});
