// The demo: a chat/ticker page and a WebSocket server that misbehaves on a schedule, so a protected
// page can be watched surviving it. Every FAULT_EVERY_MS the next fault of the cycle happens:
//   drop       every connection is torn down (no closing handshake: a network failure, code 1006)
//   restart    the server stops listening for RESTART_MS: connects are refused, then it is back
//   half-open  the sockets open now stop getting anything (ticks, chat, pong) but stay open, as
//              behind a dead NAT mapping; only a heartbeat notices. New connections work.
// The server answers "ping" with "pong" (the heartbeat `npm start` configures) and tells the page
// what comes next, so the page can show it.
// PORT (default 8080; 0 picks a free one) and FAULT_EVERY_MS (default 15000) come from the environment.
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { WebSocketServer } from "ws";

const page = readFileSync(new URL("./index.html", import.meta.url), "utf8");
const FAULT_EVERY_MS = Number(process.env.FAULT_EVERY_MS ?? 15_000);
const RESTART_MS = Math.min(4_000, FAULT_EVERY_MS / 2);
/** A half-open socket is finally cut after this long, as TCP would give up (much later in real life). */
const HALF_OPEN_MS = 60_000;
const CYCLE = ["drop", "restart", "half-open"];

const http = createServer((req, res) => {
  res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(page);
});
const wss = new WebSocketServer({ server: http });
/** Sockets that went half-open: the server neither sends to them nor reads from them. */
const silent = new WeakSet();
let port = Number(process.env.PORT ?? 8080);
let tick = 0;
let next = 0;
let nextAt = Date.now() + FAULT_EVERY_MS;

const live = () => [...wss.clients].filter((c) => !silent.has(c) && c.readyState === c.OPEN);
const send = (c, message) => c.send(JSON.stringify(message));
const schedule = () => ({ fault: CYCLE[next], inMs: Math.max(0, nextAt - Date.now()) });

wss.on("connection", (ws) => {
  send(ws, { type: "hello", t: Date.now(), next: schedule() });
  ws.on("error", () => {}); // a torn-down peer is expected here
  ws.on("message", (data, isBinary) => {
    if (silent.has(ws)) return;
    const text = isBinary ? "" : data.toString();
    if (text === "ping") return ws.send("pong");
    for (const c of live()) send(c, { type: "chat", text: text.slice(0, 500), t: Date.now() });
  });
});

setInterval(() => {
  tick++;
  for (const c of live()) send(c, { type: "tick", n: tick, t: Date.now(), next: schedule() });
}, 1000).unref();

const faults = {
  drop() {
    log(`drop: tearing down ${live().length} connection(s)`);
    for (const c of wss.clients) c.terminate();
  },
  restart() {
    log(`restart: refusing connections for ${RESTART_MS / 1000} s`);
    for (const c of wss.clients) c.terminate();
    http.close();
    http.closeAllConnections?.();
    setTimeout(() => http.listen(port, "127.0.0.1", () => log("restart: listening again")), RESTART_MS).unref();
  },
  "half-open"() {
    const victims = live();
    log(`half-open: ${victims.length} connection(s) stop answering (kept open)`);
    for (const c of victims) {
      silent.add(c);
      setTimeout(() => c.terminate(), HALF_OPEN_MS).unref();
    }
  },
};

const timer = setInterval(() => {
  faults[CYCLE[next]]();
  next = (next + 1) % CYCLE.length;
  nextAt = Date.now() + FAULT_EVERY_MS;
}, FAULT_EVERY_MS);

function log(text) {
  console.log(`[demo ${new Date().toISOString().slice(11, 19)}] ${text}`);
}

http.listen(port, "127.0.0.1", () => {
  port = http.address().port; // the same port after a restart, also when PORT=0
  console.log(`demo: http://127.0.0.1:${port}/  (faults every ${FAULT_EVERY_MS / 1000} s: ${CYCLE.join(", ")})`);
});

function stop() {
  clearInterval(timer);
  for (const c of wss.clients) c.terminate();
  http.close(() => process.exit(0));
  http.closeAllConnections?.();
  setTimeout(() => process.exit(0), 1000).unref();
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
