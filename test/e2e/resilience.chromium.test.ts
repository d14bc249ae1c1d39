/**
 * The resilience check (issue 20) in real Chromium, driven as a user drives it: the panel page on the
 * tab, its Resilience view, Start (with "Compare with and without protection" where the issue asks
 * for both), and the exported JSON report read back. Three apps written for it
 * (test/e2e/resilience-pages.ts): (a) a raw socket, (b) a naive reconnect-on-close, (c) Socket.IO.
 * The verdicts must be what each app really does:
 * - (a) fails from step 1 (nothing reconnects); protected, it passes every step;
 * - (b) recovers steps 1-3, fails step 4 (half-open goes unnoticed), copes with step 5; protected, it
 *   passes every step;
 * - (c) recovers every step by its own library, finding step 4's half-open by its own ping.
 * The scenario is the default one with shorter times (the check's own numbers, not the test's).
 */
import { readFileSync } from "node:fs";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { axe } from "./axe";
import { activeTabId, launchChromium, setSettings, ROOT, type Chromium } from "./harness";
import { RULE, SHORT_SCENARIO, startResiliencePages, type ResiliencePages } from "./resilience-pages";
import type { ResilienceReport } from "../../src/shared/resilience/types";
import { SCENARIO_KEY } from "../../src/panel/resilience-scenario-store";

let pages: ResiliencePages;
let browser: Chromium;

beforeAll(async () => {
  pages = await startResiliencePages();
  browser = await launchChromium({ extension: true });
  await setSettings(browser, { rules: [RULE] });
});

afterAll(async () => {
  await browser?.close();
  await pages?.close();
});

/** Opens `file`, waits for the app to say open, then the panel on its tab at the Resilience view. */
async function openCheck(file: string, scenario = SHORT_SCENARIO): Promise<{ page: Page; panel: Page }> {
  const page = await browser.context.newPage();
  await page.goto(`${pages.origin}/${file}`);
  await page.waitForFunction(() => document.getElementById("status")?.textContent === "open");
  const tabId = await activeTabId(browser);
  const panel = await browser.context.newPage();
  await panel.setViewportSize({ width: 1600, height: 1000 });
  const url = `chrome-extension://${browser.extensionId}/src/panel/index.html?tabId=${tabId}`;
  await panel.goto(url);
  await panel.evaluate(([key, scenario]) => localStorage.setItem(key!, scenario!), [SCENARIO_KEY, JSON.stringify(scenario)]);
  await panel.goto(url);
  await panel.waitForSelector('[data-testid="socket-row"]');
  await panel.click('[data-testid="view-resilience"]');
  await panel.waitForSelector('[data-testid="check-start"]');
  return { page, panel };
}

/** Starts the check, waits for its report, and returns the exported JSON report(s). */
async function runCheck(panel: Page, compare: boolean, shot: string): Promise<ResilienceReport[]> {
  await panel.click(compare ? '[data-testid="check-compare"]' : '[data-testid="check-start"]');
  await panel.waitForSelector('[data-testid="check-stop"]');
  await panel.waitForSelector('[data-testid="resilience-report"]', { timeout: compare ? 150_000 : 75_000 });
  mkdirSync(join(ROOT, ".tmp/screens"), { recursive: true });
  await panel.screenshot({ path: join(ROOT, `.tmp/screens/resilience-${shot}.png`), fullPage: true });
  const downloads: Promise<import("playwright-core").Download>[] = [];
  const expected = compare ? 2 : 1;
  const collected = new Promise<void>((resolve) => {
    panel.on("download", (d) => {
      downloads.push(Promise.resolve(d));
      if (downloads.length === expected) resolve();
    });
  });
  await panel.click('[data-testid="export-json"]');
  await collected;
  const reports: ResilienceReport[] = [];
  for (const d of await Promise.all(downloads)) {
    const path = await d.path();
    reports.push(JSON.parse(readFileSync(path, "utf8")) as ResilienceReport);
  }
  // Unprotected first, as the panel runs them.
  reports.sort((a, b) => a.startedAt - b.startedAt);
  // The Markdown export, for the note and for a reader of a failure.
  const md = panel.waitForEvent("download");
  await panel.click('[data-testid="export-markdown"]');
  console.log(readFileSync(await (await md).path(), "utf8"));
  return reports;
}

const verdicts = (r: ResilienceReport) => r.steps.map((s) => s.verdict);

/**
 * Protected, every step passes, with one honest exception: a message the page sent into the half-open
 * link before the heartbeat found it dead is really lost (nothing acknowledges it, so nothing can know
 * to send it again; a rule's `delivery` would). The check then says "degraded" and why; nothing else
 * may degrade the step.
 */
function expectProtectedPasses(report: ResilienceReport): void {
  const [drop, restart, offline, halfOpen, slow] = report.steps;
  for (const step of [drop, restart, offline, slow]) expect(step!.verdict, step!.reason).toBe("passed");
  const c = halfOpen!.connections[0]!;
  expect(c.detected).toMatchObject({ by: "heartbeat" });
  expect(c.recovered).toMatchObject({ by: "lifeguard" });
  expect(c.resubscribed).toBe("yes");
  expect(c.errors).toEqual([]);
  if (halfOpen!.verdict !== "passed") {
    expect(halfOpen!.verdict).toBe("degraded");
    expect(c.messages.lost).toBeGreaterThan(0);
    expect(c.messages.lost).toBeLessThanOrEqual(2);
  }
}

