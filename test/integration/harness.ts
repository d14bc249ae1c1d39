/**
 * A real `ws` server (port 0), a TCP proxy that can black-hole a connection without closing it, and a
 * page-side shim that plays the facade: Node 20's global WebSocket (undici) is the native socket.
 */
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket as ServerSocket } from "ws";
import { ResilientConnection, type ConnectionOptions, type PageEvent } from "../../src/core/connection";
import type { Clock, SocketLike, TimerHandle } from "../../src/core/types";
import type { RecorderEvent } from "../../src/shared/protocol";
import { resolveRule, type Rule } from "../../src/shared/settings";

export interface TestServer {
  port: number;
  url: string;
  /** Every text frame received, in order, across all connections. */
  received: string[];
  /** Server-side sockets currently open. */
  readonly live: number;
  /** The most server-side sockets ever open at once. */
  readonly maxLive: number;
  connections: number;
  /** WebSocket handshakes that reached the server (HTTP upgrade requests), accepted or not. */
  upgrades: number;
  latest(): ServerSocket;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startServer(): Promise<TestServer> {
  let httpServer: http.Server;
  let wss: WebSocketServer;
  let port = 0;
  let live = 0;
  let maxLive = 0;
  const sockets = new Set<ServerSocket>();
  let last: ServerSocket | null = null;
  const api: TestServer = {
    port: 0,
    url: "",
    received: [],
    get live() {
      return live;
    },
    get maxLive() {
      return maxLive;
    },
    connections: 0,
    upgrades: 0,
    latest() {
      if (!last) throw new Error("no connection yet");
      return last;
    },
    async start() {
      httpServer = http.createServer();
      httpServer.on("upgrade", () => api.upgrades++);
      wss = new WebSocketServer({ server: httpServer });
      wss.on("connection", (ws) => {
        api.connections++;
        live++;
        maxLive = Math.max(maxLive, live);
        sockets.add(ws);
        last = ws;
        ws.on("message", (data, isBinary) => {
          const text = isBinary ? `<binary ${(data as Buffer).length}>` : data.toString();
          if (text === "ping") ws.send("pong");
          else api.received.push(text);
        });
        ws.on("close", () => {
          live--;
          sockets.delete(ws);
        });
        ws.on("error", () => {});
      });
      await new Promise<void>((resolve) => httpServer.listen(port, "127.0.0.1", resolve));
      port = (httpServer.address() as AddressInfo).port;
      api.port = port;
      api.url = `ws://127.0.0.1:${port}/`;
    },
    async stop() {
      for (const s of sockets) s.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
    close() {
      return api.stop();
    },
  };
  await api.start();
  return api;
}

export interface Proxy {
  url: string;
  /** Stops forwarding both ways on every current connection, without closing anything. */
  blackHoleAll(): void;
  close(): Promise<void>;
}

export async function startProxy(targetPort: number): Promise<Proxy> {
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket; dead: boolean }>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, "127.0.0.1");
    const pair = { client, upstream, dead: false };
    pairs.add(pair);
    client.on("data", (d) => {
      if (!pair.dead) upstream.write(d);
    });
    upstream.on("data", (d) => {
      if (!pair.dead) client.write(d);
    });
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("close", end);
    upstream.on("close", end);
    client.on("error", () => {});
    upstream.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/`,
    blackHoleAll() {
      for (const p of pairs) p.dead = true;
    },
    async close() {
      for (const p of pairs) {
        p.client.destroy();
        p.upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Real timers, with every pending one counted so a test can see none is left behind. */
export function trackedClock(): { clock: Clock; pending: Set<TimerHandle> } {
  const pending = new Set<TimerHandle>();
  const clock: Clock = {
    now: () => Date.now(),
    setTimeout(fn, ms) {
      const h: ReturnType<typeof setTimeout> = setTimeout(() => {
        pending.delete(h);
        fn();
      }, ms);
      pending.add(h);
      return h;
    },
    clearTimeout(h) {
      pending.delete(h);
      clearTimeout(h as ReturnType<typeof setTimeout>);
    },
  };
  return { clock, pending };
}

export interface PageView {
  conn: ResilientConnection;
  /** Every event the page saw, with its time: `native:close`, `synthetic:reconnecting` ... */
  seen: { t: number; kind: "native" | "synthetic"; ev: PageEvent | { type: string; code?: number; data?: unknown } }[];
  recorded: RecorderEvent[];
  pending: Set<TimerHandle>;
  sockets: SocketLike[];
  count(type: string): number;
}

function validateClose(code?: number): void {
  if (code !== undefined && code !== 1000 && (code < 3000 || code > 4999)) throw new Error("InvalidAccessError");
}

/** A protected page socket, wired the way the facade wires it. */
export function openPageSocket(
  url: string,
  rule: Omit<Rule, "match">,
  onEvent?: (ev: PageEvent) => void,
  extra: Partial<Pick<ConnectionOptions, "dedupeWindowMs" | "dialTimeoutMs">> = {},
): PageView {
  const { clock, pending } = trackedClock();
  const seen: PageView["seen"] = [];
  const recorded: RecorderEvent[] = [];
  const sockets: SocketLike[] = [];
  const initial = new WebSocket(url) as unknown as SocketLike;
  sockets.push(initial);
  const conn: ResilientConnection = new ResilientConnection({
    socketId: "t:1",
    url,
    protocols: [],
    initial,
    rule: resolveRule({ match: "*", ...rule }),
    createSocket: (u, protocols) => {
      const s = new WebSocket(u, protocols) as unknown as SocketLike;
      sockets.push(s);
      return s;
    },
    clock,
    random: Math.random,
    sink: {
      dispatch: (ev) => {
        seen.push({ t: Date.now(), kind: "synthetic", ev });
        onEvent?.(ev);
      },
    },
    recorder: { record: (e) => recorded.push(e) },
    invalidStateError: () => new Error("InvalidStateError"),
    validateClose,
    binaryType: () => "arraybuffer",
    ...extra,
  });
  for (const type of ["open", "message", "error", "close"]) {
    initial.addEventListener(type, (ev) => {
      if (conn.handleInitialEvent(ev)) {
        const c = ev as CloseEvent;
        const data: unknown = type === "message" ? (ev as MessageEvent).data : undefined;
        seen.push({ t: Date.now(), kind: "native", ev: { type, code: type === "close" ? c.code : undefined, data } });
      }
    });
  }
  return {
    conn,
    seen,
    recorded,
    pending,
    sockets,
    count: (type) => seen.filter((s) => s.ev.type === type).length,
  };
}

/** Waits until `cond()` holds, checking every few ms; fails after `timeoutMs`. */
export async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
