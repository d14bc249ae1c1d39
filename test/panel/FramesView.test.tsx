// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from "vitest";
import { act } from "preact/test-utils";
import { FramesView } from "../../src/panel/FramesView";
import type { Decoder } from "../../src/panel/frame-decoding";
import { reduce } from "../../src/panel/model";
import { eventsMessage, stateEvent } from "../support/messages";
import { RECT, frame, frameEvents, modelWith, mount, rows, seqs, settle, unmount } from "./frames-support";

let container: HTMLElement;
afterEach(async () => {
  if (container) await unmount(container);
});

const $ = (id: string) => container.querySelector<HTMLElement>(`[data-testid="${id}"]`);

async function type(id: string, value: string) {
  await act(async () => {
    const input = $(id) as HTMLInputElement;
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  });
}

async function choose(id: string, value: string) {
  await act(async () => {
    const el = $(id) as HTMLSelectElement | HTMLInputElement;
    if (el instanceof HTMLInputElement) el.checked = value === "on";
    else el.value = value;
    el.dispatchEvent(new Event("change", { bubbles: true }));
  });
}

/** happy-dom lays nothing out: give the scroll box a size, as a browser would. */
function layOut() {
  const el = $("frames-table")!;
  Object.defineProperty(el, "clientHeight", { configurable: true, value: RECT.height });
  Object.defineProperty(el, "offsetHeight", { configurable: true, value: RECT.height });
  Object.defineProperty(el, "scrollHeight", { configurable: true, get: () => el.querySelector<HTMLElement>(".frames-spacer")!.style.height.replace("px", "") });
}

async function key(k: string) {
  const el = $("frames-table")!;
  await act(async () => {
    el.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
  });
  await settle();
  // happy-dom moves scrollTop but fires no scroll event: do what the browser does.
  await act(async () => {
    el.dispatchEvent(new Event("scroll"));
  });
  await settle();
}

const selectedSeq = () => Number(container.querySelector<HTMLElement>('[data-testid="frame-row"][aria-selected="true"]')?.dataset.seq);

describe("frames table", () => {
  it("renders only a window of rows for 100,000 frames", async () => {
    const frames = Array.from({ length: 100_000 }, (_, i) => frame("a:1", i + 1));
    const model = modelWith(frames);
    container = await mount(<FramesView model={model} socket={null} initialRect={RECT} />);
    await settle();
    const shown = rows(container);
    expect(shown.length).toBeGreaterThan(10);
    expect(shown.length).toBeLessThan(60);
    expect(seqs(container).slice(0, 3)).toEqual([1, 2, 3]);
    expect($("frame-count")!.dataset.total).toBe("100000");
    // The spacer is as tall as every row: the scrollbar tells the truth.
    const spacer = container.querySelector<HTMLElement>(".frames-spacer")!;
    expect(spacer.style.height).toBe(`${100_000 * 20}px`);
  });

  it("shows direction, size, type and a text preview; binary as hex", async () => {
    const model = modelWith([frame("a:1", 1, { preview: "hello" }), frame("a:1", 2, { opcode: "binary", preview: "00ff41", size: 3 })]);
    container = await mount(<FramesView model={model} socket={null} initialRect={RECT} />);
    await settle();
    const [a, b] = rows(container);
    expect(a!.dataset.dir).toBe("out");
    expect(a!.textContent).toContain("↑");
    expect(a!.textContent).toContain("hello");
    expect(a!.dataset.type).toBe("text");
    expect(b!.dataset.dir).toBe("in");
    expect(b!.textContent).toContain("↓");
    expect(b!.textContent).toContain("00 ff 41");
    expect(b!.dataset.type).toBe("binary");
  });

  it("tells the decoder the subprotocol the server chose, from the socket's open event", async () => {
    let m = modelWith([]);
    m = reduce(m, eventsMessage([stateEvent("a:1", "open", 1005, { protocol: "mqtt" }), ...frameEvents([frame("a:1", 1)])]));
    const decoder: Decoder = (_f, ctx) => ({ protocol: "Test", summary: `negotiated ${ctx.negotiated ?? "none"}` });
    container = await mount(<FramesView model={m} socket={null} decoder={decoder} initialRect={RECT} />);
    expect(rows(container)[0]!.textContent).toContain("negotiated mqtt");
  });

  it("gives the decoder the connection's first frames, both ways, as the engine's recognisers saw them", async () => {
    let m = modelWith([]);
    m = reduce(m, eventsMessage(frameEvents([frame("a:1", 1, { dir: "in", preview: "o" }), frame("a:1", 2, { dir: "out", preview: "hi" }), frame("a:1", 3, { dir: "in", preview: "x" })])));
    const decoder: Decoder = (_f, ctx) => ({ protocol: "Test", summary: `first ${(ctx.firstFrames ?? []).map((f) => `${f.dir}:${f.preview}`).join(",")} out ${ctx.firstOutbound?.preview}` });
    container = await mount(<FramesView model={m} socket={null} decoder={decoder} initialRect={RECT} />);
    expect(rows(container)[2]!.textContent).toContain("first in:o,out:hi,in:x out hi");
  });

  it("shows times relative to the socket's creation on request", async () => {
    const model = modelWith([frame("a:1", 1, { t: 3500 })]);
    container = await mount(<FramesView model={model} socket={null} initialRect={RECT} />);
    await choose("time-relative", "on");
    // socketSnapshot creates sockets at t = 1000.
    expect(rows(container)[0]!.textContent).toContain("+2.500 s");
  });
});

