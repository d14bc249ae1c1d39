/**
 * Protection in real Chromium with the built extension and a rule set through `storage.local`: the
 * page survives a server restart and a half-open connection without seeing a close, loses nothing it
 * sent, and still ends the native way when it (or the server, with 1000) asks.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import {
  launchChromium,
  probeToken,
  setSettings as setBrowserSettings,
  startServer as startPages,
  waitForPageWorldRegistration,
  DIST_CHROME,
  type Chromium,
  type TestServer as Pages,
} from "./harness";
import { startProxy, startServer, until, type Proxy, type TestServer } from "../integration/harness";

const HEARTBEAT = { intervalMs: 500, timeoutMs: 500 };

let pages: Pages;
let server: TestServer;
let proxy: Proxy;
let browser: Chromium;

type Logged = { type: string; t: number; readyState: number; code?: number; detail?: unknown; data?: unknown };
type W = { ws: WebSocket; log: Logged[] };

/** Opens a socket in the page that logs every event it sees, with times and readyState. */
async function openLogged(page: Page, url: string): Promise<void> {
  await page.evaluate((u) => {
    const w = window as unknown as W;
    w.log = [];
    w.ws = new WebSocket(u);
    for (const type of ["open", "message", "error", "close", "reconnecting", "reconnected"]) {
      w.ws.addEventListener(type, (e) => {
        const ev = e as Event & { code?: number; detail?: unknown; data?: unknown };
        w.log.push({ type, t: Date.now(), readyState: w.ws.readyState, code: ev.code, detail: ev.detail, data: ev.data });
      });
    }
  }, url);
  await page.waitForFunction(() => (window as unknown as W).log.some((e) => e.type === "open"));
}

const log = (page: Page) => page.evaluate(() => (window as unknown as W).log);
const types = async (page: Page) => (await log(page)).map((e) => e.type).filter((t) => t !== "message");

// Each test waits for its own effect of the settings, so no settling delay here.
const setSettings = (settings: unknown) => setBrowserSettings(browser, settings, 0);

beforeAll(async () => {
  pages = await startPages(probeToken(DIST_CHROME));
  server = await startServer();
  proxy = await startProxy(server.port);
  browser = await launchChromium({ extension: true });
});

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await server?.close();
  await pages?.close();
});

beforeEach(async () => {
  await setSettings({
    rules: [
      {
        match: `ws://127.0.0.1:*`,
        reconnect: { minDelayMs: 100, maxDelayMs: 400 },
        heartbeat: { ...HEARTBEAT, message: "ping", reply: "pong", hideReplies: true },
      },
    ],
  });
});

