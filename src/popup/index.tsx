import { render } from "preact";
import browser from "webextension-polyfill";
import { Popup } from "./Popup";
import { activeTab, tabIdParam, type TabsApi } from "./active-tab";
import { t, uiLanguage } from "../shared/i18n";
import { storageSettingsStore } from "../options/settings-store";
import type { ConnectPort } from "../panel/panel-port";

const connect: ConnectPort = (name) => browser.runtime.connect({ name });

document.documentElement.lang = uiLanguage();
void activeTab(browser.tabs as unknown as TabsApi, tabIdParam(location.search)).then((tab) =>
  render(
    <Popup
      tab={tab}
      store={storageSettingsStore(browser.storage)}
      connect={connect}
      t={t}
      openOptions={() => void browser.runtime.openOptionsPage()}
    />,
    document.getElementById("app")!,
  ),
);
