/**
 * The options page and the popup in real Chromium with the built extension: invalid JSON and invalid
 * fields show their messages and store nothing; a rule saved through the form protects the next
 * socket; delivery and resume edited through the form, tried on sample frames, and saved; a bad import
 * changes nothing; the popup counts a tab's sockets and protects its site.
 * Screenshots go to .tmp/options.png, .tmp/options-delivery.png and .tmp/popup.png (and -dark variants).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { launchChromium, probeToken, startServer as startPages, DIST_CHROME, ROOT, type Chromium, type TestServer as Pages } from "./harness";
import { startServer, type TestServer } from "../integration/harness";

const SHOTS = join(ROOT, ".tmp");

let pages: Pages;
let server: TestServer;
let browser: Chromium;

type Logged = { type: string };
type W = { ws: WebSocket; log: Logged[] };

const stored = async (): Promise<unknown> =>
  (await browser.worker!.evaluate(() => chrome.storage.local.get("settings")) as { settings?: unknown }).settings;
const setStored = (settings: unknown) => browser.worker!.evaluate((s) => chrome.storage.local.set({ settings: s }), settings);

async function openOptions(): Promise<Page> {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`chrome-extension://${browser.extensionId}/src/options/index.html`);
  // The editor is disabled until the stored settings are loaded.
  await page.locator('[data-testid="json-editor"]:not([disabled])').waitFor();
  return page;
}

const testId = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`);
const field = (page: Page, path: string) => page.locator(`[data-path="${path}"]`);

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  pages = await startPages(probeToken(DIST_CHROME));
  server = await startServer();
  browser = await launchChromium({ extension: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await pages?.close();
});

beforeEach(async () => {
  await browser.worker!.evaluate(() => chrome.storage.local.clear());
});

describe("options page (Chromium)", () => {
  it("invalid JSON shows its parse error and stores nothing", async () => {
    await setStored({ enabled: true });
    const page = await openOptions();
    await testId(page, "json-editor").fill('{ "enabled": tru }');
    await expect.poll(() => testId(page, "json-error").textContent()).toContain("Not valid JSON");
    expect(await testId(page, "save").isDisabled()).toBe(true);
    await testId(page, "save").click({ force: true });
    expect(await stored()).toEqual({ enabled: true });
    await page.close();
  });

  it("an invalid field shows the validator's message beside it and stores nothing; fixed, it saves", async () => {
    const page = await openOptions();
    await testId(page, "add-rule").click();
    await testId(page, "rule-match").fill("wss://a.test/*");
    const path = "rules[0].reconnect.minDelayMs";
    await field(page, path).fill("-5");
    const beside = field(page, path).locator("xpath=ancestor::label").locator('[data-testid="field-error"]');
    await expect.poll(() => beside.textContent()).toBe("Rule 1 › reconnect › minDelayMs: expected a non-negative number, got -5");
    expect(await testId(page, "save").isDisabled()).toBe(true);
    expect(await testId(page, "save-status").textContent()).toContain("1 problem");
    await testId(page, "save").click({ force: true });
    expect(await stored()).toBeUndefined();

    await field(page, path).fill("250");
    await expect.poll(() => beside.count()).toBe(0);
    await testId(page, "save").click();
    await expect.poll(() => testId(page, "save-status").textContent()).toBe("Saved.");
    expect(await stored()).toEqual({ rules: [{ match: "wss://a.test/*", reconnect: { minDelayMs: 250 } }] });
    await page.close();
  });

  it("delivery and resume through the form: a bad path is named beside it, the sample box reads real frames, the rule saves", async () => {
    await setStored({ rules: [{ match: "wss://chat.example.com/*", reconnect: { strategy: "transparent" } }] });
    const page = await openOptions();
    const row = page.locator('[data-testid="rule-row"]').first();
    const inRow = (id: string) => row.locator(`[data-testid="${id}"]`);
    await inRow("delivery-enabled").check();
    await inRow("delivery-hideAcks").check();
    await inRow("delivery-maxAgeMs").fill("30000");
    await inRow("resume-enabled").check();
    await inRow("delivery-ackWhen-equals").fill("ack");
    await expect.poll(() => inRow("delivery-ackWhen-equals-parsed").textContent()).toBe('compared with the string "ack"');

    await inRow("delivery-idPath").fill("id");
    const beside = inRow("delivery-idPath").locator("xpath=ancestor::label").locator('[data-testid="field-error"]');
    await expect.poll(() => beside.textContent()).toBe('Rule 1 › delivery › idPath: expected a JSON path like "$.a.b" or "$.items[0]", got "id"');
    expect(await testId(page, "save").isDisabled()).toBe(true);
    await inRow("sample-outbound").fill('{"id":"m3","text":"hello"}');
    await expect.poll(() => inRow("sample-id").textContent()).toBe('idPath cannot be used: JSON path must start with "$": "id"');
    await inRow("delivery-idPath").fill("$.id");
    await expect.poll(() => beside.count()).toBe(0);

    await inRow("sample-inbound").fill('{"type":"ack","id":"m3","seq":41}');
    await expect.poll(() => inRow("sample-id").textContent()).toBe('Id at $.id: "m3", pending until an ack for it arrives.');
    expect(await inRow("sample-ack").textContent()).toBe('An ack for id "m3": the outbound frame is acknowledged.');
    expect(await inRow("sample-seq").textContent()).toBe("A hidden ack is not read for a sequence.");
    await inRow("delivery-hideAcks").uncheck();
    await expect.poll(() => inRow("sample-seq").textContent()).toBe("Sequence at $.seq: 41 (lastSeq, if it is the highest seen).");
    expect(await inRow("sample-resume").textContent()).toBe('After a reconnect, sends: {"type":"resume","since":41}');

    await testId(page, "save").click();
    await expect.poll(() => testId(page, "save-status").textContent()).toBe("Saved.");
    expect(await stored()).toEqual({
      rules: [
        {
          match: "wss://chat.example.com/*",
          reconnect: { strategy: "transparent" },
          delivery: { enabled: true, hideAcks: false, maxAgeMs: 30000, ackWhen: { equals: "ack" }, idPath: "$.id" },
          resume: { enabled: true },
        },
      ],
    });
    // The whole page, clipped to the rule: an element screenshot scrolls, and the sticky Save bar would cover part of it.
    const shoot = async (name: string) => {
      await page.evaluate(() => window.scrollTo(0, 0));
      const box = (await row.boundingBox())!;
      await page.screenshot({ path: join(SHOTS, name), fullPage: true, clip: box });
    };
    await shoot("options-delivery.png");
    await page.emulateMedia({ colorScheme: "dark" });
    await shoot("options-delivery-dark.png");
    await page.close();
  });

  it("a bad import shows its errors and changes nothing; export downloads the draft", async () => {
    await setStored({ enabled: false });
    const page = await openOptions();
    await testId(page, "import").setInputFiles({
      name: "bad.json",
      mimeType: "application/json",
      buffer: Buffer.from('{ "rules": [{ "match": "wss://x/*", "queue": { "maxMessages": -1 } }] }'),
    });
    await expect.poll(() => testId(page, "import-status").textContent()).toContain(
      "rules[0].queue.maxMessages (rule 1): expected a non-negative integer, got -1",
    );
    expect(JSON.parse(await testId(page, "json-editor").inputValue())).toEqual({ enabled: false });

    const [download] = await Promise.all([page.waitForEvent("download"), testId(page, "export").click()]);
    expect(download.suggestedFilename()).toBe("lifeguard-settings.json");
    const path = await download.path();
    const { readFileSync } = await import("node:fs");
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({ enabled: false });
    expect(await stored()).toEqual({ enabled: false });
    await page.close();
  });

  it("a rule saved through the form protects a socket on its next connect", async () => {
    const page = await openOptions();
    await testId(page, "add-rule").click();
    await testId(page, "rule-match").fill(`ws://127.0.0.1:${server.port}/*`);
    await field(page, "rules[0].reconnect.minDelayMs").fill("100");
    await field(page, "rules[0].reconnect.maxDelayMs").fill("400");
    await testId(page, "test-url").fill(server.url);
    await expect.poll(() => testId(page, "test-result").textContent()).toContain("Rule 1 wins");
    await testId(page, "save").click();
    await expect.poll(() => testId(page, "save-status").textContent()).toBe("Saved.");
    expect(await stored()).toEqual({
      rules: [{ match: `ws://127.0.0.1:${server.port}/*`, reconnect: { minDelayMs: 100, maxDelayMs: 400 } }],
    });

    // A field with an error, for the screenshot: the message beside its field, Save disabled.
    await field(page, "rules[0].heartbeat.intervalMs").fill("50");
    await expect.poll(() => testId(page, "field-error").count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, "options.png"), fullPage: true });
    await page.emulateMedia({ colorScheme: "dark" });
    await page.screenshot({ path: join(SHOTS, "options-dark.png"), fullPage: true });
    await page.close();

    const app = await browser.context.newPage();
    await app.goto(`${pages.origin}/fixtures/blank.html`);
    await app.evaluate((u) => {
      const w = window as unknown as W;
      w.log = [];
      w.ws = new WebSocket(u);
      for (const type of ["open", "error", "close", "reconnecting", "reconnected"]) w.ws.addEventListener(type, () => w.log.push({ type }));
    }, server.url);
    await app.waitForFunction(() => (window as unknown as W).log.some((e) => e.type === "open"));
    server.latest().terminate();
    await app.waitForFunction(() => (window as unknown as W).log.some((e) => e.type === "reconnected"), null, { timeout: 10_000 });
    const seen = (await app.evaluate(() => (window as unknown as W).log)).map((e) => e.type);
    expect(seen).toContain("reconnecting");
    expect(seen).not.toContain("close");
    expect(seen).not.toContain("error");
    await app.close();
  });
});

describe("popup (Chromium)", () => {
  it("counts the tab's sockets and protects its site", async () => {
    const app = await browser.context.newPage();
    const appUrl = `${pages.origin}/fixtures/blank.html`;
    await app.goto(appUrl);
    await app.evaluate((u) => {
      const keep = window as unknown as { sockets: WebSocket[] };
      keep.sockets = [new WebSocket(u), new WebSocket(u)];
    }, server.url);
    const tabId = (await browser.worker!.evaluate(
      async (url) => (await chrome.tabs.query({ url })).map((t) => ({ id: t.id, url: t.url })),
      appUrl,
    )) as { id: number; url?: string }[];
    expect(tabId).toHaveLength(1);
    // With <all_urls> host permissions (and no `tabs` permission) the extension sees the tab's url.
    expect(tabId[0]!.url).toBe(appUrl);

    const popup = await browser.context.newPage();
    await popup.setViewportSize({ width: 360, height: 320 });
    await popup.goto(`chrome-extension://${browser.extensionId}/src/popup/index.html?tabId=${tabId[0]!.id}`);
    await expect.poll(() => testId(popup, "socket-count").getAttribute("data-count"), { timeout: 10_000 }).toBe("2");
    expect(await testId(popup, "site-status").textContent()).toBe("Not protected: its sockets are only inspected.");
    // "This site" is where the tab's sockets go (the ws server), not the page's own origin.
    expect(await testId(popup, "site-status").evaluate((el) => el.parentElement!.querySelector(".site-host")!.textContent)).toBe(`127.0.0.1:${server.port}`);
    await testId(popup, "protect-toggle").click();
    await expect.poll(() => testId(popup, "site-status").textContent()).toBe(`Protected by rule 1: ws://127.0.0.1:${server.port}/*`);
    expect(await stored()).toMatchObject({ rules: [{ match: `ws://127.0.0.1:${server.port}/*` }] });
    // And the sockets are protected now: the popup counts them so.
    await expect.poll(() => testId(popup, "socket-detail").textContent(), { timeout: 10_000 }).toContain("2 protected");

    // A third socket shows up live.
    await app.evaluate((u) => (window as unknown as { sockets: WebSocket[] }).sockets.push(new WebSocket(u)), server.url);
    await expect.poll(() => testId(popup, "socket-count").getAttribute("data-count"), { timeout: 10_000 }).toBe("3");

    await popup.locator(".popup").screenshot({ path: join(SHOTS, "popup.png") });
    await popup.emulateMedia({ colorScheme: "dark" });
    await popup.locator(".popup").screenshot({ path: join(SHOTS, "popup-dark.png") });
    await Promise.all([popup.close(), app.close()]);
  });

  it("shows — for a tab without Lifeguard", async () => {
    const other = await browser.context.newPage();
    await other.goto(`chrome-extension://${browser.extensionId}/src/options/index.html`);
    const [tab] = (await browser.worker!.evaluate(
      async (url) => (await chrome.tabs.query({ url })).map((t) => t.id),
      `chrome-extension://${browser.extensionId}/src/options/index.html`,
    )) as number[];
    const popup = await browser.context.newPage();
    await popup.goto(`chrome-extension://${browser.extensionId}/src/popup/index.html?tabId=${tab}`);
    await testId(popup, "socket-count").waitFor();
    // Give a page world every chance to answer; there is none.
    await new Promise((r) => setTimeout(r, 500));
    expect(await testId(popup, "socket-count").textContent()).toBe("—");
    expect(await testId(popup, "site-status").textContent()).toContain("not a web page");
    await Promise.all([popup.close(), other.close()]);
  });
});
