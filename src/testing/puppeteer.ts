/**
 * Lifeguard's testing API for Puppeteer + Chrome/Chromium over CDP (`lifeguard/testing/puppeteer`).
 *
 *   const browser = await puppeteer.launch(lifeguardLaunchOptions());
 *   const lg = await attachLifeguard(browser);
 *
 *   // Firefox: BiDi for the pages, the Remote Debugging Protocol for the extension's background
 *   const firefox = await puppeteer.launch(await lifeguardFirefoxLaunchOptions());
 *   const lg = await attachLifeguard(firefox); // installs dist/firefox, then finds its background
 *
 * Commands go through the extension's own background (Chrome: the service worker, Puppeteer's
 * `target.worker()`; Firefox: the background page over RDP), never through the page: see index.ts.
 */
import { existsSync } from "node:fs";
import type { Browser, Page, Target, WebWorker } from "puppeteer-core";
import { attachThrough } from "./attach";
import { LifeguardError, LifeguardNotLoadedError } from "./errors";
import { builtExtension } from "./extension-dir";
import type { Lifeguard } from "./lifeguard";
import { probeInWorker } from "./worker-calls";
import { RDP_PREFS, connectBackground, freePort } from "./firefox-rdp";

/** dist/firefox's fixed `browser_specific_settings.gecko.id`. */
export const FIREFOX_ADDON_ID = "lifeguard@lifeguard.dev";

export * from "./errors";
export { builtExtension } from "./extension-dir";
export type { Lifeguard, RuleOptions, UrlOption, WaitOptions } from "./lifeguard";
export type { FrameView, SocketView } from "./records";
export type { PausedFrame, PauseAction } from "./pauses";
export * from "./resilience-types";

export interface LaunchOptions {
  /** Default true (Chrome's new headless mode runs extensions). */
  headless?: boolean;
  /** The unpacked extension; default: the package's built `dist/chrome`. */
  extensionPath?: string;
  /** A Chrome or Chromium binary (puppeteer-core has none of its own). */
  executablePath?: string;
  /** More browser arguments. */
  args?: string[];
}

/** Options for `puppeteer.launch(options)` that load Lifeguard into Chrome or Chromium. */
export function lifeguardLaunchOptions(opts: LaunchOptions = {}): {
  browser: "chrome";
  headless: boolean;
  args: string[];
  ignoreDefaultArgs: string[];
  executablePath?: string;
} {
  const dir = opts.extensionPath ?? builtExtension();
  if (!existsSync(`${dir}/manifest.json`)) throw new LifeguardNotLoadedError(`no extension at ${dir}`);
  return {
    browser: "chrome",
    headless: opts.headless ?? true,
    // Puppeteer's default --disable-extensions would win over --load-extension.
    ignoreDefaultArgs: ["--disable-extensions"],
    args: [`--disable-extensions-except=${dir}`, `--load-extension=${dir}`, ...(opts.args ?? [])],
    ...(opts.executablePath ? { executablePath: opts.executablePath } : {}),
  };
}

export interface FirefoxLaunchOptions {
  headless?: boolean;
  /** Firefox 128 or later (the page world needs MAIN-world content scripts). */
  executablePath?: string;
  args?: string[];
  /** Port for Firefox's debugger server; default: a free one. */
  rdpPort?: number;
}

/**
 * Options for `puppeteer.launch(options)` that start Firefox ready for Lifeguard: WebDriver BiDi (as
 * Puppeteer does) plus Firefox's debugger server, the only way into an extension's background.
 * The extension itself is installed by attachLifeguard.
 */
export async function lifeguardFirefoxLaunchOptions(opts: FirefoxLaunchOptions = {}): Promise<{
  browser: "firefox";
  headless: boolean;
  args: string[];
  extraPrefsFirefox: Record<string, unknown>;
  executablePath?: string;
}> {
  const port = opts.rdpPort ?? (await freePort());
  return {
    browser: "firefox",
    headless: opts.headless ?? true,
    args: ["--start-debugger-server", String(port), ...(opts.args ?? [])],
    extraPrefsFirefox: { ...RDP_PREFS },
    ...(opts.executablePath ? { executablePath: opts.executablePath } : {}),
  };
}

