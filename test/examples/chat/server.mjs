// A small chat app, as a user of Lifeguard's testing API would have: an HTTP page and a WebSocket
// server on one port. The page keeps a status line and a message log; it reconnects by itself only
// when Lifeguard protects it.
import { createServer } from "node:http";
import { WebSocketServer } from "ws";

const PAGE = `<!doctype html>
<meta charset="utf-8" />
<title>Chat</title>
<p>Status: <b id="status">connecting</b></p>
<ul id="log"></ul>
<script>
  const ws = new WebSocket("ws://" + location.host + "/chat");
  const status = document.getElementById("status");
  ws.onopen = () => (status.textContent = "open");
  ws.onclose = () => (status.textContent = "closed");
  ws.onmessage = (e) => {
    const li = document.createElement("li");
    li.textContent = e.data;
    document.getElementById("log").append(li);
  };
  window.say = (text) => ws.send(text);
</script>`;

export async function startChat() {
  const received = [];
  const http = createServer((req, res) => res.writeHead(200, { "content-type": "text/html" }).end(PAGE));
  const wss = new WebSocketServer({ server: http, path: "/chat" });
  wss.on("connection", (ws) => {
    ws.send("welcome");
    ws.on("message", (data) => {
      received.push(String(data));
      ws.send(`echo: ${data}`);
    });
  });
  await new Promise((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    received,
    close: () => {
      for (const ws of wss.clients) ws.terminate();
      return new Promise((resolve) => http.close(resolve));
    },
  };
}
