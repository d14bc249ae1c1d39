import type Browser from "webextension-polyfill";
import { acceptPort } from "../shared/page-channel";
import { CONTENT_PORT, isPresenceQuery, type PresenceAnswer } from "../shared/protocol";
import { SETTINGS_KEY, validateSettings } from "../shared/settings";
import { MOCKS_KEY } from "../shared/frame-rule-types";
import { validateMocks } from "../shared/mock-validate";
import { startRelay, type Relay } from "./relay";

/**
 * The browser's own extension API, not webextension-polyfill's wrapper: this script runs at
 * document_start in every frame of every page, and with the polyfill it took 0.49-0.52 ms there, about
 * half of it evaluating the polyfill (0.26-0.30 ms without; BENCHMARKS.md). The three calls below need
 * none of it: Firefox's `browser` and Chrome's MV3 `chrome` both return promises for them.
 */
const api = ((globalThis as { browser?: unknown }).browser ?? (globalThis as { chrome?: unknown }).chrome) as typeof Browser;

// At document_start only the hand-over runs (the page waits for it); the relay itself starts a task
// later, when there is something to carry: the page world's port, or a refused hand-over to report.
let relay: Relay | null = null;
const relayNow = (): Relay =>
  (relay ??= startRelay({
    connect: () => api.runtime.connect({ name: CONTENT_PORT }),
    frameUrl: () => location.href,
    settings: {
      // Validated here: the page world gets well-formed values and no validator to carry.
      get: async () => validateSettings((await api.storage.local.get(SETTINGS_KEY))[SETTINGS_KEY]).settings,
      onChange: (listener) =>
        api.storage.onChanged.addListener((changes, area) => {
          if (area === "local" && SETTINGS_KEY in changes) listener(validateSettings(changes[SETTINGS_KEY]!.newValue).settings);
        }),
    },
    mocks: {
      get: async () => validateMocks((await api.storage.local.get(MOCKS_KEY))[MOCKS_KEY]).mocks,
      onChange: (listener) =>
        api.storage.onChanged.addListener((changes, area) => {
          if (area === "local" && MOCKS_KEY in changes) listener(validateMocks(changes[MOCKS_KEY]!.newValue).mocks);
        }),
    },
  }));

// A panel asks whether this document is recorded (only the extension can send this; see PRESENCE_QUERY).
let pageWorld = false;
// A synchronous `sendResponse`: Chrome and Firefox both take it (a returned promise is Firefox's alone).
const onPresence = (message: unknown, _sender: unknown, reply: (answer: PresenceAnswer) => void): void => {
  if (isPresenceQuery(message)) reply({ pageWorld });
};
api.runtime.onMessage.addListener(onPresence as unknown as Parameters<typeof api.runtime.onMessage.addListener>[0]);

acceptPort(window, {
  port: (port) => {
    pageWorld = true;
    setTimeout(() => relayNow().port(port), 0);
  },
  refused: (reason) => setTimeout(() => relayNow().refused(reason), 0),
});
