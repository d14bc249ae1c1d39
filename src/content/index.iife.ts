import type Browser from "webextension-polyfill";
import { acceptPort } from "../shared/page-channel";
import { CONTENT_PORT } from "../shared/protocol";
import { SETTINGS_KEY, validateSettings } from "../shared/settings";
import { startRelay } from "./relay";

/**
 * The browser's own extension API, not webextension-polyfill's wrapper: this script runs at
 * document_start in every frame of every page, and with the polyfill it took 0.49-0.52 ms there, about
 * half of it evaluating the polyfill (0.26-0.30 ms without; BENCHMARKS.md). The three calls below need
 * none of it: Firefox's `browser` and Chrome's MV3 `chrome` both return promises for them.
 */
const api = ((globalThis as { browser?: unknown }).browser ?? (globalThis as { chrome?: unknown }).chrome) as typeof Browser;

startRelay({
  // The port is taken at once, inside the page world's synchronous hand-over (whose time the page
  // waits for at document_start); connecting to the background and reading settings wait a task.
  acceptPort: (onPort) => acceptPort(window, (port) => setTimeout(() => onPort(port), 0)),
  connect: () => api.runtime.connect({ name: CONTENT_PORT }),
  settings: {
    // Validated here, so the page world gets a complete settings object and no validator to carry.
    get: async () => validateSettings((await api.storage.local.get(SETTINGS_KEY))[SETTINGS_KEY]).settings,
    onChange: (listener) =>
      api.storage.onChanged.addListener((changes, area) => {
        if (area === "local" && SETTINGS_KEY in changes) listener(validateSettings(changes[SETTINGS_KEY]!.newValue).settings);
      }),
  },
});
