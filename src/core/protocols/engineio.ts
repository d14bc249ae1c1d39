/**
 * Socket.IO / Engine.IO. Recognised by the `EIO=` query (3 or 4) or the `/socket.io/` path, or the
 * Engine.IO open packet `0{"sid":...}`.
 *
 * Strategy `surface`: a new WebSocket is a new Engine.IO session: the server expects a fresh open
 * packet and sid, and Socket.IO namespaces must be connected again (`40`). socket.io-client's Manager
 * reconnects on its own after a close (`reconnection: true` by default) and reconnects namespaces.
 *
 * Heartbeat: Engine.IO 4 (Socket.IO 3+) has the server ping (`2`) and the client answer (`3`); the
 * client cannot ask. So Lifeguard listens: no inbound frame within `pingInterval + pingTimeout` of the
 * open packet means dead (defaults 25000 + 20000 when the open packet came over HTTP long-polling
 * before the upgrade). Engine.IO 3 (Socket.IO 2) has the client ping `2` and the server answer `3`.
 */
import { fifoPingPong, passive } from "./ping-pong";
import { smallJson, type Liveness, type ProtocolModule, type ProtocolSamples } from "./types";

const EIO = /[?&]EIO=(\d+)/;

function version(url: string): number {
  return Number(EIO.exec(url)?.[1] ?? 4);
}

function eio4(): ReturnType<ProtocolModule["session"]> {
  let intervalMs = 25000;
  let timeoutMs = 20000;
  let from = "Engine.IO 4 defaults (open packet not seen)";
  return passive(
    (dir, frame) => {
      if (dir !== "in" || typeof frame !== "string" || !frame.startsWith("0{")) return;
      const open = smallJson(frame.slice(1)) as { pingInterval?: unknown; pingTimeout?: unknown } | undefined;
      if (open && typeof open.pingInterval === "number" && typeof open.pingTimeout === "number") {
        intervalMs = open.pingInterval;
        timeoutMs = open.pingTimeout;
        from = "the open packet";
      }
    },
    (): Liveness => ({ kind: "passive", intervalMs, timeoutMs, why: `server pings: pingInterval + pingTimeout from ${from}` }),
  );
}

export const protocol: ProtocolModule = {
  id: "engineio",
  name: "Socket.IO / Engine.IO",
  recogniseSocket(url) {
    const v = EIO.exec(url)?.[1];
    if (v) return `URL query EIO=${v}`;
    return /^[^?#]*\/socket\.io\//.test(url) ? "URL path /socket.io/" : null;
  },
  recogniseFrame: (dir, frame) =>
    dir === "in" && typeof frame === "string" && frame.startsWith('0{"sid":') ? "Engine.IO open packet" : null,
  strategy: "surface",
  why: "a new connection needs a new Engine.IO handshake and sid; socket.io-client reconnects on its own",
  session(url, adopted) {
    if (version(url) >= 4) return eio4();
    return fifoPingPong({ ping: () => "2", isPing: (f) => f === "2", isPong: (f) => f === "3" }, adopted);
  },
};

export const samples: ProtocolSamples = {
  url: "ws://example.test/socket.io/?EIO=4&transport=websocket",
  protocols: [],
  handshake: [
    { dir: "in", frame: '0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}' },
    { dir: "out", frame: "40" },
    { dir: "in", frame: '40{"sid":"wZX3oN0bSVIhsaknAAAI"}' },
  ],
};
