// @vitest-environment happy-dom
/** The panel's delivery and resume marks: frames table, socket list counters, timeline. */
import { afterEach, describe, expect, it } from "vitest";
import { FramesView } from "../../src/panel/FramesView";
import { SocketList } from "../../src/panel/SocketList";
import { Timeline } from "../../src/panel/Timeline";
import { createModel, reduce, type PanelModel } from "../../src/panel/model";
import { isRecorderEvent, type RecorderEvent } from "../../src/shared/protocol";
import { eventsMessage, snapshotMessage, socketInfo, socketSnapshot, stateEvent } from "../support/messages";
import { RECT, frame, mount, rows, unmount } from "./frames-support";

let container: HTMLElement;
afterEach(async () => {
  if (container) await unmount(container);
});

const S = "a:1";
const out = (seq: number, t: number, preview: string) => ({ kind: "frame" as const, frame: frame(S, seq, { t, dir: "out", preview, size: preview.length }) });
const d = (t: number, id: string, status: "pending" | "acked" | "resent" | "lost", extra: { ackMs?: number; reason?: string } = {}): RecorderEvent => ({
  kind: "delivery",
  t,
  socket: S,
  id,
  status,
  idPath: "$.id",
  ...extra,
});

/** Four frames with ids: acked; resent then acked; lost; resent and still pending. And one without an id, one inbound. */
const story: RecorderEvent[] = [
  { kind: "created", t: 1000, socket: socketInfo(S, { createdAt: 1000 }) },
  stateEvent(S, "open", 1010),
  d(1100, "1", "pending"),
  out(1, 1100, '{"id":1,"text":"hello"}'),
  d(1112, "1", "acked", { ackMs: 12 }),
  d(1200, "2", "pending"),
  out(2, 1200, '{"id":"2"}'),
  d(1300, "3", "pending"),
  out(3, 1300, '{"id":3}'),
  d(1400, "4", "pending"),
  out(4, 1400, '{"id":4}'),
  out(5, 1450, '{"noId":true}'),
  { kind: "frame", frame: frame(S, 6, { t: 1460, dir: "in", preview: '{"type":"ack","id":1}' }) },
  stateEvent(S, "reconnecting", 1500, { attempt: 1, delayMs: 100 }),
  stateEvent(S, "open", 1600),
  { kind: "resume", t: 1600, socket: S, lastSeq: "41", via: "message" },
  d(1600, "2", "resent"),
  d(1600, "4", "resent"),
  d(1630, "2", "acked", { ackMs: 30 }),
  d(2300, "3", "lost", { reason: "maxAgeMs" }),
  { kind: "resume", t: 2600, socket: S, lastSeq: "41", via: "message", replayed: 5, deduped: 2 },
];

function modelOf(events: RecorderEvent[]): PanelModel {
  return reduce(reduce(createModel(), snapshotMessage([socketSnapshot(S, {}, { createdAt: 1000 })])), eventsMessage(events));
}

