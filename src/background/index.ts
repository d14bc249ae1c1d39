import browser, { type Runtime } from "webextension-polyfill";
import pageWorldFile from "../page/index.iife.ts?iife";
import { SETTINGS_KEY, validateSettings } from "../shared/settings";
import { pageWorldRegistration, type ScriptingLike } from "./page-world";
import { TabRouter } from "./router";
import { installTestingHook, testingHook } from "./testing-hook";
import { PRESENCE_QUERY, isPresenceQuery } from "../shared/protocol";
import { isPageInfoQuery, pageInfoOf } from "../shared/page-info";

// Registered synchronously at top level: a restarted service worker must have its listener before
// the relays' and panels' reconnects arrive.
const router = new TabRouter({ extensionOrigin: browser.runtime.getURL("") });
browser.runtime.onConnect.addListener((port) => router.connect(port));
// The testing API (src/testing/) evaluates in this worker over the automation channel; pages cannot reach it.
installTestingHook(globalThis, testingHook(router, browser.runtime.getURL("")));
// A panel without the tabs API (Firefox's DevTools panels) asks here whether its tab is recorded
// (presence.ts); only an extension page may ask (a content script's sender has a tab).
browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => {
  const tabId = (message as { tabId?: unknown }).tabId;
  if (!isPresenceQuery(message) || sender.tab || typeof tabId !== "number") return undefined;
  return browser.tabs.sendMessage(tabId, PRESENCE_QUERY, { frameId: 0 }).catch(() => null);
});
// Such a panel's header asks the same way for its page's title and URL (page-title.ts).
browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => {
  if (!isPageInfoQuery(message) || sender.tab) return undefined;
  return browser.tabs.get(message.tabId).then(pageInfoOf, () => null);
});

// `settings.enabled` decides whether pages loaded from now on get the page-world script at all.
const registration = pageWorldRegistration(browser.scripting as unknown as ScriptingLike, pageWorldFile);
const enabledOf = (raw: unknown): boolean => validateSettings(raw).settings.enabled;
void browser.storage.local.get(SETTINGS_KEY).then((stored) => registration.sync(enabledOf(stored[SETTINGS_KEY])));
browser.storage.onChanged.addListener((changes, area) => {
  if (area === "local" && SETTINGS_KEY in changes) void registration.sync(enabledOf(changes[SETTINGS_KEY]!.newValue));
});
