import browser from "webextension-polyfill";
import { acceptPort } from "../shared/page-channel";
import { CONTENT_PORT } from "../shared/protocol";
import { SETTINGS_KEY, validateSettings } from "../shared/settings";
import { startRelay } from "./relay";

startRelay({
  // The port is taken at once, inside the page world's synchronous hand-over (whose time the page
  // waits for at document_start); connecting to the background and reading settings wait a task.
  acceptPort: (onPort) => acceptPort(window, (port) => setTimeout(() => onPort(port), 0)),
  connect: () => browser.runtime.connect({ name: CONTENT_PORT }),
  settings: {
    // Validated here, so the page world gets a complete settings object and no validator to carry.
    get: async () => validateSettings((await browser.storage.local.get(SETTINGS_KEY))[SETTINGS_KEY]).settings,
    onChange: (listener) =>
      browser.storage.onChanged.addListener((changes, area) => {
        if (area === "local" && SETTINGS_KEY in changes) listener(validateSettings(changes[SETTINGS_KEY]!.newValue).settings);
      }),
  },
});
