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
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page, Worker } from "playwright-core";
import { LifeguardNotLoadedError, PageClosedError, PageNotFoundError } from "./errors";
import { createLifeguard, type Lifeguard } from "./lifeguard";
import { probeInWorker, tabsShowingInWorker } from "./worker-calls";

export * from "./errors";
export type { Lifeguard, RuleOptions, UrlOption, WaitOptions } from "./lifeguard";
export type { FrameView, SocketView } from "./records";

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

/** The built Chrome extension beside this module: dist/chrome from dist/testing/, or from src/testing/ in this repository. */
export function builtExtension(): string {
  const candidates = ["../chrome", "../../dist/chrome"].map((rel) => fileURLToPath(new URL(rel, import.meta.url)));
  const found = candidates.find((dir) => existsSync(`${dir}/manifest.json`));
  if (!found) throw new LifeguardNotLoadedError(`no built extension at ${candidates.join(" or ")}; run npm run build`);
  return found;
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
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const workers = new ServiceWorkerFinder(context, timeoutMs);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await workers.evaluate(probeInWorker, undefined);
    if (state.pageWorld || !state.enabled) break;
    if (Date.now() > deadline) throw new LifeguardNotLoadedError("its page-world script was never registered");
    await new Promise((r) => setTimeout(r, 25));
  }
  const tabs = new WeakMap<Page, number>();
  return createLifeguard<Page>({
    evaluate: (fn, arg) => workers.evaluate(fn, arg),
    isClosed: (page) => page.isClosed(),
    async tabIdOf(page) {
      const known = tabs.get(page);
      if (known !== undefined) return known;
      const id = await tabOfPage(page, (url) => workers.evaluate(tabsShowingInWorker, url));
      tabs.set(page, id);
      return id;
    },
  });
}

/**
 * A Playwright page is one tab for its whole life, but Playwright does not say which: the tab showing
 * the page's URL, and when several do, the one that becomes active when the page is brought to the
 * front. So a page's first Lifeguard call may bring it to the front (its visibility changes) when
 * another tab shows the same URL.
 */
export async function tabOfPage(
  page: Pick<Page, "url" | "isClosed" | "bringToFront">,
  showing: (url: string) => Promise<{ id: number; active: boolean }[]>,
): Promise<number> {
  if (page.isClosed()) throw new PageClosedError();
  const url = page.url();
  let tabs = await showing(url);
  if (tabs.length === 1) return tabs[0]!.id;
  if (tabs.length > 1) {
    await page.bringToFront();
    tabs = await showing(url);
    const active = tabs.filter((t) => t.active);
    if (active.length === 1) return active[0]!.id;
  }
  throw new PageNotFoundError(url, tabs.length);
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
