/**
 * STOMP over WebSocket. Recognised by the subprotocol (`v10.stomp`, `v11.stomp`, `v12.stomp`) or the
 * CONNECT / STOMP frame.
 *
 * Strategy `surface`: a new connection must begin with CONNECT (STOMP 1.2, "Connecting") and holds
 * no subscriptions; @stomp/stompjs reconnects (`reconnectDelay`) and its `onConnect` subscribes again.
 *
 * Heartbeat: passive, and only when heart-beating was negotiated. Per the spec the server sends
 * heart-beats every max(sx, cy) ms only when its CONNECTED `heart-beat:sx,sy` and the client's
 * `heart-beat:cx,cy` both ask for them; an EOL from the client gets no answer, so Lifeguard sends none
 * (the client library sends its own where negotiated). Dead: no inbound data for twice the negotiated
 * period (the spec leaves the tolerance to the receiver; stompjs uses the same factor).
 */
import { passive } from "./ping-pong";
import { hasSubprotocol, type Frame, type Liveness, type ProtocolModule, type ProtocolSamples } from "./types";

const COMMAND = /^[\r\n]*([A-Z]+)\r?\n/;

function command(frame: Frame): string | undefined {
  return typeof frame === "string" ? COMMAND.exec(frame)?.[1] : undefined;
}

function heartBeat(frame: string): [number, number] | null {
  const m = /\nheart-beat:(\d+),(\d+)\r?\n/.exec(frame.slice(0, 2048));
  return m ? [Number(m[1]), Number(m[2])] : null;
}

export const protocol: ProtocolModule = {
  id: "stomp",
  name: "STOMP",
  recogniseSocket: (_url, protocols) => hasSubprotocol(protocols, "v10.stomp", "v11.stomp", "v12.stomp"),
  recogniseFrame(dir, frame) {
    const c = command(frame);
    if (dir === "out" && (c === "CONNECT" || c === "STOMP")) return `STOMP ${c} frame`;
    if (dir === "in" && c === "CONNECTED") return "STOMP CONNECTED frame";
    return null;
  },
  strategy: "surface",
  why: "a new connection must send CONNECT and subscribe again; stompjs reconnects and calls onConnect",
  session() {
    // Client wants to receive every cy ms; server offers every sx ms (0: no).
    let cy = 0;
    let sx = 0;
    let connected = false;
    return passive(
      (dir, frame) => {
        const c = command(frame);
        if (dir === "out" && (c === "CONNECT" || c === "STOMP")) cy = heartBeat(frame as string)?.[1] ?? 0;
        else if (dir === "in" && c === "CONNECTED") {
          connected = true;
          sx = heartBeat(frame as string)?.[0] ?? 0;
        }
      },
      (): Liveness => {
        if (!connected) return { kind: "off", why: "CONNECTED not seen" };
        if (sx === 0 || cy === 0) return { kind: "off", why: "server heart-beating not negotiated" };
        const period = Math.max(sx, cy);
        return { kind: "passive", intervalMs: period, timeoutMs: period, why: `negotiated server heart-beat every ${period} ms` };
      },
    );
  },
};

export const samples: ProtocolSamples = {
  url: "ws://example.test/stomp",
  protocols: ["v12.stomp", "v11.stomp", "v10.stomp"],
  handshake: [
    { dir: "out", frame: "CONNECT\naccept-version:1.2,1.1,1.0\nheart-beat:10000,10000\n\n\0" },
    { dir: "in", frame: "CONNECTED\nversion:1.2\nheart-beat:10000,10000\n\n\0" },
  ],
  // Heart-beats are a bare EOL each way, never answered.
  ping: "\n",
};
