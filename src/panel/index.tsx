import { render } from "preact";
import browser from "webextension-polyfill";
import { App } from "./App";
import { applyTheme } from "./theme";

// The same page serves DevTools' panel and a normal tab: both say which tab with ?tabId=N.
const tabId = Number(new URLSearchParams(location.search).get("tabId") ?? "NaN");
applyTheme(document.documentElement, browser.devtools?.panels);
render(
  <App tabId={Number.isSafeInteger(tabId) && tabId >= 0 ? tabId : null} connect={(name) => browser.runtime.connect({ name })} />,
  document.getElementById("app")!,
);
