/**
 * The owner of a page socket (page-socket.ts): what the page reads through it (`read`), whether the
 * page can still use the socket (`usable`), and sends as the page or the panel (`sendAs`), with and
 * without protection, against a real server.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ResolvedRule } from "../../src/shared/settings";
import { next, rule, startTestWorld, until, watch, type TestWorld } from "../support/page-world";
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

const fast = rule({ reconnect: { minDelayMs: 10, maxDelayMs: 30 } });
const isProtected = (ws: WebSocket) => world.of(ws).some((e) => e.kind === "protection" && e.protected);

/** What a call throws, as the page can compare it. */
function thrown(fn: () => unknown): { ctor: unknown; name: string; message: string } | "nothing" {
  try {
    fn();
  } catch (e) {
    const err = e as Error;
    return { ctor: err.constructor, name: err.name, message: err.message };
  }
  return "nothing";
}

/** The browser's own error for `send()` on a CONNECTING socket (an untracked socket of the window's class). */
async function nativeSendError() {
  const untracked = new world.NativeWebSocket(server.url("native"));
  const error = thrown(() => untracked.send("x"));
  untracked.close();
  expect(error).not.toBe("nothing");
  return error;
}

describe("PageSocket", () => {
  it("read(): the browser's values unprotected, the engine's while protected, behind the same object", async () => {
    const url = server.url("read");
    rules.set(url, fast);
    const ws = new world.WebSocket(url, ["v1", "v2"]);
    const owner = world.owner(ws);
    await next(ws, "open");
    await until(() => expect(isProtected(ws)).toBe(true));
    expect([ws.readyState, ws.protocol, ws.bufferedAmount]).toEqual([1, "v1", 0]);
    // The replacement will negotiate the other subprotocol.
    server.pick = (offered) => offered[1] ?? false;
    const held: number[] = [];
    ws.addEventListener("reconnecting", () => {
      ws.send("12345");
      held.push(ws.readyState, ws.bufferedAmount, owner.wire.nativeState);
    }, { once: true });
    server.last().ws.terminate();
    await next(ws, "reconnected");
    // While reconnecting: CONNECTING, the queued bytes counted, whatever the dead native socket says.
    expect(held).toEqual([0, 5, 3]);
    expect([ws.readyState, ws.protocol, ws.url]).toEqual([1, "v2", url]);
    expect([owner.wire.nativeState, owner.wire.protocol]).toEqual([3, "v1"]);
    await until(() => expect(server.last().received).toEqual(["12345"]));
    expect(ws.bufferedAmount).toBe(0);
    ws.close();
  });

  it("read(): an unprotected socket a fault ended reads CLOSED at once, whatever its native handshake does", async () => {
    const ws = new world.WebSocket(server.url("end"));
    const owner = world.owner(ws);
    await next(ws, "open");
    // A server that hangs: the native closing handshake will not finish.
    server.last().freeze();
    const atClose: number[] = [];
    ws.addEventListener("close", () => atClose.push(ws.readyState, owner.wire.nativeState));
    await world.fault(ws, { kind: "close", code: 4000, reason: "x" });
    await next(ws, "close");
    expect(atClose).toEqual([3, 2]);
    expect([ws.readyState, owner.wire.nativeState, owner.faultState]).toEqual([3, 2, 3]);
  });

  it("usable: until the page can no longer use the socket, protected (through an outage) or not", async () => {
    const plain = new world.WebSocket(server.url("plain"));
    const plainOwner = world.owner(plain);
    expect(plainOwner.usable).toBe(true);
    await next(plain, "open");
    expect(plainOwner.usable).toBe(true);
    plain.close();
    await next(plain, "close");
    expect(plainOwner.usable).toBe(false);

    const dropped = new world.WebSocket(server.url("dropped"));
    await next(dropped, "open");
    server.last().freeze();
    await world.fault(dropped, { kind: "close", code: 4000, reason: "" });
    await next(dropped, "close");
    // The native socket is still closing (the server hangs): the page cannot use it any more.
    expect(world.owner(dropped).usable).toBe(false);

    const url = server.url("kept");
    rules.set(url, fast);
    const kept = new world.WebSocket(url);
    const keptOwner = world.owner(kept);
    await next(kept, "open");
    await until(() => expect(isProtected(kept)).toBe(true));
    const during: boolean[] = [];
    kept.addEventListener("reconnecting", () => during.push(keptOwner.usable), { once: true });
    server.last().ws.terminate();
    await next(kept, "reconnected");
    expect([during, keptOwner.usable]).toEqual([[true], true]);
    kept.close();
    await next(kept, "close");
    expect(keptOwner.usable).toBe(false);
  });

  it("sendAs() before open throws the browser's own InvalidStateError, unprotected and protected", async () => {
    const native = await nativeSendError();
    server.hold = true;
    const plain = new world.WebSocket(server.url("early"));
    expect(thrown(() => world.owner(plain).sendAs("x", "panel"))).toEqual(native);
    expect(thrown(() => plain.send("x"))).toEqual(native);

    // Protected before it ever opened, and its first connect failed: still the browser's error.
    const url = server.url("failing");
    rules.set(url, rule({ reconnect: { minDelayMs: 5_000, maxDelayMs: 10_000, retryInitialConnect: true } }));
    const ws = new world.WebSocket(url);
    const seen = watch(ws);
    await until(() => expect(isProtected(ws)).toBe(true));
    expect(thrown(() => ws.send("x"))).toEqual(native);
    await until(() => expect(server.held).toBe(2));
    server.refuse();
    await next(ws, "reconnecting");
    expect(seen).toEqual(["reconnecting"]);
    expect(ws.readyState).toBe(0);
    expect(thrown(() => world.owner(ws).sendAs("x", "panel"))).toEqual(native);
    expect(thrown(() => ws.send("x"))).toEqual(native);
    expect(server.received()).toEqual([]);
  });

  it("sendAs(): the panel's frame keeps its provenance, through an outage's queue too", async () => {
    const url = server.url("panel");
    rules.set(url, fast);
    const ws = new world.WebSocket(url);
    const owner = world.owner(ws);
    await next(ws, "open");
    await until(() => expect(isProtected(ws)).toBe(true));
    owner.sendAs("now", "panel");
    await until(() => expect(server.received()).toEqual(["now"]));
    ws.addEventListener("reconnecting", () => owner.sendAs("later", "panel"), { once: true });
    server.last().ws.terminate();
    await next(ws, "reconnected");
    await until(() => expect(server.received()).toEqual(["now", "later"]));
    await until(() => expect(world.frames(ws).map((f) => `${f.from ?? "page"} ${f.fate ?? "sent"} ${f.preview}`)).toEqual(["panel sent now", "panel queued later", "panel sent later"]));
    ws.close();
  });
});
