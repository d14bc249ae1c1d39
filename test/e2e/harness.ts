/**
 * The real-browser rig: one local HTTP + WebSocket server on port 0 serving the test pages, and
 * launchers for headless Chromium (playwright-core) and Firefox ESR (puppeteer-core over WebDriver
 * BiDi) with the built extension. Nothing here downloads a browser: Debian's are used.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import { readFileSync, mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { WebSocketServer, type WebSocket as ServerSocket } from "ws";
import { chromium, type BrowserContext, type Worker } from "playwright-core";

export const ROOT = resolve(import.meta.dirname, "../..");
export const DIST_CHROME = join(ROOT, "dist/chrome");
export const DIST_FIREFOX = join(ROOT, "dist/firefox");
const FIXTURES = join(import.meta.dirname, "fixtures");

export function chromiumPath(): string {
  for (const p of ["/usr/lib/chromium/chromium", "/usr/bin/chromium"]) if (existsSync(p)) return p;
  throw new Error("Chromium is not installed: run `npm test` (scripts/test.sh installs it) or apt-get install chromium");
}

export function firefoxPath(): string {
  for (const p of ["/usr/lib/firefox-esr/firefox-esr", "/usr/bin/firefox-esr"]) if (existsSync(p)) return p;
  throw new Error("Firefox ESR is not installed: run `npm test` (scripts/test.sh installs it) or apt-get install firefox-esr");
}

/** The page-world probe token of a build: lets a test ask a frame whether the hook is in, no page marker needed. */
export function probeToken(dist: string): string {
  const code = readFileSync(join(dist, "src/page/index.iife.js"), "utf8");
  // The build defines one random UUID for the page world (see src/shared/page-channel.ts).
  const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(code);
  if (!uuid) throw new Error(`no probe token in ${dist}: was it built?`);
  return `lifeguard-probe-${uuid[0]}`;
}

/**
 * The hand-over's per-build token (src/shared/page-channel.ts) as a page with the published build in
 * hand reads it: the event names are `lifeguard-hello-<token>` and `lifeguard-ready-<token>`.
 */
export function channelToken(dist: string): string {
  return probeToken(dist).replace(/^lifeguard-probe-/, "");
}

export interface TestServer {
  port: number;
  origin: string;
  wsOrigin: string;
  /** Connections the WebSocket server holds now. */
  sockets: Set<ServerSocket>;
  /** Text frames the server received, per path. */
  received: string[];
  close(): Promise<void>;
}

/**
 * HTTP: `/fixtures/<file>` from test/e2e/fixtures (with `{{WS}}`, `{{PROBE}}` and `{{CHANNEL}}` filled in).
 * WebSocket paths: `/echo` echoes; `/close?code=C&reason=R` closes after the first message;
 * any path picks the last offered subprotocol.
 */
export async function startServer(probe = "", channel = probe.replace(/^lifeguard-probe-/, "")): Promise<TestServer> {
  const received: string[] = [];
  const sockets = new Set<ServerSocket>();
  const http: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const file = url.pathname.replace(/^\/fixtures\//, "");
    const path = join(FIXTURES, file);
    if (!url.pathname.startsWith("/fixtures/") || file.includes("..") || !existsSync(path)) {
      res.writeHead(404).end("not found");
      return;
    }
    const type = file.endsWith(".js") ? "text/javascript" : "text/html";
    const body = readFileSync(path, "utf8")
      .replaceAll("{{WS}}", `ws://127.0.0.1:${port}`)
      .replaceAll("{{PROBE}}", probe)
      .replaceAll("{{CHANNEL}}", channel);
    res.writeHead(200, { "content-type": `${type}; charset=utf-8`, "cache-control": "no-store" }).end(body);
  });
  const wss = new WebSocketServer({
    server: http,
    handleProtocols: (protocols) => [...protocols].at(-1) ?? false,
  });
  wss.on("connection", (ws, req: IncomingMessage) => {
    sockets.add(ws);
    ws.on("close", () => sockets.delete(ws));
    const url = new URL(req.url ?? "/", "http://x");
    ws.on("message", (data, isBinary) => {
      if (!isBinary) received.push(data.toString());
      if (url.pathname === "/close") {
        ws.close(Number(url.searchParams.get("code") ?? 1000), url.searchParams.get("reason") ?? "");
        return;
      }
      ws.send(data, { binary: isBinary });
    });
  });
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  const port = (http.address() as { port: number }).port;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    wsOrigin: `ws://127.0.0.1:${port}`,
    sockets,
    received,
    close: async () => {
      for (const s of sockets) s.terminate();
      wss.close();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}

