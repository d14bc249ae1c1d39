/**
 * The engine against a real `ws` server (port 0), its native sockets Node's undici WebSockets, each
 * wrapped the way the page world's wire wraps them: every `send(data, from)` is captured, and
 * `conn.inbound` is read right after each inbound frame was handled (DESIGN.md, "Records").
 */
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer, type WebSocket as ServerSocket } from "ws";
import type { AddressInfo } from "node:net";
import { ResilientConnection, type PageEvent } from "../../src/core/connection";
import { INBOUND, type InboundFate, type Provenance, type SendData, type SocketLike } from "../../src/core/types";
import type { RecorderEvent } from "../../src/shared/protocol";
import { resolveRule, type Rule } from "../../src/shared/settings";
import { realTimersClock } from "./fakes";

/** Generous: the machine is a noisy 2-core box. */
const WAIT = 5000;

async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + WAIT;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A native socket seen as the page world's wire sees it. */
class Tap implements SocketLike {
  readonly sent: { data: string; from: Provenance | undefined }[] = [];
  private readonly wrapped = new Map<(ev: Event) => void, (ev: Event) => void>();

  constructor(
    readonly ws: WebSocket,
    private readonly afterMessage: () => void,
  ) {}

  get readyState(): number {
    return this.ws.readyState;
  }
  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }
  get protocol(): string {
    return this.ws.protocol;
  }
  get extensions(): string {
    return this.ws.extensions;
  }
  get url(): string {
    return this.ws.url;
  }
  get binaryType(): BinaryType {
    return this.ws.binaryType;
  }
  set binaryType(v: BinaryType) {
    this.ws.binaryType = v;
  }
  send(data: SendData, from?: Provenance): void {
    this.ws.send(data as string);
    this.sent.push({ data: String(data), from });
  }
  close(code?: number, reason?: string): void {
    this.ws.close(code, reason);
  }
  /** The engine's listeners on a replacement; after a `message`, the wire reads the engine's verdict. */
  addEventListener(type: string, listener: (ev: Event) => void): void {
    const w = (ev: Event): void => {
      listener(ev);
      if (type === "message") this.afterMessage();
    };
    this.wrapped.set(listener, w);
    this.ws.addEventListener(type, w);
  }
  removeEventListener(type: string, listener: (ev: Event) => void): void {
    const w = this.wrapped.get(listener);
    if (w) this.ws.removeEventListener(type, w);
  }
}

let wss: WebSocketServer | null = null;
let conn: ResilientConnection | null = null;

afterEach(async () => {
  conn?.dispose();
  conn = null;
  if (wss) {
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((r) => wss!.close(() => r()));
  }
  wss = null;
});

interface Server {
  url: string;
  received: string[];
  latest(): ServerSocket;
}