export interface AttachOptions {
  /** How long to wait for Lifeguard's background and its page-world registration (default 10 s). */
  timeoutMs?: number;
  /** Firefox: the unpacked extension to install; default: the package's built `dist/firefox`. */
  extensionPath?: string;
}

/**
 * Finds Lifeguard's service worker in `browser` and waits until pages loaded from now on get its
 * WebSocket hook. Rejects with LifeguardNotLoadedError when the browser has no Lifeguard.
 */
export async function attachLifeguard(browser: Browser, opts: AttachOptions = {}): Promise<Lifeguard<Page>> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  if (/firefox/i.test(await browser.version())) return attachFirefox(browser, opts.extensionPath ?? builtExtension("firefox"), timeoutMs);
  const workers = new ServiceWorkerFinder(browser, timeoutMs);
  return attachThrough<Page>((fn, arg) => workers.evaluate(fn, arg), timeoutMs);
}

/**
 * Firefox: installs the extension over BiDi (temporarily, before the test navigates), then evaluates
 * in its background page over RDP, on the port the launch options opened.
 */
async function attachFirefox(browser: Browser, extensionPath: string, timeoutMs: number): Promise<Lifeguard<Page>> {
  const args = browser.process()?.spawnargs ?? [];
  const at = args.indexOf("--start-debugger-server");
  const port = at >= 0 ? Number(args[at + 1]) : NaN;
  if (!Number.isInteger(port)) {
    throw new LifeguardError("Firefox was started without its debugger server: launch it with puppeteer.launch(await lifeguardFirefoxLaunchOptions()).");
  }
  const id = await browser.installExtension(extensionPath);
  if (id !== FIREFOX_ADDON_ID) throw new LifeguardNotLoadedError(`${extensionPath} installed as ${id}, not ${FIREFOX_ADDON_ID}`);
  const background = await connectBackground(port, id, timeoutMs);
  browser.once("disconnected", () => background.close());
  const evaluate = async <A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> => {
    // Sent as source text: the functions are self-contained (worker-calls.ts); a throw comes back as text.
    const text = `(async () => {
      try { return JSON.stringify({ ok: true, value: await (${fn.toString()})(${JSON.stringify(arg) ?? "undefined"}) }); }
      catch (e) { return JSON.stringify({ ok: false, error: String(e) }); }
    })()`;
    const out = JSON.parse(await background.evaluate(text)) as { ok: true; value?: R } | { ok: false; error: string };
    if (!out.ok) throw new LifeguardError(`in Lifeguard's background: ${out.error}`);
    return out.value as R;
  };
  return attachThrough<Page>(evaluate, timeoutMs);
}

/** Lifeguard's service worker among the browser's targets; found again when Chrome stopped and restarted it. */
class ServiceWorkerFinder {
  private current: { target: Target; worker: WebWorker } | null = null;

  constructor(
    private readonly browser: Browser,
    private readonly timeoutMs: number,
  ) {}

  async evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> {
    for (let attempt = 0; ; attempt++) {
      const worker = await this.find();
      try {
        // Puppeteer's argument types cannot be related to a generic A; our arguments are plain JSON.
        return (await worker.evaluate(fn as (a: unknown) => R, arg as unknown)) as R;
      } catch (e) {
        // A worker Chrome stopped is found again once; anything else is the caller's error.
        if (attempt > 0 || !/closed|destroyed|detached|Target/i.test(String(e))) throw e;
        this.current = null;
      }
    }
  }

  private async find(): Promise<WebWorker> {
    if (this.current && this.browser.targets().includes(this.current.target)) return this.current.worker;
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      for (const target of this.browser.targets()) {
        if (target.type() !== "service_worker" || !target.url().startsWith("chrome-extension://")) continue;
        const worker = await target.worker().catch(() => null);
        if (!worker) continue;
        const probe = await worker.evaluate(probeInWorker).catch(() => null);
        if (probe?.hook) return (this.current = { target, worker }).worker;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new LifeguardNotLoadedError("no service worker of the browser has Lifeguard's testing hook");
      await this.browser
        .waitForTarget((t) => t.type() === "service_worker", { timeout: Math.min(left, 250) })
        .catch(() => undefined);
    }
  }
}
