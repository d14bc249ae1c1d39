import type { Tick } from "./timeline-geometry";
import "./TimelineAxis.css";

export interface TimelineAxisProps {
  ticks: readonly Tick[];
  /** Where a time is across the track, as a CSS length. */
  pos: (t: number) => string;
}

/** The lanes' time axis: the ticks timeTicks chose for the room there is, each label centred on its time. */
export function TimelineAxis({ ticks, pos }: TimelineAxisProps) {
  return (
    <div class="timeline-row timeline-axis" data-testid="timeline-axis">
      <span class="timeline-label" />
      <div class="timeline-track">
        {ticks.map((k) => (
          <span key={k.t} class="timeline-tick" data-testid="timeline-tick" style={{ left: pos(k.t) }}>
            {k.label}
          </span>
        ))}
      </div>
    </div>
  );
}
