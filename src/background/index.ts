import browser from "webextension-polyfill";
import { TabRouter } from "./router";

// Registered synchronously at top level: a restarted service worker must have its listener before
// the relays' and panels' reconnects arrive.
const router = new TabRouter({ extensionOrigin: browser.runtime.getURL("") });
browser.runtime.onConnect.addListener((port) => router.connect(port));
