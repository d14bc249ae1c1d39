/**
 * The testing API through Puppeteer, the same cases for each browser (puppeteer.chromium.test.ts,
 * puppeteer.firefox.test.ts), with the built extension, against a real `ws` server: the calls'
 * effects as the page and the server see them. Every call of the API is proved here for each driver
 * (docs/testing-api.md has the table of which test proves which call).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "puppeteer-core";
import { startServer as startPages, type TestServer as Pages } from "../e2e/harness";
import { startServer, until, type TestServer } from "../integration/harness";
import { attachLifeguard, type Lifeguard } from "../../src/testing/puppeteer";
import { NoSocketMatchesError, PageClosedError } from "../../src/testing/errors";

export interface PuppeteerRig {
  name: string;
  /** The page-world probe of the build under test (the test pages' `{{PROBE}}`). */
  probe: string;
  /** The browser, launched for Lifeguard. */
  launch(): Promise<Browser>;
  /** A browser without Lifeguard, or not launched for it, and the error attachLifeguard gives there. */
  bare(): Promise<Browser>;
  bareError: new (...args: never[]) => Error;
}

export function describePuppeteer(rig: PuppeteerRig): void {

let pages: Pages;
let server: TestServer;
let browser: Browser;
let lg: Lifeguard<Page>;
let page: Page;
let n = 0;

type Logged = { type: string; code?: number; wasClean?: boolean; data?: unknown };
type W = { ws: WebSocket; log: Logged[] };

const logOf = (p: Page) => p.evaluate(() => (window as unknown as W).log);
const types = async (p: Page) => (await logOf(p)).map((e) => e.type);

/** A page (unique URL) whose socket to the server logs its events; resolves when it is open. */
async function openSocket(): Promise<void> {
  page = await browser.newPage();
  await page.goto(`${pages.origin}/fixtures/blank.html#p${++n}`);
  await page.evaluate((url) => {
    const w = window as unknown as W;
    w.log = [];
    w.ws = new WebSocket(url);
    w.ws.binaryType = "arraybuffer";
    for (const type of ["open", "message", "error", "close"]) {
      w.ws.addEventListener(type, (e) => {
        const ev = e as Event & { code?: number; wasClean?: boolean; data?: unknown };
        const data = ev.data instanceof ArrayBuffer ? Array.from(new Uint8Array(ev.data)) : ev.data;
        w.log.push({ type, code: ev.code, wasClean: ev.wasClean, data });
      });
    }
  }, server.url);
  await lg.waitFor(page, { url: server.url, state: "open" });
  await until(() => server.live >= 1, 5_000, "the server to see the connection");
}

beforeAll(async () => {
  pages = await startPages(rig.probe);
  server = await startServer();
  browser = await rig.launch();
  lg = await attachLifeguard(browser);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await pages?.close();
});

afterEach(async () => {
  if (page && !page.isClosed()) {
    await lg.endFaults(page).catch(() => undefined);
    await page.close();
  }
  await lg.setSettings({});
});

describe(`attachLifeguard (Puppeteer, ${rig.name})`, () => {
  it("drop: the page gets close 1006, the server sees the connection end; the records show the page's frames", async () => {
    await openSocket();
    await page.evaluate(() => (window as unknown as W).ws.send("ping"));
    await page.waitForFunction(() => (window as unknown as W).log.some((e) => e.type === "message"), { timeout: 10_000 });
    expect((await lg.frames(page)).map((f) => [f.dir, f.preview, f.from])).toEqual([
      ["out", "ping", "page"],
      ["in", "pong", "page"],
    ]);
    await lg.drop(page);
    expect((await logOf(page)).find((e) => e.type === "close")).toMatchObject({ code: 1006, wasClean: false });
    await until(() => server.live === 0, 5_000, "the server to see the TCP connection close");
  });

  it("protect: a drop is survived and waitForReconnect resolves on the recovery", async () => {
    await lg.protect("ws://127.0.0.1:*", { reconnect: { minDelayMs: 50, maxDelayMs: 100 } });
    await openSocket();
    expect((await lg.sockets(page))[0]).toMatchObject({ protected: true, strategy: "transparent" });
    await lg.drop(page);
    expect(await lg.waitForReconnect(page)).toMatchObject({ state: "open", reconnects: 1 });
    expect(await types(page)).toEqual(["open", "open"]);
  });

  it("inject reaches the page, send reaches the server, a black-hole holds the page's frames", async () => {
    await openSocket();
    await lg.inject(page, "from nowhere");
    expect((await logOf(page)).find((e) => e.type === "message")?.data).toBe("from nowhere");
    await lg.send(page, "as the page");
    await until(() => server.received.includes("as the page"), 5_000, "the server to receive it");
    await lg.blackhole(page, 5_000);
    await page.evaluate(() => (window as unknown as W).ws.send("into the hole"));
    await new Promise((r) => setTimeout(r, 300));
    expect(server.received).not.toContain("into the hole");
    expect((await lg.frames(page)).find((f) => f.preview === "into the hole")).toMatchObject({ fate: "held" });
  });

  it("close, latency, endFaults and offline act on the page's socket; the records say so", async () => {
    await openSocket();
    await lg.latency(page, { inMs: 300, outMs: 0 });
    await page.evaluate(() => (window as unknown as W).ws.send("ping"));
    await page.waitForFunction(() => (window as unknown as W).log.some((e) => e.type === "message"), { timeout: 10_000 });
    expect((await lg.frames(page)).filter((f) => f.dir === "in").map((f) => [f.preview, f.fate])).toEqual([["pong", "delayed"]]);
    await lg.endFaults(page);
    await page.evaluate(() => (window as unknown as W).ws.send("ping"));
    await page.waitForFunction(() => (window as unknown as W).log.filter((e) => e.type === "message").length === 2, { timeout: 10_000 });
    expect((await lg.frames(page)).filter((f) => f.dir === "in").map((f) => f.fate)).toEqual(["delayed", "delivered"]);
    await lg.close(page, 4001, "bye");
    expect((await logOf(page)).find((e) => e.type === "close")).toMatchObject({ code: 4001, wasClean: true });

    await openSocket();
    await lg.offline(page, 1_500);
    expect((await logOf(page)).find((e) => e.type === "close")).toMatchObject({ code: 1006 });
    const upgrades = server.upgrades;
    const failed = await page.evaluate(
      (url) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(url);
          ws.onopen = () => resolve("open");
          ws.onclose = (e) => resolve(`close ${e.code}`);
        }),
      server.url,
    );
    expect(failed).toBe("close 1006");
    expect(server.upgrades).toBe(upgrades);
  });

  it("setSettings and unprotect change the protection; reconnectNow dials a waiting socket at once", async () => {
    await lg.setSettings({ rules: [{ match: "ws://127.0.0.1:*", reconnect: { minDelayMs: 20_000, maxDelayMs: 20_000 } }] });
    await openSocket();
    expect((await lg.sockets(page))[0]).toMatchObject({ protected: true });
    await server.stop();
    await lg.waitFor(page, { url: server.url, state: "reconnecting" });
    await server.start();
    await lg.reconnectNow(page);
    // Its own backoff would wait up to 20 s (full jitter); waitForReconnect gives up long before.
    expect(await lg.waitForReconnect(page, { timeoutMs: 5_000 })).toMatchObject({ state: "open", reconnects: 1 });
    await lg.unprotect("ws://127.0.0.1:*");
    // Resolved once in force: the socket already reads unprotected.
    expect((await lg.sockets(page))[0]).toMatchObject({ protected: false });
  });

  it("resilienceCheck: the check's faults and page errors travel through this driver's worker calls", async () => {
    await openSocket();
    // This page never reconnects: the drop is detected by its close, and nothing recovers.
    const check = lg.resilienceCheck(page, { name: "drop", settleMs: 0, steps: [{ kind: "drop", observeMs: 1500 }] });
    const complaint = setTimeout(() => void page.evaluate(() => console.error("socket lost")).catch(() => undefined), 700);
    const report = await check.finally(() => clearTimeout(complaint));
    const [connection, ...others] = report.steps[0]!.connections;
    expect(others).toEqual([]);
    expect(connection!.detected).toMatchObject({ by: "close" });
    expect(connection!.recovered).toMatchObject({ afterMs: null });
    expect(connection!.errors.map((e) => e.message)).toEqual(["socket lost"]);
    expect(report.steps[0]!.verdict).toBe("failed");
    expect(await types(page)).toContain("close");
  });

  it("typed errors; and a page's forged commands reach nothing", async () => {
    await openSocket();
    await expect(lg.drop(page, { url: "wss://nowhere.test/*" })).rejects.toBeInstanceOf(NoSocketMatchesError);
    await page.evaluate(() => {
      const forged = { source: "lifeguard-panel", v: 2, type: "fault", target: { tab: true }, fault: { kind: "drop" } };
      window.postMessage(forged, "*");
      document.dispatchEvent(new CustomEvent("lifeguard", { detail: forged }));
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(await types(page)).toEqual(["open"]);
    const gone = page;
    await gone.close();
    await expect(lg.sockets(gone)).rejects.toBeInstanceOf(PageClosedError);
  });

  it("rejects with a typed error that says what to do when the browser was not launched for Lifeguard", async () => {
    const bare = await rig.bare();
    try {
      await expect(attachLifeguard(bare, { timeoutMs: 1_000 })).rejects.toBeInstanceOf(rig.bareError);
    } finally {
      await bare.close();
    }
  });
});
}
