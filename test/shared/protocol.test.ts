import { describe, expect, it } from "vitest";
import {
  LIMITS,
  PAGE_ERROR_MESSAGE_MAX,
  PROTOCOL_VERSION,
  envelope,
  isFaultCommand,
  isForeignVersion,
  isPageToPanel,
  isPanelToPage,
  isRecorderEvent,
  isRelayToPanel,
  isPageToRelay,
  isRelayToPage,
  isServerCloseCode,
  panelPortName,
  speaksForItsOwn,
  tabIdOfPanelPort,
  weigh,
  type PageToPanel,
  type RecorderEvent,
  type RelayToPanel,
} from "../../src/shared/protocol";
import { eventsMessage, snapshotMessage, socketSnapshot, stateEvent } from "../support/messages";

const info = { id: "a:1", url: "wss://x/", protocols: [], frameUrl: "https://x/", topFrame: true, createdAt: 1 };
const frame = { socket: "a:1", seq: 1, t: 2, dir: "in", opcode: "text", size: 3, preview: "abc", truncated: false };
const events = (evs: unknown[]) => ({
  source: "lifeguard-page",
  v: PROTOCOL_VERSION,
  type: "events",
  stream: "a",
  from: 1,
  to: Array.isArray(evs) ? evs.length : 1,
  events: evs,
});

