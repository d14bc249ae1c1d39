import { render } from "preact";
import browser from "webextension-polyfill";
import { App } from "./App";
import { applyTheme } from "./theme";
import type { ConnectPort } from "./panel-port";
import { storageSettingsStore } from "../options/settings-store";
import { storedValue } from "./stored-value";
import { MOCKS_KEY } from "../shared/frame-rule-types";
import { uiLanguage } from "../shared/i18n";
import { probePresence } from "./presence";
import { pageInfoSource } from "./page-title";

// The same page serves DevTools' panel and a normal tab: both say which tab with ?tabId=N.
const param = new URLSearchParams(location.search).get("tabId") ?? "";
const tabId = /^\d{1,15}$/.test(param) ? Number(param) : null;
const connect: ConnectPort = (name) => browser.runtime.connect({ name });
const ask = (m: unknown) => browser.runtime.sendMessage(m);

document.documentElement.lang = uiLanguage();
applyTheme(document.documentElement, browser.devtools?.panels);
const presence = tabId === null ? undefined : () => probePresence(browser.tabs, tabId, ask);
// In DevTools the inspected window reloads itself; in a tab (`?tabId=N`) the tab is reloaded.
const reloadPage = tabId === null ? undefined : () => void (browser.devtools?.inspectedWindow ? browser.devtools.inspectedWindow.reload({}) : browser.tabs.reload(tabId));
const pageInfo = tabId === null ? undefined : pageInfoSource(browser.tabs, tabId, ask);
render(
  <App
    tabId={tabId}
    connect={connect}
    settings={storageSettingsStore(browser.storage)}
    mocks={storedValue(browser.storage, MOCKS_KEY)}
    presence={presence}
    reloadPage={reloadPage}
    pageInfo={pageInfo}
  />,
  document.getElementById("app")!,
);
