/**
 * Lifeguard's testing API (issue 21; the contract is DESIGN.md, "Testing API"): Lifeguard's faults,
 * protection and records for users' own end-to-end tests. Node side only: it drives the extension
 * in a browser the test launched. docs/testing-api.md is the user's guide.
 *
 * The channel, and why it is safe
 * -------------------------------
 * Requirements: nothing is exposed to the page; the extension takes these commands only from its own
 * contexts; no DevTools needs to be open.
 *
 * - Chromium (built: playwright.ts, puppeteer.ts). The test driver already holds the extension's service worker as
 *   an automation target: Playwright's `context.serviceWorkers()`, Puppeteer's
 *   `browser.waitForTarget(t => t.type() === "service_worker")` then `target.worker()`. The Node side
 *   evaluates small self-contained functions there (worker-calls.ts). They call the hook the
 *   background installs on its own global, `globalThis.lifeguardTesting`
 *   (src/background/testing-hook.ts): `connect(tabId)` opens a panel's connection to the tab through
 *   the same router a DevTools panel uses, with an in-memory port instead of a runtime port, so the
 *   same guards, fan-out to every frame and `listening` notices apply. `request(command)` posts a
 *   panel command and then asks every frame for a snapshot; ports keep order, so the answer shows the
 *   page after it handled the command, and the Node side reads from it whether the effect is in force.
 *   Settings go straight to `chrome.storage.local` from the worker, as the options page writes them.
 * - Why pages cannot reach it: the hook is a property of the service worker's global, where no page,
 *   frame or content script runs; the hook listens to no message, so nothing sent with
 *   `runtime.sendMessage`, `postMessage` or DOM events arrives there. Only a holder of the browser's
 *   automation channel (CDP, BiDi, RDP) can evaluate in the worker, and whoever holds it owns the
 *   browser anyway. The page world's own channel is unchanged (private MessagePort, guards).
 * - Page -> tab: Playwright does not expose a page's tab id. The tab showing the page's exact URL is
 *   the page's; when several tabs show it, the page is brought to the front and the active one is
 *   taken (playwright.ts, `tabOfPage`). The answer is kept for the page's life (a tab keeps its id
 *   across navigations). Limits: a page on about:blank or data: cannot be found (no tab URL to match),
 *   and bringing a page to the front changes which tab is visible.
 * - A service worker Chromium stopped is found again on the next call; the hook keeps no history, the
 *   page worlds do, so nothing is lost.
 * - Firefox (built: puppeteer.ts with firefox-rdp.ts). Puppeteer over WebDriver BiDi cannot evaluate
 *   in an extension's background, so the route is the one test/e2e/firefox-extension.ts found:
 *   Firefox's remote debugging protocol (RDP, loopback only, opened by the launch options) to the
 *   add-on's background page, evaluating the same worker-calls.ts functions (as source text) against
 *   the same hook on that page's global. The hook's port is in memory, so Firefox's refusal to connect
 *   the background to itself (`runtime.connect` never reaches its own `onConnect`) does not matter.
 */
export * from "./errors";
export { createLifeguard, type Lifeguard, type LifeguardDriver, type RuleOptions, type UrlOption, type WaitOptions } from "./lifeguard";
export type { FrameView, SocketView } from "./records";
export type { PausedFrame, PauseAction } from "./pauses";
export type { MockOptions } from "./mocks";
export type { MockFrame, MockSpec } from "../shared/frame-rule-types";
export * from "./resilience-types";
export { urlMatches } from "./url-glob";
