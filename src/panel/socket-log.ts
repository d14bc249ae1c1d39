/**
 * Everything the panel holds of a tab's sockets beyond their counters: every frame, and the lifecycle
 * events (states, heartbeats, queue, protection, notes) the timeline draws.
 *
 * Built for 100,000+ frames arriving in 50 ms batches: frames are kept as the very records that came
 * off the port, in one append-only array (plus an append-only index list per socket). Nothing is
 * copied per batch: the log is mutated in place and its `version` goes up, which is what the model
 * and the views compare. Appending is idempotent by `(socket, seq)`, so a snapshot that repeats what
 * events already brought (after a worker restart, or on resume) adds only what is new.
 *
 * Indices into `frames` stay valid until `epoch` changes (a clear, or sockets dropped on navigation).
 */
import type { DeliveryStatus, FrameRecord, RecorderEvent, SocketId } from "../shared/protocol";
import { compilePath, idString, readJsonObject, valueAt, type PathSegment } from "../core/json-path";

/** A recorder event that is not a frame: what the timeline draws. */
export type LifecycleEvent = Exclude<RecorderEvent, { kind: "frame" }>;

interface SocketEntries {
  /** Indices into `frames`, ascending. */
  frames: number[];
  /** Lifecycle events, by time. */
  events: LifecycleEvent[];
  /** Keys of the lifecycle events held, so a snapshot's repeat of them is not added twice. */
  eventKeys: Set<string>;
  /** Highest frame `seq` ever appended, kept across a clear so an old frame never comes back. */
  lastSeq: number;
  /** Times of Lifeguard's own heartbeat pings sent and answered: identify the frames they match. */
  heartbeatTimes: number[];
  /** Delivery of outbound frames with an id, by id (a rule's `delivery`); null until the first event. */
  delivery: DeliveryIndex | null;
}

interface DeliveryIndex {
  /** The rule's `idPath`, from the events: where to find a frame's id in its preview. */
  idPath: string | null;
  byId: Map<string, DeliveryMark[]>;
}

/** What became of one sending of an outbound frame with an id: one per `pending` event. */
export interface DeliveryMark {
  id: string;
  /** When it became pending (really sent; for a frame queued in an outage, when the queue flushed). */
  pendingT: number;
  status: Exclude<DeliveryStatus, "resent">;
  /** Times it was sent again after a reconnect. */
  resent: number;
  ackMs?: number;
  reason?: string;
}

const EMPTY: readonly number[] = [];
const NO_EVENTS: readonly LifecycleEvent[] = [];

/** A frame within this many ms of a heartbeat sent/answered event of its socket is that heartbeat's frame. */
const HEARTBEAT_MATCH_MS = 3;
/** A frame's record comes just after its `pending` event (same task): this much clock slack between them. */
const DELIVERY_MATCH_MS = 5;

export class SocketLog {
  /** Every frame, in arrival order. The records as they came: never copied, never mutated. */
  readonly frames: FrameRecord[] = [];
  private readonly sockets = new Map<SocketId, SocketEntries>();
  /** Goes up on every change. */
  version = 0;
  /** Goes up when indices into `frames` are invalidated. */
  epoch = 0;

  /** Adds a frame unless its socket already has that `seq` or a later one. Returns whether it was added. */
  appendFrame(frame: FrameRecord): boolean {
    const entries = this.entries(frame.socket);
    if (frame.seq <= entries.lastSeq) return false;
    entries.lastSeq = frame.seq;
    entries.frames.push(this.frames.length);
    this.frames.push(frame);
    this.version++;
    return true;
  }

  /** Adds a lifecycle event unless the log holds the same one. Returns whether it was added. */
  appendEvent(event: LifecycleEvent): boolean {
    const id = event.kind === "created" ? event.socket.id : event.socket;
    const entries = this.entries(id);
    const key = JSON.stringify(event);
    if (entries.eventKeys.has(key)) return false;
    entries.eventKeys.add(key);
    const list = entries.events;
    // Events come in time order; a snapshot merged late may not: keep the list sorted.
    let at = list.length;
    while (at > 0 && list[at - 1]!.t > event.t) at--;
    list.splice(at, 0, event);
    if (event.kind === "heartbeat" && event.phase !== "missed") insertSorted(entries.heartbeatTimes, event.t);
    if (event.kind === "delivery") indexDelivery(entries, event);
    this.version++;
    return true;
  }

  /** Folds a recorder event in: frames to the frame list, the rest to the socket's lifecycle. */
  append(event: RecorderEvent): boolean {
    return event.kind === "frame" ? this.appendFrame(event.frame) : this.appendEvent(event);
  }

  framesOf(socket: SocketId): readonly number[] {
    return this.sockets.get(socket)?.frames ?? EMPTY;
  }

  eventsOf(socket: SocketId): readonly LifecycleEvent[] {
    return this.sockets.get(socket)?.events ?? NO_EVENTS;
  }

  lastSeqOf(socket: SocketId): number {
    return this.sockets.get(socket)?.lastSeq ?? 0;
  }

