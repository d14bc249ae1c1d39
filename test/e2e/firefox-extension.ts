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
 * uses. Over RDP (length-prefixed JSON on TCP, a client of ~100 lines below):
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
import net from "node:net";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Browser as Puppeteer, Page } from "puppeteer-core";
import type { Browser as WebExtensions } from "webextension-polyfill";
import { DIST_FIREFOX, firefoxPath } from "./harness";

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
      "devtools.debugger.remote-enabled": true,
      "devtools.chrome.enabled": true,
      "devtools.debugger.prompt-connection": false,
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
    const background = await backgroundTarget(rdp);
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

/**
 * Follows the extension's background page target through the add-on's watcher (a new target, with a
 * new console actor, each time Firefox starts the page again).
 */
async function backgroundTarget(rdp: RdpClient): Promise<{
  descriptor: string;
  /** The background page's console actor now, if it is running. */
  current(): string | undefined;
  /** The console actor, once there is a background page (it may be starting, or restarting). */
  ready(): Promise<string>;
}> {
  const { addons } = await rdp.request<{ addons: { id: string; actor: string }[] }>("root", { type: "listAddons" });
  const addon = addons.find((a) => a.id === EXTENSION_ID);
  if (!addon) throw new Error(`RDP lists no add-on ${EXTENSION_ID}: ${addons.map((a) => a.id).join(", ")}`);
  const watcher = await rdp.request<{ actor: string }>(addon.actor, { type: "getWatcher" });
  type Form = { actor: string; url: string; consoleActor: string };
  const forms = new Map<string, Form>();
  rdp.onEvent((m) => {
    if (m.from !== watcher.actor) return;
    const form = m.target as Form | undefined;
    if (m.type === "target-available-form" && form) forms.set(form.actor, form);
    if (m.type === "target-destroyed-form" && form) forms.delete(form.actor);
  });
  await rdp.request(watcher.actor, { type: "watchTargets", targetType: "frame" });
  const isBackground = (f: Form) => /^moz-extension:\/\/[^/]+\/_generated_background_page\.html/.test(f.url);
  const current = () => [...forms.values()].filter(isBackground).at(-1)?.consoleActor;
  return {
    descriptor: addon.actor,
    current,
    async ready() {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const found = current();
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no background page target; targets: ${[...forms.values()].map((f) => f.url).join(", ")}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}

type Packet = { from: string; type?: string; error?: string; message?: string; [k: string]: unknown };

/**
 * The Remote Debugging Protocol: `<byte length>:<JSON>` both ways; each request gets one reply (a
 * packet without `type`) from the actor it was sent to, in order; packets with a `type` are events.
 */
class RdpClient {
  private buffer = Buffer.alloc(0);
  private readonly replies = new Map<string, { resolve(p: Packet): void; reject(e: Error): void }[]>();
  private readonly listeners: ((p: Packet) => void)[] = [];
  /** evaluationResult events by resultID, and who waits for them (either can come first). */
  private readonly results = new Map<string, Packet>();
  private readonly waiting = new Map<string, (p: Packet) => void>();

  private constructor(private readonly socket: net.Socket) {
    socket.on("data", (chunk) => this.read(chunk));
    socket.on("close", () => {
      for (const queue of this.replies.values()) for (const r of queue) r.reject(new Error("RDP connection closed"));
      this.replies.clear();
    });
    this.onEvent((p) => {
      if (p.type !== "evaluationResult") return;
      const id = p.resultID as string;
      const waiter = this.waiting.get(id);
      if (waiter) {
        this.waiting.delete(id);
        waiter(p);
      } else this.results.set(id, p);
    });
  }

  /** Connects (retrying while Firefox opens the port) and reads the root actor's greeting. */
  static async connect(port: number, timeoutMs: number): Promise<RdpClient> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const socket = await new Promise<net.Socket>((resolve, reject) => {
          const s = net.createConnection({ port, host: "127.0.0.1" }, () => resolve(s));
          s.once("error", reject);
        });
        socket.on("error", () => {});
        const client = new RdpClient(socket);
        await client.expectReply("root");
        return client;
      } catch (e) {
        if (Date.now() > deadline) throw new Error(`no RDP server on port ${port}: ${e}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  /** Sends `packet` to actor `to`; its reply (`T` says which fields to expect). */
  request<T = Packet>(to: string, packet: Record<string, unknown>): Promise<T> {
    const reply = this.expectReply(to);
    const text = JSON.stringify({ to, ...packet });
    this.socket.write(`${Buffer.byteLength(text)}:${text}`);
    return reply as Promise<unknown> as Promise<T>;
  }

  onEvent(fn: (p: Packet) => void): void {
    this.listeners.push(fn);
  }

  /** `evaluateJSAsync` of `text`, awaiting a returned promise; the value must be a string. */
  async evaluate(consoleActor: string, text: string, timeoutMs = 30_000): Promise<string> {
    const { resultID } = await this.request<{ resultID: string }>(consoleActor, { type: "evaluateJSAsync", text, mapped: { await: true } });
    const result = await new Promise<Packet>((resolve, reject) => {
      const early = this.results.get(resultID);
      if (early) {
        this.results.delete(resultID);
        return resolve(early);
      }
      const timer = setTimeout(() => {
        this.waiting.delete(resultID);
        reject(new Error(`no evaluation result in ${timeoutMs} ms (did the background page go away?)`));
      }, timeoutMs);
      this.waiting.set(resultID, (p) => {
        clearTimeout(timer);
        resolve(p);
      });
    });
    if (result.hasException || result.topLevelAwaitRejected) throw new Error(`evaluation failed: ${JSON.stringify(result.exceptionMessage ?? result)}`);
    const value = result.result as string | { type: string; actor?: string; length?: number };
    if (typeof value === "string") return value;
    if (value.type === "longString") {
      const { substring } = await this.request<{ substring: string }>(value.actor!, { type: "substring", start: 0, end: value.length });
      return substring;
    }
    throw new Error(`expected a string result, got ${JSON.stringify(value)}`);
  }

  close(): void {
    this.socket.destroy();
  }

  private expectReply(from: string): Promise<Packet> {
    return new Promise((resolve, reject) => {
      let queue = this.replies.get(from);
      if (!queue) this.replies.set(from, (queue = []));
      queue.push({ resolve, reject });
    });
  }

  private read(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const colon = this.buffer.indexOf(":");
      if (colon < 0) return;
      const length = Number(this.buffer.subarray(0, colon).toString());
      if (this.buffer.length < colon + 1 + length) return;
      const packet = JSON.parse(this.buffer.subarray(colon + 1, colon + 1 + length).toString("utf8")) as Packet;
      this.buffer = this.buffer.subarray(colon + 1 + length);
      this.dispatch(packet);
    }
  }

  private dispatch(packet: Packet): void {
    const queue = this.replies.get(packet.from);
    if (packet.type === undefined && queue?.length) {
      const waiter = queue.shift()!;
      if (packet.error) waiter.reject(new Error(`RDP ${packet.from}: ${packet.error}: ${packet.message ?? ""}`));
      else waiter.resolve(packet);
      return;
    }
    for (const l of this.listeners) l(packet);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
