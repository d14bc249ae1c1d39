/**
 * ASP.NET Core SignalR hub protocol, JSON records each ended by U+001E; MessagePack records are
 * binary, each prefixed by its length as a varint.
 * https://github.com/dotnet/aspnetcore/blob/main/src/SignalR/docs/specs/HubProtocol.md
 */
import { decode as decodeMsgpack } from "@msgpack/msgpack";
import { hexToBytes, OutOfBytes } from "../bytes";
import { isRecord, jsonError, parseJson } from "../generic/json";
import { branch, compact, leaf, newBudget, toTree, type TreeBudget } from "../tree";
import type { Decoded, DecodedNode, FrameInput, ProtocolDecoder } from "../types";

const PROTOCOL = "SignalR";
export const RECORD_SEPARATOR = "\u001e";

export const SIGNALR_TYPES: Record<number, string> = {
  1: "Invocation",
  2: "StreamItem",
  3: "Completion",
  4: "StreamInvocation",
  5: "CancelInvocation",
  6: "Ping",
  7: "Close",
  8: "Ack",
  9: "Sequence",
};

interface Record1 {
  summary: string;
  kind: "control" | "heartbeat" | "data";
  node: DecodedNode;
  error?: string;
}

/** One hub message as JSON (an object) or MessagePack (an array) turned into the same shape. */
function describe(m: unknown, i: number, budget: TreeBudget): Record1 {
  const key = String(i);
  if (isRecord(m) && typeof m.type !== "number") {
    // Handshake: the client's `{"protocol":"json","version":1}`, the server's `{}` or `{"error":...}`.
    const node = toTree(m, key, budget, 1);
    if (typeof m.protocol === "string") return { summary: `handshake ${m.protocol} v${String(m.version)}`, kind: "control", node };
    if (typeof m.error === "string") return { summary: `handshake error ${m.error}`, kind: "control", node, error: `handshake refused: ${m.error}` };
    if (Object.keys(m).length === 0) return { summary: "handshake ok", kind: "control", node };
    return { summary: compact(m, 80), kind: "data", node, error: "message without a numeric type" };
  }
  const obj = isRecord(m) ? m : Array.isArray(m) ? fromMsgpackArray(m) : null;
  if (!obj) return { summary: compact(m, 80), kind: "data", node: toTree(m, key, budget, 1), error: "a hub message is an object" };
  const type = obj.type as number;
  const name = SIGNALR_TYPES[type];
  const node = toTree(obj, key, budget, 1);
  if (!name) return { summary: `type ${type}`, kind: "data", node, error: `unknown message type ${type}` };
  const id = typeof obj.invocationId === "string" ? ` #${obj.invocationId}` : "";
  switch (type) {
    case 1:
    case 4:
      if (typeof obj.target !== "string") return { summary: name, kind: "data", node, error: `${name} without a target` };
      return { summary: `${name} ${obj.target}${id} ${compact(obj.arguments ?? [], 100)}`, kind: "data", node };
    case 2:
      return { summary: `${name}${id} ${compact(obj.item, 100)}`, kind: "data", node };
    case 3:
      return { summary: `${name}${id}${obj.error !== undefined ? ` error ${compact(obj.error, 80)}` : obj.result !== undefined ? ` ${compact(obj.result, 100)}` : ""}`, kind: "data", node };
    case 6:
      return { summary: name, kind: "heartbeat", node };
    case 7:
      return { summary: `${name}${obj.error ? ` ${compact(obj.error, 80)}` : ""}${obj.allowReconnect ? " allowReconnect" : ""}`, kind: "control", node };
    default:
      return { summary: `${name}${id}`, kind: "control", node };
  }
}

/** MessagePack hub messages are arrays by position; give them the JSON field names. */
function fromMsgpackArray(a: unknown[]): Record<string, unknown> | null {
  const type = a[0];
  if (typeof type !== "number") return null;
  switch (type) {
    case 1:
    case 4:
      return { type, headers: a[1], invocationId: a[2], target: a[3], arguments: a[4], streamIds: a[5] };
    case 2:
      return { type, headers: a[1], invocationId: a[2], item: a[3] };
    case 3: {
      // [3, headers, invocationId, resultKind (1 error, 2 void, 3 result), result?]
      const out: Record<string, unknown> = { type, headers: a[1], invocationId: a[2] };
      if (a[3] === 1) out.error = a[4];
      if (a[3] === 3) out.result = a[4];
      return out;
    }
    case 5:
      return { type, headers: a[1], invocationId: a[2] };
    case 7:
      return { type, error: a[1], allowReconnect: a[2] };
    default:
      return { type, fields: a.slice(1) };
  }
}

