import { describe, expect, it } from "vitest";
import { BreakpointTracker } from "../../src/panel/breakpoints";
import { FRAME_RULE_LIMITS } from "../../src/shared/frame-rule-types";
import type { RecorderEvent } from "../../src/shared/protocol";
import { frame } from "./frames-support";

type PauseEvent = Extract<RecorderEvent, { kind: "pause" }>;
const pause = (id: number, phase: PauseEvent["phase"], over: Partial<PauseEvent> = {}): PauseEvent => ({
  kind: "pause",
  t: 1000 + id,
  socket: "a:1",
  id,
  dir: "out",
  rule: 0,
  phase,
  ...over,
});

describe("BreakpointTracker", () => {
  it("an event or a record opens a breakpoint, both together make one; any other phase ends it", () => {
    const bps = new BreakpointTracker();
    bps.applyFrame(frame("a:1", 5, { fate: "paused", pause: 2, rule: 4, dir: "in" }));
    bps.applyEvent(pause(2, "paused", { dir: "in", rule: 4, untilT: 9000 }));
    bps.applyEvent(pause(1, "paused"));
    expect(bps.list().map((b) => [b.id, b.dir, b.rule, b.untilT, b.frame?.seq])).toEqual([
      [1, "out", 0, undefined, undefined],
      [2, "in", 4, 9000, 5],
    ]);
    bps.applyEvent(pause(1, "timed-out"));
    expect(bps.list().map((b) => b.id)).toEqual([2]);
  });

  it("a frame that went its way (not paused) opens nothing", () => {
    const bps = new BreakpointTracker();
    bps.applyFrame(frame("a:1", 1, { fate: "sent", pause: 1 }));
    expect(bps.size).toBe(0);
  });

  it("an answered breakpoint stays closed when its old pause is heard again (a snapshot after Clear)", () => {
    const bps = new BreakpointTracker();
    bps.applyEvent(pause(1, "paused"));
    bps.applyEvent(pause(1, "forwarded"));
    bps.applyEvent(pause(1, "paused"));
    bps.applyFrame(frame("a:1", 1, { fate: "paused", pause: 1 }));
    expect(bps.size).toBe(0);
  });

  it("holds at most the page world's bound per socket, and forgets a socket's on navigation", () => {
    const bps = new BreakpointTracker();
    for (let id = 1; id <= FRAME_RULE_LIMITS.pausedPerSocket + 5; id++) bps.applyEvent(pause(id, "paused"));
    bps.applyEvent(pause(1, "paused", { socket: "b:1" }));
    expect(bps.size).toBe(FRAME_RULE_LIMITS.pausedPerSocket + 1);
    bps.forget("a:1");
    expect(bps.list().map((b) => b.socket)).toEqual(["b:1"]);
  });
});
