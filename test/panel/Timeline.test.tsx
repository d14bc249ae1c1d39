// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from "vitest";
import { MAX_LANES, MAX_MARKS, Timeline } from "../../src/panel/Timeline";
import { laneOf, rateSeries } from "../../src/panel/timeline-model";
import { createModel, reduce, type PanelModel } from "../../src/panel/model";
import type { RecorderEvent } from "../../src/shared/protocol";
import { eventsMessage, frameEvent, snapshotMessage, socketInfo, socketSnapshot, stateEvent } from "../support/messages";
import { frame, frameEvents, mount, unmount } from "./frames-support";
import { formatClock } from "../../src/panel/format";

let container: HTMLElement;
afterEach(async () => {
  if (container) await unmount(container);
});

/** A protected socket that loses its server once and recovers. */
const story: RecorderEvent[] = [
  { kind: "created", t: 1000, socket: socketInfo("a:1", { createdAt: 1000 }) },
  stateEvent("a:1", "open", 1100),
  { kind: "protection", t: 1150, socket: "a:1", protected: true, strategy: "transparent" },
  { kind: "heartbeat", t: 2000, socket: "a:1", phase: "sent" },
  { kind: "heartbeat", t: 2012, socket: "a:1", phase: "answered", rttMs: 12 },
  { kind: "heartbeat", t: 3000, socket: "a:1", phase: "sent" },
  { kind: "heartbeat", t: 3500, socket: "a:1", phase: "missed", rttMs: 1500 },
  stateEvent("a:1", "reconnecting", 3500, { attempt: 1, delayMs: 120, cause: "heartbeat timeout" }),
  { kind: "queue", t: 3600, socket: "a:1", action: "dropped", count: 2, bytes: 40 },
  stateEvent("a:1", "reconnecting", 3700, { attempt: 2, delayMs: 300 }),
  stateEvent("a:1", "open", 4100),
  { kind: "queue", t: 4100, socket: "a:1", action: "flushed", count: 5, bytes: 100 },
  stateEvent("a:1", "closed", 5000, { code: 4001, reason: "bye" }),
];

function modelOf(events: RecorderEvent[]): PanelModel {
  return reduce(createModel(), eventsMessage(events));
}

