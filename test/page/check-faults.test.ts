/**
 * Faults a resilience check started (`fault` with `check: true`) end with the check: at `check` off,
 * or when the tab's last panel leaves (`listening` off, DevTools closed mid-check). Each is recorded
 * as ended as usual; the user's own faults from the fault bar stay in force.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { envelope, type FaultCommand, type FaultTarget, type PanelToPage } from "../../src/shared/protocol";
import { lines, next, startTestWorld, until, watch, type TestWorld } from "../support/page-world";
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

async function openSocket(path: string) {
  const ws = new world.WebSocket(server.url(path));
  const seen = watch(ws);
  await next(ws, "open");
  return { ws, seen, conn: server.last() };
}

/** A fault as a check sends it. */
function checkFault(target: WebSocket | FaultTarget, fault: FaultCommand): Promise<void> {
  const t: FaultTarget = "tab" in target || "socket" in target ? (target as FaultTarget) : { socket: world.id(target as WebSocket) };
  return world.post(envelope<PanelToPage, "fault">("lifeguard-relay", "fault", { target: t, fault, check: true }));
}

const faultLines = (ws: WebSocket) => lines(world.of(ws).filter((e) => e.kind === "fault"));

/** A socket dialled now to `path`: whether it opened. */
async function opens(path: string): Promise<boolean> {
  const ws = new world.WebSocket(server.url(path));
  const ev = await Promise.race([next(ws, "open"), next(ws, "close")]);
  ws.close();
  return ev.type === "open";
}

describe("faults a check started", () => {
  it("end at check off, recorded as ended; the user's own stay in force", async () => {
    const a = await openSocket("a");
    const b = await openSocket("b");
    await checkFault(a.ws, { kind: "blackhole", durationMs: 60_000 });
    await checkFault(b.ws, { kind: "latency", inMs: 5000, outMs: 0 });
    await checkFault(a.ws, { kind: "refuse", durationMs: 60_000 });
    await world.fault(b.ws, { kind: "blackhole", durationMs: 60_000 });
    await world.fault(a.ws, { kind: "latency", inMs: 0, outMs: 5000 });
    await world.fault({ tab: true }, { kind: "refuse", durationMs: 0 });
    // The tab's 0 above was the user's: it ended the check's refusal too, as a user may.
    await checkFault(a.ws, { kind: "refuse", durationMs: 60_000 });
    await until(() => expect(faultLines(a.ws)).toHaveLength(5));
    await world.send("check", { on: false });
    await until(() =>
      expect(faultLines(a.ws).slice(5)).toEqual(expect.arrayContaining(["fault blackhole false", "fault refuse false"])),
    );
    await until(() => expect(faultLines(b.ws).at(-1)).toBe("fault latency false"));
    expect(faultLines(a.ws)).toHaveLength(7);
    // In force: b's black-hole and a's latency (the user's); gone: a's black-hole, b's latency, a's refusal.
    a.conn.ws.send("to a");
    await until(() => expect(a.seen).toEqual(["open", "message:to a"]));
    b.conn.ws.send("to b");
    b.ws.send("from b");
    a.ws.send("from a");
    await new Promise((r) => setTimeout(r, 150));
    expect(b.seen).toEqual(["open"]);
    expect(b.conn.received).toEqual([]);
    expect(a.conn.received).toEqual([]);
    expect(await opens("a")).toBe(true);
    expect(faultLines(b.ws)).not.toContain("fault blackhole false");
  });

  it("end when the last panel leaves (listening off), offline included; a user's offline is not the check's", async () => {
    const a = await openSocket("a");
    await checkFault({ tab: true }, { kind: "offline", durationMs: 60_000 });
    await next(a.ws, "close");
    expect(await opens("x")).toBe(false);
    await world.send("listening", { on: false });
    await world.send("listening", { on: true });
    expect(await opens("x")).toBe(true);
    // The user's offline: a check that ends leaves it.
    await world.fault({ tab: true }, { kind: "offline", durationMs: 60_000 });
    await world.send("check", { on: false });
    await world.send("listening", { on: false });
    await world.send("listening", { on: true });
    expect(await opens("x")).toBe(false);
  });

  it("a fault the user sets again is the user's: the check's end leaves it", async () => {
    const a = await openSocket("a");
    await checkFault(a.ws, { kind: "blackhole", durationMs: 60_000 });
    await world.fault(a.ws, { kind: "blackhole", durationMs: 60_000 });
    await world.send("check", { on: false });
    a.conn.ws.send("held");
    await new Promise((r) => setTimeout(r, 150));
    expect(a.seen).toEqual(["open"]);
    await until(() => expect(faultLines(a.ws)).toEqual(["fault blackhole true 60000 ms", "fault blackhole true 60000 ms"]));
  });

  it("one that ended by itself is not recorded as ended again", async () => {
    const a = await openSocket("a");
    await checkFault(a.ws, { kind: "blackhole", durationMs: 100 });
    await checkFault(a.ws, { kind: "refuse", durationMs: 100 });
    await until(() => expect(faultLines(a.ws)).toHaveLength(4));
    await world.send("check", { on: false });
    await new Promise((r) => setTimeout(r, 120));
    expect(faultLines(a.ws)).toEqual(["fault blackhole true 100 ms", "fault refuse true 100 ms", "fault blackhole false", "fault refuse false"]);
  });
});
