/**
 * What the panel shows of one socket, and how recorder events change it. Pure: every function returns
 * a new view (or the same one when nothing changed); the model decides where it goes.
 */
import type { HeartbeatMode, RecorderEvent, SocketId, SocketSnapshot, SocketState } from "../shared/protocol";

export interface SocketView {
  id: SocketId;
  url: string;
  protocols: string[];
  frameUrl: string;
  topFrame: boolean;
  state: SocketState;
  /** Whether a rule protects it: from the snapshot, then from the recorder's protection events. */
  protected: boolean;
  /** The `match` of the rule that protects it, and the strategy chosen, when known. */
  rule?: string;
  strategy?: string;
  /** How the page world checks it is alive, from its latest protection event that said (absent: not said). */
  heartbeat?: HeartbeatMode;
  framesIn: number;
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
  createdAt: number;
  /** `seq` of the last frame in the counters: a frame event at or below it was counted already. */
  lastSeq: number;
  /** Time of the last event of this socket (creation, state change, frame, note). */
  lastActivity: number;
  /** Close code of the last `closed` state, and attempt of the last `reconnecting` state. */
  closeCode?: number;
  attempt?: number;
  /** Outages so far: times the socket went into `reconnecting` from another state. */
  reconnects: number;
  /** Frames sent again after a reconnect, and frames lost past a delivery bound (a rule's `delivery`). */
  resent?: number;
  lost?: number;
  /**
   * `live`: of the page now. `previous-page`: kept by "preserve log" across a navigation.
   * `imported`: from a HAR file, read-only.
   */
  origin: "live" | "previous-page" | "imported";
}

/**
 * A socket as a snapshot part describes it, before its buffered events are folded in (`foldSnapshotEvent`).
 * Counters come from the snapshot's totals (the ring buffer may have dropped old frames); the buffered
 * events only give the last activity and the details of the latest state.
 */
export function viewOfSnapshot(snap: SocketSnapshot): SocketView {
  return {
    id: snap.info.id,
    url: snap.info.url,
    protocols: snap.info.protocols,
    frameUrl: snap.info.frameUrl,
    topFrame: snap.info.topFrame,
    // Walked through the buffered states (counting outages), then set to the snapshot's (`settleSnapshot`).
    state: "connecting",
    protected: snap.protected,
    framesIn: snap.framesIn,
    framesOut: snap.framesOut,
    bytesIn: snap.bytesIn,
    bytesOut: snap.bytesOut,
    lastSeq: snap.lastSeq,
    createdAt: snap.info.createdAt,
    lastActivity: snap.info.createdAt,
    reconnects: 0,
    origin: "live",
  };
}

export function foldSnapshotEvent(view: SocketView, event: RecorderEvent): SocketView {
  const lastActivity = Math.max(view.lastActivity, timeOf(event));
  if (event.kind === "state") return withStateDetails({ ...view, lastActivity }, event);
  if (event.kind === "delivery") return withDelivery({ ...view, lastActivity }, event);
  if (event.kind === "protection") return withHeartbeat({ ...view, lastActivity }, event);
  return lastActivity === view.lastActivity ? view : { ...view, lastActivity };
}

/**
 * The view to show once a snapshot's events (so far) are folded in: the snapshot's state, and, for a
 * socket the panel knew, counts the ring may have forgotten kept.
 */
export function settleSnapshot(view: SocketView, snap: SocketSnapshot, before: SocketView | undefined): SocketView {
  if (!before) return { ...view, state: snap.state };
  return {
    ...view,
    state: snap.state,
    reconnects: Math.max(view.reconnects, before.reconnects),
    // The ring may have dropped delivery events the panel already counted.
    ...deliveryCounts(Math.max(view.resent ?? 0, before.resent ?? 0), Math.max(view.lost ?? 0, before.lost ?? 0)),
  };
}

