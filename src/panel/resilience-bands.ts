/**
 * The check's steps as bands on the timeline: one per step that ran, from its fault to the end of its
 * window, and the step being observed up to now.
 */
import type { CheckState } from "./resilience-session";
import { stepTitle } from "./resilience-labels";

export interface CheckBand {
  index: number;
  label: string;
  from: number;
  to: number;
  /** The check was stopped during this step. */
  stopped: boolean;
  /** The step is being observed now. */
  live: boolean;
}

export function checkBands(state: CheckState, now: number): CheckBand[] {
  const bands: CheckBand[] = state.marks.map((m) => ({
    index: m.index,
    label: stepTitle(m.step),
    from: m.startT,
    to: m.endT,
    stopped: m.stopped === true,
    live: false,
  }));
  const p = state.progress;
  if (p && p.phase === "observe" && p.step && p.startT !== null) {
    bands.push({ index: p.index, label: stepTitle(p.step), from: p.startT, to: Math.max(p.startT, now), stopped: false, live: true });
  }
  return bands;
}
