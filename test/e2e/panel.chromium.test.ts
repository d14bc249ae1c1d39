/**
 * The whole chain in Chromium: page world -> relay -> background -> panel. The panel page opened in a
 * tab with `?tabId=N` lists the test page's sockets (top frame and iframe), live, and keeps them after
 * the background service worker is stopped the way the browser stops an idle one.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { activeTabId, launchChromium, probeToken, startServer, DIST_CHROME, ROOT, type Chromium, type TestServer } from "./harness";

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


const rowText = (panel: Page) => panel.locator('[data-testid="socket-row"]').allInnerTexts();

describe("the panel (Chromium)", () => {
  it("lists the page's sockets from every frame, live, and keeps them across a worker restart", async () => {
    const page = await browser.context.newPage();
    const url = `${server.origin}/fixtures/inline.html`;
    await page.goto(url);
    await page.evaluate(() => (window as unknown as { headEcho: Promise<string> }).headEcho);
    const frame = page.frames().find((f) => f.url().endsWith("/fixtures/frame.html"))!;
    await frame.waitForFunction(() => "frameEcho" in window);
    await frame.evaluate(() => (window as unknown as { frameEcho: Promise<string> }).frameEcho);

    const tabId = await activeTabId(browser);
    const panel = await browser.context.newPage();
    await panel.setViewportSize({ width: 900, height: 400 });
    await panel.goto(`chrome-extension://${browser.extensionId}/src/panel/index.html?tabId=${tabId}`);
    await panel.waitForFunction(() => document.querySelectorAll('[data-testid="socket-row"]').length === 2);
    expect(await panel.locator('[data-testid="socket-count"]').getAttribute("data-count")).toBe("2");
    const rows = await rowText(panel);
    expect(rows.join("\n")).toContain("/echo?from=head");
    expect(rows.join("\n")).toContain("/echo?from=iframe");
    for (const state of await panel.locator('[data-testid="socket-row"]').evaluateAll((els) => els.map((e) => e.getAttribute("data-state"))))
      expect(state).toBe("open");

    // Live: a new socket and new frames show up without reloading the panel.
    await page.evaluate((ws) => {
      const s = new WebSocket(`${ws}/echo?from=later`);
      s.onopen = () => s.send("later");
    }, server.wsOrigin);
    await panel.waitForFunction(() => document.querySelectorAll('[data-testid="socket-row"]').length === 3);
    await panel.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="socket-row"]')].some((r) => r.textContent!.includes("from=later") && r.getAttribute("data-state") === "open"),
    );
    mkdirSync(join(ROOT, ".tmp"), { recursive: true });
    await panel.screenshot({ path: join(ROOT, ".tmp/panel-chromium.png") });

    // Stop the service worker as the browser does to an idle one; frames keep arriving.
    const cdp = await browser.context.newCDPSession(panel);
    await cdp.send("ServiceWorker.enable");
    await cdp.send("ServiceWorker.stopAllWorkers");
    await page.evaluate(() => {
      const s = (window as unknown as { headSocket: WebSocket }).headSocket;
      for (let i = 0; i < 5; i++) s.send(`after restart ${i}`);
    });
    await panel.waitForFunction(
      () => {
        const row = [...document.querySelectorAll('[data-testid="socket-row"]')].find((r) => r.textContent!.includes("from=head"));
        return row?.textContent?.includes("6 / 6");
      },
      null,
      { timeout: 15_000 },
    ).catch(async (e) => {
      console.log("DEBUG rows", await rowText(panel), await panel.locator("header").innerText(), browser.context.serviceWorkers().length);
      throw e;
    });
    await page.close();
    await panel.close();
  });

  it("shows live frames exactly as sent, also on a page that gave arrays and objects a toJSON (Prototype.js)", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.origin}/fixtures/blank.html`);
    const tabId = await activeTabId(browser);
    const panel = await browser.context.newPage();
    await panel.goto(`chrome-extension://${browser.extensionId}/src/panel/index.html?tabId=${tabId}`);
    await panel.waitForSelector('[data-testid="socket-count"]');
    // What a JSON encoding on the way (Chrome's runtime port) has to escape and bring back unchanged.
    const TRICKY = ['a "quoted" \\ back\\slash', "line\nbreak\ttab \u0001", "astral 😀, zé, \u2028"];
    const send = (texts: string[]) =>
      page.evaluate(
        async ([wso, texts]) => {
          const w = window as unknown as { ws?: WebSocket };
          w.ws ??= new WebSocket(`${wso}/echo?case=packed`);
          const ws = w.ws;
          if (ws.readyState !== 1) await new Promise((r) => ws.addEventListener("open", r, { once: true }));
          let left = texts.length;
          const echoed = new Promise((r) => ws.addEventListener("message", function on() {
            if (--left === 0) r(ws.removeEventListener("message", on));
          }));
          for (const t of texts) ws.send(t);
          await echoed;
        },
        [server.wsOrigin, texts] as const,
      );
    const total = () => panel.locator('[data-testid="frame-count"]').getAttribute("data-total").then(Number);
    await send(TRICKY);
    await expect.poll(total, { timeout: 10_000 }).toBe(6);
    // The three sent, then their echoes.
    for (const [i, text] of [...TRICKY, ...TRICKY].entries()) {
      await panel.locator('[data-testid="frame-row"]').nth(i).click();
      await expect.poll(() => panel.locator('[data-testid="frame-text"]').textContent()).toBe(text);
    }
    // Prototype.js gives arrays a toJSON that JSON.stringify calls: none of it may reach Lifeguard's messages.
    await page.evaluate(() => {
      (Array.prototype as unknown as { toJSON: () => string }).toJSON = function () {
        return "broken";
      };
      (Object.prototype as unknown as { toJSON: () => object }).toJSON = function () {
        return {};
      };
    });
    await send(["after toJSON 1", "after toJSON 2"]);
    await expect.poll(total, { timeout: 10_000 }).toBe(10);
    await page.close();
    await panel.close();
  });

  it("shows a late panel the newest history that one answer carries, past Chrome's 64 MiB message cap, and the true counts", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.origin}/fixtures/blank.html`);
    // 1,000 echoes of 40 KB: 80 MB of previews in the ring. In one message, Chrome dropped it whole;
    // one answer carries 32 Mi characters (src/shared/budget.ts), the newest.
    await page.evaluate(async (wso) => {
      const ws = new WebSocket(`${wso}/echo?case=big-history`);
      await new Promise((r) => (ws.onopen = r));
      let left = 1000;
      await new Promise((r) => {
        ws.onmessage = () => --left === 0 && r(0);
        for (let i = 0; i < 1000; i++) ws.send(JSON.stringify({ n: i, pad: "y".repeat(40_000) }));
      });
    }, server.wsOrigin);
    const tabId = await activeTabId(browser);
    const panel = await browser.context.newPage();
    await panel.goto(`chrome-extension://${browser.extensionId}/src/panel/index.html?tabId=${tabId}`);
    await panel.waitForSelector('[data-testid="frame-count"]', { timeout: 20_000 });
    const total = () => panel.locator('[data-testid="frame-count"]').getAttribute("data-total").then(Number);
    // 0.9 of 32 Mi characters over 40 KB frames: ~750 of the 2,000, in several messages.
    await expect.poll(total, { timeout: 20_000 }).toBeGreaterThan(700);
    await new Promise((r) => setTimeout(r, 500));
    expect(await total()).toBeLessThan(800);
    expect(await rowText(panel)).toEqual([expect.stringContaining("1000 / 1000")]);
    // The newest are there: the last echo is the table's last row.
    // The newest are there, the oldest not (the sends all went first, so their echoes are the newest).
    const shown = async (text: string) => {
      await panel.locator('[data-testid="filter-text"]').fill(text);
      return panel.locator('[data-testid="frame-count"]').getAttribute("data-shown").then(Number);
    };
    await expect.poll(() => shown('"n":999,'), { timeout: 5_000 }).toBe(1);
    await expect.poll(() => shown('"n":0,'), { timeout: 5_000 }).toBe(0);
    await page.close();
    await panel.close();
  });

  it("records every frame once, whatever message listeners the page has, adds or takes away", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.origin}/fixtures/blank.html`);
    // Each socket ends with no listener of the page's (or never had one): Lifeguard's own must be back.
    const cases = await page.evaluate(async (wso) => {
      const made: Record<string, WebSocket> = {};
      const open = (name: string) => {
        const ws = new WebSocket(`${wso}/echo?case=${name}`);
        made[name] = ws;
        return ws;
      };
      const f = () => {};
      open("none");
      open("handler").onmessage = f;
      const cleared = open("handler-cleared");
      cleared.onmessage = f;
      cleared.onmessage = null;
      const removed = open("removed");
      removed.addEventListener("message", f);
      removed.addEventListener("message", f, true);
      removed.removeEventListener("message", f);
      removed.removeEventListener("message", f, { capture: true });
      open("once").addEventListener("message", f, { once: true });
      const ac = new AbortController();
      open("signal").addEventListener("message", () => ac.abort(), { signal: ac.signal });
      const self = open("removes-itself");
      self.addEventListener("message", function me() {
        self.removeEventListener("message", me);
      });
      open("throws").addEventListener("message", () => {
        throw new Error("a page's listener throws");
      });
      window.addEventListener("error", (e) => e.preventDefault());
      await Promise.all(Object.values(made).map((ws) => new Promise((r) => (ws.readyState === 1 ? r(0) : ws.addEventListener("open", r, { once: true })))));
      for (const ws of Object.values(made)) for (let i = 0; i < 3; i++) ws.send(`frame ${i}`);
      (window as unknown as { made: typeof made }).made = made;
      return Object.keys(made);
    }, server.wsOrigin);

    const tabId = await activeTabId(browser);
    const panel = await browser.context.newPage();
    await panel.goto(`chrome-extension://${browser.extensionId}/src/panel/index.html?tabId=${tabId}`);
    const counts = () =>
      panel.locator('[data-testid="socket-row"]').evaluateAll((rows) =>
        // URL cell -> frames cell ("in / out").
        Object.fromEntries(rows.map((r) => [/case=([\w-]+)/.exec(r.children[0]!.textContent!)?.[1], r.children[3]!.textContent])),
      );
    const expected = Object.fromEntries(cases.map((c) => [c, "3 / 3"]));
    await panel.waitForFunction((n) => document.querySelectorAll('[data-testid="socket-row"]').length === n, cases.length);
    await expect.poll(counts, { timeout: 10_000 }).toEqual(expected);
    // And live, with the panel open: three more each.
    await page.evaluate(() => {
      for (const ws of Object.values((window as unknown as { made: Record<string, WebSocket> }).made)) for (let i = 3; i < 6; i++) ws.send(`frame ${i}`);
    });
    await expect.poll(counts, { timeout: 10_000 }).toEqual(Object.fromEntries(cases.map((c) => [c, "6 / 6"])));
    await page.close();
    await panel.close();
  });

  it("keeps no large message alive once the page has let go of it (the wrappers' answer cache lets go a second later)", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.origin}/fixtures/blank.html`);
    const cdp = await browser.context.newCDPSession(page);
    const heap = async () => {
      for (let i = 0; i < 3; i++) await cdp.send("HeapProfiler.collectGarbage");
      const u = (await cdp.send("Runtime.getHeapUsage")) as { usedSize: number; backingStorageSize?: number };
      return u.usedSize + (u.backingStorageSize ?? 0);
    };
    await page.evaluate(async (wso) => {
      const ws = new WebSocket(`${wso}/echo?case=big`);
      ws.binaryType = "arraybuffer";
      (window as unknown as { bigSocket: WebSocket }).bigSocket = ws;
      await new Promise((r) => ws.addEventListener("open", r, { once: true }));
    }, server.wsOrigin);
    const before = await heap();
    const sizes = await page.evaluate(async () => {
      const ws = (window as unknown as { bigSocket: WebSocket }).bigSocket;
      const got: number[] = [];
      // Two listeners: the wrappers share one answer per event.
      await new Promise<void>((resolve) => {
        ws.addEventListener("message", (e) => void got.push((e.data as ArrayBuffer).byteLength));
        ws.onmessage = () => resolve();
        ws.send(new ArrayBuffer(16 * 1024 * 1024));
      });
      return got;
    });
    expect(sizes).toEqual([16 * 1024 * 1024]);
    await new Promise((r) => setTimeout(r, 1500));
    const retained = (await heap()) - before;
    expect(retained, `${(retained / 2 ** 20).toFixed(1)} MiB retained`).toBeLessThan(4 * 1024 * 1024);
    await page.close();
  });
});