/** Answers `ping` with `pong`, acks frames that ask for it, and replays from a resume's `since` (one old, one new). */
async function startServer(): Promise<Server> {
  const server = new WebSocketServer({ port: 0, handleProtocols: (p) => (p.has("chat") ? "chat" : false) });
  wss = server;
  await new Promise<void>((r) => server.once("listening", () => r()));
  const received: string[] = [];
  let last: ServerSocket | null = null;
  server.on("connection", (ws) => {
    last = ws;
    ws.on("message", (raw) => {
      const text = String(raw);
      received.push(text);
      if (text === "ping") return ws.send("pong");
      const m = text.startsWith("{") ? (JSON.parse(text) as { id?: string; ackMe?: boolean; type?: string; since?: number }) : null;
      if (m?.ackMe) ws.send(JSON.stringify({ type: "ack", id: m.id }));
      if (m?.type === "resume" && typeof m.since === "number") {
        ws.send(JSON.stringify({ seq: m.since }));
        ws.send(JSON.stringify({ seq: m.since + 1 }));
      }
    });
  });
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/live`,
    received,
    latest: () => {
      if (!last) throw new Error("no connection yet");
      return last;
    },
  };
}

const RULE: Omit<Rule, "match"> = {
  reconnect: { minDelayMs: 20, maxDelayMs: 50, factor: 2, stableAfterMs: 5000, strategy: "transparent" },
  heartbeat: { enabled: true, intervalMs: 150, timeoutMs: 2000, message: "ping", reply: "pong", hideReplies: true },
  delivery: { enabled: true, hideAcks: true },
  resume: { enabled: true },
};

describe("the engine on real sockets: provenance and fate at the wire", () => {
  it("marks each send with who made it and says what became of each inbound frame, before and after a reconnect", async () => {
    const server = await startServer();
    const taps: Tap[] = [];
    const fates: { tap: number; fate: InboundFate; data: string }[] = [];
    const queued: { data: unknown; from: Provenance }[] = [];
    const recorded: RecorderEvent[] = [];
    const page: PageEvent[] = [];
    const nativeMessages: string[] = [];
    const noteFate = (tap: number) => () => fates.push({ tap, fate: c.inbound, data: "" });

    const initial = new Tap(new WebSocket(server.url, ["chat"]), noteFate(0));
    taps.push(initial);
    const c: ResilientConnection = new ResilientConnection({
      socketId: "w:1",
      url: server.url,
      protocols: ["chat"],
      initial,
      rule: resolveRule({ match: "*", ...RULE }),
      createSocket: (url, protocols) => {
        const tap = new Tap(new WebSocket(url, protocols), noteFate(taps.length));
        taps.push(tap);
        return tap;
      },
      clock: realTimersClock,
      random: () => 0.5,
      sink: {
        dispatch: (ev) => {
          page.push(ev);
          // The page keeps talking while its socket is down, and its panel sends as the page.
          if (ev.type === "reconnecting" && ev.detail.attempt === 1) {
            c.send("q1");
            c.send("q2", "panel");
          }
        },
      },
      recorder: { record: (e) => recorded.push(e), queued: (data, from) => queued.push({ data, from }) },
      invalidStateError: () => new Error("InvalidStateError"),
      validateClose: () => {},
      binaryType: () => "arraybuffer",
    });
    conn = c;
    // The facade: the page's own socket's events go through the engine first.
    for (const type of ["open", "message", "error", "close"]) {
      initial.ws.addEventListener(type, (ev) => {
        const passes = c.handleInitialEvent(ev);
        if (type !== "message") return;
        fates.push({ tap: 0, fate: c.inbound, data: String((ev as MessageEvent).data) });
        if (passes) nativeMessages.push(String((ev as MessageEvent).data));
      });
    }

    await until(() => c.readyState === 1, "open");
    server.latest().send(JSON.stringify({ seq: 1 }));
    c.send(JSON.stringify({ id: "a", ackMe: true }));
    c.send(JSON.stringify({ id: "b" })); // never acked: pending, sent again after the reconnect
    c.send("hello", "panel");
    await until(() => fates.some((f) => f.fate === INBOUND.hiddenAck), "the ack");
    await until(() => fates.some((f) => f.fate === INBOUND.hiddenReply), "a heartbeat answered");

    expect(initial.sent.filter((s) => s.from !== "heartbeat")).toEqual([
      { data: '{"id":"a","ackMe":true}', from: "page" },
      { data: '{"id":"b"}', from: "page" },
      { data: "hello", from: "panel" },
    ]);
    expect(initial.sent.some((s) => s.from === "heartbeat" && s.data === "ping")).toBe(true);
    expect(nativeMessages).toEqual(['{"seq":1}']);
    expect(fates.find((f) => f.data === '{"seq":1}')?.fate).toBe(INBOUND.delivered);

    server.latest().terminate();
    await until(() => page.some((e) => e.type === "reconnected"), "reconnected");
    await until(() => page.some((e) => e.type === "message"), "the replayed frame past lastSeq");
    const replacement = taps[1]!;
    expect(replacement.sent.filter((s) => s.from !== "heartbeat")).toEqual([
      { data: '{"type":"resume","since":1}', from: "resume" },
      { data: '{"id":"b"}', from: "resend" },
      { data: "q1", from: "page" },
      { data: "q2", from: "panel" },
    ]);
    expect(queued).toEqual([
      { data: "q1", from: "page" },
      { data: "q2", from: "panel" },
    ]);
    // The replay's overlap is hidden, what is new reaches the page.
    await until(() => fates.filter((f) => f.tap === 1).length >= 2, "the replay's frames");
    expect(fates.filter((f) => f.tap === 1).slice(0, 2).map((f) => f.fate)).toEqual([INBOUND.hiddenDuplicate, INBOUND.delivered]);
    expect(page.filter((e) => e.type === "message").map((e) => e.type === "message" && e.data)).toEqual(['{"seq":2}']);

    // The heartbeat runs on the replacement too, and its answers stay hidden.
    await until(() => replacement.sent.some((s) => s.from === "heartbeat"), "a ping on the replacement");
    await until(() => fates.some((f) => f.tap === 1 && f.fate === INBOUND.hiddenReply), "its pong");
    expect(page.filter((e) => e.type === "message")).toHaveLength(1);

    const opens = recorded.filter((e) => e.kind === "state" && e.state === "open");
    expect(opens.map((e) => e.kind === "state" && [e.protocol, e.extensions])).toEqual([
      ["chat", ""],
      ["chat", ""],
    ]);
    expect(c.protocol).toBe("chat");

    c.close(1000);
    await until(() => c.readyState === 3, "closed");
  });

  it("a first connect to a port browsers block fails at once and is never retried", async () => {
    const page: string[] = [];
    let dialled = 0;
    const url = "ws://127.0.0.1:6000/live";
    const initial = new Tap(new WebSocket(url), () => {});
    const c = new ResilientConnection({
      socketId: "w:2",
      url,
      protocols: [],
      initial,
      rule: resolveRule({ match: "*", reconnect: { minDelayMs: 10, maxDelayMs: 20 } }),
      createSocket: (u) => {
        dialled++;
        return new Tap(new WebSocket(u), () => {});
      },
      clock: realTimersClock,
      random: () => 0.5,
      sink: { dispatch: (ev) => page.push(`synthetic:${ev.type}`) },
      recorder: { record: () => {} },
      invalidStateError: () => new Error("InvalidStateError"),
      validateClose: () => {},
      binaryType: () => "arraybuffer",
    });
    conn = c;
    for (const type of ["open", "error", "close"]) {
      initial.ws.addEventListener(type, (ev) => {
        if (c.handleInitialEvent(ev)) page.push(`native:${type}`);
      });
    }
    // undici refuses the port as fetch does (a network error): `error` (and in browsers `close` 1006).
    await until(() => page.includes("native:error"), "the native error");
    await new Promise((r) => setTimeout(r, 200));
    expect(page.filter((p) => p.startsWith("synthetic"))).toEqual([]);
    expect(dialled).toBe(0);
  });
});
