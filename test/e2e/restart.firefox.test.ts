/**
 * Firefox stops the background event page, again and again, while a page streams frames to an open
 * panel: each time, once the traffic pauses, the panel's counts and frames equal the page's.
 */
import { afterAll, beforeAll, describe, it } from "vitest";
import { probeToken, startServer, waitForPageWorld, DIST_FIREFOX, type TestServer } from "./harness";
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

type Traffic = { sent: number; received: number; running: boolean };
const STOPS = 20;

describe("background restarts (Firefox)", () => {
  it(`${STOPS} stops during steady traffic: the open panel's count equals the page's every time`, async () => {
    const page = await firefox.browser.newPage();
    const url = `${server.origin}/fixtures/blank.html`;
    await waitForPageWorld(page, url, probeToken(DIST_FIREFOX));
    await page.evaluate(async (wso) => {
      const t: Traffic = ((window as unknown as { traffic: Traffic }).traffic = { sent: 0, received: 0, running: true });
      const ws = new WebSocket(`${wso}/echo?case=restarts`);
      ws.onmessage = () => void t.received++;
      await new Promise((r) => (ws.onopen = r));
      setInterval(() => {
        if (t.running) ws.send(`frame ${++t.sent}`);
      }, 5);
    }, server.wsOrigin);
    const tabId = await firefox.tabIdOf(url);
    const { page: panel } = await firefox.openExtensionPage(`src/panel/index.html?tabId=${tabId}`);
    await panel.waitForSelector('[data-testid="socket-row"]', { timeout: 10_000 });
    // The page in front: Firefox runs a background tab's timers once a second, and the traffic is timed.
    await page.bringToFront();

    const traffic = () => page.evaluate(() => (window as unknown as { traffic: Traffic }).traffic);
    const counts: string[] = [];
    for (let stop = 1; stop <= STOPS; stop++) {
      await firefox.terminateBackground();
      await new Promise((r) => setTimeout(r, 150 + 50 * (stop % 5)));
      await page.evaluate(() => void ((window as unknown as { traffic: Traffic }).traffic.running = false));
      await page.waitForFunction(() => {
        const t = (window as unknown as { traffic: Traffic }).traffic;
        return t.received === t.sent;
      });
      const { sent, received } = await traffic();
      const want = `${received} / ${sent}`;
      await panel
        .waitForFunction(
          (w, total) =>
            document.querySelector('[data-testid="socket-row"]')?.textContent?.includes(w) &&
            document.querySelector('[data-testid="frame-count"]')?.getAttribute("data-total") === String(total),
          { timeout: 15_000 },
          want,
          sent + received,
        )
        .catch(async (e: Error) => {
          const shown = await panel.evaluate(() => [
            document.querySelector('[data-testid="socket-row"]')?.textContent,
            document.querySelector('[data-testid="frame-count"]')?.getAttribute("data-total"),
          ]);
          throw new Error(`stop ${stop}: the page has ${want} (${sent + received} frames), the panel shows ${JSON.stringify(shown)}: ${e.message}`);
        });
      counts.push(want);
      await page.evaluate(() => void ((window as unknown as { traffic: Traffic }).traffic.running = true));
    }
    console.log(`${STOPS} stops (Firefox): page and panel agreed each time (${counts.join(", ")})`);
    await panel.close();
    await page.close();
  }, 180_000);
});
