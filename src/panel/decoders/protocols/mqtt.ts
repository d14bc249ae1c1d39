/**
 * MQTT 3.1, 3.1.1 and 5.0 control packets (binary frames; one frame may hold several packets).
 * https://docs.oasis-open.org/mqtt/mqtt/v3.1.1/mqtt-v3.1.1.html
 * https://docs.oasis-open.org/mqtt/mqtt/v5.0/mqtt-v5.0.html
 */
import { ByteReader, hexToBytes, OutOfBytes, utf8OrNull } from "../bytes";
import { firstOutbound, usesSubprotocol } from "../context";
import { branch, bytesNode, compact, leaf, oneLine } from "../tree";
import type { Decoded, DecodeContext, DecodedNode, FrameInput, ProtocolDecoder } from "../types";

const PROTOCOL = "MQTT";

export const MQTT_TYPES = [
  "reserved", "CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC", "PUBREL", "PUBCOMP",
  "SUBSCRIBE", "SUBACK", "UNSUBSCRIBE", "UNSUBACK", "PINGREQ", "PINGRESP", "DISCONNECT", "AUTH",
] as const;

const CONNACK_V3 = ["accepted", "unacceptable protocol version", "identifier rejected", "server unavailable", "bad user name or password", "not authorized"];

export const REASON_CODES: Record<number, string> = {
  0x00: "success", 0x01: "granted QoS 1", 0x02: "granted QoS 2", 0x04: "disconnect with will message",
  0x10: "no matching subscribers", 0x11: "no subscription existed", 0x18: "continue authentication",
  0x19: "re-authenticate", 0x80: "unspecified error", 0x81: "malformed packet", 0x82: "protocol error",
  0x83: "implementation specific error", 0x84: "unsupported protocol version", 0x85: "client identifier not valid",
  0x86: "bad user name or password", 0x87: "not authorized", 0x88: "server unavailable", 0x89: "server busy",
  0x8a: "banned", 0x8b: "server shutting down", 0x8c: "bad authentication method", 0x8d: "keep alive timeout",
  0x8e: "session taken over", 0x8f: "topic filter invalid", 0x90: "topic name invalid", 0x91: "packet identifier in use",
  0x92: "packet identifier not found", 0x93: "receive maximum exceeded", 0x94: "topic alias invalid",
  0x95: "packet too large", 0x96: "message rate too high", 0x97: "quota exceeded", 0x98: "administrative action",
  0x99: "payload format invalid", 0x9a: "retain not supported", 0x9b: "QoS not supported", 0x9c: "use another server",
  0x9d: "server moved", 0x9e: "shared subscriptions not supported", 0x9f: "connection rate exceeded",
  0xa0: "maximum connect time", 0xa1: "subscription identifiers not supported", 0xa2: "wildcard subscriptions not supported",
};

type PropType = "byte" | "u16" | "u32" | "varint" | "string" | "binary" | "pair";
const PROPERTIES: Record<number, [string, PropType]> = {
  0x01: ["payload format indicator", "byte"], 0x02: ["message expiry interval", "u32"], 0x03: ["content type", "string"],
  0x08: ["response topic", "string"], 0x09: ["correlation data", "binary"], 0x0b: ["subscription identifier", "varint"],
  0x11: ["session expiry interval", "u32"], 0x12: ["assigned client identifier", "string"], 0x13: ["server keep alive", "u16"],
  0x15: ["authentication method", "string"], 0x16: ["authentication data", "binary"], 0x17: ["request problem information", "byte"],
  0x18: ["will delay interval", "u32"], 0x19: ["request response information", "byte"], 0x1a: ["response information", "string"],
  0x1c: ["server reference", "string"], 0x1f: ["reason string", "string"], 0x21: ["receive maximum", "u16"],
  0x22: ["topic alias maximum", "u16"], 0x23: ["topic alias", "u16"], 0x24: ["maximum QoS", "byte"],
  0x25: ["retain available", "byte"], 0x26: ["user property", "pair"], 0x27: ["maximum packet size", "u32"],
  0x28: ["wildcard subscription available", "byte"], 0x29: ["subscription identifier available", "byte"],
  0x2a: ["shared subscription available", "byte"],
};

