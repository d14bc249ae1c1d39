/**
 * The "refuse" fault (faults.ts): for its duration every connection dialled to the target's endpoint
 * (the tab: to any URL) fails as an unreachable server does, while connections already up carry on.
 * With a close 1012 after it, it is a server restart: the page learns of the close, and whoever
 * reconnects (the page's own code, or Lifeguard) is refused until the window ends, then gets through.
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

type FaultEvent = Extract<RecorderEvent, { kind: "fault" }>;
const faults = (ws: WebSocket) => world.of(ws).filter((e): e is FaultEvent => e.kind === "fault");

async function openSocket(path = "") {
  const ws = new world.WebSocket(server.url(path));
  const seen = watch(ws);
  await next(ws, "open");
  return { ws, seen, conn: server.last() };
}

/** A socket opened now: the events its page listeners saw once it closed (or opened). */
async function dialNow(path: string): Promise<{ ws: WebSocket; seen: string[] }> {
  const ws = new world.WebSocket(server.url(path));
  const seen = watch(ws, ["open", "error", "close"]);
  await Promise.race([next(ws, "close"), next(ws, "open")]);
  return { ws, seen };
}

describe("refuse", () => {
  it("on a socket: new connections to its endpoint fail as unreachable, whatever their query; others and the open one are untouched", async () => {
    const { ws, seen, conn } = await openSocket("feed?session=1");
    const handshakes = server.upgrades;
    await world.fault(ws, { kind: "refuse", durationMs: 60_000 });
    const again = await dialNow("feed?session=2");
    expect(again.seen).toEqual(["error", "close:1006"]);
    // The page's object keeps the URL it asked for, and the record too.
    expect(again.ws.url).toBe(server.url("feed?session=2"));
    await until(() => expect(lines(world.of(again.ws))[0]).toBe(`created ${server.url("feed?session=2")}`));
    expect(server.upgrades).toBe(handshakes);
    // Another endpoint of the same server gets through.
    const other = await dialNow("other");
    expect(other.seen).toEqual(["open"]);
    expect(server.upgrades).toBe(handshakes + 1);
    // The connection that was up carries on both ways.
    ws.send("still up");
    conn.ws.send("still here");
    await until(() => expect(conn.received).toEqual(["still up"]));
    await until(() => expect(seen).toEqual(["open", "message:still here"]));
    const started = await until(() => faults(ws)[0]!);
    expect(started).toMatchObject({ fault: "refuse", active: true, detail: "60000 ms" });
    // The record's own time is read a moment after the fault's start (real clock here).
    expect(started.untilT! - started.t).toBeGreaterThan(59_990);
    expect(started.untilT! - started.t).toBeLessThanOrEqual(60_000);
    // Recorded on the target only.
    expect(faults(other.ws)).toEqual([]);
    other.ws.close();
    ws.close();
  });

  it("ends by itself after its duration (recorded as ended), and then connections get through", async () => {
    const { ws } = await openSocket("feed");
    await world.fault(ws, { kind: "refuse", durationMs: 300 });
    expect((await dialNow("feed")).seen).toEqual(["error", "close:1006"]);
    await until(() => expect(faults(ws).map((f) => f.active)).toEqual([true, false]));
    expect(faults(ws)[1]!.t).toBeGreaterThanOrEqual(faults(ws)[0]!.untilT!);
    const after = await dialNow("feed");
    expect(after.seen).toEqual(["open"]);
    after.ws.close();
    ws.close();
  });

  it("on the tab: every URL is refused; 0 ends it early, recorded as ended on the sockets it was recorded on", async () => {
    const a = await openSocket("a");
    const b = await openSocket("b");
    await world.fault({ tab: true }, { kind: "refuse", durationMs: 60_000 });
    expect((await dialNow("a")).seen).toEqual(["error", "close:1006"]);
    expect((await dialNow("c")).seen).toEqual(["error", "close:1006"]);
    await world.fault({ tab: true }, { kind: "refuse", durationMs: 0 });
    for (const s of [a, b]) await until(() => expect(lines(faults(s.ws))).toEqual(["fault refuse true 60000 ms", "fault refuse false"]));
    const after = await dialNow("c");
    expect(after.seen).toEqual(["open"]);
    after.ws.close();
    a.ws.close();
    b.ws.close();
  });

  it("the tab's 0 ends a socket's refusal too; a socket's 0 ends only its endpoint's", async () => {
    const a = await openSocket("a");
    const b = await openSocket("b");
    await world.fault(a.ws, { kind: "refuse", durationMs: 60_000 });
    await world.fault(b.ws, { kind: "refuse", durationMs: 60_000 });
    await world.fault(a.ws, { kind: "refuse", durationMs: 0 });
    expect((await dialNow("a")).seen).toEqual(["open"]);
    expect((await dialNow("b")).seen).toEqual(["error", "close:1006"]);
    await world.fault({ tab: true }, { kind: "refuse", durationMs: 0 });
    expect((await dialNow("b")).seen).toEqual(["open"]);
    await until(() => expect(lines(faults(b.ws))).toEqual(["fault refuse true 60000 ms", "fault refuse false"]));
  });
});