function combine(records: Record1[], truncated: boolean, extraError?: string): Decoded {
  const kinds = new Set(records.map((r) => r.kind));
  const kind = kinds.size === 1 ? records[0]!.kind : kinds.has("data") ? "data" : "control";
  const summary = records.length === 1 ? records[0]!.summary : `${records.length} messages: ${records.map((r) => r.summary).join(" | ")}`;
  const errors = records.flatMap((r, i) => (r.error ? [records.length > 1 ? `message ${i}: ${r.error}` : r.error] : []));
  if (extraError) errors.push(extraError);
  const tree = records.length === 1 ? { ...records[0]!.node, key: undefined } : branch(undefined, "array", records.map((r) => r.node));
  if (tree.key === undefined) delete tree.key;
  const decoded: Decoded = { protocol: PROTOCOL, summary: truncated ? `${summary} (truncated)` : summary, kind, tree };
  if (errors.length) decoded.error = errors.join("; ");
  return decoded;
}

export function decodeSignalRText(frame: FrameInput): Decoded | null {
  const text = frame.preview;
  const parts = text.split(RECORD_SEPARATOR);
  const last = parts.pop()!;
  if (parts.length === 0) {
    if (frame.truncated) return { protocol: PROTOCOL, summary: `${compact(text, 80)} (truncated)`, kind: "data", error: "preview truncated: message not parsed" };
    return { protocol: PROTOCOL, summary: compact(text, 80), error: "record without the U+001E terminator" };
  }
  const budget = newBudget();
  const records: Record1[] = [];
  for (let i = 0; i < parts.length && budget.nodes > 0; i++) {
    const parsed = parseJson(parts[i]!);
    if (!parsed.ok) records.push({ summary: compact(parts[i], 60), kind: "data", node: leaf(String(i), parts[i]!), error: jsonError({ truncated: false }, parsed, "record") });
    else records.push(describe(parsed.value, i, budget));
  }
  const trailing = last.length > 0 && !frame.truncated ? "text after the last U+001E terminator" : undefined;
  return combine(records, frame.truncated && last.length > 0, trailing);
}

export function decodeSignalRBinary(frame: FrameInput): Decoded {
  let bytes: Uint8Array;
  try {
    bytes = hexToBytes(frame.preview);
  } catch {
    return { protocol: PROTOCOL, summary: "binary", error: "binary preview is not hex" };
  }
  const budget = newBudget();
  const records: Record1[] = [];
  let pos = 0;
  let cutShort = false;
  let error: string | undefined;
  while (pos < bytes.length && budget.nodes > 0) {
    let len = 0;
    let shift = 0;
    let b: number;
    do {
      if (pos >= bytes.length) throw new OutOfBytes(frame.truncated ? "preview truncated: message not parsed" : "length prefix cut short");
      b = bytes[pos++]!;
      len += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80 && shift < 35);
    if (pos + len > bytes.length) {
      if (frame.truncated) cutShort = true;
      else error = `record of ${len} bytes but only ${bytes.length - pos} left`;
      break;
    }
    try {
      records.push(describe(decodeMsgpack(bytes.subarray(pos, pos + len)), records.length, budget));
    } catch (e) {
      records.push({ summary: "?", kind: "data", node: leaf(String(records.length), "(not MessagePack)"), error: `not MessagePack: ${e instanceof Error ? e.message : String(e)}` });
    }
    pos += len;
  }
  if (records.length === 0) return { protocol: PROTOCOL, summary: cutShort ? "(truncated)" : "binary", error: error ?? "preview truncated: message not parsed" };
  return combine(records, cutShort, error);
}

export const decoder: ProtocolDecoder = {
  id: "signalr",
  decode(frame) {
    if (frame.opcode === "binary") {
      try {
        return decodeSignalRBinary(frame);
      } catch (e) {
        if (!(e instanceof OutOfBytes)) throw e;
        return { protocol: PROTOCOL, summary: "binary", error: e.message };
      }
    }
    return decodeSignalRText(frame);
  },
};
