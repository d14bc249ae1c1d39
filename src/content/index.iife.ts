import browser from "webextension-polyfill";
import { acceptPort } from "../shared/page-channel";
import { CONTENT_PORT } from "../shared/protocol";
import { SETTINGS_KEY } from "../shared/settings";
import { startRelay } from "./relay";

startRelay({
  acceptPort: (onPort) => acceptPort(window, onPort),
  connect: () => browser.runtime.connect({ name: CONTENT_PORT }),
  settings: {
    get: async () => (await browser.storage.local.get(SETTINGS_KEY))[SETTINGS_KEY],
    onChange: (listener) =>
      browser.storage.onChanged.addListener((changes, area) => {
        if (area === "local" && SETTINGS_KEY in changes) listener(changes[SETTINGS_KEY]!.newValue);
      }),
  },
});
