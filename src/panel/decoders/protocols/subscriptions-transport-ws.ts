/**
 * Apollo's legacy subscriptions-transport-ws (confusingly, the `graphql-ws` subprotocol): the same
 * message shape as the graphql-ws library's protocol, with its own types (`start`/`data`/`stop`, `ka`).
 * https://github.com/apollographql/subscriptions-transport-ws/blob/master/PROTOCOL.md
 */
import type { ProtocolDecoder } from "../types";
import { decodeGraphql, type Flavour } from "./graphql-ws";

const SUBSCRIPTIONS_TRANSPORT_WS: Flavour = {
  protocol: "subscriptions-transport-ws",
  types: {
    connection_init: "control", connection_ack: "control", connection_error: "control", ka: "heartbeat",
    connection_terminate: "control", start: "data", data: "data", error: "data", complete: "control", stop: "control",
  },
  operations: ["start"],
};

export const decoder: ProtocolDecoder = {
  id: "subscriptions-transport-ws",
  decode: (frame) => decodeGraphql(frame, SUBSCRIPTIONS_TRANSPORT_WS),
};