/** The sender broke the protocol (as opposed to the preview ending early). */
class Malformed extends Error {}

function str(r: ByteReader, what: string): string {
  const len = r.u16(`${what} length`);
  const text = utf8OrNull(r.take(len, what));
  if (text === null) throw new Malformed(`${what} is not valid UTF-8`);
  return text;
}

function reasonName(code: number): string {
  return REASON_CODES[code] ?? `reason 0x${code.toString(16).padStart(2, "0")}`;
}

function properties(r: ByteReader): { node: DecodedNode; map: Map<string, unknown> } {
  const len = r.varint("properties length");
  const end = r.pos + len;
  if (end > r.end) throw new OutOfBytes("properties");
  const sub = new ByteReader(r.bytes, end);
  sub.pos = r.pos;
  const nodes: DecodedNode[] = [];
  const map = new Map<string, unknown>();
  while (sub.left > 0) {
    const id = sub.varint("property identifier");
    const def = PROPERTIES[id];
    if (!def) throw new Malformed(`unknown property 0x${id.toString(16)}`);
    const [name, type] = def;
    let node: DecodedNode;
    let value: unknown;
    switch (type) {
      case "byte": value = sub.u8(name); node = leaf(name, value as number); break;
      case "u16": value = sub.u16(name); node = leaf(name, value as number); break;
      case "u32": value = sub.u32(name); node = leaf(name, value as number); break;
      case "varint": value = sub.varint(name); node = leaf(name, value as number); break;
      case "string": value = str(sub, name); node = leaf(name, value as string); break;
      case "binary": value = sub.take(sub.u16(name), name); node = bytesNode(name, value as Uint8Array); break;
      case "pair": {
        const k = str(sub, "user property name");
        const v = str(sub, "user property value");
        value = [k, v];
        node = branch(name, "object", [leaf(k, v)]);
        break;
      }
    }
    nodes.push(node);
    if (!map.has(name)) map.set(name, value);
    if (nodes.length > 1000) throw new Malformed("more than 1000 properties");
  }
  r.pos = end;
  return { node: branch("properties", "object", nodes), map };
}

/** Payload bytes as text when they are UTF-8 (JSON left as text: the tree shows it verbatim), else hex. */
function payloadNode(bytes: Uint8Array, cut: boolean): { node: DecodedNode; text: string } {
  const text = utf8OrNull(bytes, cut);
  if (text !== null) return { node: leaf("payload", text), text: JSON.stringify(oneLine(text, 100)) };
  return { node: bytesNode("payload", bytes), text: `<${bytes.length}${cut ? "+" : ""} bytes>` };
}

interface Packet {
  summary: string;
  kind: "control" | "heartbeat" | "data";
  node: DecodedNode;
  /** The protocol level a CONNECT announced. */
  level?: number;
}

