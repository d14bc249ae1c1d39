/**
 * The bench rig: its own build of the Chrome extension (so the figures are of the source as it is now,
 * and a concurrent `npm run build` by someone else cannot swap dist/ under a run), the client libraries
 * bundled for the page, one HTTP + WebSocket server for the bench pages, and Chromium launchers.
 */
import { createServer, type Server } from "node:http";
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build, type Plugin } from "vite";
import { WebSocketServer } from "ws";
import type { CDPSession, Page } from "playwright-core";
import { launchChromium, probeToken, setSettings as setBrowserSettings, type Chromium } from "../test/e2e/harness";

export const ROOT = resolve(import.meta.dirname, "..");
const PAGES = join(import.meta.dirname, "pages");

/** Builds the Chrome extension into `outDir` (minified as shipped, or readable for profiles). */
export async function buildExtension(outDir: string, minify: boolean): Promise<string> {
  process.env.LIFEGUARD_TARGET = "chrome";
  await build({
    root: ROOT,
    configFile: join(ROOT, "vite.config.ts"),
    logLevel: "error",
    build: { outDir, emptyOutDir: true, minify },
  });
  probeToken(outDir); // throws when the page world is missing
  return outDir;
}

/** The library under test as one classic script that sets a global (vite lib mode, iife). */
export async function bundleLibraries(outDir: string): Promise<Record<string, string>> {
  const entries: Record<string, string> = {
    partysocket: `export { default } from "partysocket/ws";`,
    "reconnecting-websocket": `export { default } from "reconnecting-websocket";`,
  };
  const files: Record<string, string> = {};
  for (const [name, code] of Object.entries(entries)) {
    const id = `\0bench-lib-${name}`;
    const virtual: Plugin = {
      name: "bench-lib-entry",
      resolveId: (source) => (source.endsWith(`bench-lib:${name}`) ? id : null),
      load: (loaded) => (loaded === id ? code : null),
    };
    await build({
      root: ROOT,
      configFile: false,
      logLevel: "error",
      plugins: [virtual],
      build: {
        outDir: join(outDir, name),
        emptyOutDir: true,
        minify: true,
        lib: { entry: `bench-lib:${name}`, name: "BenchLib", formats: ["iife"], fileName: () => "lib.js" },
      },
    });
    files[name] = readFileSync(join(outDir, name, "lib.js"), "utf8");
  }
  return files;
}

export interface BenchServer {
  origin: string;
  wsOrigin: string;
  close(): Promise<void>;
}

/**
 * HTTP: `/page.html`, `/install.html` (bench/pages) and `/lib/<name>.js` (the bundles).
 * WebSocket, any path: echoes every frame, except that a text "ping" is answered "pong" (the
 * heartbeat the protected configuration speaks).
 */
export async function startBenchServer(libs: Record<string, string>): Promise<BenchServer> {
  const http: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const lib = /^\/lib\/([\w-]+)\.js$/.exec(url.pathname)?.[1];
    if (lib && libs[lib]) {
      res.writeHead(200, { "content-type": "text/javascript", "cache-control": "no-store" }).end(libs[lib]);
      return;
    }
    const file = /^\/([\w-]+\.html)$/.exec(url.pathname)?.[1];
    if (file && existsSync(join(PAGES, file))) {
      // Cross-origin isolated: performance.now() then ticks in 5 µs, not 100 µs (latency targets are 0.1 ms).
      res
        .writeHead(200, {
          "content-type": "text/html; charset=utf-8",
          "cache-control": "no-store",
          "cross-origin-opener-policy": "same-origin",
          "cross-origin-embedder-policy": "require-corp",
        })
        .end(readFileSync(join(PAGES, file)));
      return;
    }
    res.writeHead(404).end("not found");
  });
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
  wss.on("connection", (ws) => {
    ws.on("error", () => {});
    ws.on("message", (data, isBinary) => {
      if (!isBinary && (data as Buffer).length === 4 && data.toString() === "ping") ws.send("pong");
      else ws.send(data, { binary: isBinary });
    });
  });
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  const port = (http.address() as { port: number }).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    wsOrigin: `ws://127.0.0.1:${port}`,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}

export type Browser = Chromium;

/** Headless Chromium, with the extension built at `dist` or without any (the native baseline). */
export function launch(dist: string | null): Promise<Browser> {
  return launchChromium({
    extension: dist !== null,
    dist: dist ?? undefined,
    // Background tabs would be throttled: the panel tab and the page tab both run at once.
    args: ["--disable-background-timer-throttling", "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows"],
  });
}

