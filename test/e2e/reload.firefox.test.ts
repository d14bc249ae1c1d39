/**
 * The panel follows the inspected page through reloads in Firefox: right after each reload it lists
 * the new document's sockets (top frame and iframe) without any user action.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

describe("the panel across reloads (Firefox)", () => {
  it("shows the new document's sockets after each reload", async () => {
    const page = await firefox.browser.newPage();
    const url = `${server.origin}/fixtures/inline.html`;
    await waitForPageWorld(page, url, probeToken(DIST_FIREFOX));
    await page.evaluate(() => (window as unknown as { headEcho: Promise<string> }).headEcho);
    const tabId = await firefox.tabIdOf(url);
    const { page: panel } = await firefox.openExtensionPage(`src/panel/index.html?tabId=${tabId}`);
    const openIds = (): Promise<string[]> =>
      panel.evaluate(() => [...document.querySelectorAll('[data-testid="socket-row"][data-state="open"]')].map((r) => r.getAttribute("data-socket-id")!));
    await panel.waitForFunction(() => document.querySelectorAll('[data-testid="socket-row"][data-state="open"]').length === 2, { timeout: 10_000 });
    const took: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = await openIds();
      await page.bringToFront();
      await page.reload();
      const loaded = Date.now();
      await panel
        .waitForFunction(
          (old: string[]) => {
            const rows = [...document.querySelectorAll('[data-testid="socket-row"][data-state="open"]')];
            return rows.length === 2 && rows.every((r) => !old.includes(r.getAttribute("data-socket-id")!));
          },
          { timeout: 10_000 },
          before,
        )
        .catch(async (e) => {
          console.log("DEBUG rows", await openIds(), i);
          throw e;
        });
      took.push(Date.now() - loaded);
    }
    // Figures, not a timed assertion (a shared machine).
    console.log(`Firefox panel showed the new document's open sockets ${took.join(", ")} ms after each reload's load event`);
    expect(took).toHaveLength(3);
  });
});
