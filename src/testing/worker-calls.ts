/**
 * Functions the Node side evaluates in the extension's service worker. Each is sent as source text by
 * the driver (Playwright's `worker.evaluate`), so each is self-contained: no imports, no closures, only
 * the worker's globals (`chrome`, and the hook src/background/testing-hook.ts installs).
 */
import type { TabAnswer } from "../background/testing-answer";

export type RequestResult = { kind: "answer"; answer: TabAnswer } | { kind: "not-loaded" } | { kind: "no-tab" };

/** Posts `command` to the tab's frames through the hook and returns every frame's snapshot after it. */
export async function requestInWorker(arg: { tabId: number; command: unknown; timeoutMs: number }): Promise<RequestResult> {
  const hook = (globalThis as { lifeguardTesting?: { version: number; connect(tabId: number): { request(c: unknown, t: number): Promise<TabAnswer> } } })
    .lifeguardTesting;
  if (!hook || hook.version !== 1) return { kind: "not-loaded" };
  try {
    await chrome.tabs.get(arg.tabId);
  } catch {
    return { kind: "no-tab" };
  }
  return { kind: "answer", answer: await hook.connect(arg.tabId).request(arg.command, arg.timeoutMs) };
}

/** Whether this worker is Lifeguard's (its hook is there), and whether its page-world script is registered yet. */
export async function probeInWorker(): Promise<{ hook: boolean; pageWorld: boolean; enabled: boolean }> {
  const hook = typeof (globalThis as { lifeguardTesting?: unknown }).lifeguardTesting === "object";
  if (!hook) return { hook, pageWorld: false, enabled: false };
  const stored = (await chrome.storage.local.get("settings")) as { settings?: { enabled?: unknown } };
  const scripts = await chrome.scripting.getRegisteredContentScripts();
  return { hook, pageWorld: scripts.some((s) => s.id === "lifeguard-page-world"), enabled: stored.settings?.enabled !== false };
}

/** Tabs showing `url` exactly, with whether each is its window's active tab. */
export async function tabsShowingInWorker(url: string): Promise<{ id: number; active: boolean }[]> {
  const tabs = await chrome.tabs.query({});
  return tabs.filter((t) => t.url === url && typeof t.id === "number").map((t) => ({ id: t.id!, active: t.active }));
}

export async function readSettingsInWorker(): Promise<unknown> {
  return ((await chrome.storage.local.get("settings")) as { settings?: unknown }).settings ?? {};
}

export async function writeSettingsInWorker(settings: unknown): Promise<void> {
  await chrome.storage.local.set({ settings });
}

/** The mocks in force: storage.local `mocks` (MOCKS_KEY in src/shared/frame-rule-types.ts), as stored. */
export async function readMocksInWorker(): Promise<unknown> {
  return ((await chrome.storage.local.get("mocks")) as { mocks?: unknown }).mocks ?? [];
}

export async function writeMocksInWorker(mocks: unknown): Promise<void> {
  await chrome.storage.local.set({ mocks });
}

/** Closes the hook's connections: the tabs' page worlds stop posting, faults the user set stay. */
export function detachInWorker(): void {
  (globalThis as { lifeguardTesting?: { closeAll(): void } }).lifeguardTesting?.closeAll();
}

/** What the tab's connection took in since the last take (events batches carry the page errors), and how many it let go. */
export async function takeInWorker(arg: { tabId: number }): Promise<{ messages: unknown[]; lost: number }> {
  const hook = (globalThis as { lifeguardTesting?: { version: number; connect(tabId: number): { take(): { messages: unknown[]; lost: number } } } }).lifeguardTesting;
  if (!hook || hook.version !== 1) return { messages: [], lost: 0 };
  return hook.connect(arg.tabId).take();
}
