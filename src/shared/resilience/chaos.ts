/**
 * A chaos (soak) schedule: random faults over time from a seed, so that a failure found once can be
 * replayed: the same seed and options give the same faults at the same times, in any browser.
 * - Gaps: a Poisson process: the quiet time between one fault's end and the next fault is exponential
 *   with mean `meanGapMs` (faults never overlap, so each one's recovery is measured on its own).
 * - Kinds: uniform among `kinds`; durations: uniform integers in [minDurationMs, maxDurationMs] (a
 *   drop has none); latency: in and out each uniform in [LATENCY_MIN_MS, LATENCY_MAX_MS]; a restart
 *   closes with 1012.
 * - Each fault is watched for its duration and `WATCH_AFTER_MS` more (the runner cuts a window short
 *   when the next fault comes first).
 * The stream of random numbers is drawn in a fixed order per fault (gap, kind, duration, then latency
 * in and out): changing that order changes every schedule, so it is part of the format.
 */
import type { ChaosFault } from "./runner";
import { seeded } from "./prng";
import { DEFAULT_RESTART_CODE } from "./scenario";
import { STEP_KINDS, type Step, type StepKind } from "./types";

/** A fault of a chaos schedule (the runner's name for it). */
export type ChaosEvent = ChaosFault;

export interface ChaosOptions {
  kinds: StepKind[];
  meanGapMs: number;
  minDurationMs: number;
  maxDurationMs: number;
  /** How long the soak runs, ms. */
  totalMs: number;
}

export const CHAOS_LIMITS = {
  /** Shorter gaps would be a storm, not a soak; and they would make schedules of millions of faults. */
  minMeanGapMs: 100,
  maxMs: 3_600_000,
  /** A day of soak at most. */
  maxTotalMs: 86_400_000,
  /** A schedule stops here whatever its options say: memory for the marks and the report is bounded. */
  maxFaults: 10_000,
} as const;

export const LATENCY_MIN_MS = 100;
export const LATENCY_MAX_MS = 3000;
export const WATCH_AFTER_MS = 15_000;

export type ChaosCheck = { ok: true; options: ChaosOptions } | { ok: false; problems: string[] };

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

const isInt = (x: unknown, min: number, max: number): x is number => typeof x === "number" && Number.isInteger(x) && x >= min && x <= max;

/**
 * Chaos options from a form, storage or an import (untrusted: never throws); each problem starts with
 * the option's name. A `seed`, if given, must be a short text or a finite number.
 */
export function validateChaos(x: unknown): ChaosCheck {
  try {
    return check(x);
  } catch {
    return { ok: false, problems: ["chaos options could not be read"] };
  }
}

const SEED_MAX = 64;

function check(x: unknown): ChaosCheck {
  if (!isRecord(x)) return { ok: false, problems: ["chaos options must be an object"] };
  const problems: string[] = [];
  const { kinds, meanGapMs, minDurationMs, maxDurationMs, totalMs, seed } = x;
  const known = STEP_KINDS as readonly unknown[];
  if (!Array.isArray(kinds) || kinds.length === 0 || !kinds.every((k) => known.includes(k)) || new Set(kinds).size !== kinds.length) {
    problems.push(`kinds must be a list of distinct step kinds, at least one of ${STEP_KINDS.join(", ")}`);
  }
  if (!isInt(meanGapMs, CHAOS_LIMITS.minMeanGapMs, CHAOS_LIMITS.maxMs)) {
    problems.push(`meanGapMs must be an integer from ${CHAOS_LIMITS.minMeanGapMs} to ${CHAOS_LIMITS.maxMs}`);
  }
  if (!isInt(minDurationMs, 0, CHAOS_LIMITS.maxMs)) problems.push(`minDurationMs must be an integer from 0 to ${CHAOS_LIMITS.maxMs}`);
  if (!isInt(maxDurationMs, 0, CHAOS_LIMITS.maxMs)) problems.push(`maxDurationMs must be an integer from 0 to ${CHAOS_LIMITS.maxMs}`);
  else if (isInt(minDurationMs, 0, CHAOS_LIMITS.maxMs) && maxDurationMs < minDurationMs) {
    problems.push("maxDurationMs must be at least minDurationMs");
  }
  if (!isInt(totalMs, 1, CHAOS_LIMITS.maxTotalMs)) problems.push(`totalMs must be an integer from 1 to ${CHAOS_LIMITS.maxTotalMs}`);
  if (seed !== undefined && !(typeof seed === "string" && seed.length <= SEED_MAX) && !(typeof seed === "number" && Number.isFinite(seed))) {
    problems.push(`seed must be a text of at most ${SEED_MAX} characters or a number`);
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    options: {
      kinds: (kinds as StepKind[]).slice(),
      meanGapMs: meanGapMs as number,
      minDurationMs: minDurationMs as number,
      maxDurationMs: maxDurationMs as number,
      totalMs: totalMs as number,
    },
  };
}

/** An integer uniform in [min, max]. */
function uniform(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

function stepOf(kind: StepKind, random: () => number, o: ChaosOptions): Step {
  if (kind === "drop") {
    random(); // Drawn for every kind, so a fault's draws do not depend on what the previous one was.
    return { kind, observeMs: WATCH_AFTER_MS };
  }
  const durationMs = uniform(random, o.minDurationMs, o.maxDurationMs);
  const observeMs = durationMs + WATCH_AFTER_MS;
  switch (kind) {
    case "restart":
      return { kind, code: DEFAULT_RESTART_CODE, durationMs, observeMs };
    case "offline":
    case "blackhole":
      return { kind, durationMs, observeMs };
    case "latency":
      return { kind, inMs: uniform(random, LATENCY_MIN_MS, LATENCY_MAX_MS), outMs: uniform(random, LATENCY_MIN_MS, LATENCY_MAX_MS), durationMs, observeMs };
  }
}

/**
 * The faults of a soak, in time order, `atMs` after it starts, all before `totalMs`. Options are
 * taken as `validateChaos` accepts them; anything else gives no faults rather than a throw.
 */
export function chaosSchedule(seed: string | number, options: ChaosOptions): ChaosEvent[] {
  const checked = validateChaos(options);
  if (!checked.ok) return [];
  const o = checked.options;
  const random = seeded(seed);
  const out: ChaosEvent[] = [];
  let t = 0;
  while (out.length < CHAOS_LIMITS.maxFaults) {
    // 1 - u is in (0, 1]: the logarithm stays finite.
    const gap = Math.round(-Math.log(1 - random()) * o.meanGapMs);
    const atMs = t + gap;
    const kind = o.kinds[Math.floor(random() * o.kinds.length)]!;
    const step = stepOf(kind, random, o);
    if (atMs >= o.totalMs) break;
    out.push({ atMs, step });
    t = atMs + (step.durationMs ?? 0);
  }
  return out;
}
