/**
 * Phoenix channels. Recognised by the `vsn=` query the JS client always adds (`/socket/websocket?vsn=2.0.0`),
 * or a `phx_join`.
 *
 * Strategy `surface`: channels are server processes joined per socket (`phx_join`); a new socket has
 * none, and pushes to a topic not joined are refused. phoenix.js reconnects with its own backoff and
 * rejoins every channel.
 *
 * Heartbeat: `heartbeat` on topic `phoenix`, answered by `phx_reply` with the same ref; v1 serializer
 * (objects) or v2 (arrays, `vsn=2.x`). Lifeguard's refs (`lg:N`) cannot be the client's (numbers), so
 * only replies to Lifeguard's own heartbeats are hidden.
 */
import { smallJson, type Frame, type ProtocolModule, type ProtocolSamples, type ProtocolSession } from "./types";

const VSN = /[?&]vsn=([\d.]+)/;

/** [topic, event, ref] of a v1 object or v2 array message. */
function parts(frame: Frame): [unknown, unknown, unknown] | null {
  const m = smallJson(frame);
  if (Array.isArray(m)) return m.length === 5 ? [m[2], m[3], m[1]] : null;
  if (m && typeof m === "object") {
    const o = m as { topic?: unknown; event?: unknown; ref?: unknown };
    return [o.topic, o.event, o.ref];
  }
  return null;
}

export const protocol: ProtocolModule = {
  id: "phoenix",
  name: "Phoenix",
  recogniseSocket: (url) => {
    const v = VSN.exec(url)?.[1];
    return v ? `URL query vsn=${v}` : null;
  },
  recogniseFrame(dir, frame) {
    if (dir !== "out" || typeof frame !== "string" || !frame.includes("phx_join")) return null;
    return parts(frame)?.[1] === "phx_join" ? "Phoenix phx_join" : null;
  },
  strategy: "surface",
  why: "channels are joined per socket; phoenix.js reconnects and rejoins them",
  session(url): ProtocolSession {
    let v2 = (VSN.exec(url)?.[1] ?? "1").startsWith("2");
    const ours = new Set<string>();
    let n = 0;
    return {
      observe(dir, frame) {
        // The serializer is whatever the client speaks.
        if (dir === "out" && typeof frame === "string" && (frame[0] === "[" || frame[0] === "{")) v2 = frame[0] === "[";
      },
      liveness: () => ({ kind: "ping" }),
      ping() {
        const ref = `lg:${++n}`;
        ours.add(ref);
        return v2
          ? JSON.stringify([null, ref, "phoenix", "heartbeat", {}])
          : JSON.stringify({ topic: "phoenix", event: "heartbeat", payload: {}, ref });
      },
      isOwnReply(frame) {
        if (ours.size === 0 || typeof frame !== "string" || !frame.includes('"lg:')) return false;
        const p = parts(frame);
        if (!p || p[0] !== "phoenix" || p[1] !== "phx_reply" || typeof p[2] !== "string") return false;
        return ours.delete(p[2]);
      },
    };
  },
};

export const samples: ProtocolSamples = {
  url: "wss://example.test/socket/websocket?token=abc&vsn=2.0.0",
  protocols: [],
  handshake: [
    { dir: "out", frame: '["3","3","room:lobby","phx_join",{}]' },
    { dir: "in", frame: '["3","3","room:lobby","phx_reply",{"status":"ok","response":{}}]' },
  ],
  ping: '[null,"lg:1","phoenix","heartbeat",{}]',
  pong: '[null,"lg:1","phoenix","phx_reply",{"status":"ok","response":{}}]',
};
