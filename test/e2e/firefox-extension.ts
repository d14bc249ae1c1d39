/**
 * Firefox ESR with the built extension, plus a way into the extension's own contexts.
 *
 * Why: WebDriver BiDi (how puppeteer-core drives Firefox here) installs the extension but refuses to
 * navigate a tab to it: `browsingContext.navigate` answers `Navigation to "moz-extension://..." is not
 * allowed in this context`, also with the UUID fixed by `extensions.webextensions.uuids`. And
 * `script.getRealms` lists only the tabs' windows, not the background page. So BiDi alone gives a
 * test no way to set `storage.local`, query `tabs`, or open a `panel:<tabId>` port.
 *
 * How: Firefox is launched with both protocols. Puppeteer's own `--remote-debugging-port` gives BiDi;
 * `--start-debugger-server <port>` (with `devtools.debugger.remote-enabled`, `devtools.chrome.enabled`
 * and no connection prompt) gives the Remote Debugging Protocol, the one about:debugging's "Inspect"
 * uses. Over RDP (length-prefixed JSON on TCP, the client in src/testing/firefox-rdp.ts, shared with the testing API):
 *   root `listAddons` -> our WebExtension descriptor -> `getWatcher` -> `watchTargets("frame")` ->
 *   one target form per extension document; the one whose URL is `_generated_background_page.html`
 *   is the background. Its console actor's `evaluateJSAsync` with `mapped: { await: true }` runs an
 *   expression in the background page and awaits the promise it returns (Firefox 153 has no
 *   `getTarget` on the descriptor any more: the watcher is the way).
 * `evalInBackground(fn, ...args)` sends `(fn)(browser, ...args)` wrapped so the value comes back as
 * JSON and a throw comes back as an error with its message (a bare rejection would only say
 * `topLevelAwaitRejected`).
 *
 * Extension pages: a tab the extension opens itself (`tabs.create` from the background) is allowed,
 * and puppeteer then sees it as a page it can evaluate in (with the page's `browser` API) and take a
 * screenshot of. Its `page.url()` stays `about:blank` (BiDi never reports that navigation), so the
 * page is found by evaluating `location.href`. `openExtensionPage` does both steps.
 *
 * Why not the background alone for a panel port: in Firefox `runtime.connect` from the background
 * never reaches the background's own `onConnect` (the port disconnects with "Receiving end does not
 * exist"), and the router is not reachable from outside its module. An extension page in a tab is
 * what the devtools panel is, minus devtools; no test hook in src/ is needed.
 *
 * Cost: about a second more than `launchFirefox` in harness.ts (the RDP handshake and target list).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Browser as Puppeteer, Page } from "puppeteer-core";
import type { Browser as WebExtensions } from "webextension-polyfill";
import { DIST_FIREFOX, firefoxPath } from "./harness";
import { RDP_PREFS, RdpClient, backgroundTarget, freePort } from "../../src/testing/firefox-rdp";

export const EXTENSION_ID = "lifeguard@lifeguard.dev";

/** A function run in an extension context: gets that context's `browser` and the JSON arguments. */
export type ExtensionFn<A extends unknown[], T> = (browser: WebExtensions, ...args: A) => T | Promise<T>;

export interface FirefoxWithExtension {
  browser: Puppeteer;
  /** `moz-extension://<uuid>/` */
  origin: string;
  /**
   * Runs `fn(browser, ...args)` in the background page and returns its (awaited) value through JSON.
   * `fn` is sent as source text: it may use only its parameters and globals. A string is evaluated
   * as an expression (awaited if it is a promise).
   */
  evalInBackground<A extends unknown[], T>(fn: ExtensionFn<A, T> | string, ...args: A): Promise<T>;
  /** Opens `path` (relative to the extension root) in a new tab from the background; its puppeteer page. */
  openExtensionPage(path: string): Promise<{ page: Page; tabId: number }>;
  /** The id of the one tab whose URL is `url` (host permissions let the extension see it). */
  tabIdOf(url: string): Promise<number>;
  /**
   * Stops the background page as Firefox stops an idle event page (RDP `terminateBackgroundScript`);
   * resolves once its document is gone. Firefox starts it again on the next event (a port connecting).
   */
  terminateBackground(): Promise<void>;
  close(): Promise<void>;
}