describe("filters", () => {
  const model = () =>
    modelWith([
      frame("a:1", 1, { preview: '{"type":"subscribe","channel":"prices"}' }),
      frame("a:1", 2, { preview: '{"type":"price","value":42}' }),
      frame("a:1", 3, { preview: "ping" }),
      frame("a:1", 4, { preview: "pong" }),
      frame("a:1", 5, { preview: "Hello World" }),
    ]);

  it("by direction", async () => {
    container = await mount(<FramesView model={model()} socket={null} initialRect={RECT} />);
    await choose("filter-dir", "in");
    expect(seqs(container)).toEqual([2, 4]);
    await choose("filter-dir", "out");
    expect(seqs(container)).toEqual([1, 3, 5]);
    await choose("filter-dir", "all");
    expect(seqs(container)).toEqual([1, 2, 3, 4, 5]);
  });

  it("by text, case-insensitive", async () => {
    container = await mount(<FramesView model={model()} socket={null} initialRect={RECT} />);
    await type("filter-text", "hello");
    expect(seqs(container)).toEqual([5]);
    expect($("frame-count")!.textContent).toBe("1 of 5 frames");
  });

  it("by regex; an invalid one says so and keeps the previous result", async () => {
    container = await mount(<FramesView model={model()} socket={null} initialRect={RECT} />);
    await choose("filter-regex", "on");
    await type("filter-text", '"type":"(subscribe|price)"');
    expect(seqs(container)).toEqual([1, 2]);
    expect($("filter-error")).toBeNull();
    await type("filter-text", '"type":"(subscribe');
    expect($("filter-error")!.textContent).toMatch(/Invalid regex/);
    expect(seqs(container)).toEqual([1, 2]);
    await type("filter-text", "^p[io]ng$");
    expect($("filter-error")).toBeNull();
    expect(seqs(container)).toEqual([3, 4]);
  });

  it("hide heartbeats hides exactly the frames recorded from: heartbeat; nothing is guessed from payloads or timing", async () => {
    // The decoder calls "ping"/"pong" its protocol's heartbeat: the page's library made them, so they stay.
    const decoder: Decoder = (f) => (f.preview === "ping" || f.preview === "pong" ? { protocol: "Test", summary: f.preview, kind: "heartbeat" } : null);
    let m = model();
    m = reduce(
      m,
      eventsMessage([
        { kind: "heartbeat", t: 2000, socket: "a:1", phase: "sent" },
        ...frameEvents([frame("a:1", 6, { t: 2000, dir: "out", preview: '{"type":"ping"}', from: "heartbeat" })]),
        ...frameEvents([frame("a:1", 7, { t: 2001, dir: "in", preview: '{"type":"pong"}', from: "heartbeat", fate: "hidden-reply" })]),
        { kind: "heartbeat", t: 2001, socket: "a:1", phase: "answered", rttMs: 1 },
        // The page's own frame in the same ms as a heartbeat event: the old timing guess called it one.
        ...frameEvents([frame("a:1", 8, { t: 2001, dir: "in", preview: "ack" })]),
        ...frameEvents([frame("a:1", 9, { t: 2500, dir: "in", preview: "data" })]),
      ]),
    );
    container = await mount(<FramesView model={m} socket={null} decoder={decoder} initialRect={RECT} />);
    const typeOf = (seq: number) => rows(container).find((r) => r.dataset.seq === String(seq))!.dataset.type;
    expect([3, 4, 6, 7, 8].map(typeOf)).toEqual(["control", "control", "heartbeat", "heartbeat", "text"]);
    await choose("filter-hide-heartbeats", "on");
    expect(seqs(container)).toEqual([1, 2, 3, 4, 5, 8, 9]);
    await choose("filter-hide-heartbeats", "off");
    await choose("filter-type", "heartbeat");
    expect(seqs(container)).toEqual([6, 7]);
    await choose("filter-type", "control");
    expect(seqs(container)).toEqual([3, 4]);
  });

  it("by socket, and new frames of a batch are filtered as they come", async () => {
    let m = modelWith([frame("a:1", 1), frame("b:1", 1, { preview: "other" })], ["a:1", "b:1"]);
    container = await mount(<FramesView model={m} socket="b:1" initialRect={RECT} />);
    expect(rows(container).map((r) => r.dataset.socketId)).toEqual(["b:1"]);
    m = reduce(m, eventsMessage(frameEvents([frame("b:1", 2), frame("a:1", 2)])));
    await act(async () => {
      const { render } = await import("preact");
      render(<FramesView model={m} socket="b:1" initialRect={RECT} />, container);
    });
    expect(rows(container).map((r) => `${r.dataset.socketId}#${r.dataset.seq}`)).toEqual(["b:1#1", "b:1#2"]);
  });
});

describe("keyboard navigation", () => {
  it("up/down/home/end/pageup/pagedown move the selection and the table follows", async () => {
    const frames = Array.from({ length: 1000 }, (_, i) => frame("a:1", i + 1));
    container = await mount(<FramesView model={modelWith(frames)} socket={null} initialRect={RECT} />);
    layOut();
    await key("ArrowDown");
    expect(selectedSeq()).toBe(1);
    await key("ArrowDown");
    expect(selectedSeq()).toBe(2);
    await key("ArrowUp");
    expect(selectedSeq()).toBe(1);
    await key("PageDown");
    // 400 px of 20 px rows, less one for context.
    expect(selectedSeq()).toBe(20);
    await key("End");
    expect(selectedSeq()).toBe(1000);
    expect(seqs(container)).toContain(1000);
    expect(seqs(container)).not.toContain(1);
    await key("PageUp");
    expect(selectedSeq()).toBe(981);
    await key("Home");
    expect(selectedSeq()).toBe(1);
    expect(seqs(container)).toContain(1);
    expect($("frame-detail")).not.toBeNull();
  });
});
