/**
 * A real `ws` server (port 0) that speaks the small protocol the delivery and resume docs use:
 * `{"id":..}` frames from the client are acked with `{"type":"ack","id":..}` (unless acks are paused);
 * `publish()` sends numbered events `{"type":"event","seq":N}` to every open connection and keeps them;
 * `{"type":"resume","since":N}` (or `?since=N` on the URL) replays what came after N, starting
 * `overlap` events earlier, as servers that replay from a coarse checkpoint do.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket as ServerSocket } from "ws";

export interface AckServer {
  url: string;
  port: number;
  /** Every text frame received, in order, across connections (resume requests too). */
  received: string[];
  /** The `since` of each resume request, and how it came (message or query). */
  resumes: { since: number; via: "message" | "query" }[];
  connections: number;
  /** Frames sent as replays, over all resume requests. */
  replayed: number;
  /** While true, frames are received but not acked. */
  ackPaused: boolean;
  /** Replayed events start this many before `since + 1` (the overlap dedupe must hide). */
  overlap: number;
  /** Events published so far (the server's history). */
  readonly history: string[];
  latest(): ServerSocket;
  publish(count: number): void;
  close(): Promise<void>;
}

export async function startAckServer(): Promise<AckServer> {
  const history: string[] = [];
  const sockets = new Set<ServerSocket>();
  let last: ServerSocket | null = null;
  const httpServer = http.createServer();
  const wss = new WebSocketServer({ server: httpServer });
  const replay = (ws: ServerSocket, since: number, via: "message" | "query") => {
    api.resumes.push({ since, via });
    for (let seq = Math.max(1, since + 1 - api.overlap); seq <= history.length; seq++) {
      ws.send(history[seq - 1]!);
      api.replayed++;
    }
  };
  const api: AckServer = {
    url: "",
    port: 0,
    received: [],
    resumes: [],
    connections: 0,
    replayed: 0,
    ackPaused: false,
    overlap: 0,
    history,
    latest() {
      if (!last) throw new Error("no connection yet");
      return last;
    },
    publish(count) {
      for (let i = 0; i < count; i++) {
        const event = JSON.stringify({ type: "event", seq: history.length + 1 });
        history.push(event);
        for (const s of sockets) if (s.readyState === s.OPEN) s.send(event);
      }
    },
    async close() {
      for (const s of sockets) s.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => httpServer.close(() => r()));
    },
  };
  wss.on("connection", (ws, req) => {
    api.connections++;
    sockets.add(ws);
    last = ws;
    ws.on("close", () => sockets.delete(ws));
    ws.on("error", () => {});
    const since = new URL(req.url ?? "/", "http://x").searchParams.get("since");
    if (since !== null) replay(ws, Number(since), "query");
    ws.on("message", (data, isBinary) => {
      if (isBinary) return;
      const text = data.toString();
      api.received.push(text);
      let msg: { id?: unknown; type?: unknown; since?: unknown };
      try {
        msg = JSON.parse(text) as typeof msg;
      } catch {
        return;
      }
      if (msg.type === "resume" && typeof msg.since === "number") replay(ws, msg.since, "message");
      else if (msg.id !== undefined && !api.ackPaused) ws.send(JSON.stringify({ type: "ack", id: msg.id }));
    });
  });
  await new Promise<void>((r) => httpServer.listen(0, "127.0.0.1", r));
  api.port = (httpServer.address() as AddressInfo).port;
  api.url = `ws://127.0.0.1:${api.port}/`;
  return api;
}