export interface Chromium {
  context: BrowserContext;
  /** The extension's service worker, when loaded with it. */
  worker: Worker | null;
  extensionId: string | null;
  close(): Promise<void>;
}

/**
 * Headless Chromium with a fresh profile; with the built extension (`dist/chrome`, or another build at
 * `dist`) or without any (the native baseline).
 */
export async function launchChromium(opts: { extension: boolean; args?: string[]; dist?: string }): Promise<Chromium> {
  const dist = opts.dist ?? DIST_CHROME;
  const dir = mkdtempSync(join(tmpdir(), "lifeguard-chromium-"));
  const args = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    ...(opts.args ?? []),
  ];
  if (opts.extension) {
    if (!existsSync(join(dist, "manifest.json"))) throw new Error(`${dist} missing: run npm run build`);
    args.push(`--disable-extensions-except=${dist}`, `--load-extension=${dist}`);
  }
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: chromiumPath(),
    headless: true,
    args,
  });
  let worker: Worker | null = null;
  if (opts.extension) {
    worker = context.serviceWorkers()[0] ?? (await context.waitForEvent("serviceworker", { timeout: 15_000 }));
    await waitForPageWorldRegistration(worker, true);
  }
  return {
    context,
    worker,
    extensionId: worker ? new URL(worker.url()).host : null,
    close: async () => {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Writes `settings` into `storage.local` through the service worker, then waits `settleMs` for pages
 * already open to get them (the contract says within 100 ms; new pages get them at document_start).
 */
export async function setSettings(browser: Chromium, settings: unknown, settleMs = 150): Promise<void> {
  await browser.worker!.evaluate((s) => chrome.storage.local.set({ settings: s }), settings);
  if (settleMs > 0) await new Promise((r) => setTimeout(r, settleMs));
}

/** The id of the active tab (the page opened last); no `tabs` permission is needed for that. */
export async function activeTabId(browser: Chromium): Promise<number> {
  const tabs = (await browser.worker!.evaluate(() => chrome.tabs.query({ active: true }))) as { id: number }[];
  if (tabs.length !== 1) throw new Error(`expected one active tab, got ${tabs.length}`);
  return tabs[0]!.id;
}

/**
 * The background registers the page-world script at run time (so `enabled: false` can remove it);
 * a test navigates only once the registration is in the state it expects.
 */
export async function waitForPageWorldRegistration(worker: Worker, registered: boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ids = (await worker.evaluate(async () => (await chrome.scripting.getRegisteredContentScripts()).map((s) => s.id))) as string[];
    if (ids.includes("lifeguard-page-world") === registered) return;
    if (Date.now() > deadline) throw new Error(`page-world script registration never became ${registered}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Firefox: reloads `url` until the page world is in (the background registers it after install). */
export async function waitForPageWorld(page: import("puppeteer-core").Page, url: string, probe: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    await page.goto(url);
    const answer = await page.evaluate((t) => (Function.prototype.toString as (this: unknown, p: string) => string).call(Function.prototype.toString, t), probe);
    if (answer === "lifeguard-installed") return;
    if (Date.now() > deadline) throw new Error("the page-world script never arrived in Firefox");
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface Firefox {
  browser: import("puppeteer-core").Browser;
  close(): Promise<void>;
}

/**
 * Firefox ESR over WebDriver BiDi (no geckodriver here). The extension is installed temporarily
 * before any navigation, so there is no start-up race.
 */
export async function launchFirefox(opts: { extension: boolean }): Promise<Firefox> {
  const puppeteer = (await import("puppeteer-core")).default;
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: firefoxPath(),
    headless: true,
    extraPrefsFirefox: {
      // No network but loopback on this machine: keep Firefox from trying.
      "app.update.enabled": false,
      "browser.shell.checkDefaultBrowser": false,
      "datareporting.policy.dataSubmissionEnabled": false,
      "extensions.update.enabled": false,
      "network.captive-portal-service.enabled": false,
    },
  });
  if (opts.extension) {
    if (!existsSync(join(DIST_FIREFOX, "manifest.json"))) throw new Error("dist/firefox missing: run npm run build");
    await browser.installExtension(DIST_FIREFOX);
  }
  return { browser, close: () => browser.close() };
}
