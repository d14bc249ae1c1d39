import "./PauseBanner.css";
import { t } from "../shared/i18n";

export function PauseBanner({ onResume }: { onResume(): void }) {
  return (
    <div class="pause-banner" role="status" data-testid="paused-banner">
      {t("panelPaused")}{" "}
      <button type="button" onClick={onResume}>
        {t("panelResume")}
      </button>
    </div>
  );
}
