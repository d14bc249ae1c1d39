/**
 * The testing API for Playwright, in real Chromium with the built extension, against a real `ws`
 * server: each call's effect as the page sees it (its socket's events) and as the server sees it (its
 * connections and what it receives). Launched with the API's own launch options.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { chromiumPath, probeToken, startServer as startPages, DIST_CHROME, ROOT, type TestServer as Pages } from "../e2e/harness";
import { startServer, until, type TestServer } from "../integration/harness";
import { attachLifeguard, lifeguardLaunchOptions, type Lifeguard } from "../../src/testing/playwright";
import { FaultNotAppliedError, LifeguardNotLoadedError, NoSocketMatchesError, PageClosedError, WaitTimeoutError } from "../../src/testing/errors";
import type { Scenario } from "../../src/testing/playwright";
import { validate } from "../shared/resilience/json-schema";

const reportSchema = JSON.parse(readFileSync(join(ROOT, "docs/resilience-report.schema.json"), "utf8")) as Record<string, unknown>;

const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];

let pages: Pages;
let server: TestServer;
let context: BrowserContext;
let profile: string;
let lg: Lifeguard<Page>;
let page: Page;
let n = 0;

type Logged = { type: string; t: number; code?: number; reason?: string; wasClean?: boolean; data?: unknown };
type W = { ws: WebSocket; log: Logged[] };

/** A page whose socket to the server logs every event it gets; unique URL per test (a #fragment). */
async function openPage(): Promise<Page> {
  const p = await context.newPage();
  await p.goto(`${pages.origin}/fixtures/blank.html#${++n}`);
  await p.evaluate((url) => {
    const w = window as unknown as W;
    w.log = [];
    w.ws = new WebSocket(url);
    w.ws.binaryType = "arraybuffer";
    for (const type of ["open", "message", "error", "close"]) {
      w.ws.addEventListener(type, (e) => {
        const ev = e as Event & { code?: number; reason?: string; wasClean?: boolean; data?: unknown };
        const data = ev.data instanceof ArrayBuffer ? Array.from(new Uint8Array(ev.data)) : ev.data;
        w.log.push({ type, t: Date.now(), code: ev.code, reason: ev.reason, wasClean: ev.wasClean, data });
      });
    }
  }, server.url);
  return p;
}

const logOf = (p: Page) => p.evaluate(() => (window as unknown as W).log);
const pageSend = (p: Page, text: string) => p.evaluate((t) => (window as unknown as W).ws.send(t), text);
const waitForEvent = (p: Page, type: string) =>
  p.waitForFunction((t) => (window as unknown as W).log.some((e) => e.type === t), type, { timeout: 10_000 });

beforeAll(async () => {
  pages = await startPages(probeToken(DIST_CHROME));
  server = await startServer();
  profile = mkdtempSync(join(tmpdir(), "lifeguard-testing-"));
  context = await chromium.launchPersistentContext(profile, lifeguardLaunchOptions({ executablePath: chromiumPath(), args: CHROMIUM_ARGS }));
  lg = await attachLifeguard(context);
});

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await server?.close();
  await pages?.close();
});

afterEach(async () => {
  if (page && !page.isClosed()) {
    await lg.endFaults(page).catch(() => undefined);
    await page.close();
  }
  await lg.setSettings({});
});

async function openSocket(): Promise<void> {
  page = await openPage();
  await lg.waitFor(page, { url: "ws://127.0.0.1:*", state: "open" });
  await until(() => server.live >= 1, 5_000, "the server to see the connection");
}

