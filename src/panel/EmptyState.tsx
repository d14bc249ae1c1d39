import "./EmptyState.css";
import { t } from "../shared/i18n";

export function EmptyState() {
  return (
    <div class="empty-state" data-testid="empty-state">
      <p>{t("panelEmpty")}</p>
      <p class="empty-state-hint">{t("panelEmptyHint")}</p>
    </div>
  );
}
