/**
 * The live tally of a chaos (soak) run: outages, the worst recovery, lost messages, over the faults
 * run so far, measured by `measure` like any step. A fault's result no longer changes once the next
 * fault has started (its window and its horizon are closed), so those are kept and only the last one
 * is measured again at each update: a long soak costs one pass over the record per update.
 */
import { measure } from "./measure";
import type { CheckRecord, CheckTarget, StepMark, StepResult, Verdict } from "./types";

export interface ChaosTotals {
  /** Faults measured. */
  faults: number;
  /** Connections that lost their connection (closed, reconnected, or left half-open), summed over faults. */
  outages: number;
  /** Of those, not open again within their fault's window. */
  unrecovered: number;
  /** The longest time a connection took to come back, ms; null before any came back. */
  worstRecoveryMs: number | null;
  lostMessages: number;
  duplicatedMessages: number;
  verdicts: Record<Verdict, number>;
}

/** Whether a connection was lost in its step (a half-open connection is lost, noticed or not). */
function isOutage(step: StepResult, c: StepResult["connections"][number]): boolean {
  return c.detected.at !== null || c.recovered.afterMs !== null || step.step.kind === "blackhole";
}

export function tally(results: readonly StepResult[]): ChaosTotals {
  const totals: ChaosTotals = {
    faults: results.length,
    outages: 0,
    unrecovered: 0,
    worstRecoveryMs: null,
    lostMessages: 0,
    duplicatedMessages: 0,
    verdicts: { passed: 0, degraded: 0, failed: 0 },
  };
  for (const step of results) {
    totals.verdicts[step.verdict]++;
    for (const c of step.connections) {
      totals.lostMessages += c.messages.lost;
      totals.duplicatedMessages += c.messages.duplicated;
      if (!isOutage(step, c)) continue;
      totals.outages++;
      if (c.recovered.afterMs === null) totals.unrecovered++;
      else totals.worstRecoveryMs = Math.max(totals.worstRecoveryMs ?? 0, c.recovered.afterMs);
    }
  }
  return totals;
}

export class ChaosTally {
  /** Results of faults that are final, by their place in the marks. */
  private readonly final: StepResult[] = [];

  constructor(private readonly target: CheckTarget) {}

  /**
   * The totals over `marks` (a run's marks so far, in order; the last may be the fault still being
   * watched, marked up to now) read against `record` (the run's record as it stands).
   */
  update(record: CheckRecord, marks: readonly StepMark[]): ChaosTotals {
    // Marks of another run (fewer, or a different start) make the kept results stale.
    if (this.final.length > marks.length || this.final.some((r, i) => r.startT !== marks[i]!.startT)) this.final.length = 0;
    const pending = marks.slice(this.final.length);
    if (pending.length > 0) {
      const results = measure(record, pending, this.target);
      // All but the last are final: the next fault began, so nothing later can change them.
      this.final.push(...results.slice(0, -1));
      return tally([...this.final, ...results.slice(-1)]);
    }
    return tally(this.final);
  }
}