describe("resilience check (Chromium)", () => {
  it("(a) raw socket: fails from step 1 unprotected; protected, passes every step", { timeout: 200_000 }, async () => {
    const { page, panel } = await openCheck("raw.html");
    const [unprotected, protectedRun] = await runCheck(panel, true, "raw-compare");
    expect(unprotected!.protection.protected).toBe(false);
    expect(verdicts(unprotected!)).toEqual(["failed", "failed", "failed", "failed", "failed"]);
    expect(unprotected!.steps[0]!.connections[0]!.detected.at).not.toBeNull();
    expect(unprotected!.steps[0]!.connections[0]!.recovered.afterMs).toBeNull();
    expect(protectedRun!.protection).toEqual({ protected: true, rule: RULE.match });
    expectProtectedPasses(protectedRun!);
    for (const step of protectedRun!.steps.slice(0, 4)) {
      const c = step.connections[0]!;
      expect(c.recovered).toMatchObject({ by: "lifeguard" });
      expect(c.resubscribed).toBe("yes");
    }
    // The page's settings are back as they were: the rule on, unpaused.
    const stored = (await browser.worker!.evaluate(() => chrome.storage.local.get("settings"))) as { settings: { rules: { enabled?: boolean }[] } };
    expect(stored.settings.rules).toHaveLength(1);
    expect(stored.settings.rules[0]!.enabled).not.toBe(false);
    await panel.close();
    await page.close();
  });

  it("(b) naive reconnect: recovers steps 1-3, fails step 4; protected, passes every step", { timeout: 200_000 }, async () => {
    const { page, panel } = await openCheck("naive.html");
    const [unprotected, protectedRun] = await runCheck(panel, true, "naive-compare");
    expect(verdicts(unprotected!).slice(0, 4)).toEqual(["passed", "passed", "passed", "failed"]);
    expect(verdicts(unprotected!)[4]).not.toBe("failed");
    for (const step of unprotected!.steps.slice(0, 3)) expect(step.connections[0]!.recovered).toMatchObject({ by: "page" });
    expect(unprotected!.steps[3]!.connections[0]!.detected.at).toBeNull();
    expectProtectedPasses(protectedRun!);
    // The report as a user reads it: in a 420 px dock and on a wide screen, light and dark, no serious
    // or critical accessibility finding, nothing scrolling sideways.
    const problems: string[] = [];
    for (const width of [1600, 420]) {
      for (const colorScheme of ["light", "dark"] as const) {
        await panel.setViewportSize({ width, height: 1000 });
        await panel.emulateMedia({ colorScheme });
        await panel.waitForTimeout(200);
        await panel.screenshot({ path: join(ROOT, `.tmp/screens/resilience-report-${width}-${colorScheme}.png`) });
        if (await panel.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1)) problems.push(`${width} ${colorScheme}: scrolls sideways`);
        for (const v of await axe(panel)) problems.push(`${width} ${colorScheme}: ${v}`);
      }
    }
    expect(problems).toEqual([]);
    await panel.close();
    await page.close();
  });

  it("(c) Socket.IO: its library recovers every step and finds the half-open by its own ping", { timeout: 120_000 }, async () => {
    // Socket.IO sockets are not the rule's (`/app`): the check runs unprotected.
    const { page, panel } = await openCheck("socketio.html");
    const [report] = await runCheck(panel, false, "socketio");
    expect(report!.protection.protected).toBe(false);
    for (const step of report!.steps.slice(0, 4)) {
      const c = step.connections[0]!;
      expect(c.recovered).toMatchObject({ by: "library" });
      expect(step.verdict).not.toBe("failed");
    }
    expect(report!.steps[3]!.connections[0]!.detected.at).not.toBeNull();
    expect(report!.steps[3]!.connections[0]!.resubscribed).toBe("yes");
    expect(report!.steps[4]!.verdict).not.toBe("failed");
    await panel.close();
    await page.close();
  });

  it("closing the panel mid-check ends the fault the check started (the page's socket flows again)", { timeout: 60_000 }, async () => {
    const long = { name: "long", settleMs: 1000, steps: [{ kind: "blackhole" as const, durationMs: 600_000, observeMs: 600_000 }] };
    // Unprotected: a heartbeat would find the black-hole and reconnect around it.
    await setSettings(browser, { rules: [] });
    const { page, panel } = await openCheck("naive.html", long);
    const chats = () => pages.received.filter((m) => m.includes('"chat"')).length;
    await panel.click('[data-testid="check-start"]');
    // In force, as the panel's strip of faults says; then the page's chat (one a second) stops reaching the server.
    await panel.waitForSelector('[data-testid="fault-in-force"]');
    await new Promise((r) => setTimeout(r, 500));
    const held = chats();
    await new Promise((r) => setTimeout(r, 2500));
    expect(chats()).toBe(held);
    // DevTools closed: the last panel of the tab goes, and with it the check's black-hole.
    await panel.close();
    const deadline = Date.now() + 10_000;
    while (chats() === held && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(chats()).toBeGreaterThan(held);
    await page.close();
    await setSettings(browser, { rules: [RULE] });
  });
});
