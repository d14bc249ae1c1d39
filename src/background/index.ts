import browser from "webextension-polyfill";
import pageWorldFile from "../page/index.iife.ts?iife";
import { SETTINGS_KEY, validateSettings } from "../shared/settings";
import { pageWorldRegistration, type ScriptingLike } from "./page-world";
import { TabRouter } from "./router";

// Registered synchronously at top level: a restarted service worker must have its listener before
// the relays' and panels' reconnects arrive.
const router = new TabRouter({ extensionOrigin: browser.runtime.getURL("") });
browser.runtime.onConnect.addListener((port) => router.connect(port));

// `settings.enabled` decides whether pages loaded from now on get the page-world script at all.
const registration = pageWorldRegistration(browser.scripting as unknown as ScriptingLike, pageWorldFile);
const enabledOf = (raw: unknown): boolean => validateSettings(raw).settings.enabled;
void browser.storage.local.get(SETTINGS_KEY).then((stored) => registration.sync(enabledOf(stored[SETTINGS_KEY])));
browser.storage.onChanged.addListener((changes, area) => {
  if (area === "local" && SETTINGS_KEY in changes) void registration.sync(enabledOf(changes[SETTINGS_KEY]!.newValue));
});
