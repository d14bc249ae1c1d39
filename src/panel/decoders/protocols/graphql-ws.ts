/**
 * GraphQL over WebSocket, the graphql-ws library's protocol (subprotocol `graphql-transport-ws`):
 * https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md
 * Its older cousin, Apollo's subscriptions-transport-ws, has the same message shape and other types:
 * ./subscriptions-transport-ws.ts reads it with `decodeGraphql` and its own flavour.
 */
import { isRecord, jsonError, parseJson } from "../generic/json";
import { compact, oneLine, toTree } from "../tree";
import type { Decoded, FrameInput, ProtocolDecoder } from "../types";

export interface Flavour {
  protocol: string;
  types: Record<string, "control" | "heartbeat" | "data">;
  /** Message types whose payload is an operation (query text). */
  operations: string[];
  /** Message types that must carry a string `id`. */
  stringIds?: string[];
}

const GRAPHQL_WS: Flavour = {
  protocol: "graphql-ws",
  types: {
    connection_init: "control", connection_ack: "control", ping: "heartbeat", pong: "heartbeat",
    subscribe: "data", next: "data", error: "data", complete: "control",
  },
  operations: ["subscribe"],
  stringIds: ["subscribe", "next", "error", "complete"],
};

/** What an operation is called: its operationName, else its first line (`subscription OnMessage {`). */
function operationLabel(payload: unknown): string {
  if (!isRecord(payload)) return "";
  if (typeof payload.operationName === "string" && payload.operationName) return payload.operationName;
  if (typeof payload.query === "string") return oneLine(payload.query.replace(/\s+/g, " "), 60);
  return "";
}

export function decodeGraphql(frame: FrameInput, flavour: Flavour): Decoded {
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
  if (flavour.stringIds?.includes(m.type) && typeof m.id !== "string") {
    error = `${m.type} without a string id`;
  }
  const decoded: Decoded = { protocol, summary: parts.filter(Boolean).join(" "), kind, tree };
  if (error) decoded.error = error;
  return decoded;
}

export const decoder: ProtocolDecoder = {
  id: "graphql-ws",
  decode: (frame) => decodeGraphql(frame, GRAPHQL_WS),
};
