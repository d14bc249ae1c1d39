/**
 * The bridge under attack in Firefox ESR: the page and its iframe forge the hand-over before, during
 * and after document_start (see fixtures/hostile.js); Lifeguard still records and protects, the
 * attacker's ports get nothing, and the panel shows the attempts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Frame, Page } from "puppeteer-core";
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

type Attack = { tries: number; got: number; stolen: number; log: string[] };
const attackOf = (where: Page | Frame) => where.evaluate(() => (window as unknown as { attack: Attack }).attack);
const rowTexts = (panel: Page) =>
  panel.evaluate(() => [...document.querySelectorAll('[data-testid="socket-row"]')].map((r) => (r as HTMLElement).innerText));

describe("the bridge under attack (Firefox)", () => {
  it("a page that forges the hand-over everywhere gets nothing; Lifeguard still records and protects; the panel shows the attempts", async () => {
    await firefox.evalInBackground((b, s) => b.storage.local.set({ settings: s }), { rules: [{ match: `${server.wsOrigin}/echo?from=hostile*` }] });
    const page = await firefox.browser.newPage();
    const url = `${server.origin}/fixtures/hostile.html`;
    await waitForPageWorld(page, url, probeToken(DIST_FIREFOX));
    await page.evaluate(() => (window as unknown as { afterLoad: Promise<void> }).afterLoad);
    const frame = page.frames().find((f) => f.url().endsWith("/fixtures/hostile-frame.html"))!;
    await frame.waitForFunction(() => "attack" in window);

    const tabId = await firefox.tabIdOf(url);
    const { page: panel } = await firefox.openExtensionPage(`src/panel/index.html?tabId=${tabId}`);
    await panel.waitForFunction(
      () =>
        [...document.querySelectorAll('[data-testid="socket-row"]')].filter((r) => {
          const text = (r as HTMLElement).innerText;
          return /from=hostile-(top|frame)/.test(text) && text.includes("3 / 3") && /\byes\b/.test(text);
        }).length === 2,
      { timeout: 15_000 },
    );
    expect((await rowTexts(panel)).join("\n")).not.toContain("forged.example");

    for (const where of [page, frame]) {
      const attack = await attackOf(where);
      expect(attack.tries).toBeGreaterThan(0);
      expect(attack, JSON.stringify(attack.log)).toMatchObject({ got: 0, stolen: 0 });
      expect(attack.log.filter((l) => l.startsWith("taken"))).toEqual([]);
    }

    await panel.waitForSelector('[data-testid="bridge-alert"]', { timeout: 10_000 });
    await panel.waitForFunction(() => Number(document.querySelector('[data-testid="bridge-alert"]')!.getAttribute("data-count")) >= 5, { timeout: 5_000 });
    await panel.close();
    await page.close();
    await firefox.evalInBackground((b) => b.storage.local.remove("settings"));
  });
});
