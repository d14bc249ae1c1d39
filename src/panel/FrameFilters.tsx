import type { FrameFilter } from "./frame-filter";
import "./FrameFilters.css";
import { t } from "../shared/i18n";

export interface FrameFiltersProps {
  filter: FrameFilter;
  onChange(filter: FrameFilter): void;
  /** The regex error, when the pattern does not compile (the table keeps the last good result). */
  error: string | null;
  timeMode: "absolute" | "relative";
  onTimeMode(mode: "absolute" | "relative"): void;
  /** Frames shown, of `total`. */
  shown: number;
  total: number;
  /** Lifecycle rows shown among them. */
  lifecycle?: number;
}

export function FrameFilters({ filter, onChange, error, timeMode, onTimeMode, shown, total, lifecycle = 0 }: FrameFiltersProps) {
  const set = (patch: Partial<FrameFilter>) => onChange({ ...filter, ...patch });
  return (
    <div class="frame-filters" role="toolbar" aria-label={t("panelFilters")}>
      <input
        type="search"
        class={error ? "frame-filter-text frame-filter-invalid" : "frame-filter-text"}
        placeholder={filter.regex ? t("panelFilterRegexPlaceholder") : t("panelFilterPlaceholder")}
        aria-label={t("panelFilterLabel")}
        aria-invalid={error !== null}
        value={filter.text}
        data-testid="filter-text"
        onInput={(e) => set({ text: e.currentTarget.value })}
      />
      <label>
        <input type="checkbox" checked={filter.regex} data-testid="filter-regex" onChange={(e) => set({ regex: e.currentTarget.checked })} />
        {t("panelRegex")}
      </label>
      <select
        aria-label={t("panelDirection")}
        value={filter.dir}
        data-testid="filter-dir"
        onChange={(e) => set({ dir: e.currentTarget.value as FrameFilter["dir"] })}
      >
        <option value="all">{t("panelAllDirections")}</option>
        <option value="out">{t("panelDirSent")}</option>
        <option value="in">{t("panelDirReceived")}</option>
      </select>
      <select
        aria-label={t("panelType")}
        value={filter.type}
        data-testid="filter-type"
        onChange={(e) => set({ type: e.currentTarget.value as FrameFilter["type"] })}
      >
        <option value="all">{t("panelAllTypes")}</option>
        <option value="text">{t("panelTypeText")}</option>
        <option value="binary">{t("panelTypeBinary")}</option>
        <option value="control">{t("panelTypeControl")}</option>
        <option value="heartbeat">{t("panelTypeHeartbeat")}</option>
      </select>
      <label title={t("panelHideHeartbeatsTitle")}>
        <input
          type="checkbox"
          checked={filter.hideHeartbeats}
          data-testid="filter-hide-heartbeats"
          onChange={(e) => set({ hideHeartbeats: e.currentTarget.checked })}
        />
        {t("panelHideHeartbeats")}
      </label>
      <label title={t("panelHideLifecycleTitle")}>
        <input
          type="checkbox"
          checked={filter.hideLifecycle}
          data-testid="filter-hide-lifecycle"
          onChange={(e) => set({ hideLifecycle: e.currentTarget.checked })}
        />
        {t("panelHideLifecycle")}
      </label>
      <label>
        <input
          type="checkbox"
          checked={timeMode === "relative"}
          data-testid="time-relative"
          onChange={(e) => onTimeMode(e.currentTarget.checked ? "relative" : "absolute")}
        />
        {t("panelTimeSinceOpen")}
      </label>
      <span class="frame-filters-count" data-testid="frame-count" data-shown={shown} data-total={total} data-lifecycle={lifecycle}>
        {shown === total ? t("panelFrameCount", [String(total)]) : t("panelFrameCountFiltered", [String(shown), String(total)])}
      </span>
      {error !== null && (
        <span class="frame-filter-error" role="alert" data-testid="filter-error">
          {t("panelInvalidRegex", [error])}
        </span>
      )}
    </div>
  );
}
