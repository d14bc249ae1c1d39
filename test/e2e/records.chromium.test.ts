/**
 * Every frame on the wire, exactly once, with who made it and what became of it (DESIGN.md, "Records"),
 * in real Chromium: a protected socket with heartbeat, delivery and resume goes through three server
 * kills; for each kind of frame the panel's count (by provenance and fate) equals what a server-side
 * tap read from or wrote to the wire.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROTOCOL_VERSION, type SocketSnapshot } from "../../src/shared/protocol";
import { activeTabId, launchChromium, probeToken, setSettings, startServer as startPages, DIST_CHROME, ROOT, type Chromium, type TestServer as Pages } from "./harness";
import { framesOf, pageScript, runTapScenario, startWireTap, tapRule, type WireTap } from "./wire-tap";

let pages: Pages;
let tap: WireTap;
let browser: Chromium;

beforeAll(async () => {
  pages = await startPages(probeToken(DIST_CHROME));
  tap = await startWireTap();
  browser = await launchChromium({ extension: true });
});

afterAll(async () => {
  await browser?.close();
  await tap?.close();
  await pages?.close();
});

type W = { tap: WebSocket; seen: string[]; reconnected: number; reconnecting: number };

describe("records at the wire (Chromium)", () => {
  it("counts each kind of frame as the server saw it, through three reconnects", async () => {
    await setSettings(browser, { rules: [tapRule("ws://127.0.0.1:*")] });
    const page = await browser.context.newPage();
    await page.goto(`${pages.origin}/fixtures/blank.html`);
    await page.evaluate(pageScript, tap.url);
    await page.waitForFunction(() => (window as unknown as W).tap.readyState === 1);

    // The panel's side: an extension page with the panel's port.
    const tabId = await activeTabId(browser);
    const ext = await browser.context.newPage();
    await ext.goto(`chrome-extension://${browser.extensionId}/src/panel/index.html`);
    await page.bringToFront();
    await ext.evaluate((id) => {
      const port = chrome.runtime.connect({ name: `panel:${id}` });
      const state = { port, snapshots: [] as unknown[] };
      port.onMessage.addListener((m: { type: string }) => void (m.type === "snapshot" && state.snapshots.push(m)));
      (window as unknown as { lg: typeof state }).lg = state;
    }, tabId);
    const snapshot = async (): Promise<SocketSnapshot[]> => {
      await ext.evaluate(() => ((window as unknown as { lg: { snapshots: unknown[] } }).lg.snapshots = []));
      await ext.evaluate(
        (m) => (window as unknown as { lg: { port: chrome.runtime.Port } }).lg.port.postMessage(m),
        { source: "lifeguard-panel", v: PROTOCOL_VERSION, type: "snapshot-request" },
      );
      await ext.waitForFunction(() => (window as unknown as { lg: { snapshots: unknown[] } }).lg.snapshots.length > 0);
      return ((await ext.evaluate(() => (window as unknown as { lg: { snapshots: { sockets: SocketSnapshot[] }[] } }).lg.snapshots)) as { sockets: SocketSnapshot[] }[]).flatMap((s) => s.sockets);
    };

    const counts = await runTapScenario({ evaluate: (fn, arg) => page.evaluate(fn, arg), snapshot }, tap, expect);
    console.log("by kind, panel vs wire:", JSON.stringify(counts));
  });

  it("shows a Blob frame's bytes, read with the browser's own methods: a page that patched Blob.prototype sees nothing", async () => {
    await setSettings(browser, { rules: [] });
    const page = await browser.context.newPage();
    await page.goto(`${pages.origin}/fixtures/blank.html?blob`);
    const url = `${pages.wsOrigin}/echo?blob`;
    await page.evaluate(async (u) => {
      const w = window as unknown as { touched: string[]; got: number };
      w.touched = [];
      for (const name of ["arrayBuffer", "slice", "text", "stream", "bytes"] as const) {
        const proto = Blob.prototype as unknown as Record<string, unknown>;
        if (typeof proto[name] !== "function") continue;
        const original = proto[name] as (...a: unknown[]) => unknown;
        proto[name] = function (this: Blob, ...args: unknown[]) {
          w.touched.push(name);
          return original.apply(this, args);
        };
      }
      const ws = new WebSocket(u);
      w.got = 0;
      ws.onmessage = (e) => {
        if (e.data instanceof Blob) w.got++;
      };
      await new Promise((r) => (ws.onopen = r));
      ws.send(new Uint8Array([0xca, 0xfe, 0xba, 0xbe, 1, 2, 3]));
    }, url);
    await page.waitForFunction(() => (window as unknown as { got: number }).got === 1);
    const tabId = await activeTabId(browser);
    const ext = await browser.context.newPage();
    await ext.goto(`chrome-extension://${browser.extensionId}/src/panel/index.html`);
    const snaps = (await ext.evaluate(
      ([id, v]) =>
        new Promise<unknown>((resolve) => {
          const port = chrome.runtime.connect({ name: `panel:${id}` });
          port.onMessage.addListener((m: { type: string; sockets?: unknown }) => m.type === "snapshot" && resolve(m.sockets));
          port.postMessage({ source: "lifeguard-panel", v, type: "snapshot-request" });
        }),
      [tabId, PROTOCOL_VERSION] as const,
    )) as SocketSnapshot[];
    const frames = framesOf(snaps, url);
    expect(frames.map((f) => [f.dir, f.opcode, f.size, f.preview, f.truncated])).toEqual([
      ["out", "binary", 7, "cafebabe010203", false],
      ["in", "binary", 7, "cafebabe010203", false],
    ]);
    expect(await page.evaluate(() => (window as unknown as { touched: string[] }).touched)).toEqual([]);
    await ext.close();
    await page.close();
  });

  it("the panel marks an injected and a panel-sent frame in the table, the detail and the HAR", async () => {
    await setSettings(browser, { rules: [] });
    const page = await browser.context.newPage();
    await page.goto(`${pages.origin}/fixtures/blank.html?marks`);
    const url = `${pages.wsOrigin}/echo?marks`;
    await page.evaluate(async (u) => {
      const w = window as unknown as { got: string[] };
      w.got = [];
      const ws = new WebSocket(u);
      ws.onmessage = (e) => w.got.push(String(e.data));
      await new Promise((r) => (ws.onopen = r));
      ws.send("from the page");
    }, url);
    await page.waitForFunction(() => (window as unknown as { got: string[] }).got.length === 1);
    const tabId = await activeTabId(browser);
    const panel = await browser.context.newPage();
    await panel.setViewportSize({ width: 1200, height: 700 });
    await panel.goto(`chrome-extension://${browser.extensionId}/src/panel/index.html?tabId=${tabId}`);
    await panel.locator('[data-testid="socket-row"]').first().click();
    await panel.locator('[data-testid="fault-payload"]').fill("as if from the server");
    await panel.locator('[data-testid="fault-inject"]').click();
    await panel.locator('[data-testid="fault-payload"]').fill("as the page, from the panel");
    await panel.locator('[data-testid="fault-send"]').click();
    // The injected frame, the panel's frame, and the server's echo of it.
    await page.waitForFunction(() => (window as unknown as { got: string[] }).got.length === 3);
    await panel.waitForFunction(() => document.querySelectorAll('[data-testid="frame-row"]').length === 5);
    const marks = await panel.locator('[data-testid="frame-row"]').evaluateAll((rows) =>
      rows.map((r) => [r.getAttribute("data-from"), (r as HTMLElement).innerText.includes("injected"), (r as HTMLElement).innerText.includes("from panel")]),
    );
    expect(marks).toEqual([
      ["page", false, false],
      ["page", false, false],
      ["injected", true, false],
      ["panel", false, true],
      ["page", false, false],
    ]);
    await panel.locator('[data-testid="frame-row"][data-from="injected"]').click();
    expect(await panel.locator('[data-testid="detail-mark"]').innerText()).toContain("injected");
    await panel.locator('[data-testid="frame-row"][data-from="panel"]').click();
    expect(await panel.locator('[data-testid="detail-mark"]').innerText()).toContain("from panel");
    await panel.screenshot({ path: join(ROOT, ".tmp/panel-marks-chromium.png") });
    const download = panel.waitForEvent("download");
    await panel.locator('[data-testid="har-export"]').click();
    const har = JSON.parse(readFileSync(await (await download).path(), "utf8")) as {
      log: { entries: { _webSocketMessages: { type: string; data: string; _from?: string }[] }[] };
    };
    const messages = har.log.entries.flatMap((e) => e._webSocketMessages);
    expect(messages.map((m) => [m.type, m.data, m._from])).toEqual([
      ["send", "from the page", undefined],
      ["receive", "from the page", undefined],
      ["receive", "as if from the server", "injected"],
      ["send", "as the page, from the panel", "panel"],
      ["receive", "as the page, from the panel", undefined],
    ]);
    await panel.close();
    await page.close();
  });
});
