/**
 * Messages the page sent that never reached the wire are facts of the record too (a resilience check
 * counts them as lost): a `send()` that native discards silently (CLOSING, CLOSED) is an outbound frame
 * with fate `dropped`; a `send()` that throws (CONNECTING, or reconnecting with the queue off) is a
 * `queue` event `dropped` that says so, since it never was a frame. The page sees native behaviour.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RecorderEvent } from "../../src/shared/protocol";
import type { ResolvedRule } from "../../src/shared/settings";
import { lines, next, rule, startTestWorld, until, watch, type TestWorld } from "../support/page-world";
import { startServer, type TestServer } from "../support/ws-server";

let world: TestWorld;
let server: TestServer;
let rules: Map<string, ResolvedRule | null>;

beforeEach(async () => {
  server = await startServer();
  rules = new Map();
  world = await startTestWorld({ ruleFor: (url) => rules.get(url) ?? null });
});

afterEach(async () => {
  expect(world.problems).toEqual([]);
  await world.close();
  await server.close();
});

const frameLines = (ws: WebSocket) => lines(world.of(ws)).filter((l) => /^(in|out) /.test(l));
const queueDrops = (ws: WebSocket) =>
  world.of(ws).filter((e): e is Extract<RecorderEvent, { kind: "queue" }> => e.kind === "queue" && e.action === "dropped");

/** `send` as the page calls it: what it threw, if anything (its name). */
function sendThrows(ws: WebSocket, data: string | ArrayBuffer): string | null {
  try {
    ws.send(data);
    return null;
  } catch (e) {
    return (e as Error).name;
  }
}

describe("a send that native discards", () => {
  it("unprotected: on CLOSING and on CLOSED, recorded as dropped; nothing thrown, nothing reaches the server", async () => {
    const ws = new world.WebSocket(server.url());
    await next(ws, "open");
    const conn = server.last();
    ws.send("before");
    ws.close();
    expect(ws.readyState).toBe(2);
    expect(sendThrows(ws, "while closing")).toBeNull();
    await next(ws, "close");
    expect(sendThrows(ws, "after close")).toBeNull();
    await until(() => expect(frameLines(ws)).toEqual(["out page sent text before", "out page dropped text while closing", "out page dropped text after close"]));
    await until(() => expect(conn.closed).not.toBeNull());
    expect(conn.received).toEqual(["before"]);
  });

  it("protected, after the end: recorded as dropped, whether a native socket is left to take it or not", async () => {
    rules.set(server.url("p"), rule());
    const ws = new world.WebSocket(server.url("p"));
    await next(ws, "open");
    await until(() => expect(world.of(ws).some((e) => e.kind === "protection" && e.protected)).toBe(true));
    ws.close();
    expect(sendThrows(ws, "while closing")).toBeNull();
    await next(ws, "close");
    expect(ws.readyState).toBe(3);
    const bufferedBefore = ws.bufferedAmount;
    expect(sendThrows(ws, "after close")).toBeNull();
    // As native: the bytes count in bufferedAmount, and go nowhere.
    expect(ws.bufferedAmount).toBe(bufferedBefore + "after close".length);
    await until(() => expect(frameLines(ws)).toEqual(["out page dropped text while closing", "out page dropped text after close"]));
    expect(server.received()).toEqual([]);
  });
});

describe("a send that throws", () => {
  it("unprotected, while CONNECTING: the browser's InvalidStateError, recorded as a queue drop with its size", async () => {
    server.hold = true;
    const ws = new world.WebSocket(server.url());
    await until(() => expect(server.held).toBe(1));
    expect(sendThrows(ws, "early")).toBe("InvalidStateError");
    expect(sendThrows(ws, new ArrayBuffer(7))).toBe("InvalidStateError");
    await until(() => expect(queueDrops(ws)).toHaveLength(2));
    expect(queueDrops(ws).map(({ count, bytes, reason }) => ({ count, bytes, reason }))).toEqual([
      { count: 1, bytes: 5, reason: "send() threw InvalidStateError" },
      { count: 1, bytes: 7, reason: "send() threw InvalidStateError" },
    ]);
    expect(frameLines(ws)).toEqual([]);
    server.release();
    await next(ws, "open");
    ws.close();
  });

  it("protected, reconnecting with the queue off: thrown as in CONNECTING, and recorded", async () => {
    rules.set(server.url("q"), rule({ queue: { enabled: false }, reconnect: { minDelayMs: 60_000, maxDelayMs: 60_000, factor: 1 } }));
    const ws = new world.WebSocket(server.url("q"));
    const seen = watch(ws);
    await next(ws, "open");
    await until(() => expect(world.of(ws).some((e) => e.kind === "protection" && e.protected)).toBe(true));
    const reconnecting = next(ws, "reconnecting");
    server.last().ws.terminate();
    await reconnecting;
    expect(ws.readyState).toBe(0);
    expect(sendThrows(ws, "lost")).toBe("InvalidStateError");
    await until(() => expect(queueDrops(ws).map((e) => [e.bytes, e.reason])).toEqual([[4, "send() threw InvalidStateError"]]));
    expect(frameLines(ws)).toEqual([]);
    expect(seen).toEqual(["open", "reconnecting"]);
    ws.close();
  });

  it("a page send that goes out is recorded once, as sent, and nothing else", async () => {
    const ws = new world.WebSocket(server.url());
    await next(ws, "open");
    expect(sendThrows(ws, "fine")).toBeNull();
    await until(() => expect(frameLines(ws)).toEqual(["out page sent text fine"]));
    expect(queueDrops(ws)).toEqual([]);
    ws.close();
  });
});
