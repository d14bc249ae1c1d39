/**
 * Breakpoints, rule actions and Edit and resend as a user meets them in the panel (the panel page at
 * `?tabId=N`, real Chromium, the built extension, a real `ws` server): a frame a pause rule holds
 * waits in the panel's strip, is edited there and forwarded (the server receives the edited text, and
 * the page's socket goes on); "Block frames like this" on a frame adds the rule that then drops such
 * frames; "Edit and resend" sends a recorded frame again, edited; a conversation exported as HAR,
 * imported again and served as a mock answers the reloaded page with no server.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { activeTabId, launchChromium, probeToken, startServer as startPages, DIST_CHROME, ROOT, type Chromium, type TestServer as Pages } from "./harness";
import { startServer, until, type TestServer } from "../integration/harness";

let pages: Pages;
let server: TestServer;
let browser: Chromium;

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

type W = { ws: WebSocket };
const send = (page: Page, text: string) => page.evaluate((t) => (window as unknown as W).ws.send(t), text);
const storedFrameRules = () =>
  browser.worker!.evaluate(async () => ((await chrome.storage.local.get("settings")).settings as { frameRules?: unknown[] } | undefined)?.frameRules ?? []);

describe("breakpoints in the panel (Chromium)", () => {
  it("a paused frame is edited and forwarded from the panel; Block frames like this drops the next; Edit and resend sends one again", async () => {
    await browser.worker!.evaluate(
      (rules) => chrome.storage.local.set({ settings: { frameRules: rules } }),
      [{ match: "ws://127.0.0.1:*", direction: "out", when: { path: "$.type", equals: "order" }, action: "pause", pauseTimeoutMs: 120_000 }],
    );
    const page = await browser.context.newPage();
    await page.goto(`${pages.origin}/fixtures/blank.html`);
    const tabId = await activeTabId(browser);
    await page.evaluate((url) => {
      const w = window as unknown as W;
      w.ws = new WebSocket(url);
      return new Promise((resolve) => w.ws.addEventListener("open", resolve));
    }, server.url);

    const panel = await browser.context.newPage();
    await panel.setViewportSize({ width: 1280, height: 800 });
    await panel.goto(`chrome-extension://${browser.extensionId}/src/panel/index.html?tabId=${tabId}`);
    await panel.locator('[data-testid="socket-row"]').first().waitFor();

    await send(page, JSON.stringify({ type: "order", qty: 1 }));
    await send(page, "right behind it");
    const item = panel.locator('[data-testid="breakpoint"]');
    await item.waitFor();
    await new Promise((r) => setTimeout(r, 200));
    expect(server.received).toEqual([]);
    const editor = item.locator('[data-testid="breakpoint-payload"]');
    expect(await editor.inputValue()).toBe('{"type":"order","qty":1}');
    await editor.fill('{"type":"order","qty":100}');
    await panel.locator('[data-testid="breakpoint-forward"]').waitFor();
    expect(await panel.locator('[data-testid="breakpoint-forward"]').innerText()).toContain("Forward edited");
    mkdirSync(join(ROOT, ".tmp/screens"), { recursive: true });
    await panel.screenshot({ path: join(ROOT, ".tmp/screens/breakpoint-edit.png") });
    await panel.locator('[data-testid="breakpoint-forward"]').click();
    await until(() => server.received.length === 2, 5_000, "the edited frame and the one behind it");
    expect(server.received).toEqual(['{"type":"order","qty":100}', "right behind it"]);
    await item.waitFor({ state: "detached" });

    // "Block frames like this" on the frame the page sent after it.
    const row = panel.locator('[data-testid="frame-row"]', { hasText: "right behind it" }).first();
    await row.click();
    await panel.locator('[data-testid="rule-block"]').click();
    await panel.locator('[data-testid="rule-done"]').waitFor();
    const rules = (await storedFrameRules()) as { action: string; direction: string; when?: { text?: string } }[];
    expect(rules.map((r) => [r.action, r.direction])).toEqual([
      ["pause", "out"],
      ["drop", "out"],
    ]);
    await new Promise((r) => setTimeout(r, 300));
    await send(page, "right behind it");
    await send(page, "something else");
    await until(() => server.received.includes("something else"), 5_000, "the frame after the blocked one");
    expect(server.received.slice(2)).toEqual(["something else"]);

    // "Edit and resend" on the first recorded frame, edited: it goes to the server as the panel's.
    await panel.locator('[data-testid="frame-row"]', { hasText: "something else" }).first().click();
    await panel.locator('[data-testid="resend-open"]').click();
    await panel.locator('[data-testid="resend-payload"]').fill("sent again, edited");
    await panel.locator('[data-testid="resend-send"]').click();
    await until(() => server.received.includes("sent again, edited"), 5_000, "the resent frame");
    await panel.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="frame-row"]')].some((r) => r.textContent!.includes("sent again, edited")),
    );
    await page.close();
    await panel.close();
  });

  it("a conversation exported as HAR, imported and served as a mock, answers the reloaded page with no server", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${pages.origin}/fixtures/blank.html#mock`);
    const tabId = await activeTabId(browser);
    const talk = () =>
      page.evaluate(
        (url) =>
          new Promise<string[]>((resolve) => {
            const got: string[] = [];
            const ws = new WebSocket(url);
            (window as unknown as W).ws = ws;
            ws.onopen = () => ws.send("ping");
            ws.onmessage = (e) => {
              got.push(String(e.data));
              if (got.length === 1) resolve(got);
            };
          }),
        server.url,
      );
    expect(await talk()).toEqual(["pong"]);

    const panel = await browser.context.newPage();
    await panel.setViewportSize({ width: 1280, height: 800 });
    await panel.goto(`chrome-extension://${browser.extensionId}/src/panel/index.html?tabId=${tabId}`);
    await panel.locator('[data-testid="frame-row"]').nth(1).waitFor();
    const download = panel.waitForEvent("download");
    await panel.locator('[data-testid="har-export"]').click();
    const har = await (await download).path();

    await panel.locator('[data-testid="har-import"]').setInputFiles(har);
    const imported = panel.locator('[data-testid="socket-row"]').nth(1);
    await imported.waitFor();
    await imported.click();
    await panel.locator('[data-testid="mock-timing-fast"]').check();
    await panel.locator('[data-testid="mock-serve"]').click();
    await panel.locator('[data-testid="mock-served"]').waitFor();
    await panel.locator('[data-testid="mock-in-force"]').waitFor();

    // No server any more: what answers the page now is the recording.
    await server.stop();
    await panel.locator('[data-testid="mock-reload"]').click();
    await page.waitForFunction(() => !(window as unknown as Partial<W>).ws);
    expect(await talk()).toEqual(["pong"]);
    // The reloaded page's socket, beside the recording: its frames say who made them.
    const live = panel.locator('[data-testid="socket-row"]').filter({ hasNotText: "recording" });
    await live.waitFor();
    await live.click();
    await panel.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="frame-row"]')].some((r) => r.textContent!.includes("pong") && /mock/i.test(r.textContent!)),
    );
    await panel.locator('[data-testid="mock-stop"]').click();
    await panel.locator('[data-testid="mock-stopped"]').waitFor();
    await server.start();
    await page.close();
    await panel.close();
  });
});