describe("delivery marks in the frames table", () => {
  it("outbound frames read pending / acked with latency / resent / lost, matched by the id at the rule's idPath", async () => {
    const model = modelOf(story);
    container = await mount(<FramesView model={model} socket={S} initialRect={RECT} />);
    const bySeq = new Map(rows(container).map((r) => [Number(r.dataset.seq), r]));
    const mark = (seq: number) => bySeq.get(seq)!.querySelector('[data-testid="frame-delivery"]')?.textContent ?? null;
    expect([1, 2, 3, 4, 5, 6].map((seq) => bySeq.get(seq)!.dataset.delivery ?? null)).toEqual(["acked", "acked", "lost", "resent", null, null]);
    expect(mark(1)).toBe("acked 12 ms");
    expect(mark(2)).toBe("acked 30 ms, resent 1×");
    expect(mark(3)).toBe("lost (maxAgeMs)");
    expect(mark(4)).toBe("resent 1×, pending");
    expect(mark(5)).toBeNull();
    expect(mark(6)).toBeNull();
  });

  it("a second frame with the same id gets its own sending's mark", () => {
    const model = modelOf([
      { kind: "created", t: 1000, socket: socketInfo(S) },
      d(1100, "7", "pending"),
      out(1, 1100, '{"id":7}'),
      d(1105, "7", "acked", { ackMs: 5 }),
      d(1900, "7", "pending"),
      out(2, 1900, '{"id":7}'),
    ]);
    const frames = model.log.framesOf(S).map((i) => model.log.frames[i]!);
    expect(frames.map((f) => model.log.deliveryOf(f)?.status)).toEqual(["acked", "pending"]);
  });

  it("a frame queued in an outage matches the sending when the queue flushed", () => {
    const model = modelOf([
      { kind: "created", t: 1000, socket: socketInfo(S) },
      out(1, 1100, '{"id":"q"}'),
      d(1800, "q", "pending"),
    ]);
    expect(model.log.deliveryOf(model.log.frames[0]!)?.status).toBe("pending");
  });

  it("no mark for frames whose preview was cut short, or without delivery events", () => {
    const model = modelOf([
      { kind: "created", t: 1000, socket: socketInfo(S) },
      d(1100, "1", "pending"),
      { kind: "frame", frame: frame(S, 1, { t: 1100, dir: "out", preview: '{"id":1,"pad":"', truncated: true }) },
    ]);
    expect(model.log.deliveryOf(model.log.frames[0]!)).toBeNull();
    const other = modelOf([{ kind: "created", t: 1000, socket: socketInfo(S) }, out(1, 1100, '{"id":1}')]);
    expect(other.log.deliveryOf(other.log.frames[0]!)).toBeNull();
  });
});

describe("delivery counters in the socket list", () => {
  it("resent / lost per socket, counted once even when a batch repeats events", async () => {
    let model = modelOf(story);
    model = reduce(model, eventsMessage(story.filter((e) => e.kind === "delivery")));
    expect(model.sockets.get(S)).toMatchObject({ resent: 2, lost: 1 });
    container = await mount(<SocketList model={model} />);
    expect(container.querySelector('[data-testid="socket-delivery"]')!.textContent).toBe("2 / 1");
  });

  it("a socket without delivery shows a dash; a snapshot brings the counts from its events", async () => {
    const fromSnapshot = reduce(createModel(), snapshotMessage([socketSnapshot(S, { events: story })]));
    expect(fromSnapshot.sockets.get(S)).toMatchObject({ resent: 2, lost: 1 });
    container = await mount(<SocketList model={modelOf([])} />);
    expect(container.querySelector('[data-testid="socket-delivery"]')!.textContent).toBe("–");
  });
});

describe("resume on the timeline", () => {
  it("marks the resume message and, when its window ends, what the server replayed and what was deduped", async () => {
    container = await mount(<Timeline model={modelOf(story)} socket={S} now={3000} />);
    const marks = [...container.querySelectorAll<HTMLElement>('[data-testid="timeline-mark"][data-kind="resume"]')];
    expect(marks.map((m) => m.title.replace(/, \d\d:.*$/, ""))).toEqual([
      "resume from 41 (message)",
      "resume from 41: server replayed 5, 2 deduped",
    ]);
  });
});

describe("protocol guards", () => {
  it("accept delivery and resume events of the right shape only", () => {
    for (const e of story.filter((x) => x.kind === "delivery" || x.kind === "resume")) expect(isRecorderEvent(e)).toBe(true);
    expect(isRecorderEvent({ kind: "delivery", t: 1, socket: S, id: "1", status: "maybe" })).toBe(false);
    expect(isRecorderEvent({ kind: "delivery", t: 1, socket: S, id: 1, status: "acked" })).toBe(false);
    expect(isRecorderEvent({ kind: "delivery", t: 1, socket: S, id: "1", status: "acked", ackMs: "fast" })).toBe(false);
    expect(isRecorderEvent({ kind: "resume", t: 1, socket: S, lastSeq: "1", via: "carrier pigeon" })).toBe(false);
    expect(isRecorderEvent({ kind: "resume", t: 1, socket: S, lastSeq: 1, via: "query" })).toBe(false);
  });
});
