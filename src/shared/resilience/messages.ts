/**
 * What became of the messages the page sent while a connection was lost, as far as the records can
 * tell (docs/resilience-report.md, "messages", says the same in prose):
 * - each page send counts once: a frame record from the page (provenance `page`) with any fate, or a
 *   `queue` event `dropped` for a `send()` that threw (no frame was ever made of it);
 * - a frame recorded `queued` is the same message as the first later frame of the same socket from
 *   the page with the same size, opcode and preview (the record made when the queue flushed it): that
 *   record's fate decides; a queued message with no such record before the next step was never sent
 *   (the queue dropped or discarded it, or still holds it): lost;
 * - delivered: fate `sent`; or `held` / `delayed` (a black-hole or latency keeps the frame and lets it
 *   go later, in order) unless the wire recorded it again as `dropped` (a fault ended the connection
 *   while it was kept: that second record is the same message, not another send); lost: `dropped`
 *   (sent on a closed socket, dropped by a fault or a bound), a `send()` that threw, a queued message
 *   never sent, a held or delayed frame recorded dropped;
 * - duplicated: `delivery` events `resent` for an id the server had already acknowledged.
 * A page send recorded twice as sent cannot be told from the page sending the same message again, and
 * the recorder records each frame once at the wire, so nothing else is counted as a duplicate.
 */
import type { FrameRecord, SocketId } from "../protocol";
import type { ConnectionStepResult } from "./types";
import type { RecordIndex } from "./record-index";

export type MessageCount = ConnectionStepResult["messages"];

export interface MessageWindow {
  /** The connection's sockets. */
  sockets: ReadonlySet<SocketId>;
  /** Event indices: sends in [from, to) are counted. */
  from: number;
  to: number;
  /** Event index where looking for a queued message's later record stops (the next step's start). */
  horizon: number;
}

const isFromPage = (frame: FrameRecord): boolean => frame.dir === "out" && (frame.from === undefined || frame.from === "page");

const sameMessage = (a: FrameRecord, b: FrameRecord): boolean => a.size === b.size && a.opcode === b.opcode && a.preview === b.preview;

type Outcome = "delivered" | "lost";

/**
 * What became of the frame recorded at event `at`. A held or delayed frame went later unless the wire
 * recorded it `dropped` before `horizon`; that record's index goes into `discards`, so it is not
 * counted as a send of its own.
 */
function outcomeOf(index: RecordIndex, frame: FrameRecord, at: number, horizon: number, discards: Set<number>): Outcome {
  switch (frame.fate ?? "sent") {
    case "sent":
      return "delivered";
    case "held":
    case "delayed":
      for (let i = at + 1; i < horizon; i++) {
        const e = index.events[i]!;
        if (e.kind !== "frame" || discards.has(i)) continue;
        if (e.frame.fate === "dropped" && e.frame.socket === frame.socket && e.frame.dir === frame.dir && sameMessage(frame, e.frame)) {
          discards.add(i);
          return "lost";
        }
      }
      return "delivered";
    default:
      return "lost";
  }
}

export function countMessages(index: RecordIndex, w: MessageWindow): MessageCount {
  const count: MessageCount = { sent: 0, delivered: 0, lost: 0, duplicated: 0, queued: 0 };
  const queued: { frame: FrameRecord }[] = [];
  const discards = new Set<number>();
  const { events } = index;
  for (let i = w.from; i < w.to; i++) {
    const e = events[i]!;
    if (discards.has(i)) continue;
    if (e.kind === "queue") {
      if (w.sockets.has(e.socket) && e.action === "dropped" && e.reason?.startsWith("send() threw")) {
        count.sent += e.count;
        count.lost += e.count;
      }
      continue;
    }
    if (e.kind !== "frame" || !w.sockets.has(e.frame.socket) || !isFromPage(e.frame)) continue;
    count.sent++;
    if (e.frame.fate === "queued") {
      count.queued++;
      queued.push({ frame: e.frame });
      continue;
    }
    count[outcomeOf(index, e.frame, i, w.horizon, discards)]++;
  }
  // The queue flushes after the new open, so the later records are looked for past the window.
  let waiting = queued.slice();
  for (let i = w.to; i < w.horizon && waiting.length > 0; i++) {
    const e = events[i]!;
    if (e.kind !== "frame" || discards.has(i) || !isFromPage(e.frame) || e.frame.fate === "queued") continue;
    const at = waiting.findIndex((q) => q.frame.socket === e.frame.socket && sameMessage(q.frame, e.frame));
    if (at < 0) continue;
    count[outcomeOf(index, e.frame, i, w.horizon, discards)]++;
    waiting = waiting.filter((_, k) => k !== at);
  }
  count.lost += waiting.length;
  count.duplicated = countDuplicates(index, w);
  return count;
}

/** `resent` deliveries of ids the server had acknowledged before: the server got them twice. */
function countDuplicates(index: RecordIndex, w: MessageWindow): number {
  const acked = new Set<string>();
  let duplicated = 0;
  for (let i = 0; i < w.horizon; i++) {
    const e = index.events[i]!;
    if (e.kind !== "delivery" || !w.sockets.has(e.socket)) continue;
    const key = `${e.socket}\n${e.id}`;
    if (e.status === "acked") acked.add(key);
    else if (e.status === "resent" && i >= w.from && acked.has(key)) duplicated++;
  }
  return duplicated;
}
