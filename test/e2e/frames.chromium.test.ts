/**
 * The frames and timeline views in real Chromium with the built extension: a page (top frame and
 * iframe) exchanges text and binary frames, the panel at `?tabId=N` shows both sockets and their
 * frames, the direction and text filters work, a frame carrying markup stays text and runs nothing,
 * and a protected socket's reconnect after its server is killed shows on the timeline.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { activeTabId, launchChromium, probeToken, startServer as startPages, DIST_CHROME, ROOT, type Chromium, type TestServer as Pages } from "./harness";
import { startServer, type TestServer } from "../integration/harness";

let pages: Pages;
let server: TestServer;
let browser: Chromium;

const EVIL = '<img src=x onerror="document.title=\'pwned\';window.__pwned=1">';

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

type W = { headSocket: WebSocket; headEcho: Promise<string>; rs: WebSocket; opens: number };

const frameRows = (panel: Page) =>
  panel.locator('[data-testid="frame-row"]').evaluateAll((els) =>
    els.map((e) => ({ dir: e.getAttribute("data-dir"), type: e.getAttribute("data-type"), socket: e.getAttribute("data-socket-id"), text: e.textContent ?? "" })),
  );

describe("frames and timeline (Chromium)", () => {
  it("shows both sockets' frames, filters them, keeps markup as text, and draws a reconnect", async () => {
    await browser.worker!.evaluate(() =>
      chrome.storage.local.set({ settings: { rules: [{ match: "ws://127.0.0.1:*", reconnect: { minDelayMs: 100, maxDelayMs: 400 } }] } }),
    );
    const page = await browser.context.newPage();
    await page.goto(`${pages.origin}/fixtures/inline.html`);
    const tabId = await activeTabId(browser);
    await page.evaluate(() => (window as unknown as W).headEcho);
    const frame = page.frames().find((f) => f.url().endsWith("/fixtures/frame.html"))!;
    await frame.waitForFunction(() => "frameEcho" in window);
    await frame.evaluate(() => (window as unknown as { frameEcho: Promise<string> }).frameEcho);

    // Text and binary both ways (the server echoes), and a frame that is markup.
    await page.evaluate((evil) => {
      const s = (window as unknown as W).headSocket;
      s.send(JSON.stringify({ type: "subscribe", channel: "prices", depth: [1, 2, 3] }));
      s.send(new Uint8Array([0, 1, 2, 0x41, 0x42, 0xff]).buffer);
      s.send(evil);
    }, EVIL);
    await frame.evaluate(() => (window as unknown as { frameSocket: WebSocket }).frameSocket.send(new Uint8Array([9, 8, 7])));

    // A third socket, to a server the test will kill: the rule protects it.
    await page.evaluate((url) => {
      const w = window as unknown as W;
      w.opens = 0;
      w.rs = new WebSocket(url);
      w.rs.addEventListener("open", () => {
        w.opens++;
        w.rs.send(`hello ${w.opens}`);
      });
    }, server.url);
    await page.waitForFunction(() => (window as unknown as W).opens === 1);

    const panel = await browser.context.newPage();
    await panel.setViewportSize({ width: 1100, height: 640 });
    await panel.goto(`chrome-extension://${browser.extensionId}/src/panel/index.html?tabId=${tabId}`);
    await panel.waitForFunction(() => document.querySelectorAll('[data-testid="socket-row"]').length === 3);
    // head: hello + 3 sent, 4 echoed; iframe: 2 sent, 2 echoed; third: 1 sent.
    await panel.waitForFunction(() => Number(document.querySelector('[data-testid="frame-count"]')?.getAttribute("data-total")) >= 13);

    const all = await frameRows(panel);
    const sockets = new Set(all.map((r) => r.socket));
    expect(sockets.size).toBe(3);
    expect(all.some((r) => r.dir === "in")).toBe(true);
    expect(all.some((r) => r.dir === "out")).toBe(true);
    expect(all.filter((r) => r.type === "binary").length).toBe(4);
    expect(all.some((r) => r.text.includes("00 01 02 41 42 ff"))).toBe(true);
    expect(all.filter((r) => r.text.includes(EVIL)).length).toBe(2);
    expect(await panel.locator("img").count()).toBe(0);

    // Direction filter.
    await panel.selectOption('[data-testid="filter-dir"]', "in");
    await panel.waitForFunction(() => [...document.querySelectorAll('[data-testid="frame-row"]')].every((r) => r.getAttribute("data-dir") === "in"));
    expect((await frameRows(panel)).length).toBe(all.filter((r) => r.dir === "in").length);
    await panel.selectOption('[data-testid="filter-dir"]', "all");

    // Text filter, then the detail of the markup frame: text, never an element.
    await panel.fill('[data-testid="filter-text"]', "onerror");
    await panel.waitForFunction(() => document.querySelectorAll('[data-testid="frame-row"]').length === 2);
    await panel.locator('[data-testid="frame-row"]').first().click();
    await expect.poll(() => panel.locator('[data-testid="frame-text"]').textContent()).toBe(EVIL);
    await panel.fill('[data-testid="filter-text"]', "");
    await panel.locator('[data-testid="frame-row"][data-type="binary"]').first().click();
    await panel.waitForSelector('[data-testid="hex-dump"]');
    expect(await panel.locator("img").count()).toBe(0);
    expect(await panel.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await panel.title()).not.toBe("pwned");

    mkdirSync(join(ROOT, ".tmp"), { recursive: true });
    await panel.locator('[data-testid="frame-row"]').filter({ hasText: "subscribe" }).first().click();
    await panel.screenshot({ path: join(ROOT, ".tmp/panel-frames.png") });

    // Kill the server; the protected socket reconnects when it is back.
    await server.stop();
    await new Promise((r) => setTimeout(r, 800));
    await server.start();
    await page.waitForFunction(() => (window as unknown as W).opens === 2, null, { timeout: 15_000 });

    await panel.click('[data-testid="view-timeline"]');
    await panel.waitForSelector('[data-testid="timeline"]');
    const lane = panel.locator('[data-testid="timeline-lane"]').filter({ hasText: server.url.replace(/\/$/, "") });
    await expect
      .poll(() => lane.locator('[data-testid="timeline-segment"]').evaluateAll((els) => els.map((e) => e.getAttribute("data-state"))), { timeout: 10_000 })
      .toEqual(expect.arrayContaining(["open", "reconnecting"]));
    const states = await lane.locator('[data-testid="timeline-segment"]').evaluateAll((els) => els.map((e) => e.getAttribute("data-state")));
    expect(states.at(-1)).toBe("open");
    expect(states.indexOf("reconnecting")).toBeGreaterThan(states.indexOf("open"));
    expect(await panel.locator('[data-testid="timeline-lane"]').count()).toBe(3);
    const row = panel.locator('[data-testid="socket-row"]').filter({ hasText: server.url.replace(/\/$/, "") });
    expect(await row.locator('[data-testid="socket-reconnects"]').textContent()).toBe("1");
    await panel.screenshot({ path: join(ROOT, ".tmp/panel-timeline.png") });

    await page.close();
    await panel.close();
  });
});
