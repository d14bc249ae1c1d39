import { describe, expect, it } from "vitest";
import {
  LIMITS,
  PROTOCOL_VERSION,
  envelope,
  isFaultCommand,
  isForeignVersion,
  isPageToPanel,
  isPanelToPage,
  isRecorderEvent,
  isServerCloseCode,
  panelPortName,
  tabIdOfPanelPort,
  type PageToPanel,
  type RecorderEvent,
} from "../../src/shared/protocol";
import { LIMITS as SETTINGS_LIMITS } from "../../src/shared/settings";

const info = { id: "a:1", url: "wss://x/", protocols: [], frameUrl: "https://x/", topFrame: true, createdAt: 1 };
const frame = { socket: "a:1", seq: 1, t: 2, dir: "in", opcode: "text", size: 3, preview: "abc", truncated: false };
const events = (evs: unknown[]) => ({ source: "lifeguard-page", v: PROTOCOL_VERSION, type: "events", events: evs });

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
    ];
    expect(isPageToPanel(envelope<PageToPanel, "events">("lifeguard-page", "events", { events: ok }))).toBe(true);
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
    ["a preview past the largest the settings allow", events([{ kind: "frame", frame: { ...frame, preview: "x".repeat(LIMITS.previewLength + 1) } }])],
    ["null", null],
    ["an array", [1, 2]],
  ])("reject %s", (_name, msg) => {
    expect(isPageToPanel(msg)).toBe(false);
  });

  it("let a frame's preview be as long as the settings allow (record.maxPreviewBytes up to 16 MiB)", () => {
    expect(LIMITS.previewLength).toBe(SETTINGS_LIMITS.maxPreviewBytes);
    const long = { ...frame, preview: "x".repeat(LIMITS.stringLength + 1) };
    expect(isPageToPanel(events([{ kind: "frame", frame: long }]))).toBe(true);
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
