import { describe, expect, it } from "vitest";
import { faultLabel, laneOf, MIN_SILENCE_MS, silencesOf, type LaneSegment } from "../../src/panel/timeline-model";
import type { LifecycleEvent } from "../../src/panel/socket-log";
import { stateEvent } from "../support/messages";

const view = { createdAt: 0, state: "open" as const };
const opened = stateEvent("a:1", "open", 100) as LifecycleEvent;
const shape = (segments: LaneSegment[]) => segments.map((s) => [s.state, s.halfOpen ?? null, s.from, s.to]);

describe("half-open periods", () => {
  it("a black-hole in force makes its part of the open segment half-open, not open", () => {
    const events: LifecycleEvent[] = [
      opened,
      { kind: "fault", t: 1000, socket: "a:1", fault: "blackhole", active: true, detail: "3000 ms", untilT: 4000 },
      { kind: "fault", t: 4000, socket: "a:1", fault: "blackhole", active: false },
    ];
    const lane = laneOf(view, events, 9000);
    expect(shape(lane.segments)).toEqual([
      ["connecting", null, 0, 100],
      ["open", null, 100, 1000],
      ["open", "blackhole", 1000, 4000],
      ["open", null, 4000, 9000],
    ]);
    expect(lane.segments[2]!.label).toBe("half-open (black-hole in force)");
    expect(lane.marks.map((m) => m.kind)).toEqual(["fault-on", "fault-off"]);
  });

  it("a black-hole whose end was not recorded lasts until its untilT, or to the end of the lane", () => {
    const at = (untilT?: number) =>
      shape(laneOf(view, [opened, { kind: "fault", t: 1000, socket: "a:1", fault: "blackhole", active: true, untilT }], 9000).segments).slice(1);
    expect(at(2500)).toEqual([
      ["open", null, 100, 1000],
      ["open", "blackhole", 1000, 2500],
      ["open", null, 2500, 9000],
    ]);
    expect(at(undefined)).toEqual([
      ["open", null, 100, 1000],
      ["open", "blackhole", 1000, 9000],
    ]);
  });

  it("from a missed heartbeat to the close that follows, the socket is half-open", () => {
    const events: LifecycleEvent[] = [
      opened,
      { kind: "heartbeat", t: 2000, socket: "a:1", phase: "missed", rttMs: 1500 },
      stateEvent("a:1", "closed", 2600, { code: 1006 }) as LifecycleEvent,
    ];
    const lane = laneOf(view, events, 9000);
    expect(shape(lane.segments)).toEqual([
      ["connecting", null, 0, 100],
      ["open", null, 100, 2000],
      ["open", "missed", 2000, 2600],
      ["closed", null, 2600, 9000],
    ]);
    expect(lane.segments[2]!.label).toBe("half-open (heartbeat missed)");
  });

  it("a missed heartbeat the reconnect answers at once leaves no half-open sliver", () => {
    const events: LifecycleEvent[] = [
      opened,
      { kind: "heartbeat", t: 2000, socket: "a:1", phase: "missed" },
      stateEvent("a:1", "reconnecting", 2000, { attempt: 1 }) as LifecycleEvent,
    ];
    expect(laneOf(view, events, 3000).segments.map((s) => s.halfOpen ?? s.state)).toEqual(["connecting", "open", "reconnecting"]);
  });
});

