/**
 * What a resilience check measures (`CheckRecord`), read from what the panel already holds: the model's
 * log of the page's sockets and its page errors. No second store: the log has every event the port
 * brought (live batches and snapshots alike; after a pause, the snapshot asked for on resume fills it in),
 * and keeps where each lifecycle event stood among its socket's frames (`anchorOf`).
 *
 * The record holds the sockets' history from before the check too: a connection's first open and the
 * frames after it are what "resubscribed" compares with (measure.ts), and a socket's `created` event is
 * where its URL comes from. Frames before `since` are cut to the few that comparison reads.
 */
import type { FrameRecord, RecorderEvent, SocketEvent } from "../shared/protocol";
import type { CheckRecord } from "../shared/resilience/types";
import type { PanelModel, SocketView } from "./model";
import { mergeByTime } from "../shared/resilience/merge-streams";

/** Outbound page frames kept per socket from before the check: measure compares the first five after an open, heartbeats left out. */
const FRAMES_BEFORE_KEPT = 20;

const fromPage = (frame: FrameRecord): boolean => frame.dir === "out" && (frame.from === undefined || frame.from === "page");

/** The page's sockets the record is about: of the document now, and not done before the check began. */
function relevant(view: SocketView, since: number): boolean {
  return view.origin === "live" && (view.state !== "closed" || view.lastActivity >= since);
}

/** One socket's events in its stream's order: lifecycle events among its frames by their anchors. */
function streamOf(model: PanelModel, view: SocketView, since: number): SocketEvent[] {
  const { log } = model;
  const events = log.eventsOf(view.id);
  const out: SocketEvent[] = [];
  // Its ring may have lost the socket's creation; the view still knows what it said.
  if (!events.some((e) => e.kind === "created")) {
    const { id, url, protocols, frameUrl, topFrame, createdAt } = view;
    out.push({ kind: "created", t: createdAt, socket: { id, url, protocols, frameUrl, topFrame, createdAt } });
  }
  let k = 0;
  let keptBefore = 0;
  const eventsUpTo = (seq: number): void => {
    for (; k < events.length; k++) {
      const event = events[k]!;
      if (log.anchorOf(event) >= seq) return;
      out.push(event);
    }
  };
  for (const index of log.framesOf(view.id)) {
    const frame = log.frames[index]!;
    eventsUpTo(frame.seq);
    if (frame.t < since) {
      if (!fromPage(frame) || keptBefore >= FRAMES_BEFORE_KEPT) continue;
      keptBefore++;
    }
    out.push({ kind: "frame", frame });
  }
  eventsUpTo(Infinity);
  return out;
}


/**
 * The record of a check that began at `since`: every socket's stream (as above), the streams merged by
 * time (a socket's own order kept on equal times), and the page errors from `since` on.
 */
export function checkRecord(model: PanelModel, since: number): CheckRecord {
  const streams: SocketEvent[][] = [];
  for (const view of model.sockets.values()) if (relevant(view, since)) streams.push(streamOf(model, view, since));
  const events: RecorderEvent[] = mergeByTime(streams);
  const errors = model.pageErrors.filter((e) => e.t >= since);
  return { events, errors };
}

