/**
 * Real client libraries (their own browser bundles from node_modules) against their real servers in
 * Node, in Chromium without Lifeguard and with it protecting `ws://127.0.0.1:*` (issue #6). Each
 * library's page goes through a TCP proxy that can black-hole it. For each: a round trip works; after
 * the server kills the connection and after a half-open black-hole the library's own round trip works
 * again (times printed as a table); the servers saw no frame they reject.
 */
import { createServer, type RequestListener, type Server } from "node:http";
import type { Socket } from "node:net";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { WebSocketServer, createWebSocketStream } from "ws";
import { Server as SocketIOServer } from "socket.io";
import { useServer } from "graphql-ws/use/ws";
import { createRequire } from "node:module";
import sockjs from "sockjs";
import { Aedes } from "aedes";
import { launchChromium, ROOT, type Chromium } from "./harness";
import { startProxy, type Proxy } from "../integration/harness";

const FIXTURES = join(import.meta.dirname, "fixtures/libs");
const BUNDLES: Record<string, string> = {
  "socket.io.min.js": "socket.io-client/dist/socket.io.min.js",
  "graphql-ws.min.js": "graphql-ws/umd/graphql-ws.min.js",
  "sockjs.min.js": "sockjs-client/dist/sockjs.min.js",
  "mqtt.min.js": "mqtt/dist/mqtt.min.js",
  "stomp.umd.min.js": "@stomp/stompjs/bundles/stomp.umd.min.js",
  "reconnecting-websocket-iife.js": "reconnecting-websocket/dist/reconnecting-websocket-iife.js",
  "partysocket-ws.js": "partysocket/dist/ws.js",
};

const RULE_TIMING = { reconnect: { minDelayMs: 100, maxDelayMs: 400 }, heartbeat: { intervalMs: 500, timeoutMs: 500 } };
const SETTINGS = {
  rules: [
    // Raw sockets speak no known protocol: the heartbeat needs a message of its own.
    { match: "ws://127.0.0.1:*/raw*", ...RULE_TIMING, heartbeat: { ...RULE_TIMING.heartbeat, message: "ping", reply: "pong" } },
    { match: "ws://127.0.0.1:*", ...RULE_TIMING },
  ],
};
const HALF_OPEN_WAIT_MS = 6000;
const KILL_WAIT_MS = 6000;

/** A library's server in Node: kills every TCP connection on demand and lists frames it rejected. */
interface LibServer {
  port: number;
  /** The URL the page hands the library, with `{PORT}` for the proxy's port. */
  clientUrl: string;
  rejected: string[];
  kill(): void;
  close(): Promise<void>;
}

interface Lib {
  name: string;
  page: string;
  start(): Promise<LibServer>;
  /** Lifeguard's bound on finding a half-open connection (the rule's, or the protocol's own window). */
  detectionBoundMs: number;
  /**
   * False where no page-visible sign of life exists: sockjs-node pings with WebSocket ping frames, not
   * `h`, and SockJS clients cannot ask. Lifeguard must then do no harm (and cannot help).
   */
  halfOpenDetectable?: boolean;
}

async function listen(handler?: RequestListener): Promise<{ http: Server; port: number; kill(): void }> {
  const http = createServer(handler);
  const sockets = new Set<Socket>();
  http.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  return {
    http,
    port: (http.address() as { port: number }).port,
    kill: () => {
      for (const s of sockets) s.destroy();
    },
  };
}

const closeHttp = (http: Server) => new Promise<void>((r) => http.close(() => r()));

