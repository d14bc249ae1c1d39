/**
 * Faults forced from the panel, in real Chromium with the built extension. Each is compared with the
 * real failure it imitates in the same test (a server kill, a refused connect, a server's close), on an
 * unprotected and a protected socket, and checked from the server side (the socket really closed, or
 * really kept). Commands travel the real path: an extension page's `panel:<tabId>` port, the
 * background, the relay, the page world.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { PROTOCOL_VERSION, type FaultCommand, type FaultTarget, type SocketSnapshot } from "../../src/shared/protocol";
import {
  activeTabId,
  launchChromium,
  probeToken,
  setSettings as setBrowserSettings,
  startServer as startPages,
  DIST_CHROME,
  ROOT,
  type Chromium,
  type TestServer as Pages,
} from "./harness";
import { startServer, until, type TestServer } from "../integration/harness";

let pages: Pages;
let server: TestServer;
let browser: Chromium;

type Logged = {
  type: string;
  t: number;
  readyState: number;
  code?: number;
  reason?: string;
  wasClean?: boolean;
  data?: unknown;
  detail?: { delayMs?: number };
  isTrusted: boolean;
};
type W = { sockets: Record<string, WebSocket>; logs: Record<string, Logged[]> };

const RULE = { match: "ws://127.0.0.1:*", reconnect: { minDelayMs: 100, maxDelayMs: 300 } };

const setSettings = (settings: unknown) => setBrowserSettings(browser, settings);

/** Opens a socket named `name` in the page that logs every event with readyState at that moment. */
async function open(page: Page, name: string, url: string, waitOpen = true): Promise<void> {
  await page.evaluate(
    ([n, u]) => {
      const w = window as unknown as W;
      w.sockets ??= {};
      w.logs ??= {};
      const ws = new WebSocket(u!);
      ws.binaryType = "arraybuffer";
      w.sockets[n!] = ws;
      w.logs[n!] = [];
      for (const type of ["open", "message", "error", "close", "reconnecting", "reconnected"]) {
        ws.addEventListener(type, (e) => {
          const ev = e as Event & { code?: number; reason?: string; wasClean?: boolean; data?: unknown; detail?: { delayMs?: number } };
          const data = ev.data instanceof ArrayBuffer ? Array.from(new Uint8Array(ev.data)) : ev.data;
          w.logs[n!]!.push({
            type,
            t: Date.now(),
            readyState: ws.readyState,
            code: ev.code,
            reason: ev.reason,
            wasClean: ev.wasClean,
            data,
            detail: ev.detail,
            isTrusted: e.isTrusted,
          });
        });
      }
    },
    [name, url],
  );
  if (waitOpen) await page.waitForFunction((n) => (window as unknown as W).sockets[n]!.readyState === 1, name);
}

const logOf = (page: Page, name: string) => page.evaluate((n) => (window as unknown as W).logs[n]!, name);
const waitFor = (page: Page, name: string, type: string, count = 1) =>
  page.waitForFunction(([n, t, c]) => (window as unknown as W).logs[n as string]!.filter((e) => e.type === t).length >= (c as number), [name, type, count] as const, {
    timeout: 15_000,
  });
/** What a page can compare between a real failure and a forced one. */
const shape = (log: Logged[]) => log.filter((e) => e.type !== "message").map(({ type, readyState, code, reason, wasClean }) => ({ type, readyState, code, reason, wasClean }));

/** The panel's side: an extension page with a `panel:<tabId>` port, as the devtools panel has. */
async function panelFor(page: Page) {
  const tabId = await activeTabId(browser);
  const ext = await browser.context.newPage();
  await ext.goto(`chrome-extension://${browser.extensionId}/src/panel/index.html`);
  await page.bringToFront();
  await ext.evaluate((id) => {
    const port = chrome.runtime.connect({ name: `panel:${id}` });
    const state = { port, snapshots: [] as unknown[] };
    port.onMessage.addListener((m: { type: string }) => {
      if (m.type === "snapshot") state.snapshots.push(m);
    });
    (window as unknown as { lg: typeof state }).lg = state;
  }, tabId);
  const post = (msg: object) =>
    ext.evaluate((m) => (window as unknown as { lg: { port: chrome.runtime.Port } }).lg.port.postMessage(m), { source: "lifeguard-panel", v: PROTOCOL_VERSION, ...msg });
  return {
    fault: (target: FaultTarget, fault: FaultCommand) => post({ type: "fault", target, fault }),
    async snapshot(): Promise<SocketSnapshot[]> {
      await ext.evaluate(() => ((window as unknown as { lg: { snapshots: unknown[] } }).lg.snapshots = []));
      await post({ type: "snapshot-request" });
      await ext.waitForFunction(() => (window as unknown as { lg: { snapshots: unknown[] } }).lg.snapshots.length > 0);
      const snaps = (await ext.evaluate(() => (window as unknown as { lg: { snapshots: { sockets: SocketSnapshot[] }[] } }).lg.snapshots)) as {
        sockets: SocketSnapshot[];
      }[];
      return snaps.flatMap((s) => s.sockets);
    },
    async id(urlPart: string): Promise<string> {
      const found = (await this.snapshot()).filter((s) => s.info.url.includes(urlPart));
      expect(found).toHaveLength(1);
      return found[0]!.info.id;
    },
    close: () => ext.close(),
  };
}

