/**
 * Frame rules, breakpoints and mocks (issue 22) in a real browser with the built extension, driven
 * through the testing API (Puppeteer: Chromium over CDP, Firefox over BiDi), against real `ws`
 * servers: for each action, inbound and outbound, on protected and unprotected sockets, what the page
 * and the server see, that order is kept, and the record of each touched frame. The same cases run in
 * each browser (frame-rules.chromium.test.ts, frame-rules.firefox.test.ts).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "puppeteer-core";
import { WebSocketServer } from "ws";
import { startServer as startPages, type TestServer as Pages } from "./harness";
import { startServer, until, type TestServer } from "../integration/harness";
import { attachLifeguard, type Lifeguard } from "../../src/testing/puppeteer";
import { InvalidSettingsError } from "../../src/testing/errors";
import type { PuppeteerRig } from "../testing/puppeteer-cases";

type Logged = { type: string; code?: number; data?: unknown };
type W = { ws: WebSocket; log: Logged[] };

/** A request/reply server with a greeting: what a mock must be indistinguishable from. */
interface ChatServer {
  url: string;
  received: string[];
  close(): Promise<void>;
}

async function startChat(): Promise<ChatServer> {
  const httpServer = http.createServer();
  const wss = new WebSocketServer({ server: httpServer });
  const received: string[] = [];
  wss.on("connection", (ws) => {
    ws.send(JSON.stringify({ type: "welcome", v: 3 }));
    ws.on("message", (data, isBinary) => {
      if (isBinary) return void ws.send(data, { binary: true });
      const text = data.toString();
      received.push(text);
      const m = JSON.parse(text) as { id: number; q: string };
      ws.send(JSON.stringify({ id: m.id, a: m.q.toUpperCase() }));
      if (m.q === "twice") ws.send(JSON.stringify({ id: m.id, a: "again" }));
    });
  });
  await new Promise<void>((r) => httpServer.listen(0, "127.0.0.1", r));
  const url = `ws://127.0.0.1:${(httpServer.address() as AddressInfo).port}/chat`;
  return {
    url,
    received,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => httpServer.close(() => r()));
    },
  };
}

