/**
 * Rails Action Cable (`actioncable-v1-json`). Channel identifiers and client data are JSON encoded
 * inside strings; the tree shows them parsed.
 * https://github.com/rails/rails/tree/main/actioncable/app/javascript/action_cable
 */
import { isRecord, jsonError, parseJson } from "../generic/json";
import { compact, toTree } from "../tree";
import type { Decoded, FrameInput, ProtocolDecoder } from "../types";

const PROTOCOL = "Action Cable";

/** The channel name of an identifier string like `{"channel":"ChatChannel","room":"1"}`. */
function channelOf(identifier: unknown): string {
  if (typeof identifier !== "string") return "";
  const p = parseJson(identifier);
  if (p.ok && isRecord(p.value) && typeof p.value.channel === "string") return p.value.channel;
  return compact(identifier, 60);
}

/** The message with its JSON-in-a-string fields (`identifier`, `data`) parsed, for the tree. */
function unwrap(m: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...m };
  for (const k of ["identifier", "data"]) {
    if (typeof m[k] === "string") {
      const p = parseJson(m[k]);
      if (p.ok) out[k] = p.value;
    }
  }
  return out;
}

export function decodeActionCable(frame: FrameInput): Decoded {
  if (frame.opcode !== "text") return { protocol: PROTOCOL, summary: "binary", error: "messages are JSON text" };
  const parsed = parseJson(frame.preview);
  if (!parsed.ok) return { protocol: PROTOCOL, summary: compact(frame.preview, 60), error: jsonError(frame, parsed, "message") };
  const m = parsed.value;
  if (!isRecord(m)) return { protocol: PROTOCOL, summary: compact(m, 80), tree: toTree(m), error: "message is not an object" };
  const tree = toTree(unwrap(m));
  const channel = channelOf(m.identifier);
  if (typeof m.type === "string") {
    switch (m.type) {
      case "welcome":
        return { protocol: PROTOCOL, summary: "welcome", kind: "control", tree };
      case "ping":
        return { protocol: PROTOCOL, summary: `ping ${String(m.message ?? "")}`.trim(), kind: "heartbeat", tree };
      case "confirm_subscription":
      case "reject_subscription":
        return { protocol: PROTOCOL, summary: `${m.type} ${channel}`.trim(), kind: "control", tree };
      case "disconnect":
        return { protocol: PROTOCOL, summary: `disconnect${typeof m.reason === "string" ? ` ${m.reason}` : ""}${m.reconnect === false ? " (no reconnect)" : ""}`, kind: "control", tree };
      default:
        return { protocol: PROTOCOL, summary: m.type, kind: "control", tree, error: `unknown message type ${JSON.stringify(m.type)}` };
    }
  }
  if (typeof m.command === "string") {
    if (!["subscribe", "unsubscribe", "message"].includes(m.command)) {
      return { protocol: PROTOCOL, summary: m.command, kind: "control", tree, error: `unknown command ${JSON.stringify(m.command)}` };
    }
    if (typeof m.identifier !== "string") return { protocol: PROTOCOL, summary: m.command, kind: "control", tree, error: "command without an identifier string" };
    if (m.command !== "message") return { protocol: PROTOCOL, summary: `${m.command} ${channel}`, kind: "control", tree };
    const data = typeof m.data === "string" ? parseJson(m.data) : null;
    const value = data?.ok ? data.value : m.data;
    const action = isRecord(value) && typeof value.action === "string" ? ` ${value.action}` : "";
    return { protocol: PROTOCOL, summary: `message ${channel}${action} ${compact(value, 120)}`, kind: "data", tree };
  }
  if ("message" in m && typeof m.identifier === "string") {
    return { protocol: PROTOCOL, summary: `${channel} ${compact(m.message, 140)}`, kind: "data", tree };
  }
  return { protocol: PROTOCOL, summary: compact(m, 80), tree, error: "neither a server message (type/identifier) nor a command" };
}

export const decoder: ProtocolDecoder = {
  id: "actioncable",
  decode: decodeActionCable,
};
