/** MessagePack binary frames (https://msgpack.org), decoded with @msgpack/msgpack. */
import { decode } from "@msgpack/msgpack";
import { wholeBinary } from "../bytes";
import { compact, toTree } from "../tree";
import type { GenericDecoder } from "../types";

export function decodeMsgpackSafely(bytes: Uint8Array): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    // The decoder keeps its own stack (no recursion) and rejects trailing bytes and `__proto__` keys.
    return { ok: true, value: decode(bytes) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/** Any binary frame that is a whole MessagePack map or array; scalars would match too much random binary. */
export const msgpack: GenericDecoder = {
  name: "MessagePack",
  sniff(frame) {
    // fixmap, fixarray, array16/32, map16/32
    const bytes = wholeBinary(frame, (b) => (b >= 0x80 && b <= 0x9f) || (b >= 0xdc && b <= 0xdf));
    if (!bytes) return null;
    const r = decodeMsgpackSafely(bytes);
    if (!r.ok) return null;
    return { protocol: "MessagePack", summary: compact(r.value, 160), kind: "data", tree: toTree(r.value) };
  },
};
