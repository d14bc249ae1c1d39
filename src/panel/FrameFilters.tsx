import type { FrameFilter } from "./frame-filter";
import "./FrameFilters.css";

export interface FrameFiltersProps {
  filter: FrameFilter;
  onChange(filter: FrameFilter): void;
  /** The regex error, when the pattern does not compile (the table keeps the last good result). */
  error: string | null;
  timeMode: "absolute" | "relative";
  onTimeMode(mode: "absolute" | "relative"): void;
  shown: number;
  total: number;
}

export function FrameFilters({ filter, onChange, error, timeMode, onTimeMode, shown, total }: FrameFiltersProps) {
  const set = (patch: Partial<FrameFilter>) => onChange({ ...filter, ...patch });
  return (
    <div class="frame-filters" role="toolbar" aria-label="Frame filters">
      <input
        type="search"
        class={error ? "frame-filter-text frame-filter-invalid" : "frame-filter-text"}
        placeholder={filter.regex ? "Filter (regex)" : "Filter"}
        aria-label="Filter frames"
        aria-invalid={error !== null}
        value={filter.text}
        data-testid="filter-text"
        onInput={(e) => set({ text: e.currentTarget.value })}
      />
      <label>
        <input type="checkbox" checked={filter.regex} data-testid="filter-regex" onChange={(e) => set({ regex: e.currentTarget.checked })} />
        Regex
      </label>
      <select
        aria-label="Direction"
        value={filter.dir}
        data-testid="filter-dir"
        onChange={(e) => set({ dir: e.currentTarget.value as FrameFilter["dir"] })}
      >
        <option value="all">All directions</option>
        <option value="out">↑ Sent</option>
        <option value="in">↓ Received</option>
      </select>
      <select
        aria-label="Type"
        value={filter.type}
        data-testid="filter-type"
        onChange={(e) => set({ type: e.currentTarget.value as FrameFilter["type"] })}
      >
        <option value="all">All types</option>
        <option value="text">Text</option>
        <option value="binary">Binary</option>
        <option value="control">Control</option>
        <option value="heartbeat">Heartbeat</option>
      </select>
      <label>
        <input
          type="checkbox"
          checked={filter.hideHeartbeats}
          data-testid="filter-hide-heartbeats"
          onChange={(e) => set({ hideHeartbeats: e.currentTarget.checked })}
        />
        Hide heartbeats
      </label>
      <label>
        <input
          type="checkbox"
          checked={timeMode === "relative"}
          data-testid="time-relative"
          onChange={(e) => onTimeMode(e.currentTarget.checked ? "relative" : "absolute")}
        />
        Time since open
      </label>
      <span class="frame-filters-count" data-testid="frame-count" data-shown={shown} data-total={total}>
        {shown === total ? `${total} frames` : `${shown} of ${total} frames`}
      </span>
      {error !== null && (
        <span class="frame-filter-error" role="alert" data-testid="filter-error">
          Invalid regex: {error}
        </span>
      )}
    </div>
  );
}