/** Writes the settings and gives the page worlds time to get them (the contract says 100 ms). */
export const setSettings = (browser: Browser, settings: unknown): Promise<void> => setBrowserSettings(browser, settings, 200);

/**
 * Switches off Playwright's own DevTools Network domain on `page`. Playwright enables it on every page
 * it drives (that is how its `websocket` event works), and Chromium then reports every WebSocket frame,
 * payload and all, over the DevTools pipe to Playwright. Measured here on a native page, that cost the
 * browser process ~80 µs and the page's main thread ~19 µs per 1 KiB echo (more than the page's own
 * work) and held the page to ~8,500 echoes/s, where it does ~21,000 without (BENCHMARKS.md, "Method").
 * Playwright has no option for it, so this reaches its in-process server object, and throws if that
 * ever changes rather than let the bench measure the instrument.
 */
export async function quiet(page: Page): Promise<Page> {
  type Internals = { _connection?: { toImpl?: (x: unknown) => { delegate?: { _mainFrameSession?: { _client?: CDPSession } } } } };
  const client = (page as unknown as Internals)._connection?.toImpl?.(page)?.delegate?._mainFrameSession?._client;
  if (!client) throw new Error("cannot reach Playwright's DevTools session of the page to switch its Network domain off");
  await client.send("Network.disable");
  return page;
}

/**
 * Throws unless Playwright stays deaf to the page's sockets (see `quiet`): call it with a function
 * that opens one.
 */
export async function assertQuiet<T>(page: Page, open: () => Promise<T>): Promise<T> {
  let heard = false;
  const onSocket = () => void (heard = true);
  page.on("websocket", onSocket);
  try {
    const result = await open();
    if (heard) throw new Error("Playwright's DevTools Network domain is on: it reports every frame of the socket and would be measured");
    return result;
  } finally {
    page.off("websocket", onSocket);
  }
}

export async function openPage(browser: Browser, url: string): Promise<{ page: Page; cdp: CDPSession }> {
  const page = await browser.context.newPage();
  await quiet(page);
  await page.goto(url);
  const cdp = await browser.context.newCDPSession(page);
  return { page, cdp };
}

/** The extension's tab id of the page at `url` (unique by its query string). */
export async function tabIdOf(browser: Browser, url: string): Promise<number> {
  const id = await browser.worker!.evaluate(async (u) => (await chrome.tabs.query({})).find((t) => t.url === u)?.id ?? null, url);
  if (id === null) throw new Error(`no tab with ${url}`);
  return id;
}

/**
 * CPU time (µs) each renderer's main thread has run, by pid, from the kernel's scheduler statistics
 * (`/proc/<pid>/task/<pid>/schedstat`; a renderer's main thread has the process's id). Unlike CDP's
 * `Performance.getMetrics`, it needs no DevTools session on the page: with one attached, Chromium
 * times every call into script, which costs each extra event listener (Lifeguard's) about 3 µs per
 * message and made the extension look 10 % slower than it is (BENCHMARKS.md, "Method").
 * Empty where there is no /proc (not Linux).
 */
export function rendererMainThreads(): Map<number, { us: number; extension: boolean }> {
  const times = new Map<number, { us: number; extension: boolean }>();
  if (!existsSync("/proc/self/task")) return times;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (!cmdline.includes("--type=renderer")) continue;
      const us = Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, "utf8").split(" ")[0]) / 1000;
      times.set(Number(pid), { us, extension: cmdline.includes("--extension-process") });
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return times;
}

/**
 * The main-thread CPU (µs) of the busiest web page renderer between two `rendererMainThreads` readings
 * (the page's, while it runs a workload: one page at a time), or of the busiest extension renderer (the
 * panel's, while it shows the page's frames). NaN where the readings are empty.
 */
export function busiestRenderer(
  before: ReturnType<typeof rendererMainThreads>,
  after: ReturnType<typeof rendererMainThreads>,
  kind: "page" | "extension" = "page",
): number {
  let most = NaN;
  for (const [pid, t] of after) {
    if (t.extension !== (kind === "extension")) continue;
    const d = t.us - (before.get(pid)?.us ?? t.us);
    if (!(d <= most)) most = d;
  }
  return most;
}

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
