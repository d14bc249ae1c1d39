/**
 * Faults forced from the panel, in real Firefox ESR with the built extension: drop and offline, each
 * compared in the same test with the real failure it imitates (a server kill, a refused connect) and
 * checked from the server side. Commands travel the real path: an extension page's `panel:<tabId>`
 * port, the background, the relay, the page world. That extension page is the panel page opened by
 * the extension in a tab (BiDi may not navigate to moz-extension:, and a background's own
 * `runtime.connect` never reaches its own `onConnect`; see firefox-extension.ts).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Page } from "puppeteer-core";
import type { Browser as WebExtensions, Runtime } from "webextension-polyfill";
import { PROTOCOL_VERSION, type FaultCommand, type FaultTarget, type SocketSnapshot } from "../../src/shared/protocol";
import { probeToken, startServer as startPages, waitForPageWorld, DIST_FIREFOX, type TestServer as Pages } from "./harness";
import { startServer, until, type TestServer } from "../integration/harness";
import { launchFirefoxWithExtension, type FirefoxWithExtension } from "./firefox-extension";

let pages: Pages;
let server: TestServer;
let firefox: FirefoxWithExtension;

type Logged = { type: string; t: number; readyState: number; code?: number; reason?: string; wasClean?: boolean; data?: unknown; isTrusted: boolean };
type W = { sockets: Record<string, WebSocket>; logs: Record<string, Logged[]> };
/** What the port-holding extension page keeps. */
type Lg = { lg: { port: Runtime.Port; snapshots: { sockets: SocketSnapshot[] }[] } };

async function setSettings(settings: unknown): Promise<void> {
  await firefox.evalInBackground((b, s) => b.storage.local.set({ settings: s }), settings);
  // Settings reach open pages within 100 ms (DESIGN.md); new pages get them at document_start.
  await new Promise((r) => setTimeout(r, 150));
}

/** Opens a socket named `name` in the page that logs every event with readyState at that moment. */
async function open(page: Page, name: string, url: string, waitOpen = true): Promise<void> {
  await page.evaluate(
    (n, u) => {
      const w = window as unknown as W;
      w.sockets ??= {};
      w.logs ??= {};
      const ws = new WebSocket(u);
      w.sockets[n] = ws;
      w.logs[n] = [];
      for (const type of ["open", "message", "error", "close", "reconnecting", "reconnected"]) {
        ws.addEventListener(type, (e) => {
          const ev = e as Event & { code?: number; reason?: string; wasClean?: boolean; data?: unknown };
          w.logs[n]!.push({ type, t: Date.now(), readyState: ws.readyState, code: ev.code, reason: ev.reason, wasClean: ev.wasClean, data: ev.data, isTrusted: e.isTrusted });
        });
      }
    },
    name,
    url,
  );
  if (waitOpen) await page.waitForFunction((n) => (window as unknown as W).sockets[n]!.readyState === 1, { timeout: 10_000 }, name);
}

const logOf = (page: Page, name: string) => page.evaluate((n) => (window as unknown as W).logs[n]!, name);
const waitFor = (page: Page, name: string, type: string) =>
  page.waitForFunction((n, t) => (window as unknown as W).logs[n]!.some((e) => e.type === t), { timeout: 15_000 }, name, type);
/** What a page can compare between a real failure and a forced one. */
const shape = (log: Logged[]) => log.filter((e) => e.type !== "message").map(({ type, readyState, code, reason, wasClean }) => ({ type, readyState, code, reason, wasClean }));

/** The panel's side: an extension page with a `panel:<tabId>` port, as the devtools panel has. */
async function panelFor(page: Page) {
  const tabId = await firefox.tabIdOf(page.url());
  // Without `?tabId` the panel page opens no port of its own: the one below is the only panel.
  const { page: ext } = await firefox.openExtensionPage("src/panel/index.html");
  opened.push(ext);
  // Back to the test page: a background tab's timers are throttled.
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
  const post = (msg: object) => ext.evaluate((m) => (window as unknown as Lg).lg.port.postMessage(m), { source: "lifeguard-panel", v: PROTOCOL_VERSION, ...msg });
  return {
    fault: (target: FaultTarget, fault: FaultCommand) => post({ type: "fault", target, fault }),
    async snapshot(): Promise<SocketSnapshot[]> {
      await ext.evaluate(() => ((window as unknown as Lg).lg.snapshots = []));
      await post({ type: "snapshot-request" });
      await ext.waitForFunction(() => (window as unknown as Lg).lg.snapshots.length > 0, { timeout: 5_000 });
      return (await ext.evaluate(() => (window as unknown as Lg).lg.snapshots)).flatMap((s) => s.sockets);
    },
    async id(urlPart: string): Promise<string> {
      const found = (await this.snapshot()).filter((s) => s.info.url.includes(urlPart));
      expect(found).toHaveLength(1);
      return found[0]!.info.id;
    },
  };
}

