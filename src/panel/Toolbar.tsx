import { useRef } from "preact/hooks";
import "./Toolbar.css";
import { t } from "../shared/i18n";

export type PanelView = "frames" | "timeline" | "resilience";

const VIEWS: readonly PanelView[] = ["frames", "timeline", "resilience"];
const VIEW_LABELS = { frames: "panelViewFrames", timeline: "panelViewTimeline", resilience: "panelViewResilience" } as const;

export interface ToolbarProps {
  view: PanelView;
  onView(view: PanelView): void;
  preserveLog: boolean;
  onPreserveLog(preserve: boolean): void;
  paused: boolean;
  onPause(paused: boolean): void;
  onClear(): void;
  /** What "Export HAR" takes: the selected socket, or all. */
  exportLabel: string;
  onExport(): void;
  onImport(file: File): void;
  importError: string | null;
}

export function Toolbar(props: ToolbarProps) {
  const file = useRef<HTMLInputElement>(null);
  return (
    <div class="toolbar" role="toolbar" aria-label={t("panelToolbar")}>
      <div class="toolbar-tabs" role="tablist">
        {VIEWS.map((v) => (
          <button
            key={v}
            type="button"
            role="tab"
            aria-selected={props.view === v}
            class={props.view === v ? "toolbar-tab toolbar-tab-on" : "toolbar-tab"}
            data-testid={`view-${v}`}
            onClick={() => props.onView(v)}
          >
            {t(VIEW_LABELS[v])}
          </button>
        ))}
      </div>
      <button
        type="button"
        data-testid="pause"
        aria-pressed={props.paused}
        title={props.paused ? t("panelResumeTitle") : t("panelPauseTitle")}
        onClick={() => props.onPause(!props.paused)}
      >
        {props.paused ? t("panelResume") : t("panelPause")}
      </button>
      <button type="button" data-testid="clear" title={t("panelClearTitle")} onClick={props.onClear}>
        {t("panelClear")}
      </button>
      <label title={t("panelPreserveLogTitle")}>
        <input
          type="checkbox"
          data-testid="preserve-log"
          checked={props.preserveLog}
          onChange={(e) => props.onPreserveLog(e.currentTarget.checked)}
        />
        {t("panelPreserveLog")}
      </label>
      <span class="toolbar-spacer" />
      <button type="button" data-testid="har-export" title={t("panelExportTitle", [props.exportLabel])} onClick={props.onExport}>
        {t("panelExport")}
      </button>
      <button type="button" title={t("panelImportTitle")} onClick={() => file.current?.click()}>
        {t("panelImport")}
      </button>
      <input
        ref={file}
        type="file"
        accept=".har,application/json"
        class="toolbar-file"
        data-testid="har-import"
        onChange={(e) => {
          const f = e.currentTarget.files?.[0];
          if (f) props.onImport(f);
          e.currentTarget.value = "";
        }}
      />
      {props.importError && (
        <span class="toolbar-error" role="alert" data-testid="har-import-error">
          {props.importError}
        </span>
      )}
    </div>
  );
}