async function newPage(): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${pages.origin}/fixtures/blank.html`);
  return page;
}

beforeAll(async () => {
  pages = await startPages(probeToken(DIST_CHROME));
  server = await startServer();
  browser = await launchChromium({ extension: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await pages?.close();
});

beforeEach(async () => {
  await setSettings({ rules: [] });
});

describe("faults from the panel (Chromium)", () => {
  it("drop, unprotected: the page sees what a real server kill shows, and the server sees the socket close", async () => {
    const page = await newPage();
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
    await panel.close();
    await page.close();
  });

  it("drop, protected: the page reconnects without seeing a close; the old connection is really gone", async () => {
    await setSettings({ rules: [RULE] });
    const page = await newPage();
    const panel = await panelFor(page);
    await open(page, "p", `${server.url}?protected-drop`);
    const connections = server.connections;
    await panel.fault({ socket: await panel.id("?protected-drop") }, { kind: "drop" });
    await waitFor(page, "p", "reconnected");
    expect(shape(await logOf(page, "p")).map((e) => e.type)).toEqual(["open", "reconnecting", "open", "reconnected"]);
    expect(server.connections).toBe(connections + 1);
    await until(() => server.live === 1, 5000, "one live server connection");
    const snap = (await panel.snapshot()).find((s) => s.info.url.includes("?protected-drop"))!;
    expect(snap.events.some((e) => e.kind === "fault" && e.fault === "drop")).toBe(true);
    await panel.close();
    await page.close();
  });

  it("close as the server: same events as a real server close, unprotected; protected, 1000 ends it and 4000 reconnects", async () => {
    const page = await newPage();
    const panel = await panelFor(page);
    await open(page, "real", `${server.url}?real-close`);
    server.latest().close(4001, "bye");
    await waitFor(page, "real", "close");
    await open(page, "forced", `${server.url}?forced-close`);
    await panel.fault({ socket: await panel.id("?forced-close") }, { kind: "close", code: 4001, reason: "bye" });
    await waitFor(page, "forced", "close");
    expect(shape(await logOf(page, "forced"))).toEqual(shape(await logOf(page, "real")));

    await setSettings({ rules: [RULE] });
    await open(page, "p1000", `${server.url}?p1000`);
    await open(page, "p4000", `${server.url}?p4000`);
    await panel.fault({ socket: await panel.id("?p1000") }, { kind: "close", code: 1000, reason: "done" });
    await panel.fault({ socket: await panel.id("?p4000") }, { kind: "close", code: 4000, reason: "restart" });
    await waitFor(page, "p1000", "close");
    await waitFor(page, "p4000", "reconnected");
    expect(shape(await logOf(page, "p1000")).at(-1)).toMatchObject({ type: "close", code: 1000, reason: "done", wasClean: true, readyState: 3 });
    expect(shape(await logOf(page, "p4000")).map((e) => e.type)).not.toContain("close");
    await panel.close();
    await page.close();
  });

  it("offline: open sockets drop, connects fail as an unreachable server's do, and it ends by itself", async () => {
    const page = await newPage();
    const panel = await panelFor(page);
    await open(page, "refused", "ws://127.0.0.1:9/", false);
    await waitFor(page, "refused", "close");
    await open(page, "a", `${server.url}?offline-a`);
    await panel.fault({ tab: true }, { kind: "offline", durationMs: 1500 });
    await waitFor(page, "a", "close");
    expect(shape(await logOf(page, "a")).at(-1)).toMatchObject({ type: "close", code: 1006, wasClean: false });
    // A socket opened while offline fails the way a refused connect does, and never reaches the server.
    const handshakes = server.upgrades;
    await open(page, "during", `${server.url}?during`, false);
    await waitFor(page, "during", "close");
    expect(shape(await logOf(page, "during"))).toEqual(shape(await logOf(page, "refused")));
    expect(await page.evaluate(() => (window as unknown as W).sockets.during!.url)).toBe(`${server.url}?during`);
    await page.evaluate((url) => {
      for (let i = 0; i < 20; i++) new WebSocket(`${url}?during-${i}`);
    }, server.url);
    await new Promise((r) => setTimeout(r, 300));
    expect(server.upgrades - handshakes).toBe(0);
    // Then the network is back.
    await new Promise((r) => setTimeout(r, 1300));
    await open(page, "after", `${server.url}?after`);
    await panel.close();
    await page.close();
  });

  it("offline, protected: the page waits out the outage in CONNECTING and recovers after it", async () => {
    await setSettings({ rules: [RULE] });
    const page = await newPage();
    const panel = await panelFor(page);
    await open(page, "p", `${server.url}?offline-protected`);
    const t0 = Date.now();
    await panel.fault({ tab: true }, { kind: "offline", durationMs: 1500 });
    await page.waitForFunction(() => (window as unknown as W).sockets.p!.readyState === 0);
    const handshakes = server.upgrades;
    // The page's own new sockets during the window, protected too: none reaches the server.
    await page.evaluate((url) => {
      for (let i = 0; i < 20; i++) new WebSocket(`${url}?offline-new-${i}`);
    }, server.url);
    await new Promise((r) => setTimeout(r, 1000));
    expect(server.upgrades - handshakes).toBe(0);
    await waitFor(page, "p", "reconnected");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1400);
    expect(shape(await logOf(page, "p")).map((e) => e.type)).not.toContain("close");
    await panel.close();
    await page.close();
  });

  it("black-hole: nothing moves either way for N seconds, the server keeps the socket, then everything flows in order", async () => {
    const page = await newPage();
    const panel = await panelFor(page);
    await open(page, "bh", `${server.url}?blackhole`);
    const serverSide = server.latest();
    const liveBefore = server.live;
    await panel.fault({ socket: await panel.id("?blackhole") }, { kind: "blackhole", durationMs: 1200 });
    await new Promise((r) => setTimeout(r, 100));
    await page.evaluate(() => ["a", "b", "c"].forEach((m) => (window as unknown as W).sockets.bh!.send(`bh-${m}`)));
    serverSide.send("from-server-1");
    serverSide.send("from-server-2");
    await new Promise((r) => setTimeout(r, 600));
    expect(server.received.filter((m) => m.startsWith("bh-"))).toEqual([]);
    expect((await logOf(page, "bh")).filter((e) => e.type === "message")).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as W).sockets.bh!.readyState)).toBe(1);
    expect(server.live).toBe(liveBefore);
    await until(() => server.received.filter((m) => m.startsWith("bh-")).length === 3, 5000, "held frames after the black-hole");
    expect(server.received.filter((m) => m.startsWith("bh-"))).toEqual(["bh-a", "bh-b", "bh-c"]);
    await waitFor(page, "bh", "message", 2);
    expect((await logOf(page, "bh")).filter((e) => e.type === "message").map((e) => e.data)).toEqual(["from-server-1", "from-server-2"]);
    await panel.close();
    await page.close();
  });

  it("black-hole, protected with a heartbeat: detected as half-open and recovered", async () => {
    await setSettings({ rules: [{ ...RULE, heartbeat: { intervalMs: 300, timeoutMs: 300, message: "ping", reply: "pong" } }] });
    const page = await newPage();
    const panel = await panelFor(page);
    await open(page, "p", `${server.url}?blackhole-protected`);
    await panel.fault({ socket: await panel.id("?blackhole-protected") }, { kind: "blackhole", durationMs: 5000 });
    await waitFor(page, "p", "reconnected");
    expect(shape(await logOf(page, "p")).map((e) => e.type)).toEqual(["open", "reconnecting", "open", "reconnected"]);
    await panel.close();
    await page.close();
  });

  it("latency: frames are delayed both ways, order kept; 0/0 ends it", async () => {
    const page = await newPage();
    const panel = await panelFor(page);
    await open(page, "l", `${pages.wsOrigin}/echo?latency`);
    await panel.fault({ socket: await panel.id("?latency") }, { kind: "latency", inMs: 250, outMs: 250 });
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    await page.evaluate(() => [1, 2, 3, 4, 5].forEach((i) => (window as unknown as W).sockets.l!.send(`lat-${i}`)));
    await waitFor(page, "l", "message", 5);
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect((await logOf(page, "l")).filter((e) => e.type === "message").map((e) => e.data)).toEqual(["lat-1", "lat-2", "lat-3", "lat-4", "lat-5"]);
    await panel.fault({ socket: await panel.id("?latency") }, { kind: "latency", inMs: 0, outMs: 0 });
    await new Promise((r) => setTimeout(r, 100));
    await page.evaluate(() => (window as unknown as W).sockets.l!.send("fast"));
    await waitFor(page, "l", "message", 6);
    await panel.close();
    await page.close();
  });

  it("inject and send: text and binary reach the page or the server, marked as injected, never as HTML", async () => {
    const page = await newPage();
    const panel = await panelFor(page);
    await open(page, "i", `${server.url}?inject`);
    const id = await panel.id("?inject");
    const evil = `<img src=x onerror="window.pwned=1">`;
    await panel.fault({ socket: id }, { kind: "inject", data: evil, encoding: "text" });
    await panel.fault({ socket: id }, { kind: "inject", data: "01ff10", encoding: "hex" });
    await panel.fault({ socket: id }, { kind: "send", data: "from the panel", encoding: "text" });
    await waitFor(page, "i", "message", 2);
    expect((await logOf(page, "i")).filter((e) => e.type === "message").map((e) => e.data)).toEqual([evil, [1, 255, 16]]);
    await until(() => server.received.includes("from the panel"), 5000, "the panel's frame at the server");
    const frames = (await panel.snapshot()).find((s) => s.info.id === id)!.events.flatMap((e) => (e.kind === "frame" ? [e.frame] : []));
    expect(frames.map((f) => [f.dir, f.from, f.fate, f.preview])).toEqual([
      ["in", "injected", undefined, evil],
      ["in", "injected", undefined, "01ff10"],
      ["out", "panel", undefined, "from the panel"],
    ]);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    await panel.close();
    await page.close();
  });

  it("reconnect now: a protected socket waiting on a long backoff dials at once", async () => {
    await setSettings({ rules: [{ match: "ws://127.0.0.1:*", reconnect: { minDelayMs: 30_000, maxDelayMs: 30_000 } }] });
    const page = await newPage();
    const panel = await panelFor(page);
    await open(page, "r", `${server.url}?reconnect-now`);
    const id = await panel.id("?reconnect-now");
    await server.stop();
    // Full jitter may pick a short wait; attempts fail while the server is down, so wait for one that
    // schedules the next try at least 5 s away.
    await page.waitForFunction(() => ((window as unknown as W).logs.r!.filter((e) => e.type === "reconnecting").at(-1)?.detail?.delayMs ?? 0) > 5000, null, {
      timeout: 15_000,
    });
    await server.start();
    const waiting = (await logOf(page, "r")).filter((e) => e.type === "reconnecting").at(-1)!;
    await panel.fault({ socket: id }, { kind: "reconnect" });
    await waitFor(page, "r", "reconnected");
    const reconnected = (await logOf(page, "r")).find((e) => e.type === "reconnected")!;
    expect(reconnected.t - waiting.t).toBeLessThan(waiting.detail!.delayMs!);
    await panel.close();
    await page.close();
  });

  it("from the panel's own controls: protect the site, go offline with a countdown, end it early", async () => {
    const page = await newPage();
    await open(page, "ui", `${server.url}?ui`);
    const tabId = await activeTabId(browser);
    const panel = await browser.context.newPage();
    await panel.setViewportSize({ width: 1100, height: 520 });
    await panel.goto(`chrome-extension://${browser.extensionId}/src/panel/index.html?tabId=${tabId}`);
    const row = panel.locator('[data-testid="socket-row"]', { hasText: "?ui" });
    await row.click();
    expect(await panel.locator('[data-testid="fault-scope"]').innerText()).toContain("?ui");

    await panel.locator('[data-testid="protect"]').click();
    await panel.locator('[data-testid="unprotect"]').waitFor();
    const stored = (await browser.worker!.evaluate(() => chrome.storage.local.get("settings"))) as { settings: { rules: { match: string }[] } };
    expect(stored.settings.rules[0]!.match).toBe(`ws://127.0.0.1:${server.port}/*`);

    await panel.locator('[data-testid="fault-offline-seconds"]').fill("20");
    await panel.locator('[data-testid="fault-offline"]').click();
    await panel.locator('[data-testid="fault-countdown"]').waitFor();
    await page.waitForFunction(() => (window as unknown as W).sockets.ui!.readyState === 0);
    mkdirSync(join(ROOT, ".tmp"), { recursive: true });
    await panel.screenshot({ path: join(ROOT, ".tmp/panel-offline.png") });
    expect(await panel.locator('[data-testid="fault-countdown"]').innerText()).toMatch(/^Offline: (20|19|18) s left$/);

    await panel.locator('[data-testid="fault-offline-end"]').click();
    await panel.locator('[data-testid="fault-countdown"]').waitFor({ state: "detached" });
    // Protected by the rule the button added: the page waited in CONNECTING and is back.
    await waitFor(page, "ui", "reconnected");
    expect(shape(await logOf(page, "ui")).map((e) => e.type)).not.toContain("close");
    await panel.close();
    await page.close();
  });
});
