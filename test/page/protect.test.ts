/**
 * Protection in the page world (protect.ts, page-socket.ts, wire.ts around the core's engine): the
 * relay answers a socket URL's rule over the channel, and a protected socket whose server drops it
 * reconnects behind the page's own object. Every frame on every connection is recorded once, with
 * who made it and what became of it; a server-side log of the same wire is the reference.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FrameRecord, RecorderEvent } from "../../src/shared/protocol";
import type { ResolvedRule } from "../../src/shared/settings";
import { lines, next, rule, startTestWorld, until, watch, type TestWorld } from "../support/page-world";
import { startServer, type Connection, type TestServer } from "../support/ws-server";

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

const isProtected = (ws: WebSocket) => world.of(ws).some((e) => e.kind === "protection" && e.protected);
const states = (ws: WebSocket) => world.of(ws).filter((e): e is Extract<RecorderEvent, { kind: "state" }> => e.kind === "state");

/** A frame as the record says it: direction, provenance, fate, payload. */
const key = (f: FrameRecord) => `${f.dir} ${f.from ?? "page"} ${f.fate ?? (f.dir === "in" ? "delivered" : "sent")} ${f.preview}`;

/** Opens a socket to `path` under `r`, and waits until it is open and protected. */
async function protectedSocket(path: string, r: ResolvedRule) {
  rules.set(server.url(path), r);
  const ws = new world.WebSocket(server.url(path));
  const seen = watch(ws);
  await next(ws, "open");
  await until(() => expect(isProtected(ws)).toBe(true));
  return { ws, seen };
}

