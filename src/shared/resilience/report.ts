/**
 * The resilience report: what `measure` found for each step, with the scenario, the target and the
 * protection the check ran under, and a summary. The same from the panel and from the testing API;
 * its JSON is documented in docs/resilience-report.md (version `REPORT_VERSION`).
 */
import type { CheckRecord, CheckTarget, ResilienceReport, Scenario, StepMark, StepResult } from "./types";
import { REPORT_VERSION } from "./types";
import { measure } from "./measure";
import { worst } from "./verdict";

export function summarise(steps: readonly StepResult[], planned: number): ResilienceReport["summary"] {
  const count = { passed: 0, degraded: 0, failed: 0 };
  for (const step of steps) count[step.verdict]++;
  if (steps.length === 0) return { ...count, verdict: "failed", text: "no step ran" };
  const stoppedAt = steps.length < planned || steps.some((s) => s.stopped) ? ` (stopped after step ${steps.length} of ${planned})` : "";
  const text = `${count.passed} of ${steps.length} steps passed, ${count.degraded} degraded, ${count.failed} failed${stoppedAt}`;
  return { ...count, verdict: worst(steps.map((s) => s.verdict)), text };
}

/**
 * The report of a check that ran `marks` of `scenario`. `span`: when the run started and ended (the
 * runner's `CheckEnd`); without it, the first step's start and the last step's end.
 */
export function buildReport(
  scenario: Scenario,
  target: CheckTarget,
  protection: ResilienceReport["protection"],
  marks: readonly StepMark[],
  record: CheckRecord,
  span?: { startedAt: number; endedAt: number },
): ResilienceReport {
  const steps = measure(record, marks, target);
  // A loop, not Math.min(...marks): a long chaos run has more marks than a call takes arguments.
  let startedAt = span?.startedAt ?? Number.POSITIVE_INFINITY;
  let endedAt = span?.endedAt ?? Number.NEGATIVE_INFINITY;
  if (!span) {
    for (const m of marks) {
      startedAt = Math.min(startedAt, m.startT);
      endedAt = Math.max(endedAt, m.endT);
    }
  }
  return {
    version: REPORT_VERSION,
    scenario,
    target,
    protection,
    startedAt: Number.isFinite(startedAt) ? startedAt : 0,
    endedAt: Number.isFinite(endedAt) ? endedAt : 0,
    steps,
    summary: summarise(steps, scenario.steps.length),
  };
}