describe("a server restart: refuse, then close 1012", () => {
  it("unprotected: the close reaches the page; its own immediate reconnects are refused until the window ends, then one gets through", async () => {
    const url = server.url("live");
    const log: string[] = [];
    const opened: WebSocket[] = [];
    let refusedUntil = 0;
    // The page's own naive reconnect-on-close, at once every time.
    const connect = (): void => {
      const ws = new world.WebSocket(url);
      opened.push(ws);
      ws.onopen = () => log.push(`open ${Date.now() >= refusedUntil ? "after" : "during"} the window`);
      ws.onclose = (ev) => {
        log.push(`close ${ev.code}`);
        if (opened.length < 200) setTimeout(connect, 10);
      };
    };
    connect();
    await until(() => expect(log).toEqual(["open after the window"]));
    const first = opened[0]!;
    const handshakes = server.upgrades;
    await world.fault(first, { kind: "refuse", durationMs: 400 });
    refusedUntil = await until(() => faults(first)[0]!.untilT!);
    await world.fault(first, { kind: "close", code: 1012, reason: "restart" });
    await until(() => {
      expect(log.length).toBeGreaterThan(2);
      expect(log.at(-1)).toBe("open after the window");
    }, 3000);
    const refused = log.slice(2, -1);
    // The close 1012 first, then refused attempts (as a dead server's: 1006), then one open after the window.
    expect(log[1]).toBe("close 1012");
    expect(refused.length).toBeGreaterThan(2);
    expect(new Set(refused)).toEqual(new Set(["close 1006"]));
    // Only the one that got through reached the server.
    expect(server.upgrades).toBe(handshakes + 1);
    opened.at(-1)!.onclose = null;
    opened.at(-1)!.close();
  });

  it("protected: Lifeguard's reconnects are refused until the window ends, then it reconnects behind the page's object", async () => {
    rules.set(server.url("live"), rule({ reconnect: { minDelayMs: 20, maxDelayMs: 40, factor: 1 } }));
    const { ws, seen } = await openSocket("live");
    await until(() => expect(world.of(ws).some((e) => e.kind === "protection" && e.protected)).toBe(true));
    const handshakes = server.upgrades;
    await world.fault(ws, { kind: "refuse", durationMs: 400 });
    const refusedUntil = await until(() => faults(ws)[0]!.untilT!);
    await world.fault(ws, { kind: "close", code: 1012, reason: "restart" });
    await next(ws, "reconnected", 3000);
    const back = Date.now();
    expect(back).toBeGreaterThanOrEqual(refusedUntil);
    // Transparent: no close; several attempts during the window, each refused without a handshake.
    expect(seen.filter((s) => s.startsWith("close"))).toEqual([]);
    expect(seen.filter((s) => s === "reconnecting").length).toBeGreaterThan(2);
    expect(server.upgrades).toBe(handshakes + 1);
    expect(ws.readyState).toBe(1);
    ws.send("after the restart");
    await until(() => expect(server.last().received).toEqual(["after the restart"]));
    ws.close();
  });
});