describe("a protected socket", () => {
  it("reconnects behind the page's object after a server drop; every frame is recorded once, as the server saw it", async () => {
    // The server's side of the wire, by the kind the record must give each frame.
    const wire: string[] = [];
    const ids = new Set<number>();
    let seq = 0;
    let killOnPing = false;
    const write = (c: Connection, kind: string, frame: string) => {
      wire.push(`${kind} ${frame}`);
      c.ws.send(frame);
    };
    server.onText = (text, c) => {
      if (text === "ping") {
        wire.push(`out heartbeat sent ping`);
        write(c, "in heartbeat hidden-reply", "pong");
        if (killOnPing) {
          killOnPing = false;
          // After the pong reached the page; the next ping is an interval away.
          setTimeout(() => c.ws.terminate(), 40);
        }
        return;
      }
      const msg = JSON.parse(text) as { type: string; id?: number; since?: number };
      if (msg.type === "resume") {
        wire.push(`out resume sent ${text}`);
        // The page has the last one (a replayed duplicate), then one it missed.
        write(c, "in page hidden-duplicate", JSON.stringify({ type: "data", seq: msg.since }));
        write(c, "in page delivered", JSON.stringify({ type: "data", seq: ++seq }));
        return;
      }
      const again = ids.has(msg.id!);
      ids.add(msg.id!);
      wire.push(`out ${again ? "resend" : "page"} sent ${text}`);
      // Id 2 goes unacked the first time: pending at the loss, sent again after it.
      if (again || msg.id !== 2) write(c, "in page hidden-ack", JSON.stringify({ type: "ack", id: msg.id }));
      if (!again) write(c, "in page delivered", JSON.stringify({ type: "data", seq: ++seq }));
    };

    const { ws, seen } = await protectedSocket("p", rule({
      reconnect: { minDelayMs: 20, maxDelayMs: 60 },
      heartbeat: { enabled: true, intervalMs: 250, timeoutMs: 3000, message: "ping", reply: "pong", hideReplies: true },
      delivery: { enabled: true, idPath: "$.id", ackWhen: { path: "$.type", equals: "ack" }, ackIdPath: "$.id", hideAcks: true },
      resume: { enabled: true, seqPath: "$.seq", dedupe: true },
    }));
    const first = server.last();
    ws.send(JSON.stringify({ type: "msg", id: 1 }));
    ws.send(JSON.stringify({ type: "msg", id: 2 }));
    await until(() => expect(seen.filter((s) => s.startsWith("message:"))).toHaveLength(2));
    // A ping and its hidden reply first.
    await until(() => expect(wire).toContain("in heartbeat hidden-reply pong"));

    // The server drops the connection; what the page sends meanwhile is queued.
    const reconnecting = next(ws, "reconnecting") as Promise<CustomEvent>;
    ws.addEventListener("reconnecting", () => ws.send(JSON.stringify({ type: "msg", id: 3 })), { once: true });
    killOnPing = true;
    const detail = (await reconnecting).detail as { attempt: number; delayMs: number; code: number };
    expect(detail).toMatchObject({ attempt: 1, code: 1006 });
    expect(ws.readyState).toBe(ws.CONNECTING);
    const reconnected = (await next(ws, "reconnected")) as CustomEvent;
    expect(reconnected.detail).toMatchObject({ attempts: 1 });
    expect(ws.readyState).toBe(ws.OPEN);
    expect(ws.url).toBe(server.url("p"));
    expect(server.connections).toHaveLength(2);
    expect(first.closed).not.toBeNull();
    await until(() => expect(seen.filter((s) => s.startsWith("message:"))).toHaveLength(4));

    // The page's object saw no loss: open again, then reconnected, and every message once.
    expect(seen.filter((s) => !s.startsWith("message:"))).toEqual(["open", "reconnecting", "open", "reconnected"]);
    expect(seen.filter((s) => s.startsWith("message:"))).toEqual([1, 2, 3, 4].map((n) => `message:${JSON.stringify({ type: "data", seq: n })}`));

    // Quiet: the record holds each frame of both connections once, as the server read and wrote them.
    const records = () => world.frames(ws).filter((f) => f.fate !== "queued").map(key).sort();
    await until(() => expect(records()).toEqual([...wire].sort()));
    const kinds = new Set(wire.map((w) => w.split(" ").slice(0, 3).join(" ")));
    expect([...kinds].sort()).toEqual([
      "in heartbeat hidden-reply",
      "in page delivered",
      "in page hidden-ack",
      "in page hidden-duplicate",
      "out heartbeat sent",
      "out page sent",
      "out resend sent",
      "out resume sent",
    ]);
    // The frame sent during the outage: recorded as queued then, and as sent when it went, after the resume and the resend.
    const out = world.frames(ws).filter((f) => f.dir === "out" && f.from !== "heartbeat").map(key);
    expect(out).toEqual([
      `out page sent {"type":"msg","id":1}`,
      `out page sent {"type":"msg","id":2}`,
      `out page queued {"type":"msg","id":3}`,
      `out resume sent {"type":"resume","since":2}`,
      `out resend sent {"type":"msg","id":2}`,
      `out page sent {"type":"msg","id":3}`,
    ]);
    // The lifecycle, in the same stream.
    expect(states(ws).map((s) => s.state)).toEqual(expect.arrayContaining(["open", "reconnecting", "connecting", "open"]));
    expect(states(ws).find((s) => s.state === "reconnecting")).toMatchObject({ attempt: 1, code: 1006 });
    ws.close();
    const close = (await next(ws, "close")) as CloseEvent;
    expect(close.code).toBe(1005);
    expect(seen.at(-1)).toBe("close:1005");
  });

  it("becomes protected when the relay's answer arrives, and unprotected when the rule goes", async () => {
    const url = server.url("late");
    const ws = new world.WebSocket(url);
    await next(ws, "open");
    // The question crosses a MessagePort: under load it can land after the socket's open.
    await until(() => expect(world.queries).toEqual([url]));
    expect(isProtected(ws)).toBe(false);
    // The answer for this URL: through the relay's `rule` message.
    await world.send("rule", { url, rule: rule({ reconnect: { minDelayMs: 10, maxDelayMs: 20 } }) });
    await until(() => expect(isProtected(ws)).toBe(true));
    const seen = watch(ws);
    server.last().ws.terminate();
    await next(ws, "reconnected");
    expect(seen).toEqual(["reconnecting", "open", "reconnected"]);
    // No rule: a loss reaches the page as native.
    await world.send("rule", { url, rule: null });
    await until(() => expect(world.of(ws).filter((e) => e.kind === "protection").map((e) => e.kind === "protection" && e.protected)).toEqual([true, false]));
    server.last().ws.terminate();
    await next(ws, "close");
    expect(seen).toEqual(["reconnecting", "open", "reconnected", "close:1006"]);
  });

  it("ends as native on a code the rule stops on, and after the last attempt with error + close 1006", async () => {
    const { ws, seen } = await protectedSocket("stop", rule({ reconnect: { minDelayMs: 10, maxDelayMs: 20 } }));
    server.last().ws.close(1000, "done");
    const ev = (await next(ws, "close")) as CloseEvent;
    expect([ev.code, ev.reason, ev.wasClean, ev.isTrusted]).toEqual([1000, "done", true, true]);
    expect(seen).toEqual(["open", "close:1000"]);

    // A server that goes for good: every attempt is refused.
    const gone = await startServer();
    const goneUrl = gone.url("gone");
    rules.set(goneUrl, rule({ reconnect: { minDelayMs: 10, maxDelayMs: 20, maxAttempts: 2 } }));
    const other = new world.WebSocket(goneUrl);
    const otherSeen = watch(other);
    await next(other, "open");
    await until(() => expect(isProtected(other)).toBe(true));
    await gone.close();
    await next(other, "close");
    expect(otherSeen).toEqual(["open", "reconnecting", "reconnecting", "error", "close:1006"]);
    expect(other.readyState).toBe(3);
    await until(() => expect(states(other).at(-1)).toMatchObject({ state: "closed", code: 1006, wasClean: false }));
  });

  it("takes a drop or a server close from the panel as a real loss: hidden and reconnected, unless its code stops it", async () => {
    const { ws, seen } = await protectedSocket("faults", rule({ reconnect: { minDelayMs: 10, maxDelayMs: 30 } }));
    await world.fault(ws, { kind: "drop" });
    await next(ws, "reconnected");
    await world.fault(ws, { kind: "close", code: 4000, reason: "restart" });
    await next(ws, "reconnected");
    expect(server.connections).toHaveLength(3);
    expect(seen).toEqual(["open", "reconnecting", "open", "reconnected", "reconnecting", "open", "reconnected"]);
    // 1000 is one of the rule's stop codes: the page sees the server's close.
    await world.fault(ws, { kind: "close", code: 1000, reason: "bye" });
    const ev = (await next(ws, "close")) as CloseEvent;
    expect([ev.code, ev.reason, ev.wasClean]).toEqual([1000, "bye", true]);
    expect(seen.at(-1)).toBe("close:1000");
  });

  it("dials at once on the panel's reconnect, instead of waiting out its backoff", async () => {
    // A page world whose backoff always draws the longest wait the curve allows (a minute).
    const slow = await startTestWorld({
      ruleFor: () => rule({ reconnect: { minDelayMs: 60_000, maxDelayMs: 60_000, factor: 1 } }),
      before: ({ win }) => void (win.Math.random = () => 0.999),
    });
    try {
      const ws = new slow.WebSocket(server.url("now"));
      const seen = watch(ws);
      await next(ws, "open");
      await until(() => expect(slow.of(ws).some((e) => e.kind === "protection" && e.protected)).toBe(true));
      const reconnecting = next(ws, "reconnecting");
      server.last().ws.terminate();
      expect(((await reconnecting) as CustomEvent).detail).toMatchObject({ attempt: 1, delayMs: 59_940 });
      await slow.fault(ws, { kind: "reconnect" });
      await next(ws, "reconnected");
      expect(seen).toEqual(["open", "reconnecting", "open", "reconnected"]);
      await until(() => expect(lines(slow.of(ws))).toContain("fault reconnect false"));
      ws.close();
    } finally {
      await slow.close();
    }
  });

  it("finds a black-holed connection dead by its heartbeat and reconnects behind the page", async () => {
    server.onText = (text, c) => void (text === "ping" && c.ws.send("pong"));
    const { ws, seen } = await protectedSocket("half-open", rule({
      reconnect: { minDelayMs: 10, maxDelayMs: 30 },
      heartbeat: { enabled: true, intervalMs: 100, timeoutMs: 300, message: "ping", reply: "pong", hideReplies: true },
    }));
    const first = server.last();
    await world.fault(ws, { kind: "blackhole", durationMs: 60_000 });
    await next(ws, "reconnected", 5000);
    expect(seen).toEqual(["open", "reconnecting", "open", "reconnected"]);
    await until(() => expect(world.of(ws).some((e) => e.kind === "heartbeat" && e.phase === "missed")).toBe(true));
    // The dead connection was let go; the new one carries the heartbeat.
    await until(() => expect(first.closed).not.toBeNull());
    await until(() => expect(server.last().received).toContain("ping"));
    await until(() => expect(world.frames(ws).filter((f) => f.from === "heartbeat" && f.fate === "held").length).toBeGreaterThan(0));
    // What the black-hole held on the abandoned connection never went, and the record says so: each
    // held ping has a second record, dropped.
    await until(() => {
      const pings = world.frames(ws).filter((f) => f.from === "heartbeat" && f.dir === "out" && f.preview === "ping");
      expect(pings.filter((f) => f.fate === "dropped").length).toBe(pings.filter((f) => f.fate === "held").length);
    });
    ws.close();
  });

  it("a page's close() while reconnecting ends the socket as native close() on a connecting one: error, then close 1006", async () => {
    const { ws, seen } = await protectedSocket("give-up", rule({ reconnect: { minDelayMs: 2_000, maxDelayMs: 4_000 } }));
    const refused: string[] = [];
    ws.addEventListener("reconnecting", () => {
      // The browser's own validation of the arguments first, as on any socket.
      try {
        ws.close(1001);
      } catch (e) {
        refused.push((e as Error).name);
      }
      ws.close();
    }, { once: true });
    server.last().ws.terminate();
    await next(ws, "close");
    expect(refused).toEqual(["InvalidAccessError"]);
    expect(seen).toEqual(["open", "reconnecting", "error", "close:1006"]);
    expect(ws.readyState).toBe(3);
    expect(server.connections).toHaveLength(1);
  });

  it("rides out an offline fault: no handshake reaches the server until the network is back", async () => {
    const { ws, seen } = await protectedSocket("off", rule({ reconnect: { minDelayMs: 10, maxDelayMs: 30 } }));
    const handshakes = server.upgrades;
    await world.fault({ tab: true }, { kind: "offline", durationMs: 60_000 });
    await next(ws, "reconnecting");
    expect(ws.readyState).toBe(ws.CONNECTING);
    // An attempt while offline (after the offline fallback wait) goes nowhere.
    const dials = () => states(ws).filter((s) => s.state === "connecting" && s.attempt !== undefined).length;
    await until(() => expect(dials()).toBeGreaterThan(0), 4000);
    await until(() => expect(states(ws).at(-1)?.state).toBe("reconnecting"));
    expect(server.upgrades).toBe(handshakes);
    await world.fault({ tab: true }, { kind: "offline", durationMs: 0 });
    await next(ws, "reconnected");
    expect(server.upgrades).toBe(handshakes + 1);
    expect(seen.filter((s) => s.startsWith("close") || s === "error")).toEqual([]);
    // The fault's start and its end, each recorded once.
    await until(() => expect(lines(world.of(ws)).filter((l) => l.startsWith("fault"))).toEqual(["fault offline true 60000 ms", "fault offline false"]));
    ws.close();
  });
});
