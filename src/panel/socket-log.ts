/**
 * Everything the panel holds of a tab's sockets beyond their counters: every frame, and the lifecycle
 * events (states, heartbeats, queue, protection, notes) the timeline draws and the frames table shows
 * among the frames.
 *
 * Built for 100,000+ frames arriving in 50 ms batches: frames are kept as the very records that came
 * off the port, in one append-only array (plus an append-only index list per socket). Nothing is
 * copied per batch: the log is mutated in place and its `version` goes up, which is what the model
 * and the views compare. Appending is idempotent by `(socket, seq)`, so a snapshot that repeats what
 * events already brought (after a worker restart, or on resume) adds only what is new.
 *
 * Indices into `frames` stay valid until `epoch` changes (a clear, sockets dropped on navigation, a
 * sort, or the oldest frames dropped past the log's bounds).
 *
 * Bounded: past `limits.frames` frames (or `frameChars` characters of previews) the oldest tenth goes at
 * once, so the cost of a drop (a pass over the indices) is amortised over the appends in between; past
 * `limits.events` lifecycle events (or `eventChars`), the busiest sockets lose their oldest. What goes
 * is counted in `dropped` (the panel's banner says so).
 *
 * Where a lifecycle event stands among the frames is a fact of the page's stream, not a guess from
 * clocks: each event is kept with the `seq` of the last frame of its socket that came before it in the
 * stream (`anchorOf`), so "closed 1006" reads after the last frame even when both have the same ms.
 */
import type { BudgetDrops, FrameRecord, SocketEvent, SocketId } from "../shared/protocol";
import { socketOfEvent } from "../shared/protocol";
import { PANEL_LIMITS, type PanelLimits } from "./limits";
import { CHUNK, sortByTime } from "./frame-sort";

/** A recorder event that is not a frame: what the timeline draws. */
export type LifecycleEvent = Exclude<SocketEvent, { kind: "frame" }>;

interface SocketEntries {
  /** Indices into `frames`, ascending. */
  frames: number[];
  /** Lifecycle events, by time. */
  events: LifecycleEvent[];
  /** Keys of the lifecycle events held, so a snapshot's repeat of them is not added twice. */
  eventKeys: Set<string>;
  /** Characters of those keys. */
  eventChars: number;
  /** Highest frame `seq` ever appended, kept across a clear so an old frame never comes back. */
  lastSeq: number;
  /**
   * Runs of `seq` below `lastSeq` the log never had (inclusive, ascending): a gap in the page's stream
   * (a port that went down) that a snapshot may fill. Frames the log had, and dropped or cleared, are
   * not here, so they never come back.
   */
  missing: [number, number][];
  /** `seq` of the last frame of this socket the stream brought (added or not): where its next event stands. */
  streamSeq: number;
}

const EMPTY: readonly number[] = [];
const NO_EVENTS: readonly LifecycleEvent[] = [];

export class SocketLog {
  /**
   * Every frame, in arrival order (in time order after `sortFramesByTime`). The records as they came:
   * never copied, never mutated. Appended in place; a sort puts a new array here (and a new epoch).
   */
  frames: FrameRecord[] = [];
  private readonly sockets = new Map<SocketId, SocketEntries>();
  /** Goes up on every change. */
  version = 0;
  /** Goes up when indices into `frames` are invalidated. */
  epoch = 0;
  /** `frames[0, sortedUpTo)` are in time order; appends in order move it along. */
  private sortedUpTo = 0;
  private frameChars = 0;
  private eventCount = 0;
  private eventChars = 0;
  /**
   * Every lifecycle event of the tab, in the order it came (what the frames table merges among the
   * frames). Appended in place; `lifecycleEpoch` goes up when events go or must be read in another order.
   */
  readonly lifecycle: LifecycleEvent[] = [];
  lifecycleEpoch = 0;
  /** The `seq` of the frame each event came after in its socket's stream (0: before any frame). */
  private readonly anchors = new WeakMap<LifecycleEvent, number>();
  /** `lifecycle` is not in time order (events of page frames interleaved; put right by `lifecycleInOrder`). */
  private lifecycleByTime = true;
  /** A socket got an event older than its latest (a snapshot filled a gap): the rows must be rebuilt (`sortSteps`). */
  private lifecycleBehind = false;

