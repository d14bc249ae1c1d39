/**
 * Plays a recorded conversation (a `MockSpec`) to a page socket that has no server: the inbound frames
 * recorded before the page's first outbound frame go on open; later ones go in answer to the page's
 * own frames, matched by order or by a JSON path (see `MockSpec.replay`), with their recorded gaps or
 * at once (`timing`). Pure: the clock and timers come in, and frames go out through `deliver`; the page
 * world (src/page/mock-socket.ts) turns them into message events.
 *
 * Whatever the matching releases, frames reach the page in the recorded order: a frame released early
 * waits behind one released before it that is not yet due, as a server's frames on one connection
 * arrive in the order it sent them.
 */
import { compilePath, readJsonObject, valueAt, type PathSegment } from "../core/json-path";
import type { MockFrame, MockSpec } from "./frame-rule-types";

export interface PlayerClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface MockPlayer {
  /** The socket opened: `deliver` gets every frame released from now on; the ones recorded before any outbound are released. */
  start(deliver: (frame: MockFrame) => void): void;
  /** A frame the page sent: releases the recorded answers to it, if any. */
  onOutbound(data: unknown): void;
  /** The socket closed: nothing more is delivered. */
  stop(): void;
}

/** Recorded inbound frames released together, and the recorded moment their gaps count from. */
interface Batch {
  from: number;
  frames: MockFrame[];
}

interface Due {
  at: number;
  frame: MockFrame;
  /** Its place in the recording: frames are delivered in this order whatever released them. */
  index: number;
}

/** The replay plan of a spec: by order, each outbound frame's answers; by path, answers keyed by value. */
interface Plan {
  /** `byOrder[0]`: released on open; `byOrder[n]`: by the page's n-th outbound frame. */
  byOrder: Batch[];
  /** By path: per value (as JSON), the answers to its 1st, 2nd... outbound frame with that value. */
  byKey: Map<string, Batch[]>;
  path: PathSegment[] | null;
  /** Each frame's index in the recording (see `Due.index`). */
  index: Map<MockFrame, number>;
}

export function mockPlayer(spec: MockSpec, clock: PlayerClock): MockPlayer {
  const plan = planOf(spec);
  const recorded = spec.timing === "recorded";
  let deliver: ((frame: MockFrame) => void) | null = null;
  let stopped = false;
  let outbound = 0;
  const keyCounts = new Map<string, number>();
  const queue: Due[] = [];
  let timer: unknown = null;

  const release = (batch: Batch | undefined): void => {
    if (!batch || batch.frames.length === 0) return;
    const now = clock.now();
    for (const frame of batch.frames) {
      const at = recorded ? now + Math.max(0, frame.t - batch.from) : now;
      queue.push({ at, frame, index: plan.index.get(frame)! });
    }
    // Recorded order: the head goes first, and a frame due sooner behind it goes with it (see `run`).
    queue.sort((a, b) => a.index - b.index);
    schedule();
  };

  const schedule = (): void => {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    if (stopped || queue.length === 0) return;
    timer = clock.setTimeout(run, Math.max(0, queue[0]!.at - clock.now()));
  };

  const run = (): void => {
    timer = null;
    const now = clock.now();
    while (!stopped && queue.length > 0 && queue[0]!.at <= now) deliver?.(queue.shift()!.frame);
    schedule();
  };

  return {
    start(d) {
      if (deliver || stopped) return;
      deliver = d;
      release(plan.byOrder[0]);
    },
    onOutbound(data) {
      if (!deliver || stopped) return;
      outbound++;
      release(plan.byOrder[outbound]);
      if (!plan.path) return;
      const key = keyOf(data, plan.path);
      if (key === null) return;
      const k = (keyCounts.get(key) ?? 0) + 1;
      keyCounts.set(key, k);
      release(plan.byKey.get(key)?.[k - 1]);
    },
    stop() {
      stopped = true;
      queue.length = 0;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
    },
  };
}

/**
 * Which page frame releases each recorded inbound frame. By path, an inbound frame answers the latest
 * recorded outbound frame before it with the same value at the path; one with no value there, or whose
 * value no earlier outbound frame had (a push the server started), goes by order.
 */
function planOf(spec: MockSpec): Plan {
  let path: PathSegment[] | null = null;
  if (spec.replay.by === "path") {
    try {
      path = compilePath(spec.replay.path);
    } catch {
      // A path this grammar cannot read matches nothing: everything goes by order.
      path = null;
    }
  }
  const byOrder: Batch[] = [{ from: 0, frames: [] }];
  const byKey = new Map<string, Batch[]>();
  const index = new Map<MockFrame, number>();
  spec.frames.forEach((frame, i) => {
    index.set(frame, i);
    const key = path && frame.opcode === "text" ? keyOf(frame.data, path) : null;
    if (frame.dir === "out") {
      byOrder.push({ from: frame.t, frames: [] });
      if (key !== null) {
        const batches = byKey.get(key) ?? [];
        batches.push({ from: frame.t, frames: [] });
        byKey.set(key, batches);
      }
      return;
    }
    const answers = key === null ? undefined : byKey.get(key);
    if (answers) answers[answers.length - 1]!.frames.push(frame);
    else byOrder[byOrder.length - 1]!.frames.push(frame);
  });
  return { byOrder, byKey, path, index };
}

/** The value at `path` of a JSON text frame, as JSON text (so 1 and "1" differ), or null. */
function keyOf(data: unknown, path: PathSegment[]): string | null {
  const read = readJsonObject(data);
  if (!read.ok) return null;
  const value = valueAt(read.value, path);
  if (value === undefined) return null;
  try {
    return JSON.stringify(value);
  } catch {
    return null;
  }
}
