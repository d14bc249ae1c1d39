/**
 * Lifeguard's testing API for Playwright + Chromium (`lifeguard/testing/playwright`).
 *
 *   const context = await chromium.launchPersistentContext(dir, lifeguardLaunchOptions());
 *   const lg = await attachLifeguard(context);
 *   await page.goto(url);
 *   await lg.waitFor(page, { url: "ws://127.0.0.1:*", state: "open" });
 *   await lg.drop(page);
 *
 * Commands go through the extension's service worker (Playwright's own handle on it), never through
 * the page: see index.ts for the channel.
 */
import { existsSync } from "node:fs";
import type { BrowserContext, Page, Worker } from "playwright-core";
import { LifeguardNotLoadedError } from "./errors";
import { builtExtension } from "./extension-dir";
import { attachThrough } from "./attach";
import type { Lifeguard } from "./lifeguard";
import { probeInWorker } from "./worker-calls";

export * from "./errors";
export { builtExtension } from "./extension-dir";
export type { Lifeguard, RuleOptions, UrlOption, WaitOptions } from "./lifeguard";
export type { FrameView, SocketView } from "./records";
export type { PausedFrame, PauseAction } from "./pauses";
export * from "./resilience-types";

export interface LaunchOptions {
  /** Default true: Chromium's new headless mode runs extensions. */
  headless?: boolean;
  /** The unpacked extension; default: the package's built `dist/chrome`. */
  extensionPath?: string;
  /** A Chromium binary; without one Playwright's `chromium` channel is used (its headless shell cannot load extensions). */
  executablePath?: string;
  /** More Chromium arguments. */
  args?: string[];
}

/** Options for `chromium.launchPersistentContext(userDataDir, options)` that load Lifeguard. */
export function lifeguardLaunchOptions(opts: LaunchOptions = {}): { headless: boolean; args: string[]; executablePath?: string; channel?: string } {
  const dir = opts.extensionPath ?? builtExtension();
  if (!existsSync(`${dir}/manifest.json`)) throw new LifeguardNotLoadedError(`no extension at ${dir}`);
  return {
    headless: opts.headless ?? true,
    // Without --disable-extensions-except, Playwright's own --disable-extensions wins and no worker starts.
    args: [`--disable-extensions-except=${dir}`, `--load-extension=${dir}`, ...(opts.args ?? [])],
    ...(opts.executablePath ? { executablePath: opts.executablePath } : { channel: "chromium" }),
  };
}

export interface AttachOptions {
  /** How long to wait for Lifeguard's service worker and its page-world registration (default 10 s). */
  timeoutMs?: number;
}

/**
 * Finds Lifeguard's service worker in `context` and waits until pages loaded from now on get its
 * WebSocket hook. Rejects with LifeguardNotLoadedError when the context has no Lifeguard.
 */
export async function attachLifeguard(context: BrowserContext, opts: AttachOptions = {}): Promise<Lifeguard<Page>> {
  const workers = new ServiceWorkerFinder(context, opts.timeoutMs ?? 10_000);
  return attachThrough<Page>((fn, arg) => workers.evaluate(fn, arg), opts.timeoutMs ?? 10_000);
}

/** Lifeguard's service worker in a context; found again when Chromium stopped and restarted it. */
class ServiceWorkerFinder {
  private current: Worker | null = null;

  constructor(
    private readonly context: BrowserContext,
    private readonly timeoutMs: number,
  ) {}

  async evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> {
    for (let attempt = 0; ; attempt++) {
      const worker = await this.find();
      try {
        // Playwright's `Unboxed<A>` cannot be related to a generic A; our arguments are plain JSON.
        return (await worker.evaluate(fn as (a: unknown) => R, arg as unknown)) as R;
      } catch (e) {
        // A worker Chromium stopped is found again once; anything else is the caller's error.
        if (attempt > 0 || !/closed|destroyed|detached/i.test(String(e))) throw e;
        this.current = null;
      }
    }
  }

  private async find(): Promise<Worker> {
    if (this.current && this.context.serviceWorkers().includes(this.current)) return this.current;
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      for (const worker of this.context.serviceWorkers()) {
        if (!worker.url().startsWith("chrome-extension://")) continue;
        const probe = await worker.evaluate(probeInWorker).catch(() => null);
        if (probe?.hook) return (this.current = worker);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new LifeguardNotLoadedError("no service worker of the context has Lifeguard's testing hook");
      await this.context.waitForEvent("serviceworker", { timeout: Math.min(left, 250) }).catch(() => undefined);
    }
  }
}
