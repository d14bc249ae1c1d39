/**
 * A service worker the browser stops, again and again, while a page streams frames to an open panel:
 * nothing is lost for good. Each stop, once the traffic pauses, the panel's counts and frames equal
 * the page's (the panel finds the gaps the restart made in each page world's numbered stream and asks
 * that page world for a snapshot).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activeTabId, launchChromium, probeToken, startServer, DIST_CHROME, type Chromium, type TestServer } from "./harness";

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

type Traffic = { sent: number; received: number; running: boolean };

describe("service-worker restarts (Chromium)", () => {
  it("20 stops during steady traffic: the open panel's count equals the page's every time", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.origin}/fixtures/blank.html`);
    await page.evaluate(async (wso) => {
      const t: Traffic = ((window as unknown as { traffic: Traffic }).traffic = { sent: 0, received: 0, running: true });
      const ws = new WebSocket(`${wso}/echo?case=restarts`);
      ws.onmessage = () => void t.received++;
      await new Promise((r) => (ws.onopen = r));
      // Steady traffic: a frame every 5 ms while running.
      setInterval(() => {
        if (!t.running) return;
        ws.send(`frame ${++t.sent}`);
      }, 5);
    }, server.wsOrigin);
    const tabId = await activeTabId(browser);
    const panel = await browser.context.newPage();
    await panel.goto(`chrome-extension://${browser.extensionId}/src/panel/index.html?tabId=${tabId}`);
    const cdp = await browser.context.newCDPSession(panel);
    await cdp.send("ServiceWorker.enable");

    const row = () => panel.locator('[data-testid="socket-row"]').first().innerText().catch(() => "");
    const total = () => panel.locator('[data-testid="frame-count"]').getAttribute("data-total").catch(() => null);
    const counts: string[] = [];
    const settle: number[] = [];
    for (let stop = 1; stop <= 20; stop++) {
      await cdp.send("ServiceWorker.stopAllWorkers");
      // Traffic goes on through the restart.
      await new Promise((r) => setTimeout(r, 150 + 50 * (stop % 5)));
      await page.evaluate(() => void ((window as unknown as { traffic: Traffic }).traffic.running = false));
      await page.waitForFunction(() => {
        const t = (window as unknown as { traffic: Traffic }).traffic;
        return t.received === t.sent;
      });
      const { sent, received } = await page.evaluate(() => (window as unknown as { traffic: Traffic }).traffic);
      const want = `${received} / ${sent}`;
      const t0 = Date.now();
      await expect.poll(row, { timeout: 15_000, message: `stop ${stop}: panel row, page has ${want}` }).toContain(want);
      await expect.poll(total, { timeout: 15_000, message: `stop ${stop}: frames in the table` }).toBe(String(sent + received));
      settle.push(Date.now() - t0);
      counts.push(want);
      await page.evaluate(() => void ((window as unknown as { traffic: Traffic }).traffic.running = true));
    }
    console.log(`20 stops: page and panel agreed each time (${counts.join(", ")}); settled within ${Math.max(...settle)} ms of the traffic pausing (median ${settle.sort((a, b) => a - b)[10]} ms)`);
    await page.close();
    await panel.close();
  }, 180_000);
});
