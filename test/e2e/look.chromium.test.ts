/**
 * How the panel, popup and options page look and read, in real Chromium with the built extension: at a
 * 420 px DevTools dock and a 1600 px screen, light and dark. Screenshots of the frames view, the
 * timeline, the fault bar with two faults in force, the popup and the options page go to .tmp/screens/
 * (look at them: a layout check cannot tell an ugly screen from a good one). What can be checked is:
 * axe-core finds no serious or critical accessibility violation; nothing spills sideways; the fault bar
 * is one row at 1600 px; every fault in force is listed; labels the user needs are not ellipsised.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { axe } from "./axe";
import { activeTabId, launchChromium, probeToken, setSettings, startServer, DIST_CHROME, ROOT, type Chromium, type TestServer } from "./harness";

const SHOTS = join(ROOT, ".tmp/screens");
const WIDTHS = [1600, 420] as const;
const SCHEMES = ["light", "dark"] as const;

let server: TestServer;
let browser: Chromium;
let tabId: number;
let app: Page;

const testId = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`);

/**
 * Elements whose text the browser cut off (ellipsis or clipped) within `scope` (the roots included), and
 * selects too narrow for one of their options (measured in the select's own font, arrow aside).
 */
function truncated(page: Page, scope: string): Promise<string[]> {
  return page.evaluate((selector) => {
    const out: string[] = [];
    const ctx = document.createElement("canvas").getContext("2d")!;
    for (const root of document.querySelectorAll<HTMLElement>(selector)) {
      for (const el of [root, ...root.querySelectorAll<HTMLElement>("*")]) {
        if (el instanceof HTMLSelectElement) {
          const style = getComputedStyle(el);
          ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
          for (const option of el.options) {
            if (ctx.measureText(option.text).width > el.clientWidth - 24) out.push(`select option "${option.text}" wider than its select (${el.clientWidth}px)`);
          }
          continue;
        }
        if (el instanceof HTMLOptionElement || el.children.length > 0 || !el.textContent?.trim()) continue;
        const style = getComputedStyle(el);
        if (style.overflow === "visible" && style.textOverflow !== "ellipsis") continue;
        if (el.scrollWidth > el.clientWidth + 1) out.push(`${el.tagName.toLowerCase()}.${el.className}: "${el.textContent.trim()}"`);
      }
    }
    return out;
  }, scope);
}

/** Whether the page scrolls sideways (it must not, at any width). */
const spills = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer(probeToken(DIST_CHROME));
  browser = await launchChromium({ extension: true });
  // The chat and the feed are protected with a heartbeat the echo server answers; the short one is not.
  await setSettings(browser, { rules: [{ match: `${server.wsOrigin}/echo*`, heartbeat: { message: "ping", intervalMs: 1000, timeoutMs: 3000 } }] });
  app = await browser.context.newPage();
  await app.goto(`${server.origin}/fixtures/look.html`);
  tabId = await activeTabId(browser);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function openPanel(): Promise<Page> {
  const panel = await browser.context.newPage();
  await panel.setViewportSize({ width: 1600, height: 1000 });
  await panel.goto(`chrome-extension://${browser.extensionId}/src/panel/index.html?tabId=${tabId}`);
  await panel.waitForFunction(() => document.querySelectorAll('[data-testid="socket-row"]').length === 3);
  return panel;
}

const row = (panel: Page, text: string) => panel.locator('[data-testid="socket-row"]', { hasText: text });

