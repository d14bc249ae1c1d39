import { useMemo, useRef } from "preact/hooks";
import { ChaosTally, tally as totalsOf } from "../shared/resilience/chaos-tally";
import type { StepMark } from "../shared/resilience/types";
import { t } from "../shared/i18n";
import type { PanelModel } from "./model";
import { checkRecord } from "./resilience-record";
import { formatDuration } from "./resilience-labels";
import type { CheckState } from "./resilience-session";
import "./Resilience.css";

export interface ResilienceChaosTallyProps {
  state: CheckState;
  model: PanelModel;
}

/** How often the live tally is measured again while a fault is observed (ms). */
const TALLY_EVERY_MS = 2000;

/** The marks so far, and the fault being observed as if its window closed now: what the tally measures live. */
function marksSoFar(state: CheckState, now: number): StepMark[] {
  const p = state.progress;
  if (!p || p.phase !== "observe" || !p.step || p.startT === null) return state.marks;
  const open: StepMark = { index: p.index, step: p.step, startT: p.startT, faultEndT: p.startT + (p.step.durationMs ?? 0), endT: now };
  return [...state.marks, open];
}

/**
 * A chaos run's tally, measured again from the record as it runs (each progress tick brings a new
 * state): outages, the worst recovery, messages lost. After the run, the report's own steps.
 */
export function ResilienceChaosTally({ state, model }: ResilienceChaosTallyProps) {
  // One tally per run: it keeps the results of the faults that are over and measures only the last.
  const kept = useRef<{ startedAt: number; tally: ChaosTally } | null>(null);
  // Measured again when a fault's window closes, and every few seconds in between: a busy page's
  // batches (every 50 ms) would otherwise walk the whole record each time.
  const every = Math.floor(Date.now() / TALLY_EVERY_MS);
  const tally = useMemo(() => {
    const report = state.result?.reports[0];
    if (report && state.phase === "done") return totalsOf(report.steps);
    if (state.startedAt === null || state.target === null) return null;
    if (kept.current?.startedAt !== state.startedAt) kept.current = { startedAt: state.startedAt, tally: new ChaosTally(state.target) };
    return kept.current.tally.update(checkRecord(model, state.startedAt), marksSoFar(state, Date.now()));
  }, [state.marks, state.phase, state.result, state.startedAt, every]);
  if (!tally) return null;
  return (
    <dl class="resilience-tally" aria-label={t("resilienceTally")} data-testid="chaos-tally">
      <div>
        <dt>{t("resilienceTallyOutages")}</dt>
        <dd data-testid="tally-outages">{String(tally.outages)}</dd>
      </div>
      <div>
        <dt>{t("resilienceTallyWorstRecovery")}</dt>
        <dd data-testid="tally-worst">
          {tally.unrecovered > 0
            ? t("resilienceTallyNotRecovered", [String(tally.unrecovered)])
            : tally.worstRecoveryMs === null
              ? "–"
              : formatDuration(tally.worstRecoveryMs)}
        </dd>
      </div>
      <div>
        <dt>{t("resilienceTallyLost")}</dt>
        <dd data-testid="tally-lost">{String(tally.lostMessages)}</dd>
      </div>
    </dl>
  );
}
