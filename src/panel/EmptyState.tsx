import "./EmptyState.css";
import { t } from "../shared/i18n";
import type { Presence } from "./presence";

/**
 * No socket to show. Honest about why: a page loaded before Lifeguard was installed (or while it was
 * off) is not recorded, and only a reload brings it in; otherwise the page has opened none yet.
 */
export function EmptyState({ presence = "unknown", onReload }: { presence?: Presence; onReload?: () => void }) {
  const unrecorded = presence === "absent" || presence === "off";
  return (
    <div class="empty-state" data-testid="empty-state" data-presence={presence}>
      <p>{unrecorded ? t(presence === "off" ? "panelNotRecordingOff" : "panelNotRecording") : t("panelEmpty")}</p>
      <p class="empty-state-hint">{unrecorded ? t("panelNotRecordingHint") : t("panelEmptyHint")}</p>
      {unrecorded && onReload && (
        <button type="button" class="empty-state-reload" data-testid="reload-page" onClick={onReload}>
          {t("panelReloadPage")}
        </button>
      )}
    </div>
  );
}