/** A socket's view after a live event; undefined for an event of a socket the panel does not hold. */
export function applyEvent(view: SocketView | undefined, event: RecorderEvent): SocketView | undefined {
  if (event.kind === "created") {
    // A socket the panel already knows (from a snapshot) keeps its counters.
    if (view) return view;
    const info = event.socket;
    return {
      id: info.id,
      url: info.url,
      protocols: info.protocols,
      frameUrl: info.frameUrl,
      topFrame: info.topFrame,
      state: "connecting",
      // The recorder starts every socket unprotected and notes when that changes.
      protected: false,
      framesIn: 0,
      framesOut: 0,
      bytesIn: 0,
      bytesOut: 0,
      lastSeq: 0,
      createdAt: info.createdAt,
      lastActivity: Math.max(info.createdAt, event.t),
      reconnects: 0,
      origin: "live",
    };
  }
  if (!view) return view;
  const lastActivity = Math.max(view.lastActivity, timeOf(event));
  switch (event.kind) {
    case "state":
      return withStateDetails({ ...view, lastActivity }, event);
    case "frame": {
      // A batch that crossed a snapshot on the way carries frames the snapshot already counted.
      if (event.frame.seq <= view.lastSeq) return view;
      const lastSeq = event.frame.seq;
      return event.frame.dir === "in"
        ? { ...view, framesIn: view.framesIn + 1, bytesIn: view.bytesIn + event.frame.size, lastSeq, lastActivity }
        : { ...view, framesOut: view.framesOut + 1, bytesOut: view.bytesOut + event.frame.size, lastSeq, lastActivity };
    }
    case "protection":
      return withHeartbeat({ ...view, protected: event.protected, rule: event.rule, strategy: event.strategy, lastActivity }, event);
    case "delivery":
      return withDelivery({ ...view, lastActivity }, event);
    case "heartbeat":
    case "queue":
    case "fault":
    case "note":
    case "resume":
    case "pause":
      return { ...view, lastActivity };
    default:
      // A kind this panel does not know (a newer page world): the socket stays as it was.
      return view;
  }
}

/** A protection event without the mode (an older page world, or not known yet) keeps the last one said; protection off forgets it. */
function withHeartbeat(view: SocketView, event: Extract<RecorderEvent, { kind: "protection" }>): SocketView {
  if (!event.protected) {
    const { heartbeat: _gone, ...rest } = view;
    return rest;
  }
  return event.heartbeat === undefined ? view : { ...view, heartbeat: event.heartbeat };
}

function deliveryCounts(resent: number, lost: number): Pick<SocketView, "resent" | "lost"> {
  return resent || lost ? { resent, lost } : {};
}

/** Counts a resend or a loss; pending and acked change no counter. */
function withDelivery(view: SocketView, event: Extract<RecorderEvent, { kind: "delivery" }>): SocketView {
  if (event.status === "resent") return { ...view, ...deliveryCounts((view.resent ?? 0) + 1, view.lost ?? 0) };
  if (event.status === "lost") return { ...view, ...deliveryCounts(view.resent ?? 0, (view.lost ?? 0) + 1) };
  return view;
}

/** `view.state` is the state before the event; the result has the event's state and details. */
function withStateDetails(view: SocketView, event: Extract<RecorderEvent, { kind: "state" }>): SocketView {
  const before = view.state;
  view = { ...view, state: event.state };
  if (event.state === "closed") return { ...view, closeCode: event.code, attempt: undefined };
  if (event.state === "reconnecting") {
    // One outage, many attempts (the engine goes connecting <-> reconnecting per attempt): count the
    // loss of an open socket, or the first retry of a first connect.
    const outage = before === "open" || before === "closing" || (before !== "reconnecting" && event.attempt === 1);
    return { ...view, attempt: event.attempt, reconnects: view.reconnects + (outage ? 1 : 0) };
  }
  if (event.state === "open") return { ...view, attempt: undefined, closeCode: undefined };
  return view;
}

function timeOf(event: RecorderEvent): number {
  return event.kind === "frame" ? event.frame.t : event.t;
}
