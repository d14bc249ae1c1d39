/**
 * Delivery and resume in real Chromium with the built extension and a rule set through
 * `storage.local`: a server kill with frames unacked and events published while the page was away.
 * Checked from the server side (each unacked frame again, no acked frame twice, the resume request)
 * and from the page (each event once, no ack seen).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { launchChromium, probeToken, startServer as startPages, DIST_CHROME, type Chromium, type TestServer as Pages } from "./harness";
import { startAckServer, type AckServer } from "../integration/ack-server";
import { until } from "../integration/harness";

let pages: Pages;
let server: AckServer;
let browser: Chromium;

type Logged = { type: string; data?: unknown };
type W = { ws: WebSocket; log: Logged[] };

beforeAll(async () => {
  pages = await startPages(probeToken(DIST_CHROME));
  server = await startAckServer();
  browser = await launchChromium({ extension: true });
  await browser.worker!.evaluate(
    (s) => chrome.storage.local.set({ settings: s }),
    {
      rules: [
        {
          match: `ws://127.0.0.1:${server.port}/*`,
          reconnect: { minDelayMs: 100, maxDelayMs: 400, strategy: "transparent" },
          heartbeat: { enabled: false },
          delivery: { enabled: true, hideAcks: true },
          resume: { enabled: true },
        },
      ],
    },
  );
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await pages?.close();
});

const log = (page: Page) => page.evaluate(() => (window as unknown as W).log);

/** Sequences of the events the page saw, in order. */
async function pageSeqs(page: Page): Promise<number[]> {
  return (await log(page)).flatMap((e) => {
    if (e.type !== "message" || typeof e.data !== "string") return [];
    const m = JSON.parse(e.data) as { type?: string; seq?: number };
    return m.type === "event" && typeof m.seq === "number" ? [m.seq] : [];
  });
}

describe("delivery and resume (Chromium)", () => {
  it("a kill with 5 frames unacked and 5 events missed: frames again at the server, the page sees each event once", async () => {
    server.overlap = 2;
    const page = await browser.context.newPage();
    await page.goto(`${pages.origin}/fixtures/blank.html`);
    await page.evaluate((u) => {
      const w = window as unknown as W;
      w.log = [];
      w.ws = new WebSocket(u);
      for (const type of ["open", "message", "close", "reconnecting", "reconnected"]) {
        w.ws.addEventListener(type, (e) => w.log.push({ type, data: (e as MessageEvent).data }));
      }
    }, server.url);
    await page.waitForFunction(() => (window as unknown as W).log.some((e) => e.type === "open"));
    // Settings reach the page asynchronously (within 100 ms by the contract).
    await new Promise((r) => setTimeout(r, 300));

    const send = (ids: string[]) =>
      page.evaluate((list) => {
        for (const id of list) (window as unknown as W).ws.send(JSON.stringify({ id, body: `frame ${id}` }));
      }, ids);
    const acked = ["a1", "a2", "a3"];
    await send(acked);
    await until(() => server.received.length === 3, 5000, "3 frames at the server");
    // Acks went out before these events on the same connection: once the page has the events, it has the acks.
    server.publish(5);
    await page.waitForFunction(() => (window as unknown as W).log.filter((e) => e.type === "message").length >= 5);

    server.ackPaused = true;
    const unacked = ["u1", "u2", "u3", "u4", "u5"];
    await send(unacked);
    await until(() => server.received.length === 8, 5000, "5 unacked frames at the server");
    server.ackPaused = false;
    server.latest().terminate();
    server.publish(5);

    await page.waitForFunction(() => (window as unknown as W).log.some((e) => e.type === "reconnected"), null, { timeout: 10_000 });
    await until(() => unacked.every((id) => server.received.filter((t) => t.includes(`"${id}"`)).length === 2), 5000, "the resends");
    await page.waitForFunction(() => (window as unknown as W).log.filter((e) => e.type === "message").length >= 10, null, { timeout: 5000 });
    // Room for a duplicate to show up, were dedupe broken.
    await new Promise((r) => setTimeout(r, 300));

    const ids = server.received.map((t) => JSON.parse(t) as { id?: string; type?: string; since?: number });
    console.log(
      `[e2e] delivery: frames sent 8, received by the server ${ids.filter((m) => m.id).length} ` +
        `(resent ${ids.filter((m) => m.id).length - 8}); resume since ${server.resumes[0]?.since}, server replayed ${server.replayed}`,
    );
    for (const id of acked) expect(ids.filter((m) => m.id === id)).toHaveLength(1);
    for (const id of unacked) expect(ids.filter((m) => m.id === id).length).toBeGreaterThanOrEqual(1);
    // On the new connection: the resume request, then the unacked frames in their original order.
    expect(ids.slice(8)).toEqual([{ type: "resume", since: 5 }, ...unacked.map((id) => ({ id, body: `frame ${id}` }))]);
    expect(server.resumes).toEqual([{ since: 5, via: "message" }]);
    expect(server.replayed).toBe(7);
    expect(server.connections).toBe(2);

    const seen = await log(page);
    expect(await pageSeqs(page)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(seen.filter((e) => typeof e.data === "string" && e.data.includes('"ack"'))).toEqual([]);
    expect(seen.map((e) => e.type)).not.toContain("close");
    await page.close();
  });
});
