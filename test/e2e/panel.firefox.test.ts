/**
 * The whole chain in Firefox ESR: page world -> relay -> background -> panel. The panel page, opened
 * by the extension in a tab with `?tabId=N` (BiDi may not navigate to moz-extension:, see
 * firefox-extension.ts), lists the test page's sockets from the top frame and the iframe, live, and
 * keeps them, still live, after Firefox stops the background event page the way it stops an idle one.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "puppeteer-core";
import { probeToken, startServer, waitForPageWorld, DIST_FIREFOX, ROOT, type TestServer } from "./harness";
import { launchFirefoxWithExtension, type FirefoxWithExtension } from "./firefox-extension";

let server: TestServer;
let firefox: FirefoxWithExtension;

beforeAll(async () => {
  server = await startServer(probeToken(DIST_FIREFOX));
  firefox = await launchFirefoxWithExtension();
});

afterAll(async () => {
  await firefox?.close();
  await server?.close();
});

type Row = { text: string; state: string | null };
const rows = (panel: Page): Promise<Row[]> =>
  panel.evaluate(() =>
    [...document.querySelectorAll('[data-testid="socket-row"]')].map((r) => ({ text: (r as HTMLElement).innerText, state: r.getAttribute("data-state") })),
  );

describe("the panel (Firefox)", () => {
  it("lists the page's sockets from every frame, live, and keeps them across a background restart", async () => {
    const page = await firefox.browser.newPage();
    const url = `${server.origin}/fixtures/inline.html`;
    await waitForPageWorld(page, url, probeToken(DIST_FIREFOX));
    expect(await page.evaluate(() => (window as unknown as { headEcho: Promise<string> }).headEcho)).toBe("hello from head");
    const frame = page.frames().find((f) => f.url().endsWith("/fixtures/frame.html"))!;
    await frame.waitForFunction(() => "frameEcho" in window);
    expect(await frame.evaluate(() => (window as unknown as { frameEcho: Promise<string> }).frameEcho)).toBe("hello from iframe");

    const tabId = await firefox.tabIdOf(url);
    const { page: panel } = await firefox.openExtensionPage(`src/panel/index.html?tabId=${tabId}`);
    await panel.setViewport({ width: 900, height: 400 });
    await panel.waitForFunction(() => document.querySelectorAll('[data-testid="socket-row"]').length === 2, { timeout: 10_000 });
    expect(await panel.$eval('[data-testid="socket-count"]', (e) => e.getAttribute("data-count"))).toBe("2");
    const listed = await rows(panel);
    expect(listed.map((r) => r.text).join("\n")).toContain("/echo?from=head");
    expect(listed.map((r) => r.text).join("\n")).toContain("/echo?from=iframe");
    expect(listed.map((r) => r.state)).toEqual(["open", "open"]);

    // Live: a new socket shows up, open, without reloading the panel.
    await page.evaluate((ws) => {
      const s = new WebSocket(`${ws}/echo?from=later`);
      s.onopen = () => s.send("later");
    }, server.wsOrigin);
    await panel.waitForFunction(
      () =>
        [...document.querySelectorAll('[data-testid="socket-row"]')].some((r) => r.textContent!.includes("from=later") && r.getAttribute("data-state") === "open"),
      { timeout: 10_000 },
    );
    expect(await panel.$eval('[data-testid="socket-count"]', (e) => e.getAttribute("data-count"))).toBe("3");
    mkdirSync(join(ROOT, ".tmp"), { recursive: true });
    await panel.screenshot({ path: join(ROOT, ".tmp/panel-firefox.png") });

    // Stop the background event page as Firefox stops an idle one; a marker shows a new document
    // answers afterwards. Frames sent after it still reach the panel (relay and panel reconnect).
    type Marked = { lifeguardTestMarker?: number };
    await firefox.evalInBackground(() => void ((globalThis as Marked).lifeguardTestMarker = 1));
    await firefox.terminateBackground();
    await page.evaluate(() => {
      const s = (window as unknown as { headSocket: WebSocket }).headSocket;
      for (let i = 0; i < 5; i++) s.send(`after restart ${i}`);
    });
    await panel.waitForFunction(
      () => {
        const row = [...document.querySelectorAll('[data-testid="socket-row"]')].find((r) => r.textContent!.includes("from=head"));
        return row?.textContent?.includes("6 / 6");
      },
      { timeout: 15_000 },
    );
    expect(await firefox.evalInBackground(() => (globalThis as Marked).lifeguardTestMarker ?? null)).toBeNull();
    expect(await panel.$eval('[data-testid="socket-count"]', (e) => e.getAttribute("data-count"))).toBe("3");
    await panel.close();
    await page.close();
  });
});
