/**
 * GraphQL over WebSocket, both wire protocols:
 * - `graphql-transport-ws` (the graphql-ws library):
 *   https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md
 * - `graphql-ws` (Apollo's older subscriptions-transport-ws):
 *   https://github.com/apollographql/subscriptions-transport-ws/blob/master/PROTOCOL.md
 */
import { speaks } from "./context";
import { isRecord, jsonError, parseJson } from "./json";
import { compact, oneLine, toTree } from "./tree";
import type { Decoded, Decoder, FrameInput } from "./types";

interface Flavour {
  protocol: string;
  types: Record<string, "control" | "heartbeat" | "data">;
  /** Message types whose payload is an operation (query text). */
  operations: string[];
}

const GRAPHQL_WS: Flavour = {
  protocol: "graphql-ws",
  types: {
    connection_init: "control", connection_ack: "control", ping: "heartbeat", pong: "heartbeat",
    subscribe: "data", next: "data", error: "data", complete: "control",
  },
  operations: ["subscribe"],
};

const SUBSCRIPTIONS_TRANSPORT_WS: Flavour = {
  protocol: "subscriptions-transport-ws",
  types: {
    connection_init: "control", connection_ack: "control", connection_error: "control", ka: "heartbeat",
    connection_terminate: "control", start: "data", data: "data", error: "data", complete: "control", stop: "control",
  },
  operations: ["start"],
};

/** What an operation is called: its operationName, else its first line (`subscription OnMessage {`). */
function operationLabel(payload: unknown): string {
  if (!isRecord(payload)) return "";
  if (typeof payload.operationName === "string" && payload.operationName) return payload.operationName;
  if (typeof payload.query === "string") return oneLine(payload.query.replace(/\s+/g, " "), 60);
  return "";
}

function decodeGraphql(frame: FrameInput, flavour: Flavour): Decoded {
  const protocol = flavour.protocol;
  if (frame.opcode !== "text") return { protocol, summary: "binary", error: "messages are JSON text" };
  const parsed = parseJson(frame.preview);
  if (!parsed.ok) return { protocol, summary: compact(frame.preview, 60), error: jsonError(frame, parsed, "message") };
  const m = parsed.value;
  const tree = toTree(m);
  if (!isRecord(m) || typeof m.type !== "string") return { protocol, summary: compact(m, 80), tree, error: "message has no string `type`" };
  const kind = flavour.types[m.type];
  if (!kind) return { protocol, summary: m.type, tree, error: `unknown message type ${JSON.stringify(m.type)}` };
  const parts = [m.type];
  if (typeof m.id === "string" || typeof m.id === "number") parts.push(String(m.id));
  let error: string | undefined;
  if (flavour.operations.includes(m.type)) {
    parts.push(operationLabel(m.payload));
    if (!isRecord(m.payload) || typeof m.payload.query !== "string") error = `${m.type} without payload.query`;
  } else if (m.payload !== undefined && m.payload !== null) {
    parts.push(compact(m.payload, 120));
  }
  if (flavour === GRAPHQL_WS && ["subscribe", "next", "error", "complete"].includes(m.type) && typeof m.id !== "string") {
    error = `${m.type} without a string id`;
  }
  const decoded: Decoded = { protocol, summary: parts.filter(Boolean).join(" "), kind, tree };
  if (error) decoded.error = error;
  return decoded;
}

export const graphqlWs: Decoder = {
  name: "graphql-ws",
  matches: (ctx) => speaks(ctx, "graphql-transport-ws"),
  decode: (frame) => decodeGraphql(frame, GRAPHQL_WS),
};

export const subscriptionsTransportWs: Decoder = {
  name: "subscriptions-transport-ws",
  // The subprotocol named `graphql-ws` is the old Apollo protocol, not the graphql-ws library's.
  matches: (ctx) => speaks(ctx, "graphql-ws"),
  decode: (frame) => decodeGraphql(frame, SUBSCRIPTIONS_TRANSPORT_WS),
};