describe("timeline", () => {
  it("a lane of states with attempts, delays and close code, and marks for heartbeats, queue and protection", () => {
    const model = modelOf(story);
    const lane = laneOf(model.sockets.get("a:1")!, model.log.eventsOf("a:1"), 6000);
    expect(lane.segments.map((s) => [s.state, s.from, s.to, s.label])).toEqual([
      ["connecting", 1000, 1100, "connecting"],
      ["open", 1100, 3500, "open"],
      ["reconnecting", 3500, 3700, "reconnecting #1 in 120 ms (heartbeat timeout)"],
      ["reconnecting", 3700, 4100, "reconnecting #2 in 300 ms"],
      ["open", 4100, 5000, "open"],
      ["closed", 5000, 6000, "closed 4001 bye"],
    ]);
    expect(lane.marks.map((m) => [m.kind, m.t])).toEqual([
      ["protection-on", 1150],
      ["heartbeat-sent", 2000],
      ["heartbeat-answered", 2012],
      ["heartbeat-sent", 3000],
      ["heartbeat-missed", 3500],
      ["reconnect", 3500],
      ["queue-dropped", 3600],
      ["reconnect", 3700],
      ["queue-flushed", 4100],
    ]);
    expect(lane.marks[2]!.label).toBe("heartbeat answered in 12 ms");
    expect(model.sockets.get("a:1")!.reconnects).toBe(1);
  });

  it("renders a lane per socket with its segments and marks", async () => {
    const model = reduce(
      modelOf(story),
      eventsMessage([{ kind: "created", t: 1500, socket: socketInfo("b:1", { createdAt: 1500, url: "wss://other.test/" }) }, stateEvent("b:1", "open", 1600)]),
    );
    container = await mount(<Timeline model={model} socket={null} now={6000} />);
    const lanes = [...container.querySelectorAll<HTMLElement>('[data-testid="timeline-lane"]')];
    expect(lanes.map((l) => l.dataset.socketId)).toEqual(["a:1", "b:1"]);
    const states = (lane: HTMLElement) => [...lane.querySelectorAll<HTMLElement>('[data-testid="timeline-segment"]')].map((s) => s.dataset.state);
    expect(states(lanes[0]!)).toEqual(["connecting", "open", "reconnecting", "reconnecting", "open", "closed"]);
    // Every segment says all it is in its accessible name and tooltip, whether its label fits or not.
    const named = [...lanes[0]!.querySelectorAll<HTMLElement>('[data-testid="timeline-segment"]')].map((s) => s.getAttribute("aria-label"));
    expect(named[3]).toBe(`reconnecting #2 in 300 ms, ${formatClock(3700)} – ${formatClock(4100)} (0.4 s)`);
    expect(named[5]).toContain("closed 4001 bye");
    expect(lanes[0]!.querySelectorAll('[data-kind="heartbeat-missed"]')).toHaveLength(1);
    expect(states(lanes[1]!)).toEqual(["connecting", "open"]);
    // A live socket runs to now: its open segment reaches the right edge.
    const open = lanes[1]!.querySelectorAll<HTMLElement>('[data-testid="timeline-segment"]')[1]!;
    expect(parseFloat(open.style.left) + parseFloat(open.style.width)).toBeCloseTo(100, 1);

    await unmount(container);
    container = await mount(<Timeline model={model} socket="b:1" now={6000} />);
    expect(container.querySelectorAll('[data-testid="timeline-lane"]')).toHaveLength(1);
  });

  it("rate series: messages per second in and out, and mean RTT per bucket", () => {
    const frames = [frame("a:1", 1, { t: 1000, dir: "out" }), frame("a:1", 2, { t: 1500, dir: "in" }), frame("a:1", 3, { t: 1900, dir: "in" }), frame("a:1", 4, { t: 3100, dir: "in" })];
    const model = reduce(modelOf(story), eventsMessage(frameEvents(frames)));
    const s = rateSeries(model.log.frames, model.log.framesOf("a:1"), model.log.eventsOf("a:1"), 1000, 4000);
    expect(s.x).toEqual([1, 2, 3]);
    expect(s.inbound).toEqual([2, 0, 1]);
    expect(s.outbound).toEqual([1, 0, 0]);
    expect(s.rtt).toEqual([null, 12, null]);
  });
});

describe("timeline of a page with thousands of sockets", () => {
  it("draws the first lanes and says how many more there are; the chart still counts every socket", async () => {
    let model = createModel();
    for (let p = 0; p < 2; p++) {
      model = reduce(model, snapshotMessage(Array.from({ length: 1000 }, (_, i) => socketSnapshot(`s:${p * 1000 + i}`, { events: [frameEvent(`s:${p * 1000 + i}`, "in", 1, 1000 + i)] }))));
    }
    container = await mount(<Timeline model={model} socket={null} now={6000} />);
    expect(container.querySelectorAll('[data-testid="timeline-lane"]')).toHaveLength(MAX_LANES);
    expect(container.querySelector('[data-testid="timeline-more"]')!.textContent).toBe(`${2000 - MAX_LANES} more sockets not drawn: select one in the list to see its lane`);
    await unmount(container);
    container = await mount(<Timeline model={model} socket="s:1999" now={6000} />);
    expect(container.querySelectorAll('[data-testid="timeline-lane"]')).toHaveLength(1);
    expect(container.querySelector('[data-testid="timeline-more"]')).toBeNull();
  });

  it("draws at most the latest marks of a lane an event flood went to", async () => {
    const notes: RecorderEvent[] = Array.from({ length: 3000 }, (_, i) => ({ kind: "note", t: 2000 + i, socket: "a:1", text: `n${i}` }));
    const model = reduce(modelOf(story.slice(0, 2)), eventsMessage(notes));
    container = await mount(<Timeline model={model} socket="a:1" now={6000} />);
    const marks = [...container.querySelectorAll<HTMLElement>('[data-testid="timeline-mark"]')];
    expect(marks).toHaveLength(MAX_MARKS);
    expect(marks.at(-1)!.getAttribute("title")).toContain("n2999");
  });
});
