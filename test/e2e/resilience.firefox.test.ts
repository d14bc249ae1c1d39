/**
 * The resilience check in real Firefox ESR (issue 20): app (b) of test/e2e/resilience-pages.ts, a
 * naive reconnect-on-close with no heartbeat, checked from the panel page on its tab. The verdicts are
 * what the app does, as in Chromium: steps 1-3 recovered by the page's own code, step 4's half-open
 * never noticed, step 5 coped with. Read from the report as the panel shows it.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeToken, waitForPageWorld, DIST_FIREFOX, ROOT } from "./harness";
import { launchFirefoxWithExtension, type FirefoxWithExtension } from "./firefox-extension";
import { SHORT_SCENARIO, startResiliencePages, type ResiliencePages } from "./resilience-pages";
import { SCENARIO_KEY } from "../../src/panel/resilience-scenario-store";

let pages: ResiliencePages;
let firefox: FirefoxWithExtension;

beforeAll(async () => {
  pages = await startResiliencePages();
  firefox = await launchFirefoxWithExtension();
});

afterAll(async () => {
  await firefox?.close();
  await pages?.close();
});

describe("resilience check (Firefox)", () => {
  it("(b) naive reconnect: recovers steps 1-3 by its own code, misses the half-open of step 4", { timeout: 120_000 }, async () => {
    const page = await firefox.browser.newPage();
    const url = `${pages.origin}/naive.html`;
    await waitForPageWorld(page, url, probeToken(DIST_FIREFOX));
    await page.waitForFunction(() => document.getElementById("status")?.textContent === "open");
    const tabId = await firefox.tabIdOf(url);
    // The panel page shares the background page's origin, so its localStorage too: the scenario the
    // user would have saved.
    await firefox.evalInBackground((_b, key, scenario) => localStorage.setItem(key, scenario), SCENARIO_KEY, JSON.stringify(SHORT_SCENARIO));
    const { page: panel } = await firefox.openExtensionPage(`src/panel/index.html?tabId=${tabId}`);
    await panel.setViewport({ width: 1600, height: 1000 });
    await panel.waitForSelector('[data-testid="socket-row"]');
    await panel.click('[data-testid="view-resilience"]');
    await panel.click('[data-testid="check-start"]');
    await panel.waitForSelector('[data-testid="check-stop"]');
    await panel.waitForSelector('[data-testid="resilience-report"]', { timeout: 75_000 });
    mkdirSync(join(ROOT, ".tmp/screens"), { recursive: true });
    await panel.screenshot({ path: join(ROOT, ".tmp/screens/resilience-naive-firefox.png"), fullPage: true });

    const steps = await panel.evaluate(() =>
      [...document.querySelectorAll('[data-testid="report-step"]')].map((s) => ({
        verdict: s.querySelector('.resilience-side-label [data-testid="verdict"]')?.getAttribute("data-verdict"),
        text: (s as HTMLElement).innerText,
      })),
    );
    const verdicts = steps.map((s) => s.verdict);
    expect(verdicts.slice(0, 4), steps.map((s) => s.text).join("\n\n")).toEqual(["passed", "passed", "passed", "failed"]);
    expect(verdicts[4]).not.toBe("failed");
    for (const step of steps.slice(0, 3)) expect(step.text).toContain("by the page's own code");
    expect(steps[3]!.text).toContain("went unnoticed");
    await panel.close();
    await page.close();
  });
});
