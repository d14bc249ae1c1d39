/**
 * The panel follows the inspected page through reloads (DESIGN.md: "A reload or navigation of the
 * inspected page is followed at once"): right after each reload it lists the new document's sockets,
 * without any user action, within a second.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activeTabId, launchChromium, probeToken, setSettings, startServer, DIST_CHROME, ROOT, type Chromium, type TestServer } from "./harness";

let server: TestServer;
let browser: Chromium;

beforeAll(async () => {
  server = await startServer(probeToken(DIST_CHROME));
  browser = await launchChromium({ extension: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("the panel across reloads (Chromium)", () => {
  it("shows the new document's sockets within a second of each reload", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.origin}/fixtures/inline.html`);
    await page.evaluate(() => (window as unknown as { headEcho: Promise<string> }).headEcho);
    const tabId = await activeTabId(browser);
    const panel = await browser.context.newPage();
    await panel.goto(`chrome-extension://${browser.extensionId}/src/panel/index.html?tabId=${tabId}`);
    const openRows = () =>
      panel.evaluate(() =>
        [...document.querySelectorAll('[data-testid="socket-row"]')].filter((r) => r.getAttribute("data-state") === "open").map((r) => r.getAttribute("data-socket-id") ?? r.textContent),
      );
    await panel.waitForFunction(() => document.querySelectorAll('[data-testid="socket-row"][data-state="open"]').length === 2);
    const took: number[] = [];
    const afterLoad: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = await openRows();
      await page.bringToFront();
      const t0 = Date.now();
      await page.reload();
      const loaded = Date.now();
      await panel
        .waitForFunction(
          (old) => {
            const rows = [...document.querySelectorAll('[data-testid="socket-row"][data-state="open"]')];
            return rows.length === 2 && rows.every((r) => !old.includes(r.getAttribute("data-socket-id") ?? r.textContent));
          },
          before,
          { timeout: 10_000 },
        )
        .catch(async (e) => {
          console.log("DEBUG rows", await openRows(), await panel.locator('[data-testid="socket-row"]').allInnerTexts(), i);
          throw e;
        });
      took.push(Date.now() - t0);
      afterLoad.push(Date.now() - loaded);
    }
    mkdirSync(join(ROOT, ".tmp"), { recursive: true });
    await panel.screenshot({ path: join(ROOT, ".tmp/panel-after-reload-chromium.png") });
    // Figures, not a timed assertion (a shared machine): without the fix the new iframe's socket never came.
    console.log(`panel showed the new document's open sockets ${took.join(", ")} ms after each reload began (${afterLoad.join(", ")} ms after its load event)`);
    expect(took).toHaveLength(3);
  });

  it("a page loaded while Lifeguard was off: the panel says so, and its reload button brings the page's sockets in", async () => {
    await setSettings(browser, { enabled: false });
    const page = await browser.context.newPage();
    await page.goto(`${server.origin}/fixtures/inline.html?while-off`);
    await page.evaluate(() => (window as unknown as { headEcho: Promise<string> }).headEcho);
    const tabId = await activeTabId(browser);
    await setSettings(browser, { enabled: true });
    const panel = await browser.context.newPage();
    await panel.goto(`chrome-extension://${browser.extensionId}/src/panel/index.html?tabId=${tabId}`);
    await panel.waitForFunction(() => document.querySelector('[data-testid="empty-state"]')?.getAttribute("data-presence") === "off", null, { timeout: 10_000 });
    expect(await panel.locator('[data-testid="empty-state"]').innerText()).toContain("loaded while Lifeguard was off");
    mkdirSync(join(ROOT, ".tmp"), { recursive: true });
    await panel.screenshot({ path: join(ROOT, ".tmp/panel-not-recording-chromium.png") });
    await panel.locator('[data-testid="reload-page"]').click();
    await panel.waitForFunction(() => document.querySelectorAll('[data-testid="socket-row"][data-state="open"]').length === 2, null, { timeout: 15_000 });
  });
});