  /**
   * @param dropped where frames and events dropped past the bounds are counted (the model's ledger).
   */
  constructor(
    private readonly limits: Pick<PanelLimits, "frames" | "frameChars" | "events" | "eventChars"> = PANEL_LIMITS,
    readonly dropped: BudgetDrops = { messages: 0, events: 0, sockets: 0, chars: 0 },
  ) {}

  /** Adds a frame unless its socket already has that `seq` or a later one. Returns whether it was added. */
  appendFrame(frame: FrameRecord): boolean {
    const entries = this.entries(frame.socket);
    entries.streamSeq = frame.seq;
    if (frame.seq > entries.lastSeq) {
      if (frame.seq > entries.lastSeq + 1) noteMissing(entries.missing, entries.lastSeq + 1, frame.seq - 1);
      entries.lastSeq = frame.seq;
    } else if (!fillMissing(entries.missing, frame.seq)) {
      return false;
    }
    const n = this.frames.length;
    if (this.sortedUpTo === n && (n === 0 || this.frames[n - 1]!.t <= frame.t)) this.sortedUpTo++;
    entries.frames.push(n);
    this.frames.push(frame);
    this.frameChars += frame.preview.length;
    this.version++;
    if (this.frames.length > this.limits.frames || this.frameChars > this.limits.frameChars) this.dropOldestFrames();
    return true;
  }

  /**
   * Adds a lifecycle event unless the log holds the same one. Returns whether it was added. `afterSeq`:
   * the `seq` of the frame of its socket it came after; by default, the last one the stream brought.
   */
  appendEvent(event: LifecycleEvent, afterSeq?: number): boolean {
    const entries = this.entries(socketOfEvent(event));
    const key = JSON.stringify(event);
    if (entries.eventKeys.has(key)) return false;
    entries.eventKeys.add(key);
    entries.eventChars += key.length;
    const list = entries.events;
    // Events come in time order; a snapshot merged late may not: keep the list sorted.
    let at = list.length;
    while (at > 0 && list[at - 1]!.t > event.t) at--;
    list.splice(at, 0, event);
    if (at < list.length - 1) this.lifecycleBehind = true;
    const tail = this.lifecycle[this.lifecycle.length - 1];
    if (tail && tail.t > event.t) this.lifecycleByTime = false;
    this.lifecycle.push(event);
    this.anchors.set(event, afterSeq ?? entries.streamSeq);
    this.eventCount++;
    this.eventChars += key.length;
    this.version++;
    if (this.eventCount > this.limits.events || this.eventChars > this.limits.eventChars) this.dropBusiestEvents();
    return true;
  }