const LIBS: Lib[] = [
  {
    name: "Socket.IO",
    page: "socketio.html",
    detectionBoundMs: 2000,
    async start() {
      const { http, port, kill } = await listen();
      const io = new SocketIOServer(http, { pingInterval: 1000, pingTimeout: 1000, transports: ["websocket"] });
      const rejected: string[] = [];
      io.engine.on("connection", (conn: { on(ev: string, fn: (reason: string) => void): void }) =>
        conn.on("close", (reason) => {
          if (reason === "parse error") rejected.push(reason);
        }),
      );
      io.on("connection", (s) => s.on("echo", (x: string, cb: (x: string) => void) => cb(x)));
      return { port, clientUrl: "http://127.0.0.1:{PORT}", rejected, kill, close: async () => void (await io.close()) };
    },
  },
  {
    name: "graphql-ws",
    page: "graphql-ws.html",
    detectionBoundMs: 1000,
    async start() {
      const { http, port, kill } = await listen();
      const wss = new WebSocketServer({ server: http, path: "/graphql" });
      const rejected: string[] = [];
      const allowed = new Set(["connection_init", "subscribe", "complete", "ping", "pong"]);
      wss.on("connection", (ws) =>
        ws.on("message", (data) => {
          let type: unknown;
          try {
            type = (JSON.parse(data.toString()) as { type?: unknown }).type;
          } catch {
            type = undefined;
          }
          if (!allowed.has(type as string)) rejected.push(data.toString().slice(0, 80));
        }),
      );
      // The same copy of graphql as graphql-ws's server (Node resolves it to CommonJS, vite to ESM).
      const { GraphQLObjectType, GraphQLSchema, GraphQLString } = createRequire(import.meta.url)("graphql") as typeof import("graphql");
      const schema = new GraphQLSchema({
        query: new GraphQLObjectType({
          name: "Query",
          fields: { echo: { type: GraphQLString, args: { x: { type: GraphQLString } }, resolve: (_s, a: { x: string }) => a.x } },
        }),
      });
      useServer({ schema }, wss);
      return { port, clientUrl: "ws://127.0.0.1:{PORT}/graphql", rejected, kill, close: () => closeHttp(http) };
    },
  },
  {
    name: "SockJS",
    page: "sockjs.html",
    detectionBoundMs: 2000,
    halfOpenDetectable: false,
    async start() {
      const { http, port, kill } = await listen();
      const rejected: string[] = [];
      const server = sockjs.createServer({ heartbeat_delay: 1000, log: () => {} });
      server.on("connection", (conn) => {
        if (!conn) return;
        conn.on("data", (d: string) => {
          if (!d.startsWith("rt-")) rejected.push(d.slice(0, 80));
          conn.write(d);
        });
      });
      server.installHandlers(http, { prefix: "/echo" });
      return { port, clientUrl: "http://127.0.0.1:{PORT}/echo", rejected, kill, close: () => closeHttp(http) };
    },
  },
  {
    name: "MQTT (aedes)",
    page: "mqtt.html",
    detectionBoundMs: 1000,
    async start() {
      const { http, port, kill } = await listen();
      const aedes = await Aedes.createBroker();
      const rejected: string[] = [];
      aedes.on("clientError", (_c, err) => {
        if (!/ECONNRESET|EPIPE|closed|destroyed|keep ?alive/i.test(err.message)) rejected.push(err.message);
      });
      aedes.on("connectionError", (_c, err) => rejected.push(err.message));
      const wss = new WebSocketServer({ server: http, path: "/mqtt", handleProtocols: (p) => (p.has("mqtt") ? "mqtt" : false) });
      wss.on("connection", (ws) => {
        const stream = createWebSocketStream(ws);
        stream.on("error", () => {});
        aedes.handle(stream as never);
      });
      return {
        port,
        clientUrl: "ws://127.0.0.1:{PORT}/mqtt",
        rejected,
        kill,
        close: async () => {
          await new Promise<void>((r) => aedes.close(() => r()));
          await closeHttp(http);
        },
      };
    },
  },
  {
    name: "STOMP (stompjs)",
    page: "stomp.html",
    detectionBoundMs: 2000,
    start: startStompServer,
  },
  { name: "reconnecting-websocket", page: "reconnecting-websocket.html", detectionBoundMs: 1000, start: startRawServer },
  { name: "partysocket", page: "partysocket.html", detectionBoundMs: 1000, start: startRawServer },
];

/** Echo; `ping` is answered `pong` (the raw rule's heartbeat). */
async function startRawServer(): Promise<LibServer> {
  const { http, port, kill } = await listen();
  const wss = new WebSocketServer({ server: http, path: "/raw" });
  const rejected: string[] = [];
  wss.on("connection", (ws) =>
    ws.on("message", (data) => {
      const text = data.toString();
      if (text === "ping") return ws.send("pong");
      if (!text.startsWith("rt-")) rejected.push(text.slice(0, 80));
      ws.send(text);
    }),
  );
  return { port, clientUrl: "ws://127.0.0.1:{PORT}/raw", rejected, kill, close: () => closeHttp(http) };
}

