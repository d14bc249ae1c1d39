/**
 * Phoenix channels: serializer v1 `{topic, event, payload, ref}` and v2
 * `[join_ref, ref, topic, event, payload]` (plus v2's binary push/reply/broadcast frames).
 * https://hexdocs.pm/phoenix/writing_a_channels_client.html
 */
import { hexToBytes, ByteReader, utf8OrNull, OutOfBytes } from "../bytes";
import { isRecord, jsonError, parseJson } from "../generic/json";
import { branch, bytesNode, compact, leaf, toTree } from "../tree";
import type { Decoded, DecodedNode, FrameInput, ProtocolDecoder } from "../types";

const PROTOCOL = "Phoenix";

interface PhoenixMessage {
  joinRef: unknown;
  ref: unknown;
  topic: unknown;
  event: unknown;
  payload: unknown;
}

function describe(m: PhoenixMessage, tree: DecodedNode): Decoded {
  if (typeof m.topic !== "string" || typeof m.event !== "string") {
    return { protocol: PROTOCOL, summary: compact([m.topic, m.event], 80), tree, error: "topic and event must be strings" };
  }
  // Phoenix's heartbeat is the `heartbeat` event on topic `phoenix`; the server's reply comes back there too.
  const heartbeat = m.topic === "phoenix" && (m.event === "heartbeat" || m.event === "phx_reply");
  const control = m.event.startsWith("phx_") && m.event !== "phx_reply";
  const parts = [m.topic, m.event];
  if (m.event === "phx_reply" && isRecord(m.payload)) {
    if (typeof m.payload.status === "string") parts.push(m.payload.status);
    if (m.payload.response !== undefined && !(isRecord(m.payload.response) && Object.keys(m.payload.response).length === 0)) {
      parts.push(compact(m.payload.response, 100));
    }
  } else if (!heartbeat && m.payload !== undefined && !(isRecord(m.payload) && Object.keys(m.payload).length === 0)) {
    parts.push(compact(m.payload, 120));
  }
  if (m.ref !== null && m.ref !== undefined) parts.push(`ref=${String(m.ref)}`);
  const kind = heartbeat ? "heartbeat" : control || m.event === "phx_reply" ? "control" : "data";
  return { protocol: PROTOCOL, summary: parts.join(" "), kind, tree };
}

function decodeBinary(frame: FrameInput): Decoded {
  let r: ByteReader;
  try {
    r = new ByteReader(hexToBytes(frame.preview));
  } catch {
    return { protocol: PROTOCOL, summary: "binary", error: "binary preview is not hex" };
  }
  try {
    const kindByte = r.u8("kind");
    const text = (n: number, what: string): string => utf8OrNull(r.take(n, what)) ?? "";
    let m: PhoenixMessage;
    let status: string | undefined;
    if (kindByte === 0) {
      const [j, t, e] = [r.u8(), r.u8(), r.u8()];
      m = { joinRef: text(j, "join_ref"), ref: null, topic: text(t, "topic"), event: text(e, "event"), payload: undefined };
    } else if (kindByte === 1) {
      const [j, rf, t, s] = [r.u8(), r.u8(), r.u8(), r.u8()];
      m = { joinRef: text(j, "join_ref"), ref: text(rf, "ref"), topic: text(t, "topic"), event: "phx_reply", payload: undefined };
      status = text(s, "status");
      m.payload = { status };
    } else if (kindByte === 2) {
      const [t, e] = [r.u8(), r.u8()];
      m = { joinRef: null, ref: null, topic: text(t, "topic"), event: text(e, "event"), payload: undefined };
    } else {
      return { protocol: PROTOCOL, summary: "binary", error: `unknown binary message kind ${kindByte}` };
    }
    const payload = r.rest();
    const fields: DecodedNode[] = [
      leaf("join_ref", m.joinRef as string | null),
      leaf("ref", m.ref as string | null),
      leaf("topic", m.topic as string),
      leaf("event", m.event as string),
    ];
    if (status !== undefined) fields.push(leaf("status", status));
    fields.push(bytesNode("payload", payload));
    const d = describe(m, branch(undefined, "object", fields));
    d.summary += ` <${payload.length}${frame.truncated ? "+" : ""} bytes>`;
    return d;
  } catch (e) {
    if (e instanceof OutOfBytes) {
      return frame.truncated
        ? { protocol: PROTOCOL, summary: "binary (truncated)", error: "preview truncated: header not captured" }
        : { protocol: PROTOCOL, summary: "binary", error: `binary message cut short: ${e.message}` };
    }
    throw e;
  }
}

export function decodePhoenix(frame: FrameInput): Decoded {
  if (frame.opcode === "binary") return decodeBinary(frame);
  const parsed = parseJson(frame.preview);
  if (!parsed.ok) return { protocol: PROTOCOL, summary: compact(frame.preview, 60), error: jsonError(frame, parsed, "message") };
  const v = parsed.value;
  const tree = toTree(v);
  if (Array.isArray(v)) {
    if (v.length !== 5) return { protocol: PROTOCOL, summary: compact(v, 80), tree, error: `v2 message must be [join_ref, ref, topic, event, payload], got ${v.length} elements` };
    const [joinRef, ref, topic, event, payload] = v as unknown[];
    return describe({ joinRef, ref, topic, event, payload }, tree);
  }
  if (isRecord(v)) return describe({ joinRef: v.join_ref, ref: v.ref, topic: v.topic, event: v.event, payload: v.payload }, tree);
  return { protocol: PROTOCOL, summary: compact(v, 80), tree, error: "a message is an object (v1) or an array (v2)" };
}

export const decoder: ProtocolDecoder = {
  id: "phoenix",
  decode: decodePhoenix,
};
