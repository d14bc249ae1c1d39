/**
 * MQTT over WebSocket. Recognised by the subprotocol (`mqtt`, `mqttv3.1`) or the CONNECT packet.
 *
 * Strategy `surface`: the first packet on every network connection must be CONNECT (MQTT 3.1.1
 * §3.1); a broker closes a connection whose first packet is a PUBLISH. MQTT.js reconnects on its own
 * (`reconnectPeriod`, 1 s by default) and re-subscribes.
 *
 * Heartbeat: PINGREQ (0xC0 0x00), answered by PINGRESP (0xD0 0x00), once CONNACK arrived. MQTT.js
 * itself waits up to 1.5 keep-alive periods (60 s by default) before it gives up.
 */
import { fifoPingPong } from "./ping-pong";
import { hasSubprotocol, sameBytes, type Frame, type ProtocolModule, type ProtocolSamples } from "./types";

const PINGREQ = [0xc0, 0x00];
const PINGRESP = [0xd0, 0x00];

/** A CONNECT packet: type 1, then the protocol name `MQTT` (3.1.1, 5) or `MQIsdp` (3.1) after the length. */
function isConnect(frame: Frame): boolean {
  if (typeof frame === "string" || frame[0] !== 0x10) return false;
  let i = 1;
  while (i < 5 && (frame[i]! & 0x80) !== 0) i++;
  const name = String.fromCharCode(...frame.subarray(i + 3, i + 3 + (frame[i + 2] ?? 0)));
  return name === "MQTT" || name === "MQIsdp";
}

export const protocol: ProtocolModule = {
  id: "mqtt",
  name: "MQTT",
  recogniseSocket: (_url, protocols) => hasSubprotocol(protocols, "mqtt", "mqttv3.1"),
  recogniseFrame: (dir, frame) => (dir === "out" && isConnect(frame) ? "MQTT CONNECT packet" : null),
  strategy: "surface",
  why: "every new connection must start with CONNECT; MQTT.js reconnects and re-subscribes on its own",
  session: (_url, adopted) =>
    fifoPingPong(
      {
        ping: () => new Uint8Array(PINGREQ),
        isPing: (f) => sameBytes(f, PINGREQ),
        isPong: (f) => sameBytes(f, PINGRESP),
        // CONNACK: packet type 2.
        ready: (dir, f) => dir === "in" && typeof f !== "string" && f[0] === 0x20,
      },
      adopted,
    ),
};

export const samples: ProtocolSamples = {
  url: "ws://example.test/mqtt",
  protocols: ["mqtt"],
  handshake: [
    // MQTT.js 5 CONNECT, protocol level 4, clean session, keep-alive 60, client id "lg".
    { dir: "out", frame: new Uint8Array([0x10, 0x0e, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3c, 0x00, 0x02, 0x6c, 0x67]) },
    { dir: "in", frame: new Uint8Array([0x20, 0x02, 0x00, 0x00]) },
  ],
  ping: new Uint8Array(PINGREQ),
  pong: new Uint8Array(PINGRESP),
};