/** Decodes one packet's variable header and payload from `r` (bounded to the packet), given the protocol level. */
function packet(type: number, flags: number, r: ByteReader, level: number, cut: boolean): Packet {
  const name = MQTT_TYPES[type]!;
  const v5 = level >= 5;
  const fields: DecodedNode[] = [leaf("type", name)];
  const done = (summary: string, kind: Packet["kind"] = "control", extra: Partial<Packet> = {}): Packet => ({
    summary,
    kind,
    node: branch(undefined, "object", fields),
    ...extra,
  });
  const expectFlags = (want: number): void => {
    if (flags !== want) throw new Malformed(`${name} flags must be 0x${want.toString(16)}, got 0x${flags.toString(16)}`);
  };

  switch (name) {
    case "CONNECT": {
      expectFlags(0);
      const protocolName = str(r, "protocol name");
      const lvl = r.u8("protocol level");
      if (protocolName !== "MQTT" && protocolName !== "MQIsdp") throw new Malformed(`protocol name ${JSON.stringify(protocolName)}, expected "MQTT"`);
      const cf = r.u8("connect flags");
      if (cf & 0x01) throw new Malformed("reserved connect flag is set");
      const keepAlive = r.u16("keep alive");
      const version = lvl === 3 ? "3.1" : lvl === 4 ? "3.1.1" : lvl === 5 ? "5" : `level ${lvl}`;
      fields.push(leaf("protocol", protocolName), leaf("level", lvl), leaf("version", version), leaf("keep alive", keepAlive));
      fields.push(branch("flags", "object", [
        leaf("clean start", Boolean(cf & 0x02)), leaf("will", Boolean(cf & 0x04)), leaf("will QoS", (cf >> 3) & 3),
        leaf("will retain", Boolean(cf & 0x20)), leaf("password", Boolean(cf & 0x40)), leaf("user name", Boolean(cf & 0x80)),
      ]));
      if (lvl >= 5) fields.push(properties(r).node);
      const clientId = str(r, "client identifier");
      fields.push(leaf("client id", clientId));
      if (cf & 0x04) {
        const will: DecodedNode[] = [];
        if (lvl >= 5) will.push(properties(r).node);
        will.push(leaf("topic", str(r, "will topic")));
        will.push(payloadNode(r.take(r.u16("will payload length"), "will payload"), false).node);
        fields.push(branch("will", "object", will));
      }
      let user: string | undefined;
      if (cf & 0x80) {
        user = str(r, "user name");
        fields.push(leaf("user name", user));
      }
      if (cf & 0x40) {
        // Shown as a length only: a screenshot of the panel should not leak it (the raw hex still has it).
        const pw = r.take(r.u16("password length"), "password");
        fields.push(leaf("password", `(${pw.length} bytes, hidden)`));
      }
      const parts = [`CONNECT v${version} client=${clientId || "(empty)"}`, `keepalive=${keepAlive}`];
      if (cf & 0x02) parts.push("clean");
      if (user !== undefined) parts.push(`user=${user}`);
      return done(parts.join(" "), "control", { level: lvl });
    }
    case "CONNACK": {
      expectFlags(0);
      const ack = r.u8("acknowledge flags");
      const code = r.u8("return code");
      const text = v5 ? reasonName(code) : CONNACK_V3[code] ?? `refused (code ${code})`;
      fields.push(leaf("session present", Boolean(ack & 1)), leaf(v5 ? "reason code" : "return code", code), leaf("reason", text));
      if (v5 && r.left > 0) fields.push(properties(r).node);
      return done(`CONNACK ${text}${ack & 1 ? " session present" : ""}`);
    }
    case "PUBLISH": {
      const qos = (flags >> 1) & 3;
      if (qos === 3) throw new Malformed("PUBLISH with QoS 3");
      const topic = str(r, "topic name");
      fields.push(leaf("topic", topic), leaf("QoS", qos), leaf("retain", Boolean(flags & 1)), leaf("dup", Boolean(flags & 8)));
      let id: number | undefined;
      if (qos > 0) {
        id = r.u16("packet identifier");
        fields.push(leaf("packet id", id));
      }
      let alias: unknown;
      if (v5) {
        const props = properties(r);
        fields.push(props.node);
        alias = props.map.get("topic alias");
      }
      const payload = payloadNode(r.rest(), cut);
      fields.push(payload.node);
      const parts = [`PUBLISH ${topic || (alias !== undefined ? `(alias ${String(alias)})` : "(empty topic)")}`, `qos=${qos}`];
      if (id !== undefined) parts.push(`id=${id}`);
      if (flags & 1) parts.push("retain");
      if (flags & 8) parts.push("dup");
      parts.push(payload.text);
      return done(parts.join(" "), "data");
    }
    case "PUBACK":
    case "PUBREC":
    case "PUBREL":
    case "PUBCOMP": {
      expectFlags(name === "PUBREL" ? 2 : 0);
      const id = r.u16("packet identifier");
      fields.push(leaf("packet id", id));
      let reason = "";
      if (r.left > 0) {
        const code = r.u8("reason code");
        fields.push(leaf("reason code", code), leaf("reason", reasonName(code)));
        if (code !== 0) reason = ` ${reasonName(code)}`;
        if (r.left > 0) fields.push(properties(r).node);
      }
      return done(`${name} id=${id}${reason}`);
    }
    case "SUBSCRIBE":
    case "UNSUBSCRIBE": {
      expectFlags(2);
      const id = r.u16("packet identifier");
      fields.push(leaf("packet id", id));
      if (v5) fields.push(properties(r).node);
      const topics: DecodedNode[] = [];
      const texts: string[] = [];
      while (r.left > 0) {
        const filter = str(r, "topic filter");
        if (name === "SUBSCRIBE") {
          const opts = r.u8("subscription options");
          const qos = opts & 3;
          const node: DecodedNode[] = [leaf("filter", filter), leaf("QoS", qos)];
          if (v5) node.push(leaf("no local", Boolean(opts & 4)), leaf("retain as published", Boolean(opts & 8)), leaf("retain handling", (opts >> 4) & 3));
          topics.push(branch(String(topics.length), "object", node));
          texts.push(`${filter}(qos ${qos})`);
        } else {
          topics.push(leaf(String(topics.length), filter));
          texts.push(filter);
        }
        if (topics.length >= 1000) break;
      }
      if (topics.length === 0 && !cut) throw new Malformed(`${name} without a topic filter`);
      fields.push(branch("topics", "array", topics));
      return done(`${name} id=${id} ${texts.join(", ")}`);
    }
    case "SUBACK":
    case "UNSUBACK": {
      expectFlags(0);
      const id = r.u16("packet identifier");
      fields.push(leaf("packet id", id));
      if (v5) fields.push(properties(r).node);
      const codes: string[] = [];
      const nodes: DecodedNode[] = [];
      while (r.left > 0 && codes.length < 1000) {
        const code = r.u8("reason code");
        const text = name === "SUBACK" && code <= 2 ? `granted QoS ${code}` : v5 || code === 0x80 ? reasonName(code) : `0x${code.toString(16)}`;
        codes.push(text);
        nodes.push(leaf(String(nodes.length), text));
      }
      if (nodes.length) fields.push(branch("reason codes", "array", nodes));
      return done(`${name} id=${id}${codes.length ? ` ${codes.join(", ")}` : ""}`);
    }
    case "PINGREQ":
    case "PINGRESP":
      expectFlags(0);
      if (r.left > 0) throw new Malformed(`${name} has a remaining length of ${r.left}, expected 0`);
      return done(name, "heartbeat");
    case "DISCONNECT":
    case "AUTH": {
      expectFlags(0);
      let reason = "";
      if (r.left > 0) {
        const code = r.u8("reason code");
        fields.push(leaf("reason code", code), leaf("reason", reasonName(code)));
        reason = ` ${reasonName(code)}`;
        if (r.left > 0) fields.push(properties(r).node);
      }
      return done(`${name}${reason}`);
    }
    default:
      throw new Malformed("packet type 0 is reserved");
  }
}

