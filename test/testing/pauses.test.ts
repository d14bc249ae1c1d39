/** Breakpoints as the testing API reads and answers them (src/testing/pauses.ts), from recorded events. */
import { describe, expect, it } from "vitest";
import { isPanelToPage, type RecorderEvent, type SocketSnapshot } from "../../src/shared/protocol";
import { pauseAnswered, pauseCommand, pausedOf } from "../../src/testing/pauses";

const frame = (seq: number, preview: string, extra: object = {}): RecorderEvent => ({
  kind: "frame",
  frame: { socket: "s:1", seq, t: seq, dir: "out", opcode: "text", size: preview.length, preview, truncated: false, ...extra },
});
const pause = (id: number, phase: "paused" | "forwarded" | "dropped" | "timed-out", untilT?: number): RecorderEvent => ({
  kind: "pause", t: 0, socket: "s:1", id, dir: "out", rule: 2, phase, ...(untilT ? { untilT } : {}),
});
const snapshot = (url: string, events: RecorderEvent[]): SocketSnapshot => ({
  info: { id: "s:1", url, protocols: [], frameUrl: "", topFrame: true, createdAt: 0 },
  state: "open", protected: false, framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0, lastSeq: 0, events,
});

describe("pausedOf", () => {
  const events = [
    frame(1, "a", { fate: "paused", pause: 1, rule: 2 }),
    pause(1, "paused", 5000),
    frame(2, "b", { fate: "paused", pause: 2, rule: 2 }),
    pause(2, "paused", 6000),
    frame(3, "c"),
    pause(1, "forwarded"),
  ];

  it("lists the frames still waiting, with their rule and deadline; an answered one is gone", () => {
    expect(pausedOf([snapshot("ws://a/", events)])).toEqual([
      { socket: "s:1", url: "ws://a/", id: 2, dir: "out", rule: 2, opcode: "text", preview: "b", truncated: false, untilT: 6000 },
    ]);
    expect(pausedOf([snapshot("ws://a/", [...events, pause(2, "timed-out")])])).toEqual([]);
    expect(pausedOf([snapshot("ws://a/", events)], "ws://b/*")).toEqual([]);
  });

  it("knows when a breakpoint was answered", () => {
    const s = [snapshot("ws://a/", events)];
    expect(pauseAnswered(s, "s:1", 1)).toBe(true);
    expect(pauseAnswered(s, "s:1", 2)).toBe(false);
  });
});

describe("pauseCommand", () => {
  it("is a pause command the page world's guard accepts: text as text, bytes as base64", () => {
    const text = pauseCommand({ socket: "s:1", id: 4 }, "forward", "edited");
    expect(text).toMatchObject({ type: "pause", socket: "s:1", id: 4, action: "forward", data: "edited", encoding: "text" });
    const bytes = pauseCommand({ socket: "s:1", id: 4 }, "forward", new Uint8Array([1, 2, 255]));
    expect(bytes).toMatchObject({ data: "AQL/", encoding: "base64" });
    const drop = pauseCommand({ socket: "s:1", id: 4 }, "drop");
    expect(drop).not.toHaveProperty("data");
    for (const c of [text, bytes, drop]) expect(isPanelToPage(c)).toBe(true);
  });
});
