/**
 * The bridge between a page and Lifeguard, attacked, in Chromium: a page (and its iframe) that read the
 * published build forges the hand-over before, during and after document_start; a page that opens
 * sockets learns only the rules for its own sockets' URLs.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
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

type Attack = { tries: number; got: number; stolen: number; log: string[] };
const attackOf = (page: Page | import("playwright-core").Frame) => page.evaluate(() => (window as unknown as { attack: Attack }).attack);

async function openPanel(tabId: number): Promise<Page> {
  const panel = await browser.context.newPage();
  await panel.setViewportSize({ width: 1000, height: 500 });
  await panel.goto(`chrome-extension://${browser.extensionId}/src/panel/index.html?tabId=${tabId}`);
  return panel;
}

const rowTexts = (panel: Page) => panel.locator('[data-testid="socket-row"]').allInnerTexts();

describe("the bridge under attack (Chromium)", () => {
  it("a page that forges the hand-over everywhere gets nothing; Lifeguard still records and protects; the panel shows the attempts", async () => {
    await setSettings(browser, { rules: [{ match: `${server.wsOrigin}/echo?from=hostile*` }] });
    const page = await browser.context.newPage();
    await page.goto(`${server.origin}/fixtures/hostile.html`);
    await page.evaluate(() => (window as unknown as { afterLoad: Promise<void> }).afterLoad);
    const frame = page.frames().find((f) => f.url().endsWith("/fixtures/hostile-frame.html"))!;
    const tabId = await activeTabId(browser);
    const panel = await openPanel(tabId);

    // Recorded, from both frames, and protected by the rule.
    await expect.poll(() => rowTexts(panel), { timeout: 10_000 }).toEqual(
      expect.arrayContaining([expect.stringContaining("from=hostile-top"), expect.stringContaining("from=hostile-frame")]),
    );
    await expect
      .poll(async () => (await rowTexts(panel)).filter((r) => /from=hostile-(top|frame)/.test(r) && r.includes("3 / 3") && /\byes\b/.test(r)).length, { timeout: 10_000 })
      .toBe(2);
    // Nothing the attacker pushed through its own ports reached the panel.
    expect((await rowTexts(panel)).join("\n")).not.toContain("forged.example");
    expect(await panel.locator('[data-testid="socket-count"]').getAttribute("data-count")).toBe("2");

    // The attacker's ports got nothing; no real hand-over was seen or taken.
    for (const where of [page, frame]) {
      const attack = await attackOf(where);
      expect(attack.tries).toBeGreaterThan(0);
      expect(attack, JSON.stringify(attack.log)).toMatchObject({ got: 0, stolen: 0 });
      expect(attack.log.filter((l) => l.startsWith("taken"))).toEqual([]);
    }

    // The panel says a takeover was tried, and refused.
    const alert = panel.locator('[data-testid="bridge-alert"]');
    await alert.waitFor({ timeout: 10_000 });
    await expect.poll(async () => Number(await alert.getAttribute("data-count")), { timeout: 5_000 }).toBeGreaterThanOrEqual(5);
    mkdirSync(join(ROOT, ".tmp"), { recursive: true });
    await panel.screenshot({ path: join(ROOT, ".tmp/panel-bridge-alert.png") });
    await page.close();
    await panel.close();
  });

  it("a page learns the rule for each URL it opens a socket to, and nothing of any other site's", async () => {
    const secret = "wss://private-bank.example/*";
    await setSettings(browser, {
      rules: [
        { match: `${server.wsOrigin}/echo?site=a*`, heartbeat: { message: "ping-a" } },
        { match: secret, heartbeat: { message: "ping-secret" } },
        { match: `${server.wsOrigin}/echo?site=b*`, heartbeat: { message: "ping-b" } },
      ],
    });
    const page = await browser.context.newPage();
    // A spy in the page's own world, in before Lifeguard: everything any MessagePort delivers to it is
    // read through this getter, the page world's rule answers included.
    await page.addInitScript(() => {
      const seen: string[] = ((window as unknown as { seen: string[] }).seen = []);
      const desc = Object.getOwnPropertyDescriptor(MessageEvent.prototype, "data")!;
      Object.defineProperty(MessageEvent.prototype, "data", {
        ...desc,
        get(this: MessageEvent) {
          const value = desc.get!.call(this);
          try {
            seen.push(typeof value === "string" ? value : JSON.stringify(value));
          } catch {
            seen.push(String(value));
          }
          return value;
        },
      });
    });
    await page.goto(`${server.origin}/fixtures/blank.html`);
    await page.evaluate(async (ws) => {
      for (const site of ["a", "b"]) {
        const s = new WebSocket(`${ws}/echo?site=${site}`);
        await new Promise((r) => (s.onopen = r));
      }
    }, server.wsOrigin);
    const seen = async () => (await page.evaluate(() => (window as unknown as { seen: string[] }).seen)).join("\n");
    // The spy works: the page world's answers for its own two URLs went through it.
    await expect.poll(seen, { timeout: 5_000 }).toContain("ping-a");
    await expect.poll(seen, { timeout: 5_000 }).toContain("ping-b");
    expect(await seen()).not.toContain("private-bank");
    expect(await seen()).not.toContain("ping-secret");

    // A settings change reaches the sockets already open, and still names no other site.
    await setSettings(browser, {
      rules: [
        { match: secret, heartbeat: { message: "ping-secret-2" } },
        { match: `${server.wsOrigin}/echo?site=a*`, heartbeat: { message: "ping-a-2" } },
      ],
    });
    await expect.poll(seen, { timeout: 5_000 }).toContain("ping-a-2");
    expect(await seen()).not.toContain("private-bank");
    await page.close();
    await setSettings(browser, {});
  });
});
