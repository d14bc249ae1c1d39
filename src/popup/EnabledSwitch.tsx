import type { Settings } from "../shared/settings";
import type { Translate } from "../shared/i18n";
import "./EnabledSwitch.css";

/** The global `enabled` switch, the same setting as the options page's. */
export function EnabledSwitch({ t, settings, onChange }: { t: Translate; settings: Settings | null; onChange(enabled: boolean): void }) {
  return (
    <label class="enabled-switch">
      <input
        type="checkbox"
        role="switch"
        data-testid="enabled-toggle"
        disabled={settings === null}
        checked={settings?.enabled ?? false}
        onChange={(e) => onChange(e.currentTarget.checked)}
      />
      <span>{t("popupEnabled")}</span>
    </label>
  );
}
