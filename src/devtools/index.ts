import browser from "webextension-polyfill";

// The panel page is the same one that works as a tab with ?tabId=N.
void browser.devtools.panels.create(
  "Lifeguard",
  "/icons/icon-32.png",
  `/src/panel/index.html?tabId=${browser.devtools.inspectedWindow.tabId}`,
);
