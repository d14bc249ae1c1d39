// How a user tests their app's WebSocket resilience with Lifeguard: install the package, launch
// Chromium with the extension, and break the real socket from the test.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { chromium, type BrowserContext } from "playwright-core";
import { attachLifeguard, lifeguardLaunchOptions } from "lifeguard/testing/playwright";
import { startChat } from "./server.mjs";

let chat: Awaited<ReturnType<typeof startChat>>;
let context: BrowserContext;
let profile: string;

beforeAll(async () => {
  chat = await startChat();
  profile = mkdtempSync(join(tmpdir(), "chat-test-"));
  const options = lifeguardLaunchOptions({ headless: true, executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium" });
  context = await chromium.launchPersistentContext(profile, {
    ...options,
    args: [...options.args, "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
});

afterAll(async () => {
  await context?.close();
  await chat?.close();
  rmSync(profile, { recursive: true, force: true });
});

test("without protection, a dropped connection leaves the chat closed", async () => {
  const lg = await attachLifeguard(context);
  const page = await context.newPage();
  await page.goto(chat.url);
  await lg.waitFor(page, { url: "ws://127.0.0.1:*/chat", state: "open" });
  await lg.drop(page);
  await expect.poll(() => page.textContent("#status")).toBe("closed");
  await page.close();
});

test("protected, the chat survives a drop and a half-open link", async () => {
  const lg = await attachLifeguard(context);
  await lg.protect("ws://127.0.0.1:*/chat", {
    reconnect: { minDelayMs: 50, maxDelayMs: 200 },
    heartbeat: { intervalMs: 300, timeoutMs: 300, message: "ping" },
  });
  const page = await context.newPage();
  await page.goto(chat.url);
  await lg.waitFor(page, { url: "ws://127.0.0.1:*/chat", state: "open" });

  await lg.drop(page);
  await lg.waitForReconnect(page);
  await page.evaluate(() => (window as unknown as { say(t: string): void }).say("after the drop"));
  await expect.poll(() => chat.received.includes("after the drop")).toBe(true);

  // Half-open: nothing moves, nothing closes; the heartbeat finds it and Lifeguard reconnects. (A message
  // sent into the dead link before that would be lost: nothing acknowledges it.)
  await lg.blackhole(page, 60_000);
  await lg.waitForReconnect(page);
  await page.evaluate(() => (window as unknown as { say(t: string): void }).say("after the half-open"));
  await expect.poll(() => chat.received.includes("after the half-open"), { timeout: 10_000 }).toBe(true);
  expect(await page.textContent("#status")).toBe("open");
  const [socket] = await lg.sockets(page);
  expect(socket).toMatchObject({ protected: true, state: "open" });
  await page.close();
});