export async function launchFirefoxWithExtension(): Promise<FirefoxWithExtension> {
  if (!existsSync(join(DIST_FIREFOX, "manifest.json"))) throw new Error("dist/firefox missing: run npm run build");
  const puppeteer = (await import("puppeteer-core")).default;
  const rdpPort = await freePort();
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: firefoxPath(),
    headless: true,
    args: ["--start-debugger-server", String(rdpPort)],
    extraPrefsFirefox: {
      ...RDP_PREFS,
      // No network but loopback on this machine: keep Firefox from trying.
      "app.update.enabled": false,
      "browser.shell.checkDefaultBrowser": false,
      "datareporting.policy.dataSubmissionEnabled": false,
      "extensions.update.enabled": false,
      "network.captive-portal-service.enabled": false,
    },
  });
  let rdp: RdpClient | null = null;
  try {
    const id = await browser.installExtension(DIST_FIREFOX);
    if (id !== EXTENSION_ID) throw new Error(`installed ${id}, expected ${EXTENSION_ID}`);
    rdp = await RdpClient.connect(rdpPort, 10_000);
    const background = await backgroundTarget(rdp, EXTENSION_ID);
    const client = rdp;

    const evalInBackground = async <A extends unknown[], T>(fn: ExtensionFn<A, T> | string, ...args: A): Promise<T> => {
      const call = typeof fn === "string" ? `(${fn})` : `(${fn.toString()})(browser, ...${JSON.stringify(args)})`;
      const text = `(async () => {
        try { return JSON.stringify({ ok: true, value: await ${call} }); }
        catch (e) { return JSON.stringify({ ok: false, error: String(e && e.stack ? e + "\\n" + e.stack : e) }); }
      })()`;
      const raw = await client.evaluate(await background.ready(), text);
      const out = JSON.parse(raw) as { ok: true; value?: T } | { ok: false; error: string };
      if (!out.ok) throw new Error(`in the background: ${out.error}`);
      return out.value as T;
    };

    const origin = await evalInBackground((b) => b.runtime.getURL(""));

    return {
      browser,
      origin,
      evalInBackground,
      async openExtensionPage(path) {
        const url = origin + path.replace(/^\//, "");
        const before = new Set(await browser.pages());
        const tab = await evalInBackground((b, u) => b.tabs.create({ url: u }), url);
        const page = await pageAt(browser, url, before);
        return { page, tabId: tab.id! };
      },
      async tabIdOf(url) {
        const tabs = await evalInBackground(async (b) => (await b.tabs.query({})).map((t) => ({ id: t.id, url: t.url })));
        const found = tabs.filter((t) => t.url === url);
        if (found.length !== 1) throw new Error(`expected one tab at ${url}, tabs are ${JSON.stringify(tabs)}`);
        return found[0]!.id!;
      },
      async terminateBackground() {
        const before = await background.ready();
        await client.request(background.descriptor, { type: "terminateBackgroundScript" });
        const deadline = Date.now() + 10_000;
        while (background.current() === before) {
          if (Date.now() > deadline) throw new Error("the background page did not go away");
          await new Promise((r) => setTimeout(r, 25));
        }
      },
      async close() {
        client.close();
        await browser.close();
      },
    };
  } catch (e) {
    rdp?.close();
    await browser.close();
    throw e;
  }
}

/**
 * The new puppeteer page (not one of `before`) showing `url`, loaded. Matched on `location.href`:
 * `page.url()` stays `about:blank` for a tab the extension opened.
 */
async function pageAt(browser: Puppeteer, url: string, before: Set<Page>): Promise<Page> {
  const deadline = Date.now() + 20_000;
  const seen = new Map<Page, string>();
  for (;;) {
    for (const page of await browser.pages()) {
      if (before.has(page)) continue;
      const href = await Promise.race([
        page.evaluate(() => `${document.readyState} ${location.href}`).catch((e: Error) => `error ${e.message}`),
        new Promise<string>((r) => setTimeout(() => r("no answer in 2 s"), 2000)),
      ]);
      seen.set(page, href);
      if (href === `complete ${url}`) return page;
    }
    if (Date.now() > deadline) throw new Error(`no page at ${url} appeared; new pages: ${JSON.stringify([...seen.values()])}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
