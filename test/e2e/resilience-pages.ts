/**
 * The three apps the resilience check is tried on (issue 20), each a page in
 * test/e2e/fixtures/resilience and its server here, on one HTTP port (port 0):
 * - `/raw.html`: a raw socket with no reconnect logic;
 * - `/naive.html`: reconnect-on-close, no heartbeat;
 * - `/socketio.html`: a Socket.IO client (its own reconnect, its server's pings).
 * `/app` is the raw pages' WebSocket server: `hello` on connect, a tick every 500 ms, `pong` to `ping`
 * (the heartbeat a protecting rule sets), `subscribed` to a subscribe. Socket.IO is served at its
 * usual path with a 1 s ping interval and timeout.
 */
import { createServer, type Server } from "node:http";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket as ServerSocket } from "ws";
import { Server as SocketIOServer } from "socket.io";
import { ROOT } from "./harness";
import type { Scenario } from "../../src/shared/resilience/types";

/** The default scenario's five steps, shortened (the e2e budget is minutes for all three apps). */
export const SHORT_SCENARIO: Scenario = {
  name: "e2e",
  settleMs: 1000,
  steps: [
    { kind: "drop", observeMs: 3000 },
    { kind: "restart", code: 1012, durationMs: 2000, observeMs: 5000 },
    { kind: "offline", durationMs: 2000, observeMs: 5000 },
    { kind: "blackhole", durationMs: 5000, observeMs: 6000 },
    { kind: "latency", inMs: 300, outMs: 300, durationMs: 2000, observeMs: 3000 },
  ],
};

/** The site's rule: raw sockets need a ping message for the heartbeat to find a half-open link. */
export const RULE = {
  match: "ws://127.0.0.1:*/app",
  reconnect: { minDelayMs: 100, maxDelayMs: 400 },
  heartbeat: { intervalMs: 500, timeoutMs: 500, message: "ping", reply: "pong" },
};

const FIXTURES = join(import.meta.dirname, "fixtures/resilience");
const SOCKET_IO_CLIENT = join(ROOT, "node_modules/socket.io-client/dist/socket.io.min.js");

export interface ResiliencePages {
  origin: string;
  /** Text frames `/app` received, in order. */
  received: string[];
  /** Socket.IO events received (`subscribe`, `chat`), in order. */
  events: string[];
  close(): Promise<void>;
}

export async function startResiliencePages(): Promise<ResiliencePages> {
  const received: string[] = [];
  const events: string[] = [];
  const http: Server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/lib/socket.io.min.js") {
      res.writeHead(200, { "content-type": "text/javascript" }).end(readFileSync(SOCKET_IO_CLIENT));
      return;
    }
    const file = join(FIXTURES, path.replace(/^\//, ""));
    if (!/^\/[a-z]+\.html$/.test(path) || !existsSync(file)) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(readFileSync(file));
  });
  // Socket.IO must leave the other upgrades alone (by default it ends them after a second).
  const io = new SocketIOServer(http, { pingInterval: 1000, pingTimeout: 1000, transports: ["websocket"], destroyUpgrade: false });
  io.on("connection", (s) => {
    s.on("subscribe", (channel: string) => {
      events.push(`subscribe ${channel}`);
      void s.join(channel);
    });
    s.on("chat", (text: string) => events.push(`chat ${text}`));
  });
  const ioTicks = setInterval(() => io.to("news").emit("tick", Date.now()), 500);

  const wss = new WebSocketServer({ noServer: true });
  const sockets = new Set<ServerSocket>();
  http.on("upgrade", (req, socket: Duplex, head) => {
    if (new URL(req.url ?? "/", "http://x").pathname !== "/app") return;
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on("close", () => sockets.delete(ws));
      ws.send(JSON.stringify({ type: "hello" }));
      ws.on("message", (data, isBinary) => {
        if (isBinary) return;
        const text = data.toString();
        received.push(text);
        if (text === "ping") ws.send("pong");
        else if (text.includes('"subscribe"')) ws.send(JSON.stringify({ type: "subscribed" }));
      });
    });
  });
  let n = 0;
  const ticks = setInterval(() => {
    const tick = JSON.stringify({ type: "tick", n: ++n });
    for (const ws of sockets) ws.send(tick);
  }, 500);

  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  const port = (http.address() as { port: number }).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    events,
    close: async () => {
      clearInterval(ticks);
      clearInterval(ioTicks);
      for (const ws of sockets) ws.terminate();
      wss.close();
      await io.close();
    },
  };
}
