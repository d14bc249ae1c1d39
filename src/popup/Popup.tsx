import { useEffect, useReducer, useState } from "preact/hooks";
import { openPanelPort, type ConnectPort } from "../panel/panel-port";
import type { SettingsStore } from "../options/settings-store";
import { validateSettings, type Settings } from "../shared/settings";
import type { TabInfo } from "./active-tab";
import type { Translate } from "../shared/i18n";
import { emptyTally, foldTally, socketOrigins } from "./socket-tally";
import { SocketCount } from "./SocketCount";
import { allClosedUnprotected, SiteProtection } from "./SiteProtection";
import { EnabledSwitch } from "./EnabledSwitch";
import "./Popup.css";

export interface PopupProps {
  tab: TabInfo | null;
  store: SettingsStore;
  connect: ConnectPort;
  t: Translate;
  /** The language `t` speaks, for plural forms; the browser's UI language by default. */
  language?: string;
  openOptions(): void;
}

/** The toolbar popup: the tab's sockets, whether its site is protected (and the switch), Lifeguard on/off. */
export function Popup({ tab, store, connect, t, language, openOptions }: PopupProps) {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [tally, dispatch] = useReducer(foldTally, emptyTally);

  useEffect(() => {
    let live = true;
    // Stored settings are untrusted like everywhere else: what the page world would use is what counts.
    const take = (raw: unknown): void => {
      if (live) setSettings(validateSettings(raw).settings);
    };
    const unwatch = store.watch(take);
    store.load().then(take, (err: unknown) => live && setSaveError(String(err)));
    return () => {
      live = false;
      unwatch();
    };
  }, [store]);

  // The panel's own port: the page world answers it with a snapshot, then events.
  useEffect(() => {
    if (tab === null) return;
    const port = openPanelPort(tab.id, connect, dispatch);
    return () => port.close();
  }, [tab, connect]);

  const save = (next: Settings): void => {
    setSaveError(null);
    store.save(next).catch((err: unknown) => setSaveError(String(err)));
  };

  return (
    <main class="popup">
      <header class="popup-header">
        <img class="popup-icon" src="/icons/icon-32.png" alt="" width={16} height={16} />
        <span class="popup-title">Lifeguard</span>
        <span class="popup-spacer" />
        <EnabledSwitch t={t} settings={settings} onChange={(enabled) => settings && save({ ...settings, enabled })} />
      </header>
      {settings && !settings.enabled && <p class="popup-note" data-testid="disabled-note">{t("popupDisabledNote")}</p>}
      <SocketCount t={t} tally={tally} language={language} />
      <SiteProtection t={t} pageUrl={tab?.url} socketUrls={socketOrigins(tally)} allClosed={allClosedUnprotected(tally)} settings={settings} onChange={save} />
      {saveError !== null && (
        <p class="popup-error" role="alert" data-testid="save-error">
          {t("popupSaveFailed", [saveError])}
        </p>
      )}
      <footer class="popup-footer">
        <button type="button" class="popup-link" data-testid="open-options" onClick={openOptions}>
          {t("popupOpenSettings")}
        </button>
      </footer>
    </main>
  );
}
