/**
 * Lifeguard's testing API for Puppeteer + Chrome/Chromium over CDP (`lifeguard/testing/puppeteer`).
 *
 *   const browser = await puppeteer.launch(lifeguardLaunchOptions());
 *   const lg = await attachLifeguard(browser);
 *
 * Commands go through the extension's service worker (Puppeteer's `target.worker()`), never through
 * the page: see index.ts for the channel. Firefox (WebDriver BiDi) is not supported yet: BiDi cannot
 * evaluate in an extension's background, and attachLifeguard says so.
 */
import { existsSync } from "node:fs";
import type { Browser, Page, Target, WebWorker } from "puppeteer-core";
import { attachThrough } from "./attach";
import { LifeguardError, LifeguardNotLoadedError } from "./errors";
import { builtExtension } from "./extension-dir";
import type { Lifeguard } from "./lifeguard";
import { probeInWorker } from "./worker-calls";

export * from "./errors";
export { builtExtension } from "./extension-dir";
export type { Lifeguard, RuleOptions, UrlOption, WaitOptions } from "./lifeguard";
export type { FrameView, SocketView } from "./records";

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

export interface AttachOptions {
  /** How long to wait for Lifeguard's service worker and its page-world registration (default 10 s). */
  timeoutMs?: number;
}

/**
 * Finds Lifeguard's service worker in `browser` and waits until pages loaded from now on get its
 * WebSocket hook. Rejects with LifeguardNotLoadedError when the browser has no Lifeguard.
 */
export async function attachLifeguard(browser: Browser, opts: AttachOptions = {}): Promise<Lifeguard<Page>> {
  if (/firefox/i.test(await browser.version())) {
    throw new LifeguardError("Firefox is not supported by the testing API yet (WebDriver BiDi cannot reach an extension's background); use Chrome or Chromium for now.");
  }
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const workers = new ServiceWorkerFinder(browser, timeoutMs);
  return attachThrough<Page>((fn, arg) => workers.evaluate(fn, arg), timeoutMs);
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
