/** MessagePack binary frames (https://msgpack.org), decoded with @msgpack/msgpack. */
import { decode } from "@msgpack/msgpack";
import { hexToBytes } from "./bytes";
import { compact, toTree } from "./tree";
import type { Decoder } from "./types";

export function decodeMsgpackSafely(bytes: Uint8Array): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    // The decoder keeps its own stack (no recursion) and rejects trailing bytes and `__proto__` keys.
    return { ok: true, value: decode(bytes) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/** Any binary frame that is a whole MessagePack map or array; scalars would match too much random binary. */
export const msgpack: Decoder = {
  name: "MessagePack",
  matches: () => false,
  decode: (frame, ctx) => msgpack.sniff!(frame, ctx),
  sniff(frame) {
    if (frame.opcode !== "binary" || frame.truncated || frame.preview.length === 0) return null;
    let bytes: Uint8Array;
    try {
      bytes = hexToBytes(frame.preview);
    } catch {
      return null;
    }
    const b = bytes[0]!;
    const container = (b >= 0x80 && b <= 0x9f) || b === 0xdc || b === 0xdd || b === 0xde || b === 0xdf;
    if (!container) return null;
    const r = decodeMsgpackSafely(bytes);
    if (!r.ok) return null;
    return { protocol: "MessagePack", summary: compact(r.value, 160), kind: "data", tree: toTree(r.value) };
  },
};
