/**
 * The breakpoints waiting for an answer (a frame rule with action `pause`), as the page world reports
 * them: a `pause` event with phase `paused` opens one, any other phase of the same socket and id ends
 * it; the frame record with `fate: "paused"` and that `pause` id brings its payload. Either may come
 * first (a snapshot lists a socket's ring in the order the page recorded it, live batches too).
 *
 * Kept up to date as events are applied (as `FaultTracker` is), so a render never walks the log.
 * Whatever the page says is untrusted, but bounded already: ids and rules pass the protocol's guard,
 * and a socket may hold at most `FRAME_RULE_LIMITS.pausedPerSocket` paused frames.
 */
import { FRAME_RULE_LIMITS } from "../shared/frame-rule-types";
import type { FrameRecord, SocketEvent, SocketId } from "../shared/protocol";

type PauseEvent = Extract<SocketEvent, { kind: "pause" }>;

/** One paused frame, waiting for Forward, Drop or Forward all (or its timeout). */
export interface Breakpoint {
  socket: SocketId;
  /** What the `pause` command answers (per socket). */
  id: number;
  dir: "in" | "out";
  /** The frame rule that paused it: its index in the settings' `frameRules`. */
  rule: number;
  /** When it goes on by itself, as the page world said (absent: not said yet). */
  untilT?: number;
  /** When it was paused. */
  t: number;
  /** The frame's record (absent until it comes, or when the page's ring had dropped it). */
  frame?: FrameRecord;
}

/** Ended ids remembered per socket, so a snapshot that repeats an old `paused` does not open it again. */
const ENDED_KEPT = 4 * FRAME_RULE_LIMITS.pausedPerSocket;

interface SocketBreakpoints {
  open: Map<number, Breakpoint>;
  ended: Set<number>;
}

export class BreakpointTracker {
  private readonly sockets = new Map<SocketId, SocketBreakpoints>();
  /** Goes up on every change: what a view compares. */
  version = 0;

  /** A `pause` event of a live socket. */
  applyEvent(event: PauseEvent): void {
    const entry = this.entry(event.socket);
    if (event.phase !== "paused") {
      entry.open.delete(event.id);
      entry.ended.add(event.id);
      if (entry.ended.size > ENDED_KEPT) entry.ended.delete(entry.ended.values().next().value!);
      this.version++;
      return;
    }
    if (entry.ended.has(event.id)) return;
    const open = entry.open.get(event.id);
    if (open) {
      open.dir = event.dir;
      open.rule = event.rule;
      open.t = event.t;
      if (event.untilT !== undefined) open.untilT = event.untilT;
    } else {
      if (entry.open.size >= FRAME_RULE_LIMITS.pausedPerSocket) return;
      const bp: Breakpoint = { socket: event.socket, id: event.id, dir: event.dir, rule: event.rule, t: event.t };
      if (event.untilT !== undefined) bp.untilT = event.untilT;
      entry.open.set(event.id, bp);
    }
    this.version++;
  }

  /** A frame record of a live socket: one that waits at a breakpoint gives it its payload. */
  applyFrame(frame: FrameRecord): void {
    if (frame.fate !== "paused" || frame.pause === undefined) return;
    const entry = this.entry(frame.socket);
    if (entry.ended.has(frame.pause)) return;
    const open = entry.open.get(frame.pause);
    if (open) open.frame = frame;
    else {
      if (entry.open.size >= FRAME_RULE_LIMITS.pausedPerSocket) return;
      entry.open.set(frame.pause, { socket: frame.socket, id: frame.pause, dir: frame.dir, rule: frame.rule ?? -1, t: frame.t, frame });
    }
    this.version++;
  }

  /** Every open breakpoint, socket by socket (in the order the panel first heard of them), each socket's by id. */
  list(): Breakpoint[] {
    const out: Breakpoint[] = [];
    for (const entry of this.sockets.values()) out.push(...[...entry.open.values()].sort((a, b) => a.id - b.id));
    return out;
  }

  get size(): number {
    let n = 0;
    for (const entry of this.sockets.values()) n += entry.open.size;
    return n;
  }

  /** The socket is no longer the page's (a navigation): nothing of it can be answered. */
  forget(socket: SocketId): void {
    if (this.sockets.delete(socket)) this.version++;
  }

  private entry(socket: SocketId): SocketBreakpoints {
    let entry = this.sockets.get(socket);
    if (!entry) this.sockets.set(socket, (entry = { open: new Map(), ended: new Set() }));
    return entry;
  }
}
