/**
 * Frames put in time order a chunk at a time, for `SocketLog.sortSteps`: sorting the 500,000 frames a
 * snapshot may bring in one go takes a few hundred ms, far past what one task may take on the
 * renderer every extension page shares.
 *
 * A natural merge sort: the runs already in order (a snapshot lists one socket's ring after another,
 * each in order) are merged pairwise, pass after pass, left first on ties, so the sort is stable and a
 * socket's frames stay in `seq` order. The frames before the earliest one out of order stay where they
 * are. The generator yields after at most CHUNK steps (element moves or comparisons), saying how many;
 * the loops that do the work are plain functions, which the engine optimises better than a generator.
 */
import type { FrameRecord } from "../shared/protocol";

export const CHUNK = 4096;

/** Where a sort left off. `sorted`: the frames from `start` on, in order; null when they already were. */
export interface SortResult {
  start: number;
  sorted: FrameRecord[] | null;
}

/** Sorts `frames[from..]` into `frames[0, from)`, which is in order, without touching `frames`. */
export function* sortByTime(frames: readonly FrameRecord[], from: number): Generator<number, SortResult, void> {
  const n = frames.length;
  let earliest = Infinity;
  for (let i = from; i < n; i += CHUNK) {
    const to = Math.min(n, i + CHUNK);
    earliest = Math.min(earliest, earliestTime(frames, i, to));
    yield to - i;
  }
  const start = upperBoundByTime(frames, from, earliest);
  let src = frames.slice(start, n);
  const length = src.length;
  let bounds = [0];
  for (let i = 1; i < length; i += CHUNK) {
    const to = Math.min(length, i + CHUNK);
    findRuns(src, i, to, bounds);
    yield to - i;
  }
  bounds.push(length);
  // One run: in order after all (what broke the order was dropped or removed since).
  if (bounds.length <= 2) return { start, sorted: null };
  let dst = new Array<FrameRecord>(length);
  while (bounds.length > 2) {
    const pass: MergePass = { bounds, merged: [0], pair: 0, a: 0, b: bounds[1]!, k: 0 };
    while (pass.pair + 1 < bounds.length) yield mergeSome(src, dst, pass, CHUNK);
    [src, dst] = [dst, src];
    bounds = pass.merged;
  }
  return { start, sorted: src };
}

function earliestTime(frames: readonly FrameRecord[], from: number, to: number): number {
  let earliest = Infinity;
  for (let i = from; i < to; i++) if (frames[i]!.t < earliest) earliest = frames[i]!.t;
  return earliest;
}

/** Adds to `bounds` every index in [from, to) where a run starts (a frame earlier than the one before it). */
function findRuns(frames: readonly FrameRecord[], from: number, to: number, bounds: number[]): void {
  for (let i = from; i < to; i++) if (frames[i - 1]!.t > frames[i]!.t) bounds.push(i);
}

/** One pass over the runs: pair `pair` (runs bounds[pair], bounds[pair + 1]) is being merged, `k` written so far. */
interface MergePass {
  bounds: number[];
  merged: number[];
  pair: number;
  a: number;
  b: number;
  k: number;
}

/** Merges up to `budget` frames of the pass from `src` into `dst`; returns how many. */
function mergeSome(src: FrameRecord[], dst: FrameRecord[], pass: MergePass, budget: number): number {
  const { bounds } = pass;
  let steps = 0;
  while (pass.pair + 1 < bounds.length && steps < budget) {
    const mid = bounds[pass.pair + 1]!;
    // The last run of an odd count is copied as it is.
    const hi = bounds[pass.pair + 2] ?? mid;
    let { a, b, k } = pass;
    const stop = Math.min(hi, k + budget - steps);
    while (k < stop) dst[k++] = a < mid && (b >= hi || src[a]!.t <= src[b]!.t) ? src[a++]! : src[b++]!;
    steps += k - pass.k;
    if (k === hi) {
      pass.merged.push(hi);
      pass.pair += 2;
      a = hi;
      b = bounds[pass.pair + 1] ?? hi;
    }
    pass.a = a;
    pass.b = b;
    pass.k = k;
  }
  return steps;
}

/** The first index in `frames[0, end)` (in time order) of a frame later than `t`. */
function upperBoundByTime(frames: readonly FrameRecord[], end: number, t: number): number {
  let lo = 0;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (frames[mid]!.t <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
