import { MARK_LOOKS, MARK_ORDER } from "./timeline-glyphs";
import "./TimelineLegend.css";
import { t } from "../shared/i18n";

/** Every mark kind with the very glyph the lanes draw, and the two shades (half-open, silent). */
export function TimelineLegend() {
  return (
    <ul class="timeline-legend" data-testid="timeline-legend">
      {MARK_ORDER.map((kind) => (
        <li key={kind} data-kind={kind}>
          <span class={`timeline-glyph timeline-mark-${kind}`} aria-hidden="true">
            {MARK_LOOKS[kind].glyph}
          </span>
          {t(MARK_LOOKS[kind].legend)}
        </li>
      ))}
      <li data-kind="half-open">
        <span class="timeline-swatch timeline-state-half-open" aria-hidden="true" />
        {t("panelLegendHalfOpen")}
      </li>
      <li data-kind="silent">
        <span class="timeline-swatch timeline-silence-swatch" aria-hidden="true" />
        {t("panelLegendSilent")}
      </li>
    </ul>
  );
}
