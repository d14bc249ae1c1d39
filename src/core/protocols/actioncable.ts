/**
 * Rails Action Cable. Recognised by the subprotocol `actioncable-v1-json` or the `welcome` message.
 *
 * Strategy `surface`: subscriptions are per connection (`subscribe` commands); @rails/actioncable's
 * ConnectionMonitor reopens the socket and its subscriptions resubscribe.
 *
 * Heartbeat: passive. The server sends `{"type":"ping"}` every 3 s; no inbound frame within 6 s
 * (the client's own stale threshold) means dead.
 */
import { passive } from "./ping-pong";
import { hasSubprotocol, jsonType, type ProtocolModule, type ProtocolSamples } from "./types";

export const protocol: ProtocolModule = {
  id: "actioncable",
  name: "Action Cable",
  recogniseSocket: (_url, protocols) => hasSubprotocol(protocols, "actioncable-v1-json"),
  recogniseFrame: (dir, frame) => (dir === "in" && jsonType(frame) === "welcome" ? "Action Cable welcome" : null),
  strategy: "surface",
  why: "subscriptions are per connection; the client's ConnectionMonitor reopens and resubscribes",
  session: () =>
    passive(
      () => {},
      () => ({ kind: "passive", intervalMs: 3000, timeoutMs: 3000, why: "server pings every 3 s" }),
    ),
};

export const samples: ProtocolSamples = {
  url: "wss://example.test/cable",
  protocols: ["actioncable-v1-json", "actioncable-unsupported"],
  handshake: [
    { dir: "in", frame: '{"type":"welcome"}' },
    { dir: "out", frame: '{"command":"subscribe","identifier":"{\\"channel\\":\\"ChatChannel\\"}"}' },
    { dir: "in", frame: '{"identifier":"{\\"channel\\":\\"ChatChannel\\"}","type":"confirm_subscription"}' },
    { dir: "in", frame: '{"type":"ping","message":1767225600}' },
  ],
};