/**
 * A minimal STOMP 1.2 broker: CONNECT/STOMP, SUBSCRIBE, UNSUBSCRIBE, SEND, DISCONNECT; heart-beats
 * as negotiated (it offers to send every 1000 ms). Anything else is an ERROR and counts as rejected.
 */
async function startStompServer(): Promise<LibServer> {
  const { http, port, kill } = await listen();
  const wss = new WebSocketServer({ server: http, path: "/stomp", handleProtocols: (p) => (p.has("v12.stomp") ? "v12.stomp" : false) });
  const rejected: string[] = [];
  const subs = new Map<import("ws").WebSocket, Map<string, string>>();
  let messageId = 0;
  wss.on("connection", (ws) => {
    const mine = new Map<string, string>();
    subs.set(ws, mine);
    let beat: ReturnType<typeof setInterval> | null = null;
    ws.on("close", () => {
      subs.delete(ws);
      if (beat) clearInterval(beat);
    });
    ws.on("error", () => {});
    ws.on("message", (data) => {
      for (const raw of data.toString().split("\0")) {
        const text = raw.replace(/^[\r\n]+/, "");
        if (text === "") continue; // a heart-beat
        const [head = "", body = ""] = text.split("\n\n");
        const [command, ...lines] = head.split("\n");
        const h = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1)]));
        switch (command) {
          case "CONNECT":
          case "STOMP": {
            const [, cy = 0] = (h["heart-beat"] ?? "0,0").split(",").map(Number);
            ws.send(`CONNECTED\nversion:1.2\nheart-beat:1000,1000\n\n\0`);
            if (cy > 0) beat = setInterval(() => ws.readyState === 1 && ws.send("\n"), Math.max(1000, cy));
            break;
          }
          case "SUBSCRIBE":
            mine.set(h.id!, h.destination!);
            break;
          case "UNSUBSCRIBE":
            mine.delete(h.id!);
            break;
          case "SEND":
            for (const [peer, theirs] of subs) {
              for (const [id, dest] of theirs) {
                if (dest === h.destination) peer.send(`MESSAGE\ndestination:${dest}\nmessage-id:${++messageId}\nsubscription:${id}\n\n${body}\0`);
              }
            }
            break;
          case "DISCONNECT":
            if (h.receipt) ws.send(`RECEIPT\nreceipt-id:${h.receipt}\n\n\0`);
            ws.close();
            break;
          default:
            rejected.push(text.slice(0, 80));
            ws.send(`ERROR\nmessage:unknown command\n\n\0`);
            ws.close();
        }
      }
    });
  });
  return { port, clientUrl: "ws://127.0.0.1:{PORT}/stomp", rejected, kill, close: () => closeHttp(http) };
}

// -------------------------------------------------------------------------------------------------

let pages: { http: Server; origin: string };
let plain: Chromium;
let guarded: Chromium;
const table: { lib: string; mode: string; kill: string; halfOpen: string; detectedMs: string }[] = [];

async function startPages(): Promise<{ http: Server; origin: string }> {
  const { http, port } = await listen((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    let file: string | undefined;
    if (path.startsWith("/lib/")) {
      const bundle = BUNDLES[path.slice(5)];
      if (bundle) file = join(ROOT, "node_modules", bundle);
    } else if (path.startsWith("/libs/") && !path.includes("..")) {
      file = join(FIXTURES, path.slice(6));
    }
    if (!file || !existsSync(file)) return void res.writeHead(404).end();
    const type = file.endsWith(".html") ? "text/html" : "text/javascript";
    res.writeHead(200, { "content-type": `${type}; charset=utf-8`, "cache-control": "no-store" }).end(readFileSync(file));
  });
  return { http, origin: `http://127.0.0.1:${port}` };
}

beforeAll(async () => {
  pages = await startPages();
  [plain, guarded] = await Promise.all([launchChromium({ extension: false }), launchChromium({ extension: true })]);
  await guarded.worker!.evaluate((s) => chrome.storage.local.set({ settings: s }), SETTINGS);
});

afterAll(async () => {
  await Promise.all([plain?.close(), guarded?.close()]);
  if (pages) await closeHttp(pages.http);
  const rows = table.map((r) => `| ${r.lib} | ${r.mode} | ${r.kill} | ${r.halfOpen} | ${r.detectedMs} |`);
  console.log(
    ["", "| library | mode | kill: recovered (ms) | half-open: recovered (ms) | half-open: page saw close (ms) |", "|---|---|---|---|---|", ...rows].join("\n"),
  );
});