describe("attachLifeguard (Playwright, Chromium)", () => {
  it("lists the page's sockets, and their frames with provenance and fate", async () => {
    await openSocket();
    await pageSend(page, "ping");
    await waitForEvent(page, "message");
    const [socket, ...others] = await lg.sockets(page);
    expect(others).toEqual([]);
    expect(socket).toMatchObject({ url: server.url, state: "open", protected: false, strategy: null, framesOut: 1, framesIn: 1, reconnects: 0 });
    expect(socket!.frameUrl).toBe(page.url());
    const frames = await lg.frames(page, { url: server.url });
    expect(frames.map((f) => [f.dir, f.preview, f.from, f.fate])).toEqual([
      ["out", "ping", "page", "sent"],
      ["in", "pong", "page", "delivered"],
    ]);
    expect(await lg.frames(page, { url: "wss://elsewhere.test/*" })).toEqual([]);
  });

  it("sees every frame's sockets, and a glob picks one socket out of them", async () => {
    await openSocket();
    await page.evaluate((src) => {
      const frame = document.createElement("iframe");
      frame.src = src;
      document.body.appendChild(frame);
    }, `${pages.origin}/fixtures/frame.html`);
    const inFrame = `${pages.wsOrigin}/echo?from=iframe`;
    await lg.waitFor(page, { url: inFrame, state: "open" });
    const sockets = await lg.sockets(page);
    expect(sockets.map((s) => [s.url, s.frameUrl]).sort()).toEqual(
      [
        [server.url, page.url()],
        [inFrame, `${pages.origin}/fixtures/frame.html`],
      ].sort(),
    );
    const frameSockets = pages.sockets.size;
    await lg.drop(page, { url: "*from=iframe" });
    await until(() => pages.sockets.size === frameSockets - 1, 5_000, "the frame's server to see its connection end");
    expect((await lg.sockets(page)).map((s) => [s.url, s.state]).sort()).toEqual(
      [
        [server.url, "open"],
        [inFrame, "closed"],
      ].sort(),
    );
    expect(server.live).toBe(1);
  });

  it("drop: the page gets close 1006 and the server sees the connection end", async () => {
    await openSocket();
    await lg.drop(page);
    // Resolved only once in force: the page already has its close.
    const close = (await logOf(page)).find((e) => e.type === "close");
    expect(close).toMatchObject({ code: 1006, wasClean: false });
    await until(() => server.live === 0, 5_000, "the server to see the TCP connection close");
    expect((await lg.sockets(page))[0]!.state).toBe("closed");
  });

  it("close: the page gets the server's close with that code and reason", async () => {
    await openSocket();
    await lg.close(page, 4000, "bye", { url: "ws://127.0.0.1:*" });
    expect((await logOf(page)).find((e) => e.type === "close")).toMatchObject({ code: 4000, reason: "bye", wasClean: true });
  });

  it("protect: a drop is survived, unseen by the page; waitForReconnect resolves on the recovery", async () => {
    await lg.protect("ws://127.0.0.1:*", { reconnect: { minDelayMs: 50, maxDelayMs: 100 } });
    const before = server.connections;
    await openSocket();
    const [socket] = await lg.sockets(page);
    expect(socket).toMatchObject({ protected: true, strategy: "transparent" });
    await lg.drop(page);
    const back = await lg.waitForReconnect(page, { url: server.url });
    expect(back).toMatchObject({ state: "open", reconnects: 1 });
    expect(server.connections - before).toBe(2);
    expect((await logOf(page)).map((e) => e.type)).toEqual(["open", "open"]);
    await pageSend(page, "after the drop");
    await until(() => server.received.includes("after the drop"), 5_000, "the server to get the page's message");
    await lg.unprotect("ws://127.0.0.1:*");
    expect((await lg.sockets(page))[0]!.protected).toBe(false);
  });

  it("blackhole: the server stops receiving while the page's socket stays open", async () => {
    await openSocket();
    await lg.blackhole(page, 5_000);
    await pageSend(page, "into the hole");
    await new Promise((r) => setTimeout(r, 400));
    expect(server.received).not.toContain("into the hole");
    expect(server.live).toBe(1);
    expect((await logOf(page)).map((e) => e.type)).toEqual(["open"]);
    const held = (await lg.frames(page)).find((f) => f.preview === "into the hole");
    expect(held).toMatchObject({ dir: "out", fate: "held" });
  });

  it("latency: the server's frame reaches the page that much later", async () => {
    await openSocket();
    await lg.latency(page, { inMs: 400, outMs: 0 });
    const sentAt = Date.now();
    server.latest().send("slow");
    await waitForEvent(page, "message");
    const got = (await logOf(page)).find((e) => e.type === "message")!;
    expect(got.data).toBe("slow");
    expect(got.t - sentAt).toBeGreaterThanOrEqual(380);
    await lg.latency(page, { inMs: 0, outMs: 0 });
    const again = Date.now();
    server.latest().send("fast");
    await page.waitForFunction(() => (window as unknown as W).log.filter((e) => e.type === "message").length === 2);
    expect((await logOf(page)).at(-1)!.t - again).toBeLessThan(300);
  });

  it("inject: the page receives text and bytes as if from the server; the records say injected", async () => {
    await openSocket();
    await lg.inject(page, "from nowhere");
    await lg.inject(page, new Uint8Array([1, 2, 3]));
    const data = (await logOf(page)).filter((e) => e.type === "message").map((e) => e.data);
    expect(data).toEqual(["from nowhere", [1, 2, 3]]);
    expect((await lg.frames(page)).map((f) => [f.dir, f.from, f.opcode])).toEqual([
      ["in", "injected", "text"],
      ["in", "injected", "binary"],
    ]);
    expect(server.received).not.toContain("from nowhere");
  });

  it("send: the server receives the frame as if the page sent it; the records say panel", async () => {
    await openSocket();
    await lg.send(page, "as the page");
    await until(() => server.received.includes("as the page"), 5_000, "the server to receive it");
    expect((await lg.frames(page)).find((f) => f.preview === "as the page")).toMatchObject({ dir: "out", from: "panel", fate: "sent" });
  });

  it("offline: the socket drops and a new one fails until the time is over", async () => {
    await openSocket();
    await lg.offline(page, 1_500);
    expect((await logOf(page)).find((e) => e.type === "close")).toMatchObject({ code: 1006 });
    await until(() => server.live === 0, 5_000, "the server to see the connection end");
    const upgrades = server.upgrades;
    const failed = await page.evaluate(
      (url) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(url);
          ws.onopen = () => resolve("open");
          ws.onclose = (e) => resolve(`close ${e.code}`);
        }),
      server.url,
    );
    expect(failed).toBe("close 1006");
    expect(server.upgrades).toBe(upgrades);
  });

  it("reconnectNow: a protected socket waiting on backoff dials at once", async () => {
    await lg.protect("ws://127.0.0.1:*", { reconnect: { minDelayMs: 20_000, maxDelayMs: 20_000, retryInitialConnect: true } });
    await openSocket();
    await server.stop();
    await lg.waitFor(page, { url: server.url, state: "reconnecting" });
    await server.start();
    const started = Date.now();
    await lg.reconnectNow(page);
    await lg.waitForReconnect(page);
    // Its own backoff would wait up to 20 s (full jitter): well past this.
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("finds the service worker again after Chromium stopped it; the page world kept its record", async () => {
    await openSocket();
    await pageSend(page, "before the stop");
    // A mark on the worker's global: gone once a new worker runs (Playwright may keep the same handle).
    const marked = () => context.serviceWorkers()[0]!.evaluate(() => (globalThis as { mark?: number }).mark === 1).catch(() => false);
    await context.serviceWorkers()[0]!.evaluate(() => ((globalThis as { mark?: number }).mark = 1));
    const cdp = await context.newCDPSession(page);
    await cdp.send("ServiceWorker.enable");
    await cdp.send("ServiceWorker.stopAllWorkers");
    await cdp.detach();
    await expect.poll(marked, { timeout: 10_000 }).toBe(false);
    await lg.drop(page);
    expect((await logOf(page)).find((e) => e.type === "close")).toMatchObject({ code: 1006 });
    expect((await lg.frames(page)).map((f) => f.preview)).toContain("before the stop");
  });

  it("works beside page.routeWebSocket: a routed socket connected to its server is recorded, and a drop reaches the page through the route", async () => {
    page = await context.newPage();
    const routed: string[] = [];
    await page.routeWebSocket(/127\.0\.0\.1/, (route) => {
      routed.push(route.url());
      // Passed on both ways, as Playwright does by default once connected; the page's "hello" also gets a mocked reply.
      const toServer = route.connectToServer();
      route.onMessage((m) => {
        if (m === "hello") route.send("mocked");
        else toServer.send(m);
      });
    });
    await page.goto(`${pages.origin}/fixtures/blank.html#${++n}`);
    await page.evaluate((url) => {
      const w = window as unknown as W;
      w.log = [];
      w.ws = new WebSocket(url);
      for (const type of ["open", "message", "error", "close"]) {
        w.ws.addEventListener(type, (e) => {
          const ev = e as Event & { code?: number; wasClean?: boolean; data?: unknown };
          w.log.push({ type, t: Date.now(), code: ev.code, wasClean: ev.wasClean, data: ev.data });
        });
      }
    }, server.url);
    await lg.waitFor(page, { url: server.url, state: "open" });
    await until(() => server.live >= 1, 5_000, "the server to see the routed connection");
    expect(routed).toEqual([server.url]);
    await pageSend(page, "hello");
    await pageSend(page, "ping");
    await page.waitForFunction(() => (window as unknown as W).log.filter((e) => e.type === "message").length >= 2, undefined, { timeout: 10_000 });
    expect((await logOf(page)).filter((e) => e.type === "message").map((e) => e.data)).toEqual(["mocked", "pong"]);
    // Lifeguard sees the real connection behind the route: what went to the server and what came back.
    const frames = await lg.frames(page, { url: server.url });
    expect(frames.map((f) => [f.dir, f.preview, f.fate])).toEqual([
      ["out", "ping", "sent"],
      ["in", "pong", "delivered"],
    ]);
    expect((await lg.sockets(page))[0]).toMatchObject({ url: server.url, state: "open", protected: false });
    await lg.drop(page);
    await until(() => server.live === 0, 5_000, "the server to see the connection end");
    await waitForEvent(page, "close");
    expect((await logOf(page)).find((e) => e.type === "close")).toMatchObject({ code: 1006, wasClean: false });
    expect((await lg.sockets(page))[0]!.state).toBe("closed");
  });

  it("rejects with typed errors that say what to do", async () => {
    await openSocket();
    const noMatch = lg.drop(page, { url: "wss://nowhere.test/*" });
    await expect(noMatch).rejects.toBeInstanceOf(NoSocketMatchesError);
    await expect(noMatch).rejects.toThrow(/lg\.waitFor/);
    await expect(lg.waitFor(page, { url: "wss://nowhere.test/*", state: "open", timeoutMs: 200 })).rejects.toBeInstanceOf(WaitTimeoutError);
    // The page world refuses, and says why: the socket has no backoff to cut short.
    await expect(lg.reconnectNow(page, { url: server.url })).rejects.toThrow(FaultNotAppliedError);
    await expect(lg.reconnectNow(page, { url: server.url })).rejects.toThrow(/not protected/);
    await lg.drop(page);
    // The page's only socket is closed: nothing left to act on.
    await expect(lg.blackhole(page, 1_000)).rejects.toBeInstanceOf(NoSocketMatchesError);
    const gone = page;
    await gone.close();
    await expect(lg.sockets(gone)).rejects.toBeInstanceOf(PageClosedError);
  });

  it("a page script cannot reach the testing channel, nor forge its commands", async () => {
    await openSocket();
    const tried = await page.evaluate(() => {
      const w = window as unknown as { chrome?: { runtime?: { connect?: unknown; sendMessage?: unknown } }; lifeguardTesting?: unknown };
      const forged = { source: "lifeguard-panel", v: 2, type: "fault", target: { tab: true }, fault: { kind: "drop" } };
      window.postMessage(forged, "*");
      window.dispatchEvent(new CustomEvent("message", { detail: forged }));
      document.dispatchEvent(new CustomEvent("lifeguard", { detail: forged }));
      return { hook: typeof w.lifeguardTesting, connect: typeof w.chrome?.runtime?.connect, sendMessage: typeof w.chrome?.runtime?.sendMessage };
    });
    expect(tried).toEqual({ hook: "undefined", connect: "undefined", sendMessage: "undefined" });
    await new Promise((r) => setTimeout(r, 300));
    expect((await logOf(page)).map((e) => e.type)).toEqual(["open"]);
    expect(server.live).toBe(1);
    expect((await lg.sockets(page))[0]!.state).toBe("open");
  });
});

