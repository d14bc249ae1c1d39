/**
 * Centrifugo / Centrifuge. Recognised by the endpoint path `/connection/websocket`, the subprotocol
 * `centrifuge-protobuf`, or the JSON `connect` command.
 *
 * Strategy `surface`: each socket must send `connect` (with its token) and subscribe again; the
 * server keeps no subscription for a new socket. centrifuge-js reconnects with backoff and resubscribes.
 *
 * Heartbeat: passive. The server pings (`{}`) every `ping` seconds, announced in its connect reply;
 * no inbound frame within that plus 10 s (centrifuge-js's own `maxServerPingDelay`) means dead.
 * Protobuf frames are not read: off there.
 */
import { passive } from "./ping-pong";
import { hasSubprotocol, smallJson, type Frame, type Liveness, type ProtocolModule, type ProtocolSamples } from "./types";

const PATH = /^[^?#]*\/connection\/websocket(?:[?#]|$)/;

function connectOf(frame: Frame): Record<string, unknown> | null {
  if (typeof frame !== "string" || !frame.includes('"connect"')) return null;
  // Several replies may share a frame, one JSON per line.
  const m = smallJson(frame.split("\n", 1)[0]!) as { connect?: unknown } | undefined;
  return m && typeof m === "object" && m.connect && typeof m.connect === "object" ? (m.connect as Record<string, unknown>) : null;
}

export const protocol: ProtocolModule = {
  id: "centrifugo",
  name: "Centrifugo",
  recogniseSocket: (url, protocols) =>
    hasSubprotocol(protocols, "centrifuge-protobuf") ?? (PATH.test(url) ? "URL path /connection/websocket" : null),
  recogniseFrame: (dir, frame) => (dir === "out" && connectOf(frame) ? "Centrifuge connect command" : null),
  strategy: "surface",
  why: "each socket must connect with its token and subscribe again; centrifuge-js reconnects and resubscribes",
  session() {
    let pingS = 0;
    return passive(
      (dir, frame) => {
        const c = dir === "in" ? connectOf(frame) : null;
        if (c && typeof c.ping === "number") pingS = c.ping;
      },
      (): Liveness =>
        pingS > 0
          ? { kind: "passive", intervalMs: pingS * 1000, timeoutMs: 10000, why: `server pings every ${pingS} s (connect reply)` }
          : { kind: "off", why: "no server ping announced" },
    );
  },
};

export const samples: ProtocolSamples = {
  url: "wss://example.test/connection/websocket",
  protocols: [],
  handshake: [
    { dir: "out", frame: '{"connect":{"token":"eyJhbGciOiJIUzI1NiJ9.e30.x","name":"js"},"id":1}' },
    { dir: "in", frame: '{"id":1,"connect":{"client":"421bf374-dd17-4f7d-b5e1-0e6b4c6b1e3f","version":"5.4.0","ping":25,"pong":true}}' },
  ],
  // The server's ping and the client's pong (Lifeguard sends neither).
  ping: "{}",
  pong: "{}",
};
