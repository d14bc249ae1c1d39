/**
 * A real `ws` server on port 0 for page-world tests: it counts handshakes (HTTP upgrade requests,
 * accepted or not), keeps every connection and what each one read, picks a subprotocol (the first
 * offered unless told otherwise), can hold handshakes unanswered, and answers each text frame as the
 * test says (nothing by default).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket as ServerSocket } from "ws";

export interface Connection {
  ws: ServerSocket;
  /** Text frames this connection read, in order (binary as `<binary N>`). */
  received: string[];
  /** The close this connection saw: its code and reason, once it closed. */
  closed: { code: number; reason: string } | null;
  protocol: string;
  path: string;
  /** Stops reading from the client, as a server that hangs: a closing handshake gets no answer. */
  freeze(): void;
}

export interface TestServer {
  port: number;
  /** `ws://127.0.0.1:PORT/` plus `path`. */
  url(path?: string): string;
  /** Handshakes that reached the server (upgrade requests), accepted or not. */
  readonly upgrades: number;
  readonly connections: Connection[];
  /** The latest connection. */
  last(): Connection;
  /** Text frames read over all connections, in order. */
  received(): string[];
  /** Called for each text frame a connection reads; `send` answers on that connection. */
  onText: (text: string, conn: Connection) => void;
  /** The subprotocol the server picks from those offered (default: the first), or false for none. */
  pick: (offered: string[]) => string | false;
  /** While true, handshakes wait unanswered (their sockets stay CONNECTING) until `release()`. */
  hold: boolean;
  /** Handshakes waiting now. */
  readonly held: number;
  /** Answers every waiting handshake. */
  release(): void;
  /** Refuses every waiting handshake (HTTP 403: the client fails to connect). */
  refuse(): void;
  close(): Promise<void>;
}

export async function startServer(opts: { perMessageDeflate?: boolean } = {}): Promise<TestServer> {
  const httpServer = http.createServer();
  let upgrades = 0;
  httpServer.on("upgrade", () => upgrades++);
  const waiting: ((ok: boolean) => void)[] = [];
  const wss = new WebSocketServer({
    server: httpServer,
    verifyClient: (_info, done) => {
      if (!server.hold) return done(true);
      waiting.push((ok) => (ok ? done(true) : done(false, 403)));
    },
    perMessageDeflate: opts.perMessageDeflate ?? false,
    handleProtocols: (protocols) => server.pick([...protocols]),
  });
  const connections: Connection[] = [];
  const server: TestServer = {
    port: 0,
    url: (path = "") => `ws://127.0.0.1:${server.port}/${path}`,
    get upgrades() {
      return upgrades;
    },
    connections,
    last() {
      const c = connections.at(-1);
      if (!c) throw new Error("no connection yet");
      return c;
    },
    received: () => connections.flatMap((c) => c.received),
    onText: () => {},
    pick: (offered) => offered[0] ?? false,
    hold: false,
    get held() {
      return waiting.length;
    },
    release() {
      for (const answer of waiting.splice(0)) answer(true);
    },
    refuse() {
      for (const answer of waiting.splice(0)) answer(false);
    },
    async close() {
      server.release();
      for (const c of connections) c.ws.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => httpServer.close(() => r()));
    },
  };
  wss.on("connection", (ws, req) => {
    const conn: Connection = {
      ws,
      received: [],
      closed: null,
      protocol: ws.protocol,
      path: req.url ?? "/",
      freeze: () => req.socket.pause(),
    };
    connections.push(conn);
    ws.on("error", () => {});
    ws.on("close", (code, reason) => (conn.closed = { code, reason: reason.toString() }));
    ws.on("message", (data, isBinary) => {
      const text = isBinary ? `<binary ${(data as Buffer).length}>` : data.toString();
      conn.received.push(text);
      if (!isBinary) server.onText(text, conn);
    });
  });
  await new Promise<void>((r) => httpServer.listen(0, "127.0.0.1", r));
  server.port = (httpServer.address() as AddressInfo).port;
  return server;
}

/** A port nothing listens on (a server opened and closed again): connects are refused. */
export async function refusedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
