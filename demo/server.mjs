// The demo: a chat/ticker page and a WebSocket server that misbehaves on a schedule (drops every
// connection every 20 s), so a protected page can be watched surviving it.
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { WebSocketServer } from "ws";

const page = readFileSync(new URL("./index.html", import.meta.url), "utf8");
const port = Number(process.env.PORT ?? 8080);
const http = createServer((req, res) => {
  res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page);
});
const wss = new WebSocketServer({ server: http });
let tick = 0;
wss.on("connection", (ws) => {
  ws.send(JSON.stringify({ type: "hello", t: Date.now() }));
  ws.on("message", (data) => {
    for (const c of wss.clients) c.send(JSON.stringify({ type: "chat", text: data.toString().slice(0, 500) }));
  });
});
setInterval(() => {
  tick++;
  for (const c of wss.clients) c.send(JSON.stringify({ type: "tick", n: tick, t: Date.now() }));
}, 1000);
setInterval(() => {
  console.log(`dropping ${wss.clients.size} connection(s)`);
  for (const c of wss.clients) c.terminate();
}, 20_000);
http.listen(port, "127.0.0.1", () => console.log(`demo: http://127.0.0.1:${port}/  (Ctrl-C stops it)`));
process.on("SIGTERM", () => process.exit(0));
process.on("SIGINT", () => process.exit(0));