describe("look and accessibility (Chromium)", () => {
  it("panel: frames view, timeline and fault bar with two faults in force, at 420 and 1600 px, light and dark", async () => {
    const panel = await openPanel();
    // Two faults in force on two sockets: latency on the chat, a black-hole on the feed.
    await row(panel, "?chat").click();
    await testId(panel, "fault-latency-in").fill("300");
    await testId(panel, "fault-latency-out").fill("0");
    await testId(panel, "fault-latency").click();
    await row(panel, "?feed").click();
    await testId(panel, "fault-blackhole-seconds").fill("600");
    await testId(panel, "fault-blackhole").click();
    // Select the chat again: the feed's black-hole must still be listed.
    await row(panel, "?chat").click();
    const inForce = testId(panel, "faults-in-force");
    await expect.poll(() => inForce.locator('[data-testid="fault-in-force"]').count(), { timeout: 10_000 }).toBe(2);
    const listed = await inForce.innerText();
    expect(listed).toMatch(/latency/i);
    expect(listed).toMatch(/black-hole/i);
    expect(listed).toContain("?feed");

    const problems: string[] = [];
    for (const width of WIDTHS) {
      for (const scheme of SCHEMES) {
        const name = `${width}-${scheme}`;
        await panel.setViewportSize({ width, height: width === 420 ? 900 : 1000 });
        await panel.emulateMedia({ colorScheme: scheme });
        await testId(panel, "view-frames").click();
        await panel.waitForTimeout(300);
        await panel.screenshot({ path: join(SHOTS, `panel-frames-${name}.png`) });
        await testId(panel, "faultbar").screenshot({ path: join(SHOTS, `panel-faultbar-${name}.png`) });
        if (await spills(panel)) problems.push(`${name}: the frames view scrolls sideways`);
        problems.push(...(await truncated(panel, '[data-testid="faultbar"]')).map((t) => `${name} fault bar: ${t}`));
        problems.push(...(await truncated(panel, '[data-testid="socket-state"]')).map((t) => `${name} socket state: ${t}`));
        if (width === 1600) {
          const rows = await testId(panel, "faultbar").evaluate((bar) => {
            const controls = [...bar.querySelectorAll<HTMLElement>('[role="group"]')];
            return new Set(controls.map((c) => Math.round(c.getBoundingClientRect().top))).size;
          });
          if (rows !== 1) problems.push(`${name}: the fault bar's groups take ${rows} rows`);
        }
        for (const v of await axe(panel)) problems.push(`${name} frames: ${v}`);

        await testId(panel, "view-timeline").click();
        await panel.waitForTimeout(300);
        await panel.screenshot({ path: join(SHOTS, `panel-timeline-${name}.png`) });
        if (await spills(panel)) problems.push(`${name}: the timeline scrolls sideways`);
        for (const v of await axe(panel)) problems.push(`${name} timeline: ${v}`);

        await testId(panel, "view-resilience").click();
        await panel.waitForTimeout(300);
        await panel.screenshot({ path: join(SHOTS, `panel-resilience-${name}.png`) });
        if (await spills(panel)) problems.push(`${name}: the resilience view scrolls sideways`);
        for (const v of await axe(panel)) problems.push(`${name} resilience: ${v}`);
      }
    }
    expect(problems).toEqual([]);
    await panel.close();
  });

  it("popup and options page, light and dark", async () => {
    const problems: string[] = [];
    const popup = await browser.context.newPage();
    await popup.setViewportSize({ width: 360, height: 420 });
    await popup.goto(`chrome-extension://${browser.extensionId}/src/popup/index.html?tabId=${tabId}`);
    await expect.poll(() => testId(popup, "socket-count").getAttribute("data-count"), { timeout: 10_000 }).toBe("3");
    for (const scheme of SCHEMES) {
      await popup.emulateMedia({ colorScheme: scheme });
      await popup.screenshot({ path: join(SHOTS, `popup-${scheme}.png`) });
      if (await spills(popup)) problems.push(`popup ${scheme}: scrolls sideways`);
      problems.push(...(await truncated(popup, "body")).map((t) => `popup ${scheme}: ${t}`));
      for (const v of await axe(popup)) problems.push(`popup ${scheme}: ${v}`);
    }
    await popup.close();

    const options = await browser.context.newPage();
    await options.goto(`chrome-extension://${browser.extensionId}/src/options/index.html`);
    await options.locator("form, main").first().waitFor();
    for (const width of WIDTHS) {
      for (const scheme of SCHEMES) {
        const name = `${width}-${scheme}`;
        await options.setViewportSize({ width, height: 1000 });
        await options.emulateMedia({ colorScheme: scheme });
        await options.waitForTimeout(200);
        await options.screenshot({ path: join(SHOTS, `options-${name}.png`), fullPage: true });
        if (await spills(options)) problems.push(`options ${name}: scrolls sideways`);
        problems.push(...(await truncated(options, "select, label")).map((t) => `options ${name}: ${t}`));
        for (const v of await axe(options)) problems.push(`options ${name}: ${v}`);
      }
    }
    await options.close();
    expect(problems).toEqual([]);
  });
});