describe("protocol guards: what arrives from another context is untrusted", () => {
  it("accept well-formed messages", () => {
    const ok: RecorderEvent[] = [
      { kind: "created", t: 1, socket: info },
      { kind: "state", t: 1, socket: "a:1", state: "closed", code: 1006, wasClean: false },
      { kind: "frame", frame: frame as never },
      { kind: "heartbeat", t: 1, socket: "a:1", phase: "answered", rttMs: 3 },
      { kind: "queue", t: 1, socket: "a:1", action: "dropped", count: 1, bytes: 10 },
      { kind: "protection", t: 1, socket: "a:1", protected: true, rule: "wss://x/*" },
      { kind: "fault", t: 1, socket: "a:1", fault: "offline", active: true, untilT: 9 },
      { kind: "note", t: 1, socket: "a:1", text: "hi" },
      { kind: "fault", t: 1, socket: "a:1", fault: "refuse", active: true, detail: "5000 ms", untilT: 5001 },
      { kind: "page-error", t: 1, what: "console", message: "x".repeat(PAGE_ERROR_MESSAGE_MAX) },
      { kind: "page-error", t: 1, what: "unhandledrejection", message: "" },
    ];
    expect(isPageToPanel(envelope<PageToPanel, "events">("lifeguard-page", "events", { stream: "a", from: 3, to: 2 + ok.length, events: ok }))).toBe(true);
  });

  it.each([
    ["no source", { v: PROTOCOL_VERSION, type: "events", events: [] }],
    ["a foreign source", { source: "evil", v: PROTOCOL_VERSION, type: "events", events: [] }],
    ["another version", { source: "lifeguard-page", v: PROTOCOL_VERSION + 1, type: "events", events: [] }],
    ["an unknown type", { source: "lifeguard-page", v: PROTOCOL_VERSION, type: "eval", code: "x" }],
    ["events that are not an array", events("nope" as never)],
    ["too many events", events(Array.from({ length: LIMITS.eventsPerBatch + 1 }, () => ({ kind: "note", t: 1, socket: "a", text: "" })))],
    ["an unknown event kind", events([{ kind: "script", t: 1, socket: "a" }])],
    ["a NaN time", events([{ kind: "note", t: NaN, socket: "a", text: "" }])],
    ["a state that does not exist", events([{ kind: "state", t: 1, socket: "a", state: "hacked" }])],
    ["a frame with a numeric preview", events([{ kind: "frame", frame: { ...frame, preview: 5 } }])],
    ["an over-long string", events([{ kind: "note", t: 1, socket: "a", text: "x".repeat(LIMITS.stringLength + 1) }])],
    ["a preview past what may cross", events([{ kind: "frame", frame: { ...frame, preview: "x".repeat(LIMITS.previewLength + 1) } }])],
    ["a batch whose numbers do not count its events", { ...events([{ kind: "note", t: 1, socket: "a", text: "" }]), to: 2 }],
    ["a batch numbered from 0", { ...events([]), from: 0, to: -1 }],
    ["a batch with no stream", { ...events([]), stream: "" }],
    ["a snapshot part past its parts", { ...snapshotMessage([]), part: 1, parts: 1 }],
    ["a page error of a kind that does not exist", events([{ kind: "page-error", t: 1, what: "alert", message: "" }])],
    ["a page error past its length", events([{ kind: "page-error", t: 1, what: "error", message: "x".repeat(PAGE_ERROR_MESSAGE_MAX + 1) }])],
    ["a page error with no message", events([{ kind: "page-error", t: 1, what: "error" }])],
    ["a page error in a socket's snapshot", snapshotMessage([socketSnapshot("page:1", { events: [{ kind: "page-error", t: 1, what: "error", message: "" }] })])],
    ["a snapshot part with more events than a batch may hold", snapshotMessage(
      [0, 1].map((i) => socketSnapshot(`a:${i}`, { events: Array.from({ length: LIMITS.eventsPerBatch / 2 + 1 }, () => stateEvent(`a:${i}`, "open", 1)) })),
    )],
    ["null", null],
    ["an array", [1, 2]],
  ])("reject %s", (_name, msg) => {
    expect(isPageToPanel(msg)).toBe(false);
  });

  it("let a frame's preview be as long as may cross, and a message as many events as a batch may hold", () => {
    const long = { ...frame, preview: "x".repeat(LIMITS.previewLength) };
    expect(isPageToPanel(events([{ kind: "frame", frame: long }]))).toBe(true);
    const many = Array.from({ length: LIMITS.eventsPerBatch }, () => ({ kind: "note", t: 1, socket: "a", text: "" }));
    expect(isPageToPanel(events(many))).toBe(true);
  });

  it("take relay notices only from the relay, and the relay's and page world's own messages by shape", () => {
    const drops = { messages: 1, events: 2, sockets: 0, chars: 3 };
    const notice = envelope<RelayToPanel, "over-budget">("lifeguard-relay", "over-budget", { relay: "r1", frameUrl: "https://x/", stream: "s", dropped: drops });
    expect(isRelayToPanel(notice)).toBe(true);
    expect(isRelayToPanel({ ...notice, source: "lifeguard-page" })).toBe(false);
    expect(isRelayToPanel({ ...notice, dropped: { ...drops, events: -1 } })).toBe(false);
    const refused = envelope<RelayToPanel, "bridge-refused">("lifeguard-relay", "bridge-refused", { relay: "r1", frameUrl: "", reason: "second", count: 2 });
    expect(isRelayToPanel(refused)).toBe(true);
    expect(isRelayToPanel({ ...refused, reason: "because" })).toBe(false);
    const wire = (source: string, type: string, payload: object) => ({ source, v: PROTOCOL_VERSION, type, ...payload });
    expect(isPageToRelay(wire("lifeguard-page", "rule-query", { url: "wss://x/" }))).toBe(true);
    expect(isPageToRelay(wire("lifeguard-page", "rule-query", { url: 5 }))).toBe(false);
    expect(isRelayToPage(wire("lifeguard-relay", "rule", { url: "wss://x/", rule: null }))).toBe(true);
    expect(isRelayToPage(wire("lifeguard-relay", "rule", { url: "wss://x/", rule: "all" }))).toBe(false);
    expect(isRelayToPage(wire("lifeguard-relay", "config", { enabled: true, record: { maxFramesPerSocket: -1, maxPreviewBytes: 1 } }))).toBe(false);
  });

  it("tell a message that speaks only for its own stream's sockets from one that speaks for another frame's", () => {
    const mine = eventsMessage([stateEvent("s:1", "open", 1)], 1, "s");
    expect(speaksForItsOwn(mine)).toBe(true);
    expect(speaksForItsOwn(eventsMessage([stateEvent("t:1", "open", 1)], 1, "s"))).toBe(false);
    // "s:" is the prefix, not "s": a stream "s" cannot speak for stream "s2"'s sockets.
    expect(speaksForItsOwn(eventsMessage([stateEvent("s2:1", "open", 1)], 1, "s"))).toBe(false);
    expect(speaksForItsOwn(snapshotMessage([socketSnapshot("s:1")], "", { stream: "s" }))).toBe(true);
    expect(speaksForItsOwn(snapshotMessage([socketSnapshot("s:1", { events: [stateEvent("s:2", "open", 1)] })], "", { stream: "s" }))).toBe(false);
    // A page error is the stream's own: the batch's stream is whose it is.
    expect(speaksForItsOwn(eventsMessage([{ kind: "page-error", t: 1, what: "error", message: "boom" }, stateEvent("s:1", "open", 1)], 1, "s"))).toBe(true);
  });

  it("weigh a message by its events, the sockets it declares and the characters of all its strings", () => {
    const created: RecorderEvent = { kind: "created", t: 1, socket: info };
    const w = weigh(eventsMessage([created, { kind: "frame", frame: frame as never }], 1, "a"));
    expect(w).toEqual({ events: 2, sockets: 1, chars: expect.any(Number) });
    // Every string counts: ids, URLs, kinds, preview.
    expect(w.chars).toBeGreaterThanOrEqual(info.url.length + info.frameUrl.length + frame.preview.length);
    const snap = weigh(snapshotMessage([socketSnapshot("a:1", { events: [stateEvent("a:1", "open", 1)] })], "https://x/", { stream: "a" }));
    expect(snap.events).toBe(2);
    expect(snap.sockets).toBe(1);
  });

  it("tell a message of another protocol version from garbage", () => {
    expect(isForeignVersion({ source: "lifeguard-page", v: 99, type: "events" })).toBe(true);
    expect(isForeignVersion({ source: "somebody", v: 99 })).toBe(false);
  });

  it("check fault commands: codes a server can send, bounded durations, valid encodings", () => {
    expect(isFaultCommand({ kind: "close", code: 4001, reason: "bye" })).toBe(true);
    for (const code of [999, 1004, 1005, 1006, 1015, 2999, 5000, 1000.5]) expect(isServerCloseCode(code), String(code)).toBe(false);
    expect(isFaultCommand({ kind: "close", code: 1000, reason: "é".repeat(62) })).toBe(false); // 124 bytes > 123
    expect(isFaultCommand({ kind: "offline", durationMs: -1 })).toBe(false);
    expect(isFaultCommand({ kind: "offline", durationMs: 3_600_001 })).toBe(false);
    expect(isFaultCommand({ kind: "latency", inMs: 10, outMs: Infinity })).toBe(false);
    expect(isFaultCommand({ kind: "inject", data: "0g", encoding: "hex" })).toBe(false);
    expect(isFaultCommand({ kind: "inject", data: "AQID", encoding: "base64" })).toBe(true);
    expect(isFaultCommand({ kind: "inject", data: "x", encoding: "utf-7" })).toBe(false);
    expect(isFaultCommand({ kind: "rm -rf" })).toBe(false);
    const msg = (fault: unknown, target: unknown = { tab: true }) => ({ source: "lifeguard-relay", v: PROTOCOL_VERSION, type: "fault", target, fault });
    expect(isPanelToPage(msg({ kind: "drop" }))).toBe(true);
    expect(isPanelToPage(msg({ kind: "drop" }, { socket: 5 }))).toBe(false);
    expect(isPanelToPage(msg({ kind: "drop" }, {}))).toBe(false);
  });

  it("check refusals like the other lasting faults, a check's own faults, and the check command", () => {
    expect(isFaultCommand({ kind: "refuse", durationMs: 5000 })).toBe(true);
    expect(isFaultCommand({ kind: "refuse", durationMs: 0 })).toBe(true);
    for (const durationMs of [-1, 3_600_001, 1.5, NaN, "5000", undefined]) expect(isFaultCommand({ kind: "refuse", durationMs }), String(durationMs)).toBe(false);
    const fault = (over: object) => ({ source: "lifeguard-relay", v: PROTOCOL_VERSION, type: "fault", target: { tab: true }, fault: { kind: "refuse", durationMs: 10 }, ...over });
    expect(isPanelToPage(fault({}))).toBe(true);
    expect(isPanelToPage(fault({ check: true }))).toBe(true);
    // `check` is there or not: no other value passes for it.
    for (const check of [false, 1, "yes", {}]) expect(isPanelToPage(fault({ check })), String(check)).toBe(false);
    const check = (over: object) => ({ source: "lifeguard-relay", v: PROTOCOL_VERSION, type: "check", ...over });
    expect(isPanelToPage(check({ on: true }))).toBe(true);
    expect(isPanelToPage(check({ on: false }))).toBe(true);
    for (const on of [undefined, 1, "true", null]) expect(isPanelToPage(check({ on })), String(on)).toBe(false);
  });

  it("a 16 MiB hex payload is checked in bounded time", () => {
    const data = "ab".repeat(8 * 1024 * 1024);
    const t0 = performance.now();
    expect(isFaultCommand({ kind: "inject", data, encoding: "hex" })).toBe(true);
    expect(isFaultCommand({ kind: "inject", data: `${data}a`, encoding: "hex" })).toBe(false);
    // Linear, not backtracking: generous bound for a noisy machine.
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it("parse port names strictly", () => {
    expect(tabIdOfPanelPort(panelPortName(42))).toBe(42);
    for (const name of ["panel:", "panel:-1", "panel:1e3", "panel:abc", "content", "panel:9007199254740993"]) {
      expect(tabIdOfPanelPort(name), name).toBeNull();
    }
  });

  it("every recorder event the guards accept survives structured cloning unchanged", () => {
    const ev = { kind: "fault", t: 1, socket: "a", fault: "latency", active: true, detail: "in 5 ms" };
    expect(isRecorderEvent(ev)).toBe(true);
    expect(structuredClone(ev)).toEqual(ev);
  });
});
