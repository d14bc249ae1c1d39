import { describe, expect, it } from "vitest";
import type { RecorderEvent } from "../../src/shared/protocol";
import { faultVerdict, framesOf, recoveredSince, socketView } from "../../src/testing/records";
import { urlMatches } from "../../src/testing/url-glob";
import { socketSnapshot } from "../support/messages";

const T = 100_000;
const frame = (seq: number, dir: "in" | "out", extra: object = {}): RecorderEvent => ({
  kind: "frame",
  frame: { socket: "a:1", seq, t: T + seq, dir, opcode: "text", size: 1, preview: String(seq), truncated: false, ...extra },
});

describe("records for tests", () => {
  it("spells out provenance and fate where the record leaves the defaults out", () => {
    const s = socketSnapshot("a:1", { events: [frame(1, "out"), frame(2, "in"), frame(3, "in", { from: "injected" }), frame(4, "out", { from: "heartbeat", fate: "held" })] }, { url: "ws://h/x" });
    expect(framesOf([s]).map((f) => [f.seq, f.url, f.from, f.fate])).toEqual([
      [1, "ws://h/x", "page", "sent"],
      [2, "ws://h/x", "page", "delivered"],
      [3, "ws://h/x", "injected", "delivered"],
      [4, "ws://h/x", "heartbeat", "held"],
    ]);
    expect(framesOf([s], "wss://*")).toEqual([]);
  });

  it("a socket's strategy is the last protection's while protected; reconnects count recoveries only", () => {
    const s = socketSnapshot("a:1", {
      protected: true,
      events: [
        { kind: "protection", t: T, socket: "a:1", protected: true, strategy: "surface" },
        { kind: "state", t: T + 1, socket: "a:1", state: "open", cause: "connected" },
        { kind: "state", t: T + 2, socket: "a:1", state: "reconnecting", attempt: 1, delayMs: 5 },
        { kind: "state", t: T + 3, socket: "a:1", state: "open", attempt: 1, cause: "reconnected after 1 attempt(s), 5 ms down" },
      ],
    });
    expect(socketView(s)).toMatchObject({ strategy: "surface", reconnects: 1, protected: true });
    expect(socketView({ ...s, protected: false }).strategy).toBeNull();
  });

  it("a drop is in force once recorded and the socket left open; a refusal is final; old records do not count", () => {
    const fault = (t: number, detail?: string): RecorderEvent => ({ kind: "fault", t, socket: "a:1", fault: "drop", active: false, ...(detail ? { detail } : {}) });
    const closed: RecorderEvent = { kind: "state", t: T + 5, socket: "a:1", state: "closed", code: 1006 };
    expect(faultVerdict("drop", socketSnapshot("a:1", { events: [fault(T + 1)] }), T)).toEqual({ kind: "pending" });
    expect(faultVerdict("drop", socketSnapshot("a:1", { events: [fault(T + 1), closed] }), T)).toEqual({ kind: "in-force" });
    expect(faultVerdict("drop", socketSnapshot("a:1", { events: [fault(T - 10_000), { ...closed, t: T - 9_000 }] }), T)).toEqual({ kind: "pending" });
    expect(faultVerdict("drop", socketSnapshot("a:1", { events: [fault(T + 1, "not applied: no connection is up")] }), T)).toEqual({
      kind: "refused",
      reason: "not applied: no connection is up",
    });
  });

  it("a lasting fault is in force once recorded; inject and send once their frame is", () => {
    const on: RecorderEvent = { kind: "fault", t: T, socket: "a:1", fault: "blackhole", active: true };
    expect(faultVerdict("blackhole", socketSnapshot("a:1", { events: [on] }), T)).toEqual({ kind: "in-force" });
    expect(faultVerdict("latency", socketSnapshot("a:1", { events: [on] }), T)).toEqual({ kind: "pending" });
    expect(faultVerdict("inject", socketSnapshot("a:1", { events: [frame(1, "in")] }), T)).toEqual({ kind: "pending" });
    expect(faultVerdict("inject", socketSnapshot("a:1", { events: [frame(1, "in", { from: "injected" })] }), T)).toEqual({ kind: "in-force" });
    expect(faultVerdict("send", socketSnapshot("a:1", { events: [frame(1, "out", { from: "panel", fate: "queued" })] }), T)).toEqual({ kind: "in-force" });
  });

  it("a recovery is Lifeguard's reconnect or a new socket the page opened, after the given time", () => {
    const recovered = socketSnapshot("a:1", { events: [{ kind: "state", t: T + 5, socket: "a:1", state: "open", attempt: 2, cause: "reconnected after 2 attempt(s), 9 ms down" }] }, { url: "ws://h/" });
    expect(recoveredSince([recovered], "ws://h/", T)).toBe(true);
    expect(recoveredSince([recovered], "ws://h/", T + 1_000)).toBe(false);
    // The recovery from the previous fault, stamped a moment before this one was sent, is not this one's.
    expect(recoveredSince([recovered], "ws://h/", T + 20)).toBe(false);
    expect(recoveredSince([recovered], "wss://other/*", T)).toBe(false);
    const remade = socketSnapshot("a:2", { state: "open" }, { url: "ws://h/", createdAt: T + 10 });
    expect(recoveredSince([remade], undefined, T)).toBe(true);
    expect(recoveredSince([{ ...remade, state: "connecting" }], undefined, T)).toBe(false);
  });

  it("globs mean what they mean in rules, and a bad one is refused", () => {
    expect(urlMatches("ws://127.0.0.1:*", "ws://127.0.0.1:8080/feed")).toBe(true);
    expect(urlMatches("ws://127.0.0.1:*/feed", "ws://127.0.0.1:8080/other")).toBe(false);
    expect(urlMatches("wss://*.example.com/*", "wss://a.example.com/x")).toBe(true);
    expect(urlMatches(undefined, "anything")).toBe(true);
    expect(() => urlMatches("ws://a b", "ws://a b")).toThrow(TypeError);
  });
});