  /** Folds a recorder event in: frames to the frame list, the rest to the socket's lifecycle. */
  append(event: SocketEvent): boolean {
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

  /**
   * A snapshot of the socket starts: its ring's events come after the frame before the ring's first
   * (`afterSeq`), not after the newest frame a live batch brought.
   */
  beginStream(socket: SocketId, afterSeq: number): void {
    this.entries(socket).streamSeq = afterSeq;
  }

  /** The `seq` of the frame of its socket the event came after in the stream (0: before any). */
  anchorOf(event: LifecycleEvent): number {
    return this.anchors.get(event) ?? 0;
  }

  /**
   * `lifecycle`, in time order (stable: a socket's events keep the order its stream gave). Sorted in
   * place when page frames' batches interleaved; only what was there is reordered, so a reader that
   * scanned it all still knows where the new events start.
   */
  lifecycleInOrder(): readonly LifecycleEvent[] {
    if (!this.lifecycleByTime) {
      const sorted = this.lifecycle.slice().sort((a, b) => a.t - b.t);
      for (let i = 0; i < sorted.length; i++) this.lifecycle[i] = sorted[i]!;
      this.lifecycleByTime = true;
    }
    return this.lifecycle;
  }

  /** Drops every frame and event, but remembers each socket's last `seq`: a later snapshot adds only newer frames. */
  clear(): void {
    this.frames.length = 0;
    for (const entries of this.sockets.values()) {
      entries.frames = [];
      entries.events = [];
      entries.eventKeys = new Set();
      entries.eventChars = 0;
      // What was missing before the clear stays out too.
      entries.missing = [];
    }
    this.sortedUpTo = this.frameChars = this.eventCount = this.eventChars = 0;
    this.lifecycle.length = 0;
    this.lifecycleByTime = true;
    this.lifecycleBehind = false;
    this.lifecycleEpoch++;
    this.epoch++;
    this.version++;
  }

  /** Forgets the sockets `drop` says yes to, frames and all (a navigation without "preserve log"). */
  removeSockets(drop: (socket: SocketId) => boolean): void {
    const gone = new Set([...this.sockets.keys()].filter(drop));
    if (gone.size === 0) return;
    for (const id of gone) {
      const entries = this.sockets.get(id)!;
      this.eventCount -= entries.events.length;
      this.eventChars -= entries.eventChars;
      this.sockets.delete(id);
    }
    this.keepLifecycle((event) => !gone.has(socketOfEvent(event)));
    const kept: FrameRecord[] = [];
    // What stays of the sorted prefix is still in order.
    let sorted = 0;
    this.frames.forEach((frame, i) => {
      if (gone.has(frame.socket)) return;
      kept.push(frame);
      if (i < this.sortedUpTo) sorted++;
    });
    this.reindex(kept);
    this.sortedUpTo = sorted;
  }

  /**
   * Whether some frames are out of time order, or a socket got events older than its latest (a snapshot
   * came): `sortSteps` puts them in order.
   */
  get unsorted(): boolean {
    return this.sortedUpTo < this.frames.length || this.lifecycleBehind;
  }

  /**
   * Puts the frames of every socket in time order, if they are not. Frames arrive per socket and per
   * page frame: a snapshot lists one socket's ring after another, and each frame of the tab answers
   * with its own, so "All sockets" would read socket by socket. Called after a snapshot; live batches
   * append as they come. Ties keep their order (the sort is stable), so each socket stays in seq order.
   * All at once: the panel's inbox runs `sortSteps` instead, a slice at a time.
   */
  sortFramesByTime(): void {
    for (const _ of this.sortSteps());
  }

  /**
   * The sort, a step at a time (frame-sort.ts): each `next()` does about CHUNK element moves or
   * comparisons and yields how many. The log is left as it was until the last step, which puts the
   * result in place in one go (so the views never see half a sort); if the log changes between steps,
   * the sort gives up (the caller starts another).
   */
  *sortSteps(): Generator<number, void, void> {
    if (this.lifecycleBehind) {
      // Older events went to the end of `lifecycle`: the frames table reads them in place once rebuilt.
      this.lifecycleBehind = false;
      this.lifecycleByTime = false;
      this.lifecycleEpoch++;
      this.version++;
    }
    const n = this.frames.length;
    if (this.sortedUpTo >= n) return;
    const version = this.version;
    const job = sortByTime(this.frames, this.sortedUpTo);
    let step = job.next();
    while (!step.done) {
      yield step.value;
      if (this.version !== version) return;
      step = job.next();
    }
    const { start, sorted } = step.value;
    if (sorted) {
      // Each socket's new indices from `start` on, gathered before anything moves.
      const moved = new Map<SocketId, number[]>();
      for (let k = 0; k < sorted.length; k += CHUNK) {
        const to = Math.min(sorted.length, k + CHUNK);
        gatherIndices(sorted, start, k, to, moved);
        yield to - k;
        if (this.version !== version) return;
      }
      // A new array rather than 500,000 writes into the old one (indices are void anyway: the epoch changes).
      this.frames = start === 0 ? sorted : this.frames.slice(0, start).concat(sorted);
      for (const [id, entries] of this.sockets) {
        const cut = lowerBound(entries.frames, start);
        const list = moved.get(id);
        if (cut === 0) entries.frames = list ?? [];
        else if (cut < entries.frames.length || list) entries.frames = entries.frames.slice(0, cut).concat(list ?? []);
      }
      this.epoch++;
      this.version++;
    }
    this.sortedUpTo = n;
  }

  /** Past the frame bounds: the oldest tenth of what is allowed goes (the front of the log; in time order once sorted). */
  private dropOldestFrames(): void {
    const frames = this.frames;
    const keepFrames = Math.floor(this.limits.frames * 0.9);
    const keepChars = Math.floor(this.limits.frameChars * 0.9);
    let count = 0;
    let chars = this.frameChars;
    while (count < frames.length && (frames.length - count > keepFrames || chars > keepChars)) chars -= frames[count++]!.preview.length;
    this.dropped.events += count;
    this.dropped.chars += this.frameChars - chars;
    this.frameChars = chars;
    frames.splice(0, count);
    for (const entries of this.sockets.values()) {
      const list = entries.frames;
      const cut = lowerBound(list, count);
      const kept = new Array<number>(list.length - cut);
      for (let i = cut; i < list.length; i++) kept[i - cut] = list[i]! - count;
      entries.frames = kept;
    }
    this.sortedUpTo = Math.max(0, this.sortedUpTo - count);
    this.epoch++;
    this.version++;
  }

  /**
   * Past the event bounds, a quarter goes, from the sockets that hold the most: every socket keeps up to
   * a level chosen so the rest fit, so a flood of notes on one socket never takes a quiet one's states.
   */
  private dropBusiestEvents(): void {
    const target = Math.floor(Math.min(this.eventCount, this.limits.events) * 0.75);
    const lengths = [...this.sockets.values()].map((e) => e.events.length).sort((a, b) => a - b);
    let left = target;
    let level = Infinity;
    for (let i = 0; i < lengths.length; i++) {
      const share = Math.floor(left / (lengths.length - i));
      if (lengths[i]! > share) {
        level = share;
        break;
      }
      left -= lengths[i]!;
    }
    const gone = new Set<LifecycleEvent>();
    for (const entries of this.sockets.values()) {
      const excess = entries.events.length - level;
      if (excess <= 0) continue;
      for (const event of entries.events.splice(0, excess)) {
        const key = JSON.stringify(event);
        entries.eventKeys.delete(key);
        entries.eventChars -= key.length;
        this.eventChars -= key.length;
        this.dropped.chars += key.length;
        gone.add(event);
      }
      this.eventCount -= excess;
      this.dropped.events += excess;
    }
    this.keepLifecycle((event) => !gone.has(event));
    this.version++;
  }

  /** Keeps in `lifecycle` only the events `keep` says yes to (the rest went from their sockets). */
  private keepLifecycle(keep: (event: LifecycleEvent) => boolean): void {
    let n = 0;
    for (const event of this.lifecycle) if (keep(event)) this.lifecycle[n++] = event;
    if (n === this.lifecycle.length) return;
    this.lifecycle.length = n;
    this.lifecycleEpoch++;
  }

  /** `frames` becomes `list`, every socket's indices rebuilt; indices held elsewhere are void (epoch). */
  private reindex(list: FrameRecord[]): void {
    this.frames.length = 0;
    this.frameChars = 0;
    for (const entries of this.sockets.values()) entries.frames = [];
    for (const frame of list) {
      this.entries(frame.socket).frames.push(this.frames.length);
      this.frames.push(frame);
      this.frameChars += frame.preview.length;
    }
    this.epoch++;
    this.version++;
  }

  private entries(socket: SocketId): SocketEntries {
    let entries = this.sockets.get(socket);
    if (!entries) {
      entries = { frames: [], events: [], eventKeys: new Set(), eventChars: 0, lastSeq: 0, missing: [], streamSeq: 0 };
      this.sockets.set(socket, entries);
    }
    return entries;
  }
}

/** Runs of missing `seq` kept per socket: past this many, the oldest run is given up. */
const MAX_MISSING_RUNS = 64;

function noteMissing(runs: [number, number][], from: number, to: number): void {
  runs.push([from, to]);
  if (runs.length > MAX_MISSING_RUNS) runs.shift();
}

/** Takes `seq` out of the missing runs; false when it was not missing. */
function fillMissing(runs: [number, number][], seq: number): boolean {
  let lo = 0;
  let hi = runs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (runs[mid]![1] < seq) lo = mid + 1;
    else hi = mid;
  }
  const run = runs[lo];
  if (!run || run[0] > seq) return false;
  const [from, to] = run;
  const parts: [number, number][] = [];
  if (from < seq) parts.push([from, seq - 1]);
  if (seq < to) parts.push([seq + 1, to]);
  runs.splice(lo, 1, ...parts);
  return true;
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


/** Adds `start + k` to the list of the socket of `sorted[k]`, for k in [from, to). */
function gatherIndices(sorted: readonly FrameRecord[], start: number, from: number, to: number, into: Map<SocketId, number[]>): void {
  for (let k = from; k < to; k++) {
    const id = sorted[k]!.socket;
    let list = into.get(id);
    if (!list) into.set(id, (list = []));
    list.push(start + k);
  }
}