/** Pages and panels a test opened, closed after it even when it fails. */
const opened: { close(): Promise<void> }[] = [];

/** A test page at a URL of its own (`name`), so its tab is found by URL whatever an earlier test left. */
async function newPage(name: string): Promise<Page> {
  const page = await firefox.browser.newPage();
  opened.push(page);
  await waitForPageWorld(page, `${pages.origin}/fixtures/blank.html?${name}`, probeToken(DIST_FIREFOX));
  return page;
}

beforeAll(async () => {
  pages = await startPages(probeToken(DIST_FIREFOX));
  server = await startServer();
  firefox = await launchFirefoxWithExtension();
});

afterAll(async () => {
  await firefox?.close();
  await server?.close();
  await pages?.close();
});

beforeEach(async () => {
  await setSettings({ rules: [] });
});

afterEach(async () => {
  for (const p of opened.splice(0)) await p.close().catch(() => {});
});

describe("faults from the panel (Firefox)", () => {
  it("drop, unprotected: the page sees what a real server kill shows, and the server sees the socket close", async () => {
    const page = await newPage("drop");
    const panel = await panelFor(page);
    await open(page, "real", `${server.url}?real`);
    server.latest().terminate();
    await waitFor(page, "real", "close");
    await open(page, "forced", `${server.url}?forced`);
    const liveBefore = server.live;
    await panel.fault({ socket: await panel.id("?forced") }, { kind: "drop" });
    await waitFor(page, "forced", "close");
    expect(shape(await logOf(page, "forced"))).toEqual(shape(await logOf(page, "real")));
    expect(shape(await logOf(page, "forced")).at(-1)).toEqual({ type: "close", readyState: 3, code: 1006, reason: "", wasClean: false });
    await until(() => server.live === liveBefore - 1, 5000, "the server to see the socket go");
    expect(await page.evaluate(() => (window as unknown as W).sockets.forced!.readyState)).toBe(3);
    const snap = (await panel.snapshot()).find((s) => s.info.url.includes("?forced"))!;
    expect(snap.events.some((e) => e.kind === "fault" && e.fault === "drop")).toBe(true);
  });

  it("offline: open sockets drop, connects fail as a refused connect does, and it ends by itself", async () => {
    const page = await newPage("offline");
    const panel = await panelFor(page);
    await open(page, "refused", "ws://127.0.0.1:9/", false);
    await waitFor(page, "refused", "close");
    await open(page, "a", `${server.url}?offline-a`);
    const liveBefore = server.live;
    const t0 = Date.now();
    await panel.fault({ tab: true }, { kind: "offline", durationMs: 1500 });
    await waitFor(page, "a", "close");
    expect(shape(await logOf(page, "a")).at(-1)).toEqual({ type: "close", readyState: 3, code: 1006, reason: "", wasClean: false });
    await until(() => server.live === liveBefore - 1, 5000, "the server to see the socket go");
    // A socket opened while offline fails the way a refused connect does, and never reaches the server.
    const handshakes = server.upgrades;
    await open(page, "during", `${server.url}?during`, false);
    await waitFor(page, "during", "close");
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(shape(await logOf(page, "during"))).toEqual(shape(await logOf(page, "refused")));
    expect(await page.evaluate(() => (window as unknown as W).sockets.during!.url)).toBe(`${server.url}?during`);
    await page.evaluate((url) => {
      for (let i = 0; i < 20; i++) new WebSocket(`${url}?during-${i}`);
    }, server.url);
    await new Promise((r) => setTimeout(r, 300));
    expect(server.upgrades - handshakes).toBe(0);
    // Then the network is back, by itself.
    await new Promise((r) => setTimeout(r, Math.max(0, t0 + 1700 - Date.now())));
    const connections = server.connections;
    await open(page, "after", `${server.url}?after`);
    expect(server.connections).toBe(connections + 1);
  });
});
