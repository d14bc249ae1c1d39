/**
 * Socket.IO v2/v3/v4 packets inside Engine.IO `message` packets: a layer of the Engine.IO decoder
 * (./protocols/engineio.ts), not a catalogue protocol of its own.
 * https://github.com/socketio/socket.io-protocol
 */
import { jsonError, parseJson, isRecord } from "./generic/json";
import { branch, compact, leaf, newBudget, toTree } from "./tree";
import type { Decoded, DecodedNode, FrameInput } from "./types";

export const SOCKET_IO_TYPES = ["CONNECT", "DISCONNECT", "EVENT", "ACK", "CONNECT_ERROR", "BINARY_EVENT", "BINARY_ACK"] as const;

const PROTOCOL = "Socket.IO";

/** Parses one Socket.IO packet (the text after the Engine.IO `4`). */
export function decodeSocketIoPacket(text: string, frame: FrameInput): Decoded {
  const typeCode = text.charCodeAt(0) - 48;
  const type = SOCKET_IO_TYPES[typeCode];
  if (type === undefined) {
    return { protocol: PROTOCOL, summary: `MESSAGE ${compact(text, 80)}`, error: text ? `unknown packet type ${JSON.stringify(text[0])}` : "empty message" };
  }
  let i = 1;
  let attachments: number | undefined;
  if (type === "BINARY_EVENT" || type === "BINARY_ACK") {
    const dash = text.indexOf("-", i);
    const digits = dash < 0 ? "" : text.slice(i, dash);
    if (!/^\d{1,6}$/.test(digits)) return { protocol: PROTOCOL, summary: type, error: "binary packet without an attachment count (`<n>-`)" };
    attachments = Number(digits);
    i = dash + 1;
  }
  let nsp = "/";
  if (text[i] === "/") {
    const comma = text.indexOf(",", i);
    nsp = comma < 0 ? text.slice(i) : text.slice(i, comma);
    i = comma < 0 ? text.length : comma + 1;
  }
  let id: number | undefined;
  const idMatch = /^\d{1,16}/.exec(text.slice(i, i + 16));
  if (idMatch) {
    id = Number(idMatch[0]);
    i += idMatch[0].length;
  }
  const body = text.slice(i);
  const fields: DecodedNode[] = [leaf("type", type), leaf("nsp", nsp)];
  if (id !== undefined) fields.push(leaf("id", id));
  if (attachments !== undefined) fields.push(leaf("attachments", attachments));
  const ns = nsp === "/" ? "" : ` ${nsp}`;
  const ackText = id !== undefined ? ` ack=${id}` : "";
  const kind = type === "EVENT" || type === "ACK" || type === "BINARY_EVENT" || type === "BINARY_ACK" ? "data" : "control";

  let data: unknown;
  if (body.length > 0) {
    const parsed = parseJson(body);
    if (!parsed.ok) {
      return { protocol: PROTOCOL, summary: `${type}${ns}${ackText}`, kind, tree: branch(undefined, "object", fields), error: jsonError(frame, parsed) };
    }
    data = parsed.value;
    fields.push(toTree(data, "data", newBudget(), 1));
  }
  const tree = branch(undefined, "object", fields);
  const result = (summary: string, error?: string): Decoded => (error ? { protocol: PROTOCOL, summary, kind, tree, error } : { protocol: PROTOCOL, summary, kind, tree });

  switch (type) {
    case "CONNECT": {
      if (data === undefined) return result(`CONNECT${ns || " /"}`);
      if (!isRecord(data)) return result(`CONNECT${ns || " /"}`, "CONNECT payload must be an object");
      // The server's answer carries the session id; the client's carries its auth payload.
      if (typeof data.sid === "string") return result(`CONNECT${ns || " /"} sid=${data.sid}`);
      return result(`CONNECT${ns || " /"} ${compact(data, 100)}`);
    }
    case "DISCONNECT":
      return result(`DISCONNECT${ns || " /"}`, data === undefined ? undefined : "DISCONNECT carries no payload");
    case "CONNECT_ERROR": {
      const message = isRecord(data) && typeof data.message === "string" ? data.message : typeof data === "string" ? data : undefined;
      return result(`CONNECT_ERROR${ns || " /"}${message !== undefined ? ` ${message}` : ""}`);
    }
    case "EVENT":
    case "BINARY_EVENT": {
      if (!Array.isArray(data) || data.length === 0) return result(`${type}${ns}${ackText}`, `${type} payload must be a non-empty array [name, ...args]`);
      const [name, ...args] = data as unknown[];
      if (typeof name !== "string" && typeof name !== "number") return result(`${type}${ns}${ackText}`, "event name must be a string");
      const extra = attachments !== undefined ? ` (${attachments} attachment${attachments === 1 ? "" : "s"})` : "";
      return result(`${type}${ns} ${name} ${compact(args, 120)}${ackText}${extra}`);
    }
    case "ACK":
    case "BINARY_ACK": {
      if (id === undefined) return result(`${type}${ns}`, `${type} without an ack id`);
      if (!Array.isArray(data)) return result(`${type}${ns} ${id}`, `${type} payload must be an array`);
      return result(`${type}${ns} ${id} ${compact(data, 120)}`);
    }
  }
  return result(type);
}
