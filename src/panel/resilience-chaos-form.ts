/**
 * The chaos (soak) form's values as typed, and the schedule they make: a seed and the settings of
 * `chaosSchedule` (src/shared/resilience/chaos.ts), so the same seed and settings give the same faults.
 */
import { chaosSchedule, validateChaos } from "../shared/resilience/chaos";
import { STEP_KINDS, type StepKind } from "../shared/resilience/types";
import type { ChaosFault } from "../shared/resilience/runner";
import { t, type MessageKey } from "../shared/i18n";

export interface ChaosTexts {
  seed: string;
  kinds: StepKind[];
  /** Seconds. */
  meanGap: string;
  minDuration: string;
  maxDuration: string;
  /** Minutes. */
  total: string;
}

export type ChaosField = "seed" | "kinds" | "meanGap" | "minDuration" | "maxDuration" | "total";

export interface ChaosPlan {
  seed: string;
  schedule: ChaosFault[];
  totalMs: number;
}

/** A seed nobody chose: 8 hex digits, short enough to read out and copy. */
export function newSeed(random: () => number = Math.random): string {
  return Math.floor(random() * 0x1_0000_0000)
    .toString(16)
    .padStart(8, "0");
}

export function defaultChaosTexts(): ChaosTexts {
  return { seed: newSeed(), kinds: [...STEP_KINDS], meanGap: "30", minDuration: "2", maxDuration: "15", total: "10" };
}

const SEED_MAX = 64;

const PROBLEMS: Record<ChaosField, MessageKey> = {
  seed: "resilienceBadSeed",
  kinds: "resilienceBadKinds",
  meanGap: "resilienceBadPositiveSeconds",
  minDuration: "resilienceBadSeconds",
  maxDuration: "resilienceBadMaxDuration",
  total: "resilienceBadMinutes",
};

/** The validator's option names, and the form field each is typed in. */
const OPTION_FIELDS: Record<string, ChaosField> = {
  kinds: "kinds",
  meanGapMs: "meanGap",
  minDurationMs: "minDuration",
  maxDurationMs: "maxDuration",
  totalMs: "total",
};

function positive(text: string, scale: number): number | null {
  if (text.trim() === "") return null;
  const n = Number(text);
  return Number.isFinite(n) && n >= 0 ? Math.round(n * scale) : null;
}

/** The plan the texts make, or what is wrong, by field (`other`: the validator said something no field owns). */
export function readChaos(texts: ChaosTexts): { plan: ChaosPlan } | { problems: Partial<Record<ChaosField | "other", string>> } {
  const problems: Partial<Record<ChaosField | "other", string>> = {};
  const seed = texts.seed.trim();
  if (seed === "" || seed.length > SEED_MAX) problems.seed = t(PROBLEMS.seed);
  if (texts.kinds.length === 0) problems.kinds = t(PROBLEMS.kinds);
  const meanGapMs = positive(texts.meanGap, 1000);
  const minDurationMs = positive(texts.minDuration, 1000);
  const maxDurationMs = positive(texts.maxDuration, 1000);
  const totalMs = positive(texts.total, 60_000);
  if (meanGapMs === null || meanGapMs === 0) problems.meanGap = t(PROBLEMS.meanGap);
  if (minDurationMs === null) problems.minDuration = t(PROBLEMS.minDuration);
  if (maxDurationMs === null) problems.maxDuration = t(PROBLEMS.maxDuration);
  if (totalMs === null || totalMs === 0) problems.total = t(PROBLEMS.total);
  if (Object.keys(problems).length > 0) return { problems };
  const options = { kinds: texts.kinds, meanGapMs: meanGapMs!, minDurationMs: minDurationMs!, maxDurationMs: maxDurationMs!, totalMs: totalMs! };
  const checked = validateChaos(options);
  if (!checked.ok) {
    for (const problem of checked.problems) {
      const field = OPTION_FIELDS[/^\w+/.exec(problem)?.[0] ?? ""];
      if (field) problems[field] ??= t(PROBLEMS[field]);
      else problems.other = problems.other ? `${problems.other} ${problem}` : problem;
    }
    return { problems };
  }
  return { plan: { seed, schedule: chaosSchedule(seed, options), totalMs: options.totalMs } };
}
