// @vitest-environment happy-dom
/**
 * HAR export and import keep what Chrome's shape cannot say: each message's provenance and fate
 * (`_from` / `_fate`, only when not the default) and the socket's lifecycle (`_lifeguardEvents`, each
 * with the frame it came after), so an imported HAR shows the same marks and lifecycle rows.
 */
import { afterEach, describe, expect, it } from "vitest";
import { FramesView } from "../../src/panel/FramesView";
import { exportHar, importHar } from "../../src/panel/har";
import { createModel, reduce } from "../../src/panel/model";
import type { FrameRecord, RecorderEvent } from "../../src/shared/protocol";
import { eventsMessage, socketInfo, stateEvent } from "../support/messages";
import { RECT, frame, mount, unmount } from "./frames-support";

let container: HTMLElement | undefined;
afterEach(async () => {
  if (container) await unmount(container);
  container = undefined;
});

const S = "a:1";
const T = 1_700_000_000_000;
const f = (seq: number, dt: number, over: Partial<FrameRecord>): RecorderEvent => ({ kind: "frame", frame: frame(S, seq, { t: T + dt, ...over }) });

const story: RecorderEvent[] = [
  { kind: "created", t: T, socket: socketInfo(S, { createdAt: T }) },
  stateEvent(S, "open", T + 10, { protocol: "chat.v2", cause: "connected" }),
  f(1, 10, { dir: "out", preview: "hello" }),
  f(2, 20, { dir: "out", preview: "ping", from: "heartbeat" }),
  f(3, 25, { dir: "in", preview: "pong", from: "heartbeat", fate: "hidden-reply" }),
  { kind: "heartbeat", t: T + 25, socket: S, phase: "answered", rttMs: 5 },
  f(4, 30, { dir: "in", preview: "as if the server", from: "injected" }),
  stateEvent(S, "reconnecting", T + 40, { attempt: 1, delayMs: 100, code: 1006, cause: "server closed" }),
  f(5, 40, { dir: "out", preview: "during the outage", fate: "queued" }),
  stateEvent(S, "open", T + 140, { attempt: 1, cause: "reconnected after 1 attempt(s), 100 ms down" }),
  f(6, 140, { dir: "out", preview: "during the outage", from: "page", fate: "sent" }),
  f(7, 150, { dir: "in", preview: "plain", fate: "delivered" }),
  { kind: "delivery", t: T + 150, socket: S, id: "7", status: "lost", reason: "maxAgeMs" },
  f(8, 160, { dir: "out", preview: "from the panel", from: "panel" }),
  stateEvent(S, "closed", T + 160, { code: 1006, reason: "", wasClean: false, cause: "heartbeat timeout" }),
];

const model = () => reduce(createModel(), eventsMessage(story));

/** Rows top to bottom: `#seq [tags]` for a frame, `kind: text` for a lifecycle row. */
function rowsOf(root: ParentNode): string[] {
  return [...root.querySelectorAll<HTMLElement>('[data-testid="frame-row"], [data-testid="lifecycle-row"]')]
    .sort((a, b) => parseFloat(a.style.transform.slice(11)) - parseFloat(b.style.transform.slice(11)))
    .map((r) =>
      r.dataset.testid === "frame-row"
        ? `#${r.dataset.seq} ${r.dataset.from}/${r.dataset.fate} [${[...r.querySelectorAll('[data-testid="frame-mark"]')].map((m) => m.textContent).join(", ")}]`
        : `${r.dataset.kind}: ${r.querySelector(".frames-preview")!.textContent}`,
    );
}

