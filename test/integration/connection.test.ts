import { afterEach, describe, expect, it } from "vitest";
import type { PageEvent } from "../../src/core/connection";
import { openPageSocket, startProxy, startServer, until, type PageView, type Proxy, type TestServer } from "./harness";

const FAST_RECONNECT = { minDelayMs: 50, maxDelayMs: 200, factor: 2, stableAfterMs: 5000 };
/** Generous: the machine is a noisy 2-core box. */
const WAIT = 5000;

let server: TestServer | null = null;
let proxy: Proxy | null = null;
let views: PageView[] = [];

afterEach(async () => {
  for (const v of views) v.conn.dispose();
  views = [];
  await proxy?.close();
  proxy = null;
  await server?.close();
  server = null;
});

function track(v: PageView): PageView {
  views.push(v);
  return v;
}

const isReconnected = (v: PageView) => () => v.count("reconnected") > 0;

/** Closes the page socket and checks that nothing is left running. */
async function finish(v: PageView): Promise<void> {
  v.conn.close(1000);
  await until(() => v.conn.readyState === 3, WAIT, "close");
  expect(v.pending.size).toBe(0);
}

describe("against a real ws server", () => {
  it("hides a terminated connection, recovers, and delivers messages sent during the outage once each, in order", async () => {
    server = await startServer();
    const sent: string[] = [];
    const v = track(
      openPageSocket(server.url, { reconnect: FAST_RECONNECT }, (ev: PageEvent) => {
        // The page keeps talking while the socket is down.
        if (ev.type === "reconnecting" && ev.detail.attempt === 1) {
          for (let i = 1; i <= 5; i++) {
            v.conn.send(`m${i}`);
            sent.push(`m${i}`);
          }
        }
      }),
    );
    await until(() => v.conn.readyState === 1, WAIT, "open");
    v.conn.send("before");
    await until(() => server!.received.length === 1, WAIT, "first message");
    server.latest().terminate();
    await until(isReconnected(v), WAIT, "reconnected");
    await until(() => server!.received.length >= 6, WAIT, "queued messages");
    expect(server.received).toEqual(["before", "m1", "m2", "m3", "m4", "m5"]);
    expect(v.seen.filter((s) => s.kind === "native").map((s) => s.ev.type)).toEqual(["open"]);
    expect(v.seen.filter((s) => s.kind === "synthetic").map((s) => s.ev.type)).toEqual([
      "reconnecting",
      "open",
      "reconnected",
    ]);
    expect(server.connections).toBe(2);
    await finish(v);
  });

  it("backs off while the server refuses for ~1 s, then recovers", async () => {
    server = await startServer();
    const v = track(openPageSocket(server.url, { reconnect: FAST_RECONNECT }));
    await until(() => v.conn.readyState === 1, WAIT, "open");
    const downAt = Date.now();
    await server.stop();
    await new Promise((r) => setTimeout(r, 1000)); // the outage itself, not a wait for an event
    await server.start(); // same port
    const upAt = Date.now();
    await until(isReconnected(v), WAIT, "reconnected");
    const recoveredAt = v.seen.find((s) => s.ev.type === "reconnected")!.t;
    const attempts = v.count("reconnecting");
    console.log(
      `[integration] server restart: ${attempts} attempts during ${upAt - downAt} ms down; ` +
        `recovery latency after restart ${recoveredAt - upAt} ms`,
    );
    expect(attempts).toBeGreaterThanOrEqual(3);
    // The cap is 200 ms: recovery comes within a cap's wait and a connect.
    expect(recoveredAt - upAt).toBeLessThan(2000);
    expect(v.conn.readyState).toBe(1);
    await finish(v);
  });

  it.each([1001, 1011, 4000])("reconnects after a server close with code %i", async (code) => {
    server = await startServer();
    const v = track(openPageSocket(server.url, { reconnect: FAST_RECONNECT }));
    await until(() => v.conn.readyState === 1, WAIT, "open");
    server.latest().close(code, "bye");
    await until(isReconnected(v), WAIT, "reconnected");
    const reconnecting = v.seen.find((s) => s.ev.type === "reconnecting")!.ev as PageEvent & { type: "reconnecting" };
    expect(reconnecting.detail.code).toBe(code);
    expect(v.count("close")).toBe(0);
    await finish(v);
  });

  it("stops on 1000, and on a code listed in stopOnCodes, natively", async () => {
    server = await startServer();
    for (const [code, stopOnCodes] of [
      [1000, undefined],
      [4000, [4000]],
    ] as const) {
      const v = track(
        openPageSocket(server.url, { reconnect: { ...FAST_RECONNECT, ...(stopOnCodes ? { stopOnCodes: [...stopOnCodes] } : {}) } }),
      );
      await until(() => v.conn.readyState === 1, WAIT, "open");
      server.latest().close(code, "done");
      await until(() => v.conn.readyState === 3, WAIT, "closed");
      expect(v.seen.map((s) => `${s.kind}:${s.ev.type}`)).toEqual(["native:open", "native:close"]);
      expect((v.seen[1]!.ev as { code: number }).code).toBe(code);
      expect(v.pending.size).toBe(0);
    }
    expect(server.connections).toBe(2);
  });

  it("finds a black-holed (half-open) connection by heartbeat and recovers", async () => {
    server = await startServer();
    proxy = await startProxy(server.port);
    const heartbeat = { intervalMs: 200, timeoutMs: 200, message: "ping", reply: "pong", hideReplies: true };
    const v = track(openPageSocket(proxy.url, { reconnect: FAST_RECONNECT, heartbeat }));
    await until(() => v.conn.readyState === 1, WAIT, "open");
    // A few heartbeats answered: the connection is healthy and the replies stay hidden.
    await until(() => v.recorded.filter((e) => e.kind === "heartbeat" && e.phase === "answered").length >= 2, WAIT, "answers");
    expect(v.count("message")).toBe(0);
    const holedAt = Date.now();
    proxy.blackHoleAll();
    await until(() => v.count("reconnecting") > 0, WAIT, "detection");
    const detectedAt = v.seen.find((s) => s.ev.type === "reconnecting")!.t;
    await until(isReconnected(v), WAIT, "reconnected");
    const recoveredAt = v.seen.find((s) => s.ev.type === "reconnected")!.t;
    console.log(
      `[integration] half-open: detected ${detectedAt - holedAt} ms after the black hole ` +
        `(interval 200 + timeout 200), recovered ${recoveredAt - detectedAt} ms later`,
    );
    expect(detectedAt - holedAt).toBeLessThan(200 + 200 + 2000);
    expect(v.count("close")).toBe(0);
    expect(v.count("error")).toBe(0);
    expect(v.recorded.some((e) => e.kind === "state" && e.cause === "heartbeat timeout")).toBe(true);
    await finish(v);
  });

  it("survives 100 drop/recover cycles with never more than one live connection and no timer left", async () => {
    server = await startServer();
    const v = track(openPageSocket(server.url, { reconnect: { minDelayMs: 5, maxDelayMs: 20, factor: 2, stableAfterMs: 60_000 } }));
    await until(() => v.conn.readyState === 1, WAIT, "open");
    const t0 = Date.now();
    const CYCLES = 100;
    for (let i = 1; i <= CYCLES; i++) {
      const s = server.latest();
      if (i % 2) s.terminate();
      else s.close(1011, "restart");
      await until(() => v.count("reconnected") === i, WAIT, `recovery ${i}`);
      v.conn.send(`after ${i}`);
      // Without the delivery feature a frame in flight when the server drops dies with it: wait.
      await until(() => server!.received.length === i, WAIT, `message ${i}`);
    }
    console.log(`[integration] ${CYCLES} drop/recover cycles in ${Date.now() - t0} ms; max live server connections ${server.maxLive}`);
    expect(server.maxLive).toBe(1);
    expect(server.connections).toBe(CYCLES + 1);
    expect(server.received).toEqual(Array.from({ length: CYCLES }, (_, i) => `after ${i + 1}`));
    // attempt numbers keep counting (never stable), each recovery reported once
    expect(v.count("open")).toBe(CYCLES + 1);
    await finish(v);
    expect(server.live).toBe(0);
  });
});
