/**
 * WAMP v2 messages, `[code, ...]` as JSON text (`wamp.2.json`) or MessagePack/CBOR binary
 * (`wamp.2.msgpack`, `wamp.2.cbor`). https://wamp-proto.org/wamp_latest_ietf.html
 */
import { decode as decodeMsgpack } from "@msgpack/msgpack";
import { hexToBytes } from "../bytes";
import { decodeCborSafely } from "../generic/cbor";
import { usesSubprotocol } from "../context";
import { jsonError, parseJson } from "../generic/json";
import { compact, toTree } from "../tree";
import type { Decoded, DecodeContext, FrameInput, ProtocolDecoder } from "../types";

const PROTOCOL = "WAMP";

/** Code -> name and the position of the field the summary shows (a URI, an id). */
export const WAMP_MESSAGES: Record<number, { name: string; show: number[] }> = {
  1: { name: "HELLO", show: [1] },
  2: { name: "WELCOME", show: [1] },
  3: { name: "ABORT", show: [2] },
  4: { name: "CHALLENGE", show: [1] },
  5: { name: "AUTHENTICATE", show: [] },
  6: { name: "GOODBYE", show: [2] },
  8: { name: "ERROR", show: [4, 2] },
  16: { name: "PUBLISH", show: [3, 4] },
  17: { name: "PUBLISHED", show: [1, 2] },
  32: { name: "SUBSCRIBE", show: [3, 1] },
  33: { name: "SUBSCRIBED", show: [1, 2] },
  34: { name: "UNSUBSCRIBE", show: [2, 1] },
  35: { name: "UNSUBSCRIBED", show: [1] },
  36: { name: "EVENT", show: [1, 4] },
  48: { name: "CALL", show: [3, 1, 4] },
  49: { name: "CANCEL", show: [1] },
  50: { name: "RESULT", show: [1, 3] },
  64: { name: "REGISTER", show: [3, 1] },
  65: { name: "REGISTERED", show: [1, 2] },
  66: { name: "UNREGISTER", show: [2, 1] },
  67: { name: "UNREGISTERED", show: [1] },
  68: { name: "INVOCATION", show: [2, 1, 4] },
  69: { name: "INTERRUPT", show: [1] },
  70: { name: "YIELD", show: [1, 3] },
};

export function describeWamp(value: unknown, truncated = false): Decoded {
  const tree = toTree(value);
  if (!Array.isArray(value) || typeof value[0] !== "number") {
    return { protocol: PROTOCOL, summary: compact(value, 80), tree, error: "a WAMP message is an array starting with its type code" };
  }
  const def = WAMP_MESSAGES[value[0]];
  if (!def) return { protocol: PROTOCOL, summary: `type ${value[0]}`, tree, error: `unknown message type ${value[0]}` };
  const parts = [def.name];
  for (const i of def.show) if (value[i] !== undefined) parts.push(typeof value[i] === "string" ? value[i] : compact(value[i], 100));
  if (truncated) parts.push("(truncated)");
  const data = [16, 36, 48, 50, 68, 70, 8].includes(value[0]);
  return { protocol: PROTOCOL, summary: parts.join(" "), kind: data ? "data" : "control", tree };
}

export function decodeWamp(frame: FrameInput, ctx: DecodeContext): Decoded {
  if (frame.opcode === "text") {
    const parsed = parseJson(frame.preview);
    if (!parsed.ok) return { protocol: PROTOCOL, summary: compact(frame.preview, 60), error: jsonError(frame, parsed, "message") };
    return describeWamp(parsed.value);
  }
  if (frame.truncated) return { protocol: PROTOCOL, summary: "binary (truncated)", error: "preview truncated: binary message not decoded" };
  let bytes: Uint8Array;
  try {
    bytes = hexToBytes(frame.preview);
  } catch {
    return { protocol: PROTOCOL, summary: "binary", error: "binary preview is not hex" };
  }
  // A binary WAMP frame is MessagePack unless the socket negotiated CBOR.
  if (usesSubprotocol(ctx, "wamp.2.cbor") && !usesSubprotocol(ctx, "wamp.2.msgpack")) {
    const cbor = decodeCborSafely(bytes);
    return cbor.ok ? describeWamp(cbor.value) : { protocol: PROTOCOL, summary: "binary", error: `not CBOR: ${cbor.error}` };
  }
  try {
    return describeWamp(decodeMsgpack(bytes));
  } catch (e) {
    return { protocol: PROTOCOL, summary: "binary", error: `not MessagePack: ${e instanceof Error ? e.message : String(e)}` };
  }
}

export const decoder: ProtocolDecoder = {
  id: "wamp",
  decode: decodeWamp,
};