  /** Whether the frame is one of Lifeguard's own heartbeat pings or its answer. */
  isLifeguardHeartbeat(frame: FrameRecord): boolean {
    const times = this.sockets.get(frame.socket)?.heartbeatTimes;
    if (!times || times.length === 0) return false;
    const i = lowerBound(times, frame.t - HEARTBEAT_MATCH_MS);
    return i < times.length && times[i]! <= frame.t + HEARTBEAT_MATCH_MS;
  }

  /**
   * The delivery of an outbound frame, matched by the id at the rule's `idPath` in its preview (parsed
   * here, on demand: the table asks only for the rows in view). Among sendings of that id, the first
   * that became pending at or after the frame was recorded. Null for frames with no id, or whose
   * preview was cut short.
   */
  deliveryOf(frame: FrameRecord): DeliveryMark | null {
    if (frame.dir !== "out" || frame.opcode !== "text" || frame.truncated) return null;
    const index = this.sockets.get(frame.socket)?.delivery;
    if (!index?.idPath) return null;
    const path = compiledPath(index.idPath);
    if (!path) return null;
    const read = readJsonObject(frame.preview);
    if (!read.ok) return null;
    const id = idString(valueAt(read.value, path));
    const marks = id === undefined ? undefined : index.byId.get(id);
    if (!marks) return null;
    for (const mark of marks) if (mark.pendingT >= frame.t - DELIVERY_MATCH_MS) return mark;
    return null;
  }

  /** Drops every frame and event, but remembers each socket's last `seq`: a later snapshot adds only newer frames. */
  clear(): void {
    this.frames.length = 0;
    for (const entries of this.sockets.values()) {
      entries.frames = [];
      entries.events = [];
      entries.eventKeys = new Set();
      entries.heartbeatTimes = [];
      entries.delivery = null;
    }
    this.epoch++;
    this.version++;
  }

  /** Forgets the sockets `drop` says yes to, frames and all (a navigation without "preserve log"). */
  removeSockets(drop: (socket: SocketId) => boolean): void {
    const gone = new Set([...this.sockets.keys()].filter(drop));
    if (gone.size === 0) return;
    for (const id of gone) this.sockets.delete(id);
    this.reindex(this.frames.filter((f) => !gone.has(f.socket)));
  }

  /**
   * Puts the frames of every socket in time order, if they are not. Frames arrive per socket and per
   * page frame: a snapshot lists one socket's ring after another, and each frame of the tab answers
   * with its own, so "All sockets" would read socket by socket. Called after a snapshot; live batches
   * append as they come. Ties keep their order (the sort is stable), so each socket stays in seq order.
   */
  sortFramesByTime(): void {
    const frames = this.frames;
    let sorted = true;
    for (let i = 1; i < frames.length && sorted; i++) sorted = frames[i - 1]!.t <= frames[i]!.t;
    if (!sorted) this.reindex([...frames].sort((a, b) => a.t - b.t));
  }

  /** `frames` becomes `list`, every socket's indices rebuilt; indices held elsewhere are void (epoch). */
  private reindex(list: FrameRecord[]): void {
    this.frames.length = 0;
    for (const entries of this.sockets.values()) entries.frames = [];
    for (const frame of list) {
      this.entries(frame.socket).frames.push(this.frames.length);
      this.frames.push(frame);
    }
    this.epoch++;
    this.version++;
  }

  private entries(socket: SocketId): SocketEntries {
    let entries = this.sockets.get(socket);
    if (!entries) {
      entries = { frames: [], events: [], eventKeys: new Set(), lastSeq: 0, heartbeatTimes: [], delivery: null };
      this.sockets.set(socket, entries);
    }
    return entries;
  }
}

function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertSorted(sorted: number[], x: number): void {
  if (sorted.length === 0 || sorted[sorted.length - 1]! <= x) sorted.push(x);
  else sorted.splice(lowerBound(sorted, x), 0, x);
}

const paths = new Map<string, PathSegment[] | null>();

/** A rule's path, compiled once; null when it is not of the grammar (an event from a newer page world). */
function compiledPath(path: string): PathSegment[] | null {
  let compiled = paths.get(path);
  if (compiled === undefined) {
    try {
      compiled = compilePath(path);
    } catch {
      compiled = null;
    }
    if (paths.size > 64) paths.clear();
    paths.set(path, compiled);
  }
  return compiled;
}

/** Folds a delivery event into its socket's index (events of one id come in order). */
function indexDelivery(entries: SocketEntries, event: Extract<LifecycleEvent, { kind: "delivery" }>): void {
  const index = (entries.delivery ??= { idPath: null, byId: new Map() });
  if (event.idPath !== undefined) index.idPath = event.idPath;
  let marks = index.byId.get(event.id);
  if (!marks) index.byId.set(event.id, (marks = []));
  if (event.status === "pending") {
    marks.push({ id: event.id, pendingT: event.t, status: "pending", resent: 0 });
    return;
  }
  let open: DeliveryMark | undefined;
  for (let i = marks.length - 1; i >= 0 && !open; i--) if (marks[i]!.status === "pending") open = marks[i];
  if (!open) marks.push((open = { id: event.id, pendingT: event.t, status: "pending", resent: 0 }));
  if (event.status === "resent") open.resent++;
  else if (event.status === "acked") {
    open.status = "acked";
    open.ackMs = event.ackMs;
  } else {
    open.status = "lost";
    open.reason = event.reason;
  }
}