describe("silences", () => {
  const open = (from: number, to: number): LaneSegment => ({ state: "open", from, to, label: "open" });

  it("shades a stretch with no frame either way for longer than max(5 s, 3 × the median gap), with its duration", () => {
    // Frames every second, then 7.5 s of nothing, then every second again: median gap 1 s, threshold 5 s.
    const times = [1000, 2000, 3000, 4000, 11_500, 12_500, 13_500];
    const silences = silencesOf([open(500, 14_000)], times);
    expect(silences.map((s) => [s.from, s.to, s.label])).toEqual([[4000, 11_500, "silent for 7.5 s"]]);
  });

  it("the threshold follows a slow socket's own pace, and counts to the ends of the open period", () => {
    // A frame every 4 s: 3 × 4 s = 12 s; a 10 s gap is its usual pace, 13 s from the last frame to the end is not.
    const times = [0, 4000, 8000, 12_000, 16_000, 26_000];
    expect(silencesOf([open(0, 39_000)], times).map((s) => [s.from, s.to])).toEqual([[26_000, 39_000]]);
    expect(MIN_SILENCE_MS).toBe(5000);
  });

  it("only in open periods (half-open parts included), not while reconnecting or closed", () => {
    const segments: LaneSegment[] = [
      open(0, 2000),
      { state: "open", from: 2000, to: 9000, label: "half-open", halfOpen: "blackhole" },
      { state: "reconnecting", from: 9000, to: 30_000, label: "reconnecting" },
    ];
    expect(silencesOf(segments, [500, 1000]).map((s) => [s.from, s.to])).toEqual([[1000, 9000]]);
  });

  it("claims no silence before the frames the log still holds", () => {
    expect(silencesOf([open(0, 30_000)], [20_000, 21_000], 20_000).map((s) => [s.from, s.to])).toEqual([[21_000, 30_000]]);
    expect(silencesOf([open(0, 30_000)], [], Infinity)).toEqual([]);
  });

  it("laneOf takes the frame times, in any order", () => {
    const lane = laneOf(view, [opened], 18_000, [14_000, 100, 200, 300]);
    expect(lane.silences.map((s) => [s.from, s.to])).toEqual([[300, 14_000]]);
  });
});

describe("marks", () => {
  it("each kind of event its own kind of mark: one-off and lasting faults, reconnect attempts, lost deliveries, notes", () => {
    const events: LifecycleEvent[] = [
      opened,
      { kind: "heartbeat", t: 200, socket: "a:1", phase: "sent" },
      { kind: "note", t: 210, socket: "a:1", text: "hello" },
      { kind: "fault", t: 300, socket: "a:1", fault: "drop", active: false },
      { kind: "fault", t: 310, socket: "a:1", fault: "latency", active: true, detail: "in 200 out 200" },
      { kind: "fault", t: 320, socket: "a:1", fault: "latency", active: false },
      { kind: "delivery", t: 330, socket: "a:1", id: "42", status: "lost", reason: "maxAgeMs" },
      { kind: "delivery", t: 340, socket: "a:1", id: "43", status: "acked", ackMs: 5 },
      stateEvent("a:1", "reconnecting", 400, { attempt: 1, delayMs: 100 }) as LifecycleEvent,
    ];
    const marks = laneOf(view, events, 1000).marks;
    expect(marks.map((m) => [m.kind, m.label])).toEqual([
      ["heartbeat-sent", "heartbeat sent"],
      ["note", "hello"],
      ["fault-on", "fault: drop"],
      ["fault-on", "fault: latency started (in 200 out 200)"],
      ["fault-off", "fault: latency ended"],
      ["delivery-lost", "delivery lost: message 42 (maxAgeMs)"],
      ["reconnect", "reconnecting #1 in 100 ms"],
    ]);
  });
});

describe("fault labels", () => {
  const fault = (active: boolean, detail?: string) => ({ kind: "fault", t: 1, socket: "s:1", fault: "blackhole", active, detail }) as Extract<LifecycleEvent, { kind: "fault" }>;

  it("a lasting fault that found nothing to act on reads as not applied, not as ended", () => {
    expect(faultLabel(fault(false, "not applied: no connection is up"))).toBe("fault: black-hole (not applied: no connection is up)");
    expect(faultLabel(fault(false))).toBe("fault: black-hole ended");
    expect(faultLabel(fault(true, "10000 ms"))).toBe("fault: black-hole started (10000 ms)");
  });
});