export function describeFrameRules(rig: PuppeteerRig): void {
  let pages: Pages;
  let server: TestServer;
  let browser: Browser;
  let lg: Lifeguard<Page>;
  let page: Page;
  let n = 0;

  const logOf = (p: Page) => p.evaluate(() => (window as unknown as W).log);
  const messages = async (p: Page) => (await logOf(p)).filter((e) => e.type === "message").map((e) => e.data);
  const pageSend = (p: Page, data: string) => p.evaluate((d) => (window as unknown as W).ws.send(d), data);
  const waitForMessages = (p: Page, count: number) =>
    p.waitForFunction((c) => (window as unknown as W).log.filter((e) => e.type === "message").length >= c, { timeout: 10_000 }, count);
  const ruled = async (p: Page) => (await lg.frames(p)).filter((f) => f.rule !== undefined || f.from === "rule").map((f) => [f.dir, f.preview, f.from, f.fate, f.rule]);

  /** A page (unique URL) whose socket to `url` logs its events; resolves when it is open. */
  async function openSocket(url = server.url, settleMs = 0): Promise<void> {
    page = await browser.newPage();
    await page.goto(`${pages.origin}/fixtures/blank.html#r${++n}`);
    if (settleMs) await new Promise((r) => setTimeout(r, settleMs));
    await page.evaluate((u) => {
      const w = window as unknown as W;
      w.log = [];
      w.ws = new WebSocket(u);
      w.ws.binaryType = "arraybuffer";
      for (const type of ["open", "message", "error", "close"]) {
        w.ws.addEventListener(type, (e) => {
          const ev = e as Event & { code?: number; data?: unknown };
          const data = ev.data instanceof ArrayBuffer ? Array.from(new Uint8Array(ev.data)) : ev.data;
          w.log.push({ type, code: ev.code, data });
        });
      }
    }, url);
    await lg.waitFor(page, { url, state: "open" });
  }

  const frameRules = (rules: unknown[], protect = false) =>
    lg.setSettings({ rules: protect ? [{ match: "ws://127.0.0.1:*", heartbeat: { enabled: false } }] : [], frameRules: rules });

  beforeAll(async () => {
    pages = await startPages(rig.probe);
    server = await startServer();
    browser = await rig.launch();
    lg = await attachLifeguard(browser);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await pages?.close();
  });

  afterEach(async () => {
    if (page && !page.isClosed()) await page.close();
    await lg.setSettings({});
    await lg.unmock();
    server.received.length = 0;
  });

  describe(`frame rules (${rig.name})`, () => {
    for (const protect of [false, true]) {
      const kind = protect ? "protected" : "unprotected";

      it(`drop, ${kind}: an outbound frame never reaches the server, an inbound one never reaches the page; the records say which rule`, async () => {
        await frameRules(
          [
            { match: "ws://127.0.0.1:*", direction: "out", when: { text: "secret" }, action: "drop" },
            { match: "ws://127.0.0.1:*", direction: "in", when: { path: "$.type", equals: "noise" }, action: "drop" },
          ],
          protect,
        );
        await openSocket();
        expect((await lg.sockets(page))[0]).toMatchObject({ protected: protect });
        await pageSend(page, "my secret");
        await pageSend(page, "hello");
        await until(() => server.received.includes("hello"), 5_000, "the server to receive hello");
        expect(server.received).toEqual(["hello"]);
        server.latest().send(JSON.stringify({ type: "noise" }));
        server.latest().send(JSON.stringify({ type: "data" }));
        await waitForMessages(page, 1);
        await new Promise((r) => setTimeout(r, 200));
        expect(await messages(page)).toEqual(['{"type":"data"}']);
        expect(await ruled(page)).toEqual([
          ["out", "my secret", "page", "dropped", 0],
          ["in", '{"type":"noise"}', "page", "dropped", 1],
        ]);
      });

      it(`replace, ${kind}: the server gets the template filled from the page's frame, the page gets the server's frame rewritten`, async () => {
        await frameRules(
          [
            { match: "ws://127.0.0.1:*", direction: "out", when: { path: "$.type", equals: "hello" }, action: "replace", with: '{"type":"hi","id":{{$.id}},"who":{{$.who}}}' },
            { match: "ws://127.0.0.1:*", direction: "in", when: { regex: "^price:\\d+$" }, action: "replace", with: "price:0" },
          ],
          protect,
        );
        await openSocket();
        await pageSend(page, JSON.stringify({ type: "hello", id: 7, who: "ann" }));
        await until(() => server.received.length === 1, 5_000, "the server to receive the replaced frame");
        expect(JSON.parse(server.received[0]!)).toEqual({ type: "hi", id: 7, who: "ann" });
        server.latest().send("price:99");
        server.latest().send("other");
        await waitForMessages(page, 2);
        expect(await messages(page)).toEqual(["price:0", "other"]);
        expect(await ruled(page)).toEqual([
          ["out", '{"type":"hello","id":7,"who":"ann"}', "page", "edited", 0],
          ["out", '{"type":"hi","id":7,"who":"ann"}', "rule", "sent", 0],
          ["in", "price:99", "page", "edited", 1],
          ["in", "price:0", "rule", "delivered", 1],
        ]);
      });

      it(`respond, ${kind}: the page gets the reply as if from the server; the original goes on, or not`, async () => {
        await frameRules(
          [
            { match: "ws://127.0.0.1:*", direction: "out", when: { path: "$.op", equals: "whoami" }, action: "respond", with: '{"re":{{$.id}},"me":"mocked"}', forward: false },
            { match: "ws://127.0.0.1:*", direction: "out", when: { text: "audit" }, action: "respond", with: "noted" },
          ],
          protect,
        );
        await openSocket();
        await pageSend(page, JSON.stringify({ op: "whoami", id: 3 }));
        await pageSend(page, "audit me");
        await waitForMessages(page, 2);
        expect(await messages(page)).toEqual(['{"re":3,"me":"mocked"}', "noted"]);
        await until(() => server.received.includes("audit me"), 5_000, "the forwarded original");
        expect(server.received).toEqual(["audit me"]);
        expect(await ruled(page)).toEqual([
          ["out", '{"op":"whoami","id":3}', "page", "dropped", 0],
          ["in", '{"re":3,"me":"mocked"}', "rule", "delivered", 0],
          ["out", "audit me", "page", "sent", 1],
          ["in", "noted", "rule", "delivered", 1],
        ]);
      });

      it(`delay, ${kind}: a delayed frame arrives later and later frames of its direction keep their order`, async () => {
        await frameRules(
          [
            { match: "ws://127.0.0.1:*", direction: "in", when: { text: "slow" }, action: "delay", delayMs: 400 },
            { match: "ws://127.0.0.1:*", direction: "out", when: { text: "slow" }, action: "delay", delayMs: 400 },
          ],
          protect,
        );
        await openSocket();
        server.latest().send("slow 1");
        server.latest().send("fast 2");
        await pageSend(page, "slow a");
        await pageSend(page, "fast b");
        await new Promise((r) => setTimeout(r, 150));
        expect(await messages(page)).toEqual([]);
        expect(server.received).toEqual([]);
        await waitForMessages(page, 2);
        expect(await messages(page)).toEqual(["slow 1", "fast 2"]);
        await until(() => server.received.length === 2, 5_000, "the server to receive both");
        expect(server.received).toEqual(["slow a", "fast b"]);
        // The server's frame and the page's cross on the wire in either order: compared per direction.
        const delayed = (await ruled(page)).filter(([, , , fate]) => fate === "delayed");
        expect(delayed.sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
          ["in", "slow 1", "page", "delayed", 0],
          ["out", "slow a", "page", "delayed", 1],
        ]);
      });

      it(`pause, ${kind}: a paused frame waits; forwarded edited, dropped, and timed out; later frames wait behind it`, async () => {
        await frameRules(
          [
            { match: "ws://127.0.0.1:*", direction: "out", when: { path: "$.pause", equals: true }, action: "pause", pauseTimeoutMs: 60_000 },
            { match: "ws://127.0.0.1:*", direction: "in", when: { text: "brief" }, action: "pause", pauseTimeoutMs: 600 },
          ],
          protect,
        );
        await openSocket();
        await pageSend(page, JSON.stringify({ pause: true, n: 1 }));
        await pageSend(page, "behind 1");
        let paused = await lg.paused(page);
        expect(paused.map((p) => [p.dir, p.preview, p.rule])).toEqual([["out", '{"pause":true,"n":1}', 0]]);
        await new Promise((r) => setTimeout(r, 200));
        expect(server.received).toEqual([]);
        await lg.resolvePause(page, paused[0]!, "forward", { data: '{"pause":false,"n":1,"edited":true}' });
        await until(() => server.received.length === 2, 5_000, "the edited frame and the one behind it");
        expect(server.received).toEqual(['{"pause":false,"n":1,"edited":true}', "behind 1"]);

        await pageSend(page, JSON.stringify({ pause: true, n: 2 }));
        paused = await lg.paused(page);
        await lg.resolvePause(page, paused[0]!, "drop");
        await pageSend(page, "after the drop");
        await until(() => server.received.includes("after the drop"), 5_000, "the frame after the drop");
        expect(server.received).not.toContain('{"pause":true,"n":2}');

        // Nobody answers: it goes on as it was after its timeout.
        server.latest().send("brief pause");
        server.latest().send("right behind");
        await new Promise((r) => setTimeout(r, 250));
        expect(await messages(page)).toEqual([]);
        await waitForMessages(page, 2);
        expect(await messages(page)).toEqual(["brief pause", "right behind"]);

        expect((await lg.frames(page)).map((f) => [f.dir, f.preview, f.from, f.fate])).toEqual([
          ["out", '{"pause":true,"n":1}', "page", "paused"],
          // Behind a breakpoint, recorded as it arrives, as behind a latency: it goes once the paused one went.
          ["out", "behind 1", "page", "delayed"],
          ["out", '{"pause":false,"n":1,"edited":true}', "panel", "sent"],
          ["out", '{"pause":true,"n":2}', "page", "paused"],
          ["out", '{"pause":true,"n":2}', "page", "dropped"],
          ["out", "after the drop", "page", "sent"],
          ["in", "brief pause", "page", "paused"],
          ["in", "right behind", "page", "delayed"],
          ["in", "brief pause", "page", "delivered"],
        ]);
      });
    }

    it("bad rules are rejected with a message naming the field; a pathological frame with a regex rule does not stall the page", async () => {
      const bad = [
        [{ match: "*", direction: "out", when: { regex: "(" }, action: "drop" }, "frameRules[0].when.regex"],
        [{ match: "*", direction: "out", when: { regex: "(a+)+$" }, action: "drop" }, "frameRules[0].when.regex"],
        [{ match: "*", direction: "out", when: { regex: "a".repeat(300) }, action: "drop" }, "frameRules[0].when.regex"],
        [{ match: "*", direction: "sideways", action: "drop" }, "frameRules[0].direction"],
        [{ match: "*", direction: "out", action: "delay", delayMs: "soon" }, "frameRules[0].delayMs"],
      ] as const;
      for (const [rule, field] of bad) {
        const error = await lg.setSettings({ frameRules: [rule] }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(InvalidSettingsError);
        expect(String((error as Error).message)).toContain(field);
      }
      // Accepted (no catastrophic shape), yet quadratic on a run of "a" with no "b".
      await frameRules([{ match: "ws://127.0.0.1:*", direction: "both", when: { regex: "(a|b)+c" }, action: "drop" }]);
      await openSocket();
      // At the size regexes run on (a few ms), and 4 MiB past it (not tried: it goes on as it is).
      await page.evaluate(() => (window as unknown as W).ws.send("a".repeat(4096)));
      await page.evaluate(() => (window as unknown as W).ws.send("a".repeat(4 << 20)));
      await pageSend(page, "ping");
      await waitForMessages(page, 1);
      expect(await messages(page)).toEqual(["pong"]);
      await until(() => server.received.length === 2, 10_000, "both large frames");
      expect(server.received.map((r) => r.length)).toEqual([4096, 4 << 20]);
    });
  });

  describe(`mock from a recording (${rig.name})`, () => {
    it("a page cannot tell the mock of a recorded HAR from the live server, for the recorded conversation", async () => {
      const chat = await startChat();
      // Mocks reach a page with the settings, asynchronously after its start (docs/testing-api.md): the
      // app connects a moment after load, as most do.
      const conversation = async (): Promise<unknown[]> => {
        await openSocket(chat.url, 300);
        await waitForMessages(page, 1);
        for (const [id, q] of [[1, "hello"], [2, "twice"], [3, "bye"]] as const) {
          await pageSend(page, JSON.stringify({ id, q }));
          await waitForMessages(page, 1 + id + (id >= 2 ? 1 : 0));
        }
        await page.evaluate(() => {
          const w = window as unknown as W;
          w.ws.send(new Uint8Array([1, 2, 3]));
        });
        await waitForMessages(page, 6);
        return messages(page);
      };
      const live = await conversation();
      expect(live).toEqual(['{"type":"welcome","v":3}', '{"id":1,"a":"HELLO"}', '{"id":2,"a":"TWICE"}', '{"id":2,"a":"again"}', '{"id":3,"a":"BYE"}', [1, 2, 3]]);
      // The recording, as Chrome's Network panel would save it (what a user imports).
      const frames = await lg.frames(page);
      const t0 = frames[0]!.t;
      const har = JSON.stringify({
        log: {
          version: "1.2",
          creator: { name: "WebInspector", version: "537.36" },
          entries: [
            {
              request: { method: "GET", url: chat.url.replace("ws:", "http:"), headers: [] },
              response: { status: 101, headers: [] },
              _resourceType: "websocket",
              _webSocketMessages: frames.map((f) => ({
                type: f.dir === "out" ? "send" : "receive",
                time: (f.t - t0 + 1000) / 1000,
                opcode: f.opcode === "text" ? 1 : 2,
                data: f.opcode === "text" ? f.preview : Buffer.from(f.preview.replace(/\s+/g, ""), "hex").toString("base64"),
              })),
            },
          ],
        },
      });
      await page.close();
      await chat.close();
      await lg.mock(chat.url, har, { timing: "fast" });
      const mocked = await conversation();
      expect(mocked).toEqual(live);
      expect((await lg.sockets(page))[0]).toMatchObject({ url: chat.url, state: "open" });
      expect((await lg.frames(page)).filter((f) => f.dir === "in").every((f) => f.from === "mock")).toBe(true);
    });
  });
}
