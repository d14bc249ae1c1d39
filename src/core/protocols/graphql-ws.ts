/**
 * graphql-ws (the `graphql-transport-ws` subprotocol). Recognised by its subprotocol, which the
 * client always offers.
 *
 * Strategy `surface`: every socket must start with `connection_init` and wait for `connection_ack`;
 * a `subscribe` before that makes the server close with 4401. The graphql-ws client retries closes
 * that are not fatal (1006 among them, `retryAttempts` 5 by default) and subscribes again.
 *
 * Heartbeat: `{"type":"ping"}`, answered by `{"type":"pong"}`; the protocol allows pings at any
 * time on an open socket.
 */
import { fifoPingPong } from "./ping-pong";
import { hasSubprotocol, jsonType, type ProtocolModule, type ProtocolSamples } from "./types";

export const protocol: ProtocolModule = {
  id: "graphql-ws",
  name: "graphql-ws",
  recogniseSocket: (_url, protocols) => hasSubprotocol(protocols, "graphql-transport-ws"),
  recogniseFrame: () => null,
  strategy: "surface",
  why: "each socket needs its own connection_init/connection_ack before subscribing; the client retries and re-subscribes",
  session: (_url, adopted) =>
    fifoPingPong(
      {
        ping: () => '{"type":"ping"}',
        isPing: (f) => jsonType(f) === "ping",
        isPong: (f) => jsonType(f) === "pong",
      },
      adopted,
    ),
};

export const samples: ProtocolSamples = {
  url: "ws://example.test/graphql",
  protocols: ["graphql-transport-ws"],
  handshake: [
    { dir: "out", frame: '{"type":"connection_init"}' },
    { dir: "in", frame: '{"type":"connection_ack"}' },
    { dir: "out", frame: '{"id":"d1b3a5f6-1","type":"subscribe","payload":{"query":"subscription { greetings }"}}' },
  ],
  ping: '{"type":"ping"}',
  pong: '{"type":"pong"}',
};
