/**
 * Engine.IO v3/v4 over WebSocket: one packet per frame, its type the first character; Socket.IO
 * packets (../socketio.ts) ride in its `message` packets unless the socket is plain Engine.IO.
 * https://github.com/socketio/engine.io-protocol
 */
import { socketUrl } from "../context";
import { jsonError, parseJson, isRecord } from "../generic/json";
import { branch, compact, leaf, toTree } from "../tree";
import { decodeSocketIoPacket } from "../socketio";
import type { Decoded, DecodeContext, FrameInput, ProtocolDecoder } from "../types";
import { hexToBytes } from "../bytes";

export const ENGINE_IO_TYPES = ["open", "close", "ping", "pong", "message", "upgrade", "noop"] as const;

/** The Engine.IO protocol revision from `EIO=` (3 or 4), 4 when the URL does not say. */
export function engineIoVersion(ctx: DecodeContext): number {
  const v = Number(socketUrl(ctx).query.get("EIO"));
  return v === 3 ? 3 : 4;
}

/**
 * Decodes the Engine.IO layer. A `message` packet's data goes to `onMessage` (Socket.IO parses
 * it); without one it is shown as text.
 */
export function decodeEngineIo(
  frame: FrameInput,
  ctx: DecodeContext,
  onMessage?: (data: string, frame: FrameInput) => Decoded,
): Decoded {
  const protocol = "Engine.IO";
  const version = engineIoVersion(ctx);
  if (frame.opcode === "binary") {
    // v4 sends binary data as is; v3 prefixes it with the message type as a byte (4).
    let bytes: Uint8Array;
    try {
      bytes = hexToBytes(frame.preview);
    } catch {
      return { protocol, summary: "binary", error: "binary preview is not hex" };
    }
    if (version === 3) {
      if (bytes[0] !== 4) return { protocol, summary: "binary", error: `v3 binary packet of type ${bytes[0] ?? "(none)"}, expected 4 (message)` };
      bytes = bytes.subarray(1);
    }
    const size = `${bytes.length}${frame.truncated ? "+" : ""} bytes`;
    return {
      protocol: onMessage ? "Socket.IO" : protocol,
      summary: onMessage ? `binary attachment (${size})` : `MESSAGE binary (${size})`,
      kind: "data",
      tree: branch(undefined, "object", [leaf("type", "message"), leaf("binary", size)]),
    };
  }

  const text = frame.preview;
  const code = text.charCodeAt(0) - 48;
  const type = ENGINE_IO_TYPES[code];
  if (type === undefined) {
    return { protocol, summary: text.length ? text.slice(0, 80) : "(empty)", error: text.length ? `unknown packet type ${JSON.stringify(text[0])}` : "empty packet" };
  }
  const data = text.slice(1);
  switch (type) {
    case "open": {
      const parsed = parseJson(data);
      if (!parsed.ok) return { protocol, summary: "OPEN", kind: "control", error: jsonError(frame, parsed, "handshake") };
      const hs = parsed.value;
      if (!isRecord(hs) || typeof hs.sid !== "string") {
        return { protocol, summary: "OPEN", kind: "control", tree: toTree(hs), error: "handshake has no sid" };
      }
      const parts = [`OPEN sid=${hs.sid}`];
      for (const k of ["pingInterval", "pingTimeout", "maxPayload"]) if (typeof hs[k] === "number") parts.push(`${k}=${hs[k]}`);
      if (Array.isArray(hs.upgrades) && hs.upgrades.length) parts.push(`upgrades=${hs.upgrades.join(",")}`);
      return { protocol, summary: parts.join(" "), kind: "control", tree: toTree(hs) };
    }
    case "ping":
    case "pong":
      return {
        protocol,
        summary: data ? `${type.toUpperCase()} ${compact(data, 40)}` : type.toUpperCase(),
        kind: "heartbeat",
        tree: branch(undefined, "object", data ? [leaf("type", type), leaf("data", data)] : [leaf("type", type)]),
      };
    case "message":
      if (onMessage) return onMessage(data, { ...frame, preview: data });
      return { protocol, summary: `MESSAGE ${compact(data, 160)}`, kind: "data", tree: branch(undefined, "object", [leaf("type", "message"), leaf("data", data)]) };
    default:
      return {
        protocol,
        summary: type.toUpperCase(),
        kind: "control",
        tree: branch(undefined, "object", data ? [leaf("type", type), leaf("data", data)] : [leaf("type", type)]),
      };
  }
}

/**
 * Socket.IO is Engine.IO's usual passenger; plain Engine.IO (engine.io-client alone) keeps its
 * default `/engine.io/` path, and its messages are shown as text.
 */
function carriesSocketIo(ctx: DecodeContext): boolean {
  return !socketUrl(ctx).path.includes("/engine.io/");
}

export const decoder: ProtocolDecoder = {
  id: "engineio",
  decode: (frame, ctx) => (carriesSocketIo(ctx) ? decodeEngineIo(frame, ctx, decodeSocketIoPacket) : decodeEngineIo(frame, ctx)),
};
