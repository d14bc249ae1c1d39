/**
 * Every frame on the wire, exactly once, with who made it and what became of it, in Firefox ESR: the
 * same scenario as records.chromium.test.ts (three server kills of a protected socket with heartbeat,
 * delivery and resume), the panel's counts by provenance and fate against a server-side tap.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser as WebExtensions, Runtime } from "webextension-polyfill";
import { PROTOCOL_VERSION, type SocketSnapshot } from "../../src/shared/protocol";
import { probeToken, startServer as startPages, waitForPageWorld, DIST_FIREFOX, type TestServer as Pages } from "./harness";
import { launchFirefoxWithExtension, type FirefoxWithExtension } from "./firefox-extension";
import { pageScript, runTapScenario, startWireTap, tapRule, type WireTap } from "./wire-tap";

let pages: Pages;
let tap: WireTap;
let firefox: FirefoxWithExtension;

beforeAll(async () => {
  pages = await startPages(probeToken(DIST_FIREFOX));
  tap = await startWireTap();
  firefox = await launchFirefoxWithExtension();
});

afterAll(async () => {
  await firefox?.close();
  await tap?.close();
  await pages?.close();
});

type W = { tap: WebSocket; seen: string[]; reconnected: number; reconnecting: number };
type Lg = { lg: { port: Runtime.Port; snapshots: { sockets: SocketSnapshot[] }[] } };

describe("records at the wire (Firefox)", () => {
  it("counts each kind of frame as the server saw it, through three reconnects", async () => {
    await firefox.evalInBackground((b, s) => b.storage.local.set({ settings: s }), { rules: [tapRule("ws://127.0.0.1:*")] });
    await new Promise((r) => setTimeout(r, 150));
    const page = await firefox.browser.newPage();
    const url = `${pages.origin}/fixtures/blank.html?records`;
    await waitForPageWorld(page, url, probeToken(DIST_FIREFOX));
    await page.evaluate(pageScript, tap.url);
    await page.waitForFunction(() => (window as unknown as W).tap.readyState === 1, { timeout: 10_000 });

    const tabId = await firefox.tabIdOf(url);
    const { page: ext } = await firefox.openExtensionPage("src/panel/index.html");
    await page.bringToFront();
    await ext.evaluate((id) => {
      const b = (globalThis as unknown as { browser: WebExtensions }).browser;
      const port = b.runtime.connect({ name: `panel:${id}` });
      const state: Lg["lg"] = { port, snapshots: [] };
      port.onMessage.addListener((message: unknown) => {
        const m = message as { type: string; sockets: SocketSnapshot[] };
        if (m.type === "snapshot") state.snapshots.push(m);
      });
      (window as unknown as Lg).lg = state;
    }, tabId);
    const snapshot = async (): Promise<SocketSnapshot[]> => {
      await ext.evaluate(() => ((window as unknown as Lg).lg.snapshots = []));
      await ext.evaluate((m) => (window as unknown as Lg).lg.port.postMessage(m), { source: "lifeguard-panel", v: PROTOCOL_VERSION, type: "snapshot-request" });
      await ext.waitForFunction(() => (window as unknown as Lg).lg.snapshots.length > 0, { timeout: 5_000 });
      return (await ext.evaluate(() => (window as unknown as Lg).lg.snapshots)).flatMap((s) => s.sockets);
    };

    const counts = await runTapScenario({ evaluate: (fn, arg) => page.evaluate(fn, arg), snapshot }, tap, expect);
    console.log("Firefox, by kind, panel vs wire:", JSON.stringify(counts));
    await ext.close();
    await page.close();
  });
});