async function newPage(): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${pages.origin}/fixtures/blank.html`);
  return page;
}

describe("protection (Chromium)", () => {
  it("survives a server restart: no close, open again, messages sent during a 2 s outage arrive once each, in order", async () => {
    const page = await newPage();
    await openLogged(page, server.url);
    await page.waitForFunction(() => (window as unknown as W).ws.readyState === 1);
    const before = server.connections;

    await server.stop();
    await page.waitForFunction(() => (window as unknown as W).ws.readyState === 0);
    const outage = ["m1", "m2", "m3", "m4", "m5"];
    await page.evaluate((msgs) => {
      for (const m of msgs) (window as unknown as W).ws.send(m);
    }, outage);
    await new Promise((r) => setTimeout(r, 2000));
    const restartedAt = Date.now();
    await server.start();
    await page.waitForFunction(() => (window as unknown as W).log.filter((e) => e.type === "open").length === 2, null, { timeout: 10_000 });
    await until(() => outage.every((m) => server.received.includes(m)), 5000, "queued messages at the server");

    const seen = await log(page);
    const reopened = seen.filter((e) => e.type === "open")[1]!;
    console.log(`recovery after server restart: ${reopened.t - restartedAt} ms (backoff 100..400 ms)`);
    expect(seen.map((e) => e.type)).not.toContain("close");
    expect(seen.map((e) => e.type)).not.toContain("error");
    expect(seen.filter((e) => e.type === "reconnecting").length).toBeGreaterThanOrEqual(1);
    expect((await types(page)).at(-1)).toBe("reconnected");
    expect(server.received.filter((m) => m.startsWith("m"))).toEqual(outage);
    expect(server.connections).toBe(before + 1);
    // The page's socket works as before.
    await page.evaluate(() => (window as unknown as W).ws.send("after"));
    await until(() => server.received.includes("after"), 5000, "a message after recovery");
    await page.close();
  });

  it("finds a half-open (black-holed) connection within intervalMs + timeoutMs and recovers", async () => {
    const page = await newPage();
    await openLogged(page, proxy.url);
    const blackHoledAt = Date.now();
    proxy.blackHoleAll();
    await page.waitForFunction(() => (window as unknown as W).log.some((e) => e.type === "reconnected"), null, { timeout: 15_000 });
    const seen = await log(page);
    const detected = seen.find((e) => e.type === "reconnecting")!;
    const detection = detected.t - blackHoledAt;
    console.log(`half-open detection: ${detection} ms (interval ${HEARTBEAT.intervalMs} + timeout ${HEARTBEAT.timeoutMs})`);
    // Silence is measured from the last inbound frame, which came before the black-hole.
    expect(detection).toBeLessThanOrEqual(HEARTBEAT.intervalMs + HEARTBEAT.timeoutMs + 2000);
    expect(seen.map((e) => e.type)).not.toContain("close");
    // Replies to Lifeguard's own pings never reach the page.
    expect(seen.filter((e) => e.type === "message" && e.data === "pong")).toEqual([]);
    await page.evaluate(() => (window as unknown as W).ws.send("through the new connection"));
    await until(() => server.received.includes("through the new connection"), 5000, "a message after recovery");
    await page.close();
  });

  it("hides heartbeat replies from every kind of message listener the page has", async () => {
    const page = await newPage();
    await page.evaluate((u) => {
      type Seen = Record<string, string[]>;
      const w = window as unknown as W & { seen: Seen };
      w.seen = {};
      const note = (who: string) => (e: Event) => void (w.seen[who] ??= []).push(String((e as MessageEvent).data));
      w.ws = new WebSocket(u);
      w.ws.onmessage = note("onmessage");
      w.ws.addEventListener("message", note("listener"));
      w.ws.addEventListener("message", note("capture"), true);
      w.ws.addEventListener("message", { handleEvent: note("object") });
      w.ws.addEventListener("message", note("signal"), { signal: new AbortController().signal });
      const once = note("once");
      w.ws.addEventListener("message", once, { once: true });
      w.ws.addEventListener("message", (e) => {
        // Each time the `once` listener has heard its message, it comes back.
        if ((w.seen.once?.length ?? 0) === (w.seen.listener?.length ?? 0)) w.ws.addEventListener("message", once, { once: true });
        void e;
      });
    }, server.url);
    await page.waitForFunction(() => (window as unknown as W).ws.readyState === 1);
    let pings = 0;
    const peer = server.latest();
    peer.on("message", (data) => void (String(data) === "ping" && pings++));
    // Heartbeats every 500 ms when idle: wait for three pings (each answered "pong" by the server).
    await until(() => pings >= 3, 5000, "three heartbeats");
    peer.send("one");
    peer.send("two");
    await page.waitForFunction(() => ((window as unknown as { seen: Record<string, string[]> }).seen.listener?.length ?? 0) >= 2);
    const seen = await page.evaluate(() => (window as unknown as { seen: Record<string, string[]> }).seen);
    expect(seen).toEqual({
      onmessage: ["one", "two"],
      listener: ["one", "two"],
      capture: ["one", "two"],
      object: ["one", "two"],
      signal: ["one", "two"],
      once: ["one", "two"],
    });
    await page.close();
  });

  it("a page close() ends it the native way and nothing reconnects", async () => {
    const page = await newPage();
    await openLogged(page, server.url);
    const before = server.connections;
    await page.evaluate(() => (window as unknown as W).ws.close(4000, "bye"));
    await page.waitForFunction(() => (window as unknown as W).log.some((e) => e.type === "close"));
    await new Promise((r) => setTimeout(r, 800));
    const seen = await log(page);
    expect(seen.map((e) => e.type)).toEqual(["open", "close"]);
    expect(seen[1]).toMatchObject({ code: 4000, readyState: 3 });
    expect(server.connections).toBe(before);
    await page.close();
  });

  it("a 1000 close from the server ends the socket as native", async () => {
    const page = await newPage();
    await openLogged(page, server.url);
    const before = server.connections;
    server.latest().close(1000, "done");
    await page.waitForFunction(() => (window as unknown as W).log.some((e) => e.type === "close"));
    await new Promise((r) => setTimeout(r, 800));
    const seen = await log(page);
    expect(seen.map((e) => e.type)).toEqual(["open", "close"]);
    expect(seen[1]).toMatchObject({ code: 1000, readyState: 3 });
    expect(server.connections).toBe(before);
    await page.close();
  });

  it("a rule added while a socket is open protects it from then on", async () => {
    await setSettings({ rules: [] });
    const page = await newPage();
    await openLogged(page, server.url);
    await setSettings({ rules: [{ match: "ws://127.0.0.1:*", reconnect: { minDelayMs: 100, maxDelayMs: 400 } }] });
    // Settings reach open pages asynchronously (within 100 ms by the contract); leave slack.
    await new Promise((r) => setTimeout(r, 300));
    server.latest().terminate();
    await page.waitForFunction(() => (window as unknown as W).log.some((e) => e.type === "reconnected"), null, { timeout: 10_000 });
    expect(await types(page)).toEqual(["open", "reconnecting", "open", "reconnected"]);
    await page.close();
  });

  it("a page that sends 100 MiB while disconnected: the queue bound holds", async () => {
    await setSettings({
      rules: [{ match: "ws://127.0.0.1:*", reconnect: { minDelayMs: 100, maxDelayMs: 400 }, queue: { maxMessages: 1000, maxBytes: 4 * 1048576 } }],
    });
    const page = await newPage();
    await openLogged(page, server.url);
    await server.stop();
    await page.waitForFunction(() => (window as unknown as W).ws.readyState === 0);
    const buffered = await page.evaluate(() => {
      const ws = (window as unknown as W).ws;
      const mib = "x".repeat(1048576 - 8);
      let max = 0;
      for (let i = 0; i < 100; i++) {
        ws.send(`${String(i).padStart(7, "0")}:${mib}`);
        max = Math.max(max, ws.bufferedAmount);
      }
      return { max, end: ws.bufferedAmount };
    });
    // bufferedAmount counts what is queued; the bound (4 MiB) holds all along.
    expect(buffered.max).toBeLessThanOrEqual(4 * 1048576);
    expect(buffered.end).toBeGreaterThan(3 * 1048576);
    await server.start();
    await page.waitForFunction(() => (window as unknown as W).log.some((e) => e.type === "reconnected"), null, { timeout: 10_000 });
    await until(() => server.received.some((m) => m.startsWith("0000099:")), 10_000, "the newest queued message");
    // The oldest were dropped: only the newest four reach the server, in order.
    const got = server.received.filter((m) => /^\d{7}:/.test(m)).map((m) => Number(m.slice(0, 7)));
    expect(got).toEqual([96, 97, 98, 99]);
    server.received.length = 0;
    await page.close();
  });

  it("enabled: false gives new pages the native WebSocket and stops protecting open ones", async () => {
    const probe = (p: Page) =>
      p.evaluate((t) => (Function.prototype.toString as (this: unknown, x: string) => string).call(Function.prototype.toString, t), probeToken(DIST_CHROME));
    const open = await newPage();
    await openLogged(open, server.url);
    await setSettings({ enabled: false, rules: [{ match: "ws://127.0.0.1:*" }] });
    await waitForPageWorldRegistration(browser.worker!, false);

    const fresh = await newPage();
    expect(await probe(fresh)).toContain("[native code]");
    expect(await probe(open)).toBe("lifeguard-installed");
    // The page already open is no longer protected: a drop reaches it.
    await new Promise((r) => setTimeout(r, 300));
    server.latest().terminate();
    await open.waitForFunction(() => (window as unknown as W).log.some((e) => e.type === "close"));
    expect(await types(open)).not.toContain("reconnecting");

    await setSettings({ enabled: true });
    await waitForPageWorldRegistration(browser.worker!, true);
    const again = await newPage();
    expect(await probe(again)).toBe("lifeguard-installed");
    await Promise.all([open.close(), fresh.close(), again.close()]);
  });

  it("settings of the wrong shape protect nothing and break nothing", async () => {
    await setSettings({ rules: "everything", record: { maxFramesPerSocket: -1 }, enabled: "yes" });
    const page = await newPage();
    await openLogged(page, server.url);
    server.latest().terminate();
    await page.waitForFunction(() => (window as unknown as W).log.some((e) => e.type === "close"));
    // Unprotected: the loss reaches the page as the browser reports it.
    const seen = await log(page);
    expect(seen.map((e) => e.type)).not.toContain("reconnecting");
    expect(seen.at(-1)).toMatchObject({ type: "close", code: 1006, readyState: 3 });
    await page.close();
  });
});