describe("the package", () => {
  it("exports the API from the build as lifeguard/testing/playwright and lifeguard/testing/puppeteer, pointing at dist/chrome", () => {
    const out = execFileSync(
      process.execPath,
      ["--input-type=module", "-e", 'const m = await import("lifeguard/testing/playwright"); console.log(JSON.stringify({ keys: Object.keys(m).sort(), args: m.lifeguardLaunchOptions().args }))'],
      { cwd: ROOT, encoding: "utf8" },
    );
    const { keys, args } = JSON.parse(out) as { keys: string[]; args: string[] };
    expect(keys).toEqual(expect.arrayContaining(["attachLifeguard", "lifeguardLaunchOptions", "LifeguardNotLoadedError", "NoSocketMatchesError", "PageClosedError", "InvalidScenarioError", "DEFAULT_SCENARIO"]));
    expect(args).toContain(`--load-extension=${DIST_CHROME}`);
    const viaPuppeteer = execFileSync(
      process.execPath,
      ["--input-type=module", "-e", 'const m = await import("lifeguard/testing/puppeteer"); console.log(JSON.stringify({ ...m.lifeguardLaunchOptions(), firefox: await m.lifeguardFirefoxLaunchOptions({ rdpPort: 6001 }) }))'],
      { cwd: ROOT, encoding: "utf8" },
    );
    expect(JSON.parse(viaPuppeteer)).toMatchObject({
      browser: "chrome",
      ignoreDefaultArgs: ["--disable-extensions"],
      args: expect.arrayContaining([`--load-extension=${DIST_CHROME}`]),
      firefox: { browser: "firefox", args: ["--start-debugger-server", "6001"], extraPrefsFirefox: { "devtools.debugger.remote-enabled": true } },
    });
  });

  it("its declarations type-check a user's test under NodeNext resolution, and catch a wrong use", () => {
    const dir = mkdtempSync(join(tmpdir(), "lifeguard-testing-types-"));
    try {
      mkdirSync(join(dir, "node_modules"));
      symlinkSync(ROOT, join(dir, "node_modules/lifeguard"));
      for (const dep of ["playwright-core", "@types"]) symlinkSync(join(ROOT, "node_modules", dep), join(dir, "node_modules", dep));
      writeFileSync(join(dir, "package.json"), '{ "type": "module" }');
      const options = { target: "ES2022", lib: ["ESNext", "DOM"], module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, types: ["node"] };
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: options, files: ["user.test.ts"] }));
      const user = (wrong: string) => `
        import { chromium } from "playwright-core";
        import { attachLifeguard, lifeguardLaunchOptions, NoSocketMatchesError, DEFAULT_SCENARIO, InvalidScenarioError, type ResilienceReport, type Scenario, type Verdict } from "lifeguard/testing/playwright";
        const context = await chromium.launchPersistentContext("/tmp/profile", lifeguardLaunchOptions({ headless: true }));
        const lg = await attachLifeguard(context);
        const page = await context.newPage();
        const url: string = (await lg.sockets(page))[0]!.url;
        await lg.latency(page, { inMs: 200, outMs: 0 }, { url: "ws://127.0.0.1:*" });
        try { await lg.drop(page); } catch (e) { if (e instanceof NoSocketMatchesError) console.log(e.seen, url); }
        const scenario: Scenario = { ...DEFAULT_SCENARIO, steps: [{ kind: "drop", observeMs: 3000 }] };
        try {
          const report: ResilienceReport = await lg.resilienceCheck(page, scenario);
          const verdicts: Verdict[] = report.steps.map((s) => s.verdict);
          console.log(verdicts, report.summary.text);
        } catch (e) { if (e instanceof InvalidScenarioError) console.log(e.problems.join("; ")); }
        ${wrong}`;
      // tsc reports on stdout and exits 2 on a type error.
      const tsc = (): string => {
        try {
          return execFileSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", dir], { encoding: "utf8" });
        } catch (e) {
          return String((e as { stdout?: string }).stdout);
        }
      };
      writeFileSync(join(dir, "user.test.ts"), user(""));
      expect(tsc()).toBe("");
      writeFileSync(join(dir, "user.test.ts"), user('await lg.close(page, "4000");'));
      expect(tsc()).toMatch(/user\.test\.ts\(\d+,\d+\): error TS2345/);
      writeFileSync(join(dir, "user.test.ts"), user('await lg.resilienceCheck(page, { name: "no steps" });'));
      expect(tsc()).toMatch(/user\.test\.ts\(\d+,\d+\): error TS2345/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("resilienceCheck measures a naive reconnect-on-close page: drop and restart pass, the unnoticed half-open fails", async () => {
    page = await context.newPage();
    await page.goto(`${pages.origin}/fixtures/blank.html#${++n}`);
    // test/e2e/fixtures/resilience/naive.html against this server: a new socket 0.5 s after a close, no heartbeat.
    await page.evaluate((url) => {
      let ws: WebSocket;
      const connect = (): void => {
        ws = new WebSocket(url);
        ws.onopen = () => ws.send(JSON.stringify({ type: "subscribe", channel: "news" }));
        ws.onclose = () => setTimeout(connect, 500);
      };
      connect();
      let i = 0;
      setInterval(() => {
        if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: "chat", text: `hello ${++i}` }));
      }, 1000);
    }, server.url);
    await lg.waitFor(page, { url: "ws://127.0.0.1:*", state: "open" });
    const scenario: Scenario = {
      name: "naive, short",
      settleMs: 1000,
      steps: [
        { kind: "drop", observeMs: 3000 },
        { kind: "restart", code: 1012, durationMs: 2000, observeMs: 5000 },
        { kind: "blackhole", durationMs: 5000, observeMs: 6000 },
      ],
    };
    // Step 3 runs from about 10 s on: the page complains then, and only that step's report says so.
    const complaint = setTimeout(() => void page.evaluate(() => console.error("chat stalled")).catch(() => undefined), 12_000);
    const report = await lg.resilienceCheck(page, scenario).finally(() => clearTimeout(complaint));
    const steps = report.steps.map((s) => `${s.verdict}: ${s.reason}`);
    expect(report.steps.map((s) => s.verdict), steps.join("\n")).toEqual(["passed", "passed", "failed"]);
    expect(report.steps[0]!.connections[0]!.recovered).toMatchObject({ by: "page" });
    expect(report.steps[1]!.connections[0]!.recovered).toMatchObject({ by: "page" });
    expect(report.steps[2]!.connections[0]!.detected).toMatchObject({ at: null });
    expect(report.steps.map((s) => s.connections.flatMap((c) => c.errors.map((e) => e.message)))).toEqual([[], [], ["chat stalled"]]);
    expect(report.protection).toEqual({ protected: false });
    expect(report.summary.verdict).toBe("failed");
    expect(validate(reportSchema, JSON.parse(JSON.stringify(report)))).toEqual([]);
    // The check left nothing in force: what the page sends reaches the server again.
    const received = server.received.length;
    await until(() => server.received.length > received, 5_000, "the page's next message at the server");
  }, 60_000);

  it("attachLifeguard rejects with LifeguardNotLoadedError when the browser has no Lifeguard", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lifeguard-testing-bare-"));
    const bare = await chromium.launchPersistentContext(dir, { executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
    try {
      await expect(attachLifeguard(bare, { timeoutMs: 1_000 })).rejects.toBeInstanceOf(LifeguardNotLoadedError);
    } finally {
      await bare.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
