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

describe("delivery in the frames table: facts from the records only", () => {
  it("a frame sent again is tagged by its record (from: resend); a loss is a lifecycle row; no frame is matched to an id", async () => {
    const model = modelOf([
      ...story,
      { kind: "frame", frame: frame(S, 7, { t: 1600, dir: "out", preview: '{"id":"2"}', from: "resend" }) },
    ]);
    container = await mount(<FramesView model={model} socket={S} initialRect={RECT} />);
    const bySeq = new Map(rows(container).map((r) => [Number(r.dataset.seq), r]));
    const marks = (seq: number) => [...bySeq.get(seq)!.querySelectorAll<HTMLElement>('[data-testid="frame-mark"]')].map((m) => m.textContent);
    expect(marks(7)).toEqual(["↻ resend"]);
    // The first sending of the same id is the page's own frame: nothing parsed out of its preview marks it.
    for (const seq of [1, 2, 3, 4, 5, 6]) expect(marks(seq)).toEqual([]);
    const lifecycle = [...container.querySelectorAll<HTMLElement>('[data-testid="lifecycle-row"]')];
    const lost = lifecycle.filter((r) => r.dataset.kind === "delivery-lost");
    expect(lost.map((r) => r.querySelector(".frames-preview")!.textContent)).toEqual(["delivery lost: message 3 (maxAgeMs)"]);
    // Pending, acked and resent events make no rows of their own.
    expect(lifecycle.map((r) => r.dataset.kind)).toEqual(["opened", "reconnecting", "opened", "resume", "delivery-lost", "resume"]);
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
