/**
 * SockJS. Recognised by the WebSocket transport's URL `<prefix>/<3-digit server>/<session>/websocket`
 * or the open frame `o`.
 *
 * Strategy `surface`: the session id is in the URL and the server opens each socket with `o`;
 * sockjs-client closes with 1006 "Server lost session" when a second `o` arrives. sockjs-client does
 * not reconnect at all: the page's own code does, after `close`, as it would without Lifeguard.
 *
 * Heartbeat: passive, once the server has shown it sends `h` frames (every `heartbeat_delay`, 25 s by
 * default, not announced). Lifeguard learns the period from two `h` frames in a row and declares death
 * after twice the longest seen (twice 25 s until then). sockjs-node sends no `h` over a real
 * WebSocket (it uses protocol-level pings, invisible to the page), and the client has no ping: there
 * the heartbeat stays off, since silence proves nothing.
 */
import { passive } from "./ping-pong";
import type { Liveness, ProtocolModule, ProtocolSamples } from "./types";

const PATH = /^[^?#]*\/\d{3}\/[^/?#]+\/websocket(?:[?#]|$)/;
const DEFAULT_HEARTBEAT_MS = 25000;

export const protocol: ProtocolModule = {
  id: "sockjs",
  name: "SockJS",
  recogniseSocket: (url) => (PATH.test(url) ? "URL path /<server>/<session>/websocket" : null),
  recogniseFrame: (dir, frame) => (dir === "in" && frame === "o" ? "SockJS open frame" : null),
  strategy: "surface",
  why: "the session is per socket and sockjs-client closes on a second open frame; the page's code reconnects",
  session() {
    let period = 0;
    let lastH = -1;
    let framesSinceH = 0;
    return passive(
      (dir, frame, now) => {
        if (dir !== "in") return;
        if (frame === "h") {
          if (lastH >= 0 && framesSinceH === 0) period = Math.max(period, now - lastH);
          lastH = now;
          framesSinceH = 0;
        } else {
          framesSinceH++;
        }
      },
      (): Liveness => {
        if (lastH < 0) return { kind: "off", why: "the server has sent no heartbeat frame" };
        const p = period > 0 ? period : DEFAULT_HEARTBEAT_MS;
        return { kind: "passive", intervalMs: p, timeoutMs: p, why: period > 0 ? `server heartbeat every ${p} ms (seen)` : "server heartbeat (25 s default)" };
      },
    );
  },
};

export const samples: ProtocolSamples = {
  url: "ws://example.test/echo/752/0xt4r2mb/websocket",
  protocols: [],
  handshake: [
    { dir: "in", frame: "o" },
    { dir: "out", frame: '["hello"]' },
    { dir: "in", frame: 'a["hello"]' },
  ],
  ping: "h",
};