/** The protocol level the socket speaks: from its CONNECT when the panel has it, from the subprotocol, else 3.1.1. */
function levelFor(ctx: DecodeContext): number | undefined {
  const first = firstOutbound(ctx);
  if (first?.opcode === "binary" && first.preview.startsWith("10")) {
    try {
      const r = new ByteReader(hexToBytes(first.preview.slice(0, 64)));
      r.u8();
      r.varint();
      const name = str(r, "protocol name");
      if (name === "MQTT" || name === "MQIsdp") return r.u8();
    } catch {
      // Not a CONNECT after all: fall through to the other hints.
    }
  }
  if (usesSubprotocol(ctx, "mqttv3.1")) return 3;
  return undefined;
}

/**
 * Without the CONNECT, some packets still say they are MQTT 5: a CONNACK or DISCONNECT longer than
 * 3.1.1 allows, an AUTH. Other packets parse as 3.1.1.
 */
function guessLevel(type: number, length: number): number {
  if (type === 15) return 5;
  if (type === 2 && length > 2) return 5;
  if (type === 14 && length > 0) return 5;
  if (type >= 4 && type <= 7 && length > 2) return 5;
  return 4;
}

export function decodeMqtt(frame: FrameInput, ctx: DecodeContext): Decoded {
  if (frame.opcode !== "binary") {
    return { protocol: PROTOCOL, summary: compact(frame.preview, 60), error: "MQTT over WebSocket uses binary frames only" };
  }
  let bytes: Uint8Array;
  try {
    bytes = hexToBytes(frame.preview);
  } catch {
    return { protocol: PROTOCOL, summary: "binary", error: "binary preview is not hex" };
  }
  if (bytes.length === 0) {
    return frame.truncated
      ? { protocol: PROTOCOL, summary: "(not captured)", error: "preview truncated: no bytes captured" }
      : { protocol: PROTOCOL, summary: "(empty)", error: "empty frame" };
  }
  const known = levelFor(ctx);
  const packets: Packet[] = [];
  let error: string | undefined;
  const r = new ByteReader(bytes);
  while (r.left > 0 && packets.length < 100) {
    const start = r.pos;
    let type = 0;
    try {
      const b0 = r.u8("fixed header");
      type = b0 >> 4;
      const flags = b0 & 0x0f;
      const length = r.varint("remaining length");
      const end = r.pos + length;
      const cut = end > bytes.length;
      if (cut && !frame.truncated) throw new Malformed(`remaining length ${length} but only ${bytes.length - r.pos} byte(s) in the frame`);
      const body = new ByteReader(bytes, Math.min(end, bytes.length));
      body.pos = r.pos;
      const level = packets.find((p) => p.level !== undefined)?.level ?? known ?? guessLevel(type, length);
      const p = packet(type, flags, body, level, cut);
      if (!cut && body.left > 0) throw new Malformed(`${body.left} unexpected byte(s) at the end of ${MQTT_TYPES[type]}`);
      if (cut) p.summary += " (truncated)";
      packets.push(p);
      r.pos = Math.min(end, bytes.length);
    } catch (e) {
      const name = MQTT_TYPES[type] ?? "packet";
      if (e instanceof OutOfBytes && frame.truncated) {
        packets.push({ summary: `${r.pos > start ? name : "packet"} (truncated)`, kind: "data", node: branch(undefined, "object", [leaf("type", name)]) });
      } else {
        error = e instanceof OutOfBytes ? `${name}: ${e.message}, packet cut short` : `${name}: ${e instanceof Error ? e.message : String(e)}`;
        packets.push({ summary: name, kind: "control", node: branch(undefined, "object", [leaf("type", name)]) });
      }
      break;
    }
  }
  const kinds = new Set(packets.map((p) => p.kind));
  const kind = kinds.size === 1 ? packets[0]!.kind : kinds.has("data") ? "data" : "control";
  const decoded: Decoded = {
    protocol: PROTOCOL,
    summary: packets.map((p) => p.summary).join(" + "),
    kind,
    tree: packets.length === 1 ? packets[0]!.node : branch(undefined, "array", packets.map((p, i) => ({ ...p.node, key: String(i) }))),
  };
  if (error) decoded.error = error;
  return decoded;
}

export const decoder: ProtocolDecoder = {
  id: "mqtt",
  decode: decodeMqtt,
};
