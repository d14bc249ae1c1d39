/**
 * The protocol catalogue's shared half (DESIGN.md, "Parts"): the one id of every protocol Lifeguard
 * recognises. The id names both halves of the protocol's catalogue entry, so the page and the panel
 * recognise exactly the same things:
 * - the page half, `src/core/protocols/<id>.ts`: recognition, strategy and heartbeat session, run in
 *   every page (kept tiny: nothing for display);
 * - the panel half, `src/panel/decoders/protocols/<id>.ts`: the frame decoder, imported by the panel
 *   only, for sockets the page half's recognisers recognised.
 * test/conventions.test.ts checks that every id has both halves and samples, and that nothing else does.
 */
export const PROTOCOL_IDS = [
  "actioncable",
  "centrifugo",
  "engineio",
  "graphql-ws",
  "mqtt",
  "phoenix",
  "signalr",
  "sockjs",
  "stomp",
  "subscriptions-transport-ws",
  "wamp",
] as const;

export type ProtocolId = (typeof PROTOCOL_IDS)[number];
