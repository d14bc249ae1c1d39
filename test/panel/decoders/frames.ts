/** Builders for the frames and contexts the decoder tests feed in. */
import type { DecodeContext, FrameInput } from "../../../src/panel/decoders";

export function text(preview: string, dir: "in" | "out" = "in", truncated = false): FrameInput {
  return { opcode: "text", preview, dir, truncated };
}

export function binary(hex: string, dir: "in" | "out" = "in", truncated = false): FrameInput {
  return { opcode: "binary", preview: hex, dir, truncated };
}

export function ctx(url: string, protocols: string[] = [], negotiated?: string): DecodeContext {
  return negotiated === undefined ? { url, protocols } : { url, protocols, negotiated };
}

/** The context with the connection's first frames, as the panel gives the recognisers. */
export function opening(c: DecodeContext, ...firstFrames: FrameInput[]): DecodeContext {
  return { ...c, firstFrames };
}

export function hexOf(bytes: ArrayLike<number> | string): string {
  return Buffer.from(typeof bytes === "string" ? Buffer.from(bytes, "utf8") : Uint8Array.from(bytes)).toString("hex");
}

/** Finds a child by key, one level down per key. */
export function at(node: import("../../../src/panel/decoders").DecodedNode | undefined, ...keys: string[]) {
  let n = node;
  for (const k of keys) n = n?.children?.find((c) => c.key === k);
  return n;
}
