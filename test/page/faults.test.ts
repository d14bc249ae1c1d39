/**
 * Faults from the panel (faults.ts, wire.ts), sent as `fault` messages over the page world's channel,
 * on unprotected sockets with a real server: what the page sees is what the real failure shows, the
 * server sees what the network would do, and every frame is recorded once, at the wire.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RecorderEvent } from "../../src/shared/protocol";
import { lines, next, rule, startTestWorld, until, watch, type TestWorld } from "../support/page-world";
import { startServer, type TestServer } from "../support/ws-server";

let world: TestWorld;
let server: TestServer;

beforeEach(async () => {
  server = await startServer();
  world = await startTestWorld();
});

afterEach(async () => {
  expect(world.problems).toEqual([]);
  await world.close();
  await server.close();
});

async function openSocket(path = "") {
  const ws = new world.WebSocket(server.url(path));
  const seen = watch(ws);
  await next(ws, "open");
  return { ws, seen, conn: server.last() };
}

const frameLines = (ws: WebSocket) => lines(world.of(ws)).filter((l) => /^(in|out) /.test(l));
const faults = (ws: WebSocket) => world.of(ws).filter((e): e is Extract<RecorderEvent, { kind: "fault" }> => e.kind === "fault");

describe("drop and close", () => {
  it("drop: an open socket gets close 1006 alone and reads CLOSED; the server sees the connection go", async () => {
    const { ws, seen, conn } = await openSocket();
    let stateAtClose = -1;
    ws.addEventListener("close", () => (stateAtClose = ws.readyState));
    await world.fault(ws, { kind: "drop" });
    const ev = (await next(ws, "close")) as CloseEvent;
    expect([ev.code, ev.reason, ev.wasClean, stateAtClose]).toEqual([1006, "", false, 3]);
    await until(() => expect(conn.closed).not.toBeNull());
    // The native close that follows is not shown again.
    await until(() => expect(world.owner(ws).wire.nativeState).toBe(3));
    expect(seen).toEqual(["open", "close:1006"]);
    // Nothing goes out after it: native discards it silently, and the record says it was dropped.
    ws.send("after");
    await until(() => expect(lines(world.of(ws)).slice(-3)).toEqual(["fault drop false", "state closed 1006  false", "out page dropped text after"]));
    expect(conn.received).toEqual([]);
  });

  it("drop while connecting: error, then close 1006, as a refused connect", async () => {
    server.hold = true;
    const ws = new world.WebSocket(server.url());
    const seen = watch(ws);
    await until(() => expect(server.held).toBe(1));
    await world.fault(ws, { kind: "drop" });
    await next(ws, "close");
    server.release();
    expect(seen).toEqual(["error", "close:1006"]);
    expect(ws.readyState).toBe(3);
    // The native connection went too, and its own events were not shown again.
    await until(() => expect(world.owner(ws).wire.nativeState).toBe(3));
    expect(seen).toEqual(["error", "close:1006"]);
  });

  it("close as the server: the page gets the fault's code and reason, cleanly; the server sees the socket close", async () => {
    const { ws, seen, conn } = await openSocket();
    await world.fault(ws, { kind: "close", code: 4001, reason: "going away" });
    const ev = (await next(ws, "close")) as CloseEvent;
    expect([ev.code, ev.reason, ev.wasClean]).toEqual([4001, "going away", true]);
    expect(seen).toEqual(["open", "close:4001"]);
    await until(() => expect(conn.closed).not.toBeNull());
    await until(() => expect(lines(world.of(ws)).slice(-2)).toEqual(["fault close false 4001 going away", "state closed 4001 going away true"]));
  });

  it("acts only on the socket it names", async () => {
    const a = await openSocket("a");
    const b = await openSocket("b");
    await world.fault(a.ws, { kind: "drop" });
    await next(a.ws, "close");
    b.ws.send("still here");
    await until(() => expect(b.conn.received).toEqual(["still here"]));
    expect(b.ws.readyState).toBe(1);
    b.ws.close();
  });

  it("ignores a fault command that does not come from the relay", async () => {
    const { ws, seen } = await openSocket();
    const id = world.id(ws);
    await world.post({ source: "lifeguard-page", v: 2, type: "fault", target: { socket: id }, fault: { kind: "drop" } });
    await world.post({ source: "lifeguard-relay", v: 2, type: "fault", target: { socket: id }, fault: { kind: "explode" } });
    ws.send("alive");
    await until(() => expect(server.last().received).toEqual(["alive"]));
    expect(seen).toEqual(["open"]);
    ws.close();
  });
});

describe("black-hole and latency", () => {
  it("black-hole holds frames both ways, records each once at arrival as held, and releases them in order", async () => {
    const { ws, seen, conn } = await openSocket();
    await world.fault(ws, { kind: "blackhole", durationMs: 400 });
    const started = await until(() => {
      expect(faults(ws)).toHaveLength(1);
      return faults(ws)[0]!;
    });
    expect(started).toMatchObject({ fault: "blackhole", active: true });
    ws.send("out 1");
    ws.send("out 2");
    conn.ws.send("in 1");
    conn.ws.send("in 2");
    await until(() => expect(frameLines(ws)).toEqual(["out page held text out 1", "out page held text out 2", "in page held text in 1", "in page held text in 2"]));
    // Held: neither side has anything yet, and the socket still reads OPEN.
    expect([conn.received, seen, ws.readyState]).toEqual([[], ["open"], 1]);
    await until(() => expect(seen).toEqual(["open", "message:in 1", "message:in 2"]));
    expect(Date.now()).toBeGreaterThanOrEqual(started.untilT!);
    await until(() => expect(conn.received).toEqual(["out 1", "out 2"]));
    // Released, not recorded again; the end of the fault is.
    await until(() => expect(faults(ws).map((f) => f.active)).toEqual([true, false]));
    expect(frameLines(ws)).toHaveLength(4);
    // And the socket works as before.
    ws.send("after");
    conn.ws.send("back");
    await until(() => expect(seen.at(-1)).toBe("message:back"));
    await until(() => expect(frameLines(ws).slice(4)).toEqual(["out page sent text after", "in page delivered text back"]));
    ws.close();
  });

  it("black-hole ended early (0) releases what it held at once, in order", async () => {
    const { ws, seen, conn } = await openSocket();
    await world.fault(ws, { kind: "blackhole", durationMs: 60_000 });
    ws.send("out 1");
    ws.send("out 2");
    conn.ws.send("in 1");
    conn.ws.send("in 2");
    await until(() => expect(frameLines(ws)).toHaveLength(4));
    await world.fault(ws, { kind: "blackhole", durationMs: 0 });
    await until(() => expect(seen).toEqual(["open", "message:in 1", "message:in 2"]), 1000);
    await until(() => expect(conn.received).toEqual(["out 1", "out 2"]), 1000);
    await until(() => expect(faults(ws).map((f) => f.active)).toEqual([true, false]));
    expect(frameLines(ws)).toEqual(["out page held text out 1", "out page held text out 2", "in page held text in 1", "in page held text in 2"]);
    ws.close();
  });

  it("a drop while a black-hole holds frames: what it held never goes, and each held frame is recorded dropped once more", async () => {
    const { ws, seen, conn } = await openSocket();
    await world.fault(ws, { kind: "blackhole", durationMs: 60_000 });
    ws.send("out 1");
    conn.ws.send("in 1");
    await until(() => expect(frameLines(ws)).toEqual(["out page held text out 1", "in page held text in 1"]));
    await world.fault(ws, { kind: "drop" });
    await until(() => expect(seen.at(-1)).toMatch(/^close/));
    await until(() => expect(frameLines(ws)).toEqual(["out page held text out 1", "in page held text in 1", "in page dropped text in 1", "out page dropped text out 1"]));
    expect(conn.received).toEqual([]);
    expect(seen.filter((e) => e.startsWith("message"))).toEqual([]);
  });

  it("the page closes while a black-hole holds its frame: when the black-hole ends the frame cannot go, and is recorded dropped", async () => {
    const { ws, conn } = await openSocket();
    await world.fault(ws, { kind: "blackhole", durationMs: 300 });
    ws.send("out 1");
    await until(() => expect(frameLines(ws)).toEqual(["out page held text out 1"]));
    ws.close();
    await until(() => expect(frameLines(ws)).toEqual(["out page held text out 1", "out page dropped text out 1"]), 2000);
    expect(conn.received).toEqual([]);
  });

  it("latency delays each direction by its own amount, order kept, recorded once as delayed; 0/0 ends it", async () => {
    const { ws, conn } = await openSocket();
    const arrivals: [string, number][] = [];
    ws.addEventListener("message", (ev) => arrivals.push([ev.data as string, Date.now()]));
    const serverAt: [string, number][] = [];
    server.onText = (text) => serverAt.push([text, Date.now()]);
    await world.fault(ws, { kind: "latency", inMs: 200, outMs: 120 });
    const sentAt = Date.now();
    ws.send("o1");
    ws.send("o2");
    const pushedAt = Date.now();
    conn.ws.send("i1");
    conn.ws.send("i2");
    await until(() => expect(arrivals.map(([d]) => d)).toEqual(["i1", "i2"]));
    await until(() => expect(serverAt.map(([d]) => d)).toEqual(["o1", "o2"]));
    for (const [, t] of serverAt) expect(t - sentAt).toBeGreaterThanOrEqual(115);
    for (const [, t] of arrivals) expect(t - pushedAt).toBeGreaterThanOrEqual(195);
    await until(() => expect(frameLines(ws)).toEqual(["out page delayed text o1", "out page delayed text o2", "in page delayed text i1", "in page delayed text i2"]));
    await world.fault(ws, { kind: "latency", inMs: 0, outMs: 0 });
    ws.send("o3");
    await until(() => expect(conn.received.at(-1)).toBe("o3"));
    await until(() => expect(frameLines(ws).at(-1)).toBe("out page sent text o3"));
    expect(faults(ws).map((f) => `${f.active} ${f.detail ?? ""}`)).toEqual(["true in 200 ms, out 120 ms", "false "]);
    ws.close();
  });
});

describe("frames made up by the panel", () => {
  it("inject: the page gets a message as if from the server, recorded once as injected; the server gets nothing", async () => {
    const { ws, seen, conn } = await openSocket();
    const got: MessageEvent[] = [];
    ws.addEventListener("message", (ev) => got.push(ev));
    await world.fault(ws, { kind: "inject", data: "hello from nowhere", encoding: "text" });
    ws.binaryType = "arraybuffer";
    await world.fault(ws, { kind: "inject", data: "cafe", encoding: "hex" });
    await until(() => expect(got).toHaveLength(2));
    expect(got[0]!.data).toBe("hello from nowhere");
    expect(got[0]!.origin).toBe(`ws://127.0.0.1:${server.port}`);
    expect([...new Uint8Array(got[1]!.data as ArrayBuffer)]).toEqual([0xca, 0xfe]);
    // Made up by Lifeguard: the one kind of event that may be synthetic.
    expect(got[0]!.isTrusted).toBe(false);
    await until(() => expect(frameLines(ws)).toEqual(["in injected delivered text hello from nowhere", "in injected delivered binary cafe"]));
    expect(seen).toEqual(["open", "message:hello from nowhere", "message:[object ArrayBuffer]"]);
    expect(conn.received).toEqual([]);
    ws.close();
  });

  it("send: the server gets the panel's frame, recorded once as the panel's; before open it is refused and said so", async () => {
    server.hold = true;
    const ws = new world.WebSocket(server.url());
    await until(() => expect(server.held).toBe(1));
    await world.fault(ws, { kind: "send", data: "too early", encoding: "text" });
    await until(() => expect(faults(ws).at(-1)?.detail).toMatch(/^not sent: .*InvalidStateError/));
    server.release();
    await next(ws, "open");
    const conn = server.last();
    ws.send("mine");
    await world.fault(ws, { kind: "send", data: "the panel's", encoding: "text" });
    await world.fault(ws, { kind: "send", data: "AAEC", encoding: "base64" });
    await until(() => expect(conn.received).toEqual(["mine", "the panel's", "<binary 3>"]));
    await until(() => expect(frameLines(ws)).toEqual(["out page sent text mine", "out panel sent text the panel's", "out panel sent binary 000102"]));
    ws.close();
  });
});

describe("offline", () => {
  it("drops open sockets and sends new ones to a refused port: the server sees no handshake, the page keeps its URL", async () => {
    const { ws, seen } = await openSocket("before");
    const handshakes = server.upgrades;
    await world.fault({ tab: true }, { kind: "offline", durationMs: 60_000 });
    await next(ws, "close");
    expect(seen).toEqual(["open", "close:1006"]);
    const during = new world.WebSocket(server.url("during"));
    const seenDuring = watch(during);
    expect(during.url).toBe(server.url("during"));
    await next(during, "close");
    expect(seenDuring).toEqual(["error", "close:1006"]);
    expect(during.url).toBe(server.url("during"));
    expect(server.upgrades).toBe(handshakes);
    // Recorded under the page's URL.
    await until(() => expect(lines(world.of(during))).toEqual([`created ${server.url("during")}`, "note error", "state closed 1006  false"]));
    expect(lines(world.of(ws))).toContain("fault offline true 60000 ms");
    // Online again: a new socket reaches the server.
    await world.fault({ tab: true }, { kind: "offline", durationMs: 0 });
    const after = new world.WebSocket(server.url("after"));
    await next(after, "open");
    expect(server.upgrades).toBe(handshakes + 1);
    after.close();
  });

  it("an offline fault ended early and started again lasts its own time: the first one's timer does not end it", async () => {
    const started = Date.now();
    await world.fault({ tab: true }, { kind: "offline", durationMs: 300 });
    await world.fault({ tab: true }, { kind: "offline", durationMs: 0 });
    await world.fault({ tab: true }, { kind: "offline", durationMs: 60_000 });
    // Past the end the first fault had.
    await new Promise((r) => setTimeout(r, started + 400 - Date.now()));
    const handshakes = server.upgrades;
    const ws = new world.WebSocket(server.url("still offline"));
    const seen = watch(ws);
    await next(ws, "close");
    expect(seen).toEqual(["error", "close:1006"]);
    expect(server.upgrades).toBe(handshakes);
  });
});

describe("a fault that finds nothing to act on says so", () => {
  it("on a closed socket: every fault that needs a connection is recorded as not applied, and nothing reaches anyone", async () => {
    const { ws, seen, conn } = await openSocket();
    ws.close();
    await next(ws, "close");
    await until(() => expect(conn.closed).not.toBeNull());
    const before = faults(ws).length;
    await world.fault(ws, { kind: "drop" });
    await world.fault(ws, { kind: "close", code: 4000, reason: "x" });
    await world.fault(ws, { kind: "blackhole", durationMs: 5000 });
    await world.fault(ws, { kind: "latency", inMs: 100, outMs: 0 });
    await world.fault(ws, { kind: "inject", data: "nobody", encoding: "text" });
    await world.fault(ws, { kind: "send", data: "nobody", encoding: "text" });
    await world.fault(ws, { kind: "reconnect" });
    await until(() => expect(faults(ws).length - before).toBe(7));
    expect(lines(faults(ws).slice(before))).toEqual(
      ["drop", "close", "blackhole", "latency", "inject", "send", "reconnect"].map((kind) => `fault ${kind} false not applied: the socket is closed`),
    );
    // Ending a fault is recorded as an end, whatever became of the socket.
    await world.fault(ws, { kind: "blackhole", durationMs: 0 });
    await until(() => expect(lines(faults(ws)).at(-1)).toBe("fault blackhole false"));
    expect(seen).toEqual(["open", "close:1005"]);
    expect(frameLines(ws)).toEqual([]);
    expect(conn.received).toEqual([]);
  });

  it("a socket dropped by the panel reads closed to the next fault", async () => {
    const { ws } = await openSocket();
    await world.fault(ws, { kind: "drop" });
    await next(ws, "close");
    await world.fault(ws, { kind: "drop" });
    await until(() => expect(lines(faults(ws))).toEqual(["fault drop false", "fault drop false not applied: the socket is closed"]));
  });

  it("the tab's faults act on its live sockets only: a closed one gets no record of them", async () => {
    const closed = await openSocket("closed");
    closed.ws.close();
    await next(closed.ws, "close");
    const live = await openSocket("live");
    await world.fault({ tab: true }, { kind: "latency", inMs: 50, outMs: 0 });
    await until(() => expect(lines(faults(live.ws))).toEqual(["fault latency true in 50 ms, out 0 ms"]));
    expect(faults(closed.ws)).toEqual([]);
    live.ws.close();
  });

  it("on a protected socket between connections: nothing to drop, close or hold, and it says so", async () => {
    const slow = await startTestWorld({
      ruleFor: () => rule({ reconnect: { minDelayMs: 60_000, maxDelayMs: 60_000, factor: 1 } }),
      before: ({ win }) => void (win.Math.random = () => 0.999),
    });
    try {
      const ws = new slow.WebSocket(server.url("between"));
      const seen = watch(ws);
      await next(ws, "open");
      await until(() => expect(slow.of(ws).some((e) => e.kind === "protection" && e.protected)).toBe(true));
      const reconnecting = next(ws, "reconnecting");
      server.last().ws.terminate();
      await reconnecting;
      await slow.fault(ws, { kind: "drop" });
      await slow.fault(ws, { kind: "blackhole", durationMs: 5000 });
      const of = () => lines(slow.of(ws).filter((e) => e.kind === "fault"));
      await until(() => expect(of()).toEqual(["fault drop false not applied: no connection is up", "fault blackhole false not applied: no connection is up"]));
      // The page saw the outage and nothing of the faults.
      expect(seen).toEqual(["open", "reconnecting"]);
      ws.close();
    } finally {
      await slow.close();
    }
  });
});
