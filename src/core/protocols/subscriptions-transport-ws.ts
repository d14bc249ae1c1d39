/**
 * subscriptions-transport-ws (Apollo's legacy protocol, confusingly the `graphql-ws` subprotocol).
 *
 * Strategy `surface`: operations live on the server per socket and need `connection_init` first; the
 * client (`reconnect: true`) re-sends its operations after its own reconnect.
 *
 * Heartbeat: off. The client has no ping message; the server's optional `ka` keep-alive interval is
 * not announced, so silence proves nothing.
 */
import { passive } from "./ping-pong";
import { hasSubprotocol, type ProtocolModule, type ProtocolSamples } from "./types";

export const protocol: ProtocolModule = {
  id: "subscriptions-transport-ws",
  name: "subscriptions-transport-ws",
  recogniseSocket: (_url, protocols) => hasSubprotocol(protocols, "graphql-ws"),
  recogniseFrame: () => null,
  strategy: "surface",
  why: "operations live per socket after connection_init; the client re-sends them after its own reconnect",
  session: () =>
    passive(
      () => {},
      () => ({ kind: "off", why: "the protocol has no client ping and the server's keep-alive interval is not announced" }),
    ),
};

export const samples: ProtocolSamples = {
  url: "ws://example.test/graphql",
  protocols: ["graphql-ws"],
  handshake: [
    { dir: "out", frame: '{"type":"connection_init","payload":{}}' },
    { dir: "in", frame: '{"type":"connection_ack"}' },
    { dir: "in", frame: '{"type":"ka"}' },
  ],
};