describe("HAR with provenance, fate and lifecycle", () => {
  it("writes Chrome's keys for every message, _from/_fate only when not the default, and the lifecycle with anchors", () => {
    const m = model();
    const entry = JSON.parse(exportHar([...m.sockets.values()], m.log)).log.entries[0];
    const messages = entry._webSocketMessages as Record<string, unknown>[];
    for (const message of messages) expect(Object.keys(message).filter((k) => !k.startsWith("_")).sort()).toEqual(["data", "opcode", "time", "type"]);
    expect(messages.map((x) => [x.type, x._from ?? "-", x._fate ?? "-"])).toEqual([
      ["send", "-", "-"],
      ["send", "heartbeat", "-"],
      ["receive", "heartbeat", "hidden-reply"],
      ["receive", "injected", "-"],
      ["send", "-", "queued"],
      // `from: "page"`, `fate: "sent"` and `fate: "delivered"` are the defaults: not written.
      ["send", "-", "-"],
      ["receive", "-", "-"],
      ["send", "panel", "-"],
    ]);
    const events = entry._lifeguardEvents as (RecorderEvent & { _afterSeq: number })[];
    expect(events.map((e) => [e.kind === "state" ? e.state : e.kind, e._afterSeq])).toEqual([
      ["created", 0],
      ["open", 0],
      ["heartbeat", 3],
      ["reconnecting", 4],
      ["open", 5],
      ["delivery", 7],
      ["closed", 8],
    ]);
  });

  it("round trip: the import restores from, fate, lifecycle and anchors; the imported socket reads as the original did", async () => {
    const m = model();
    const text = exportHar([...m.sockets.values()], m.log);
    const [imported] = importHar(text, 3);
    const strip = <X extends { socket: unknown }>(x: X) => ({ ...x, socket: "?" });
    // Defaults written nowhere come back absent: compare what each frame says.
    const said = (fr: FrameRecord) => ({ ...strip(fr), from: fr.from ?? "page", fate: fr.fate ?? (fr.dir === "out" ? "sent" : "delivered") });
    const original = m.log.framesOf(S).map((i) => m.log.frames[i]!);
    expect(imported!.frames.map(said)).toEqual(original.map(said));
    expect(imported!.events.map(strip)).toEqual(m.log.eventsOf(S).map(strip));
    expect(imported!.anchors).toEqual(m.log.eventsOf(S).map((e) => m.log.anchorOf(e)));

    container = await mount(<FramesView model={m} socket={S} initialRect={RECT} />);
    const before = rowsOf(container);
    await unmount(container);
    expect(before).toContain("closed: connection closed: 1006, not clean (heartbeat timeout)");
    expect(before).toContain("#3 heartbeat/hidden-reply [♥ heartbeat, ◌ hidden: reply]");

    const withImport = reduce(createModel(), { type: "import", sockets: [imported!] });
    container = await mount(<FramesView model={withImport} socket={imported!.view.id} initialRect={RECT} />);
    expect(rowsOf(container)).toEqual(before);

    // And exported again from the panel, the same file.
    const again = JSON.parse(exportHar([withImport.sockets.get(imported!.view.id)!], withImport.log)).log.entries[0];
    const first = JSON.parse(text).log.entries[0];
    expect(again._webSocketMessages).toEqual(first._webSocketMessages);
    expect(again._lifeguardEvents.map(strip)).toEqual(first._lifeguardEvents.map(strip));
  });

  it("reads the lifecycle of Lifeguard's older exports (_lifeguard.events, no anchors) by time; refuses values it does not know", () => {
    const har = {
      log: {
        entries: [
          {
            _resourceType: "websocket",
            request: { url: "wss://x.test/" },
            startedDateTime: new Date(T).toISOString(),
            _webSocketMessages: [
              { type: "send", time: (T + 10) / 1000, opcode: 1, data: "a", _from: "panel" },
              { type: "receive", time: (T + 30) / 1000, opcode: 1, data: "b", _from: "telepathy", _fate: "vanished" },
            ],
            _lifeguard: { events: [stateEvent("old:1", "closed", T + 20, { code: 1001 }), { kind: "nonsense", t: 1 }] },
          },
        ],
      },
    };
    const [socket] = importHar(JSON.stringify(har), 1);
    expect(socket!.frames.map((fr) => [fr.from, fr.fate])).toEqual([
      ["panel", undefined],
      [undefined, undefined],
    ]);
    expect(socket!.events).toEqual([stateEvent(socket!.view.id, "closed", T + 20, { code: 1001 })]);
    const m = reduce(createModel(), { type: "import", sockets: [socket!] });
    // Without an anchor, the event stands after the frames recorded before its time.
    expect(m.log.anchorOf(m.log.eventsOf(socket!.view.id)[0]!)).toBe(1);
  });
});
