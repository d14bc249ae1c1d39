import { t } from "../shared/i18n";
import { formatClock } from "./format";
import { labelFits } from "./timeline-geometry";
import type { CheckBand } from "./resilience-bands";
import "./ResilienceTimelineBands.css";

export interface ResilienceTimelineBandsProps {
  bands: readonly CheckBand[];
  /** The timeline's span, and where a time is across its track (as the lanes place theirs). */
  start: number;
  stop: number;
  pos: (t: number) => string;
  extent: (from: number, to: number) => string;
  /** Width in px of a span of time, to tell whether a label fits. */
  px: (from: number, to: number) => number;
}

/** A row above the lanes with a band per step of the resilience check, labelled where it fits. */
export function ResilienceTimelineBands({ bands, start, stop, pos, extent, px }: ResilienceTimelineBandsProps) {
  const shown = bands.filter((b) => b.to >= start && b.from <= stop);
  if (shown.length === 0) return null;
  return (
    <div class="timeline-row timeline-check" data-testid="timeline-check">
      <span class="timeline-label">{t("resilienceTimelineRow")}</span>
      <div class="timeline-track">
        {shown.map((b) => {
          const from = Math.max(b.from, start);
          const to = Math.min(b.to, stop);
          const label = t("resilienceBandLabel", [String(b.index + 1), b.label]);
          const full = t("panelTimelineSpan", [label, formatClock(b.from), formatClock(b.to), ((b.to - b.from) / 1000).toFixed(1)]);
          const text = labelFits(label, px(from, to)) ? label : labelFits(String(b.index + 1), px(from, to)) ? String(b.index + 1) : null;
          return (
            <span
              key={`${b.index}-${b.from}`}
              class={`timeline-check-step${b.live ? " timeline-check-live" : ""}${b.stopped ? " timeline-check-stopped" : ""}`}
              data-testid="timeline-check-step"
              data-index={b.index}
              role="img"
              aria-label={full}
              title={full}
              style={{ left: pos(from), width: extent(from, to) }}
            >
              {text}
            </span>
          );
        })}
      </div>
    </div>
  );
}