type W = { lib: { rt(): Promise<unknown> }; socketLog: { type: string; t: number; code?: number; url: string }[] };

/** One round trip of the library's own, true if it completed within its deadline. */
const roundTrip = (page: Page) => page.evaluate(() => (window as unknown as W).lib.rt().then(() => true, () => false));

/** Milliseconds from `since` to the first good round trip, or null by the deadline. */
async function recovery(page: Page, since: number, deadlineMs: number): Promise<number | null> {
  while (Date.now() - since < deadlineMs) {
    if (await roundTrip(page)) return Date.now() - since;
    await new Promise((r) => setTimeout(r, 50));
  }
  return null;
}

/** Milliseconds from `since` to the first close the page itself saw, or null. */
async function pageSawClose(page: Page, since: number): Promise<number | null> {
  const log = await page.evaluate(() => (window as unknown as W).socketLog);
  const close = log.find((e) => e.type === "close" && e.t >= since);
  return close ? close.t - since : null;
}

const show = (ms: number | null) => (ms === null ? "not recovered" : String(ms));

describe("client libraries in Chromium, unprotected and protected", () => {
  for (const lib of LIBS) {
    it(lib.name, async () => {
      const server = await lib.start();
      const proxy: Proxy = await startProxy(server.port);
      const proxyPort = new URL(proxy.url).port;
      const url = server.clientUrl.replace("{PORT}", proxyPort);
      const modes = [
        { mode: "unprotected", browser: plain },
        { mode: "protected", browser: guarded },
      ];
      try {
        const opened = await Promise.all(
          modes.map(async (m) => {
            const page = await m.browser.context.newPage();
            page.on("pageerror", (e) => console.log(`[${lib.name} ${m.mode}] page error: ${e.message}`));
            await page.goto(`${pages.origin}/libs/${lib.page}?url=${encodeURIComponent(url)}`);
            await page.waitForFunction(() => !!(window as unknown as W).lib);
            return { ...m, page };
          }),
        );
        for (const { page, mode } of opened) expect(await recovery(page, Date.now(), 10_000), `${lib.name} ${mode}: first round trip`).not.toBeNull();

        // The server kills every connection (no closing handshake).
        const killedAt = Date.now();
        server.kill();
        const kill = await Promise.all(opened.map((o) => recovery(o.page, killedAt, KILL_WAIT_MS)));

        // Only once both are back: a half-open black-hole.
        for (const { page } of opened) await recovery(page, Date.now(), KILL_WAIT_MS);
        await new Promise((r) => setTimeout(r, 300));
        const holedAt = Date.now();
        proxy.blackHoleAll();
        const halfOpen = await Promise.all(opened.map((o) => recovery(o.page, holedAt, HALF_OPEN_WAIT_MS)));
        const detected = await Promise.all(opened.map((o) => pageSawClose(o.page, holedAt)));
        opened.forEach((o, i) =>
          table.push({ lib: lib.name, mode: o.mode, kill: show(kill[i]!), halfOpen: show(halfOpen[i]!), detectedMs: show(detected[i]!).replace("not recovered", "-") }),
        );
        const [, prot] = [0, 1];
        expect(kill[prot], `${lib.name} protected: recovery after kill`).not.toBeNull();
        expect(kill[prot]!).toBeLessThan(3000);
        if (lib.halfOpenDetectable !== false) {
          expect(halfOpen[prot], `${lib.name} protected: recovery after half-open`).not.toBeNull();
          expect(halfOpen[prot]!).toBeLessThanOrEqual(lib.detectionBoundMs + 2500);
          // The page's own socket was closed promptly (surface) or the loss hidden (transparent).
          if (detected[prot] !== null) expect(detected[prot]!).toBeLessThanOrEqual(lib.detectionBoundMs + 1500);
        }
        // Lifeguard never does worse than the library alone.
        for (const r of [kill, halfOpen]) if (r[0] !== null) expect(r[prot]).not.toBeNull();
        expect(kill[0], `${lib.name} unprotected: the library's own reconnect after kill`).not.toBeNull();
        expect(server.rejected, `${lib.name}: frames the server rejected`).toEqual([]);
        await Promise.all(opened.map((o) => o.page.close()));
      } finally {
        await proxy.close();
        await server.close();
      }
    });
  }
});
