/**
 * A payload in an editor: text frames as their text, binary frames as hex (bytes in pairs, spaced), and
 * back to what a `send` / `inject` fault or a `pause` answer carries. The page world decodes the hex;
 * here it is only checked, so a typo is named before anything goes.
 */
import type { FrameRecord } from "../shared/protocol";
import { FAULT_LIMITS } from "../shared/protocol";

export type PayloadEncoding = "text" | "hex";

export interface Payload {
  data: string;
  encoding: PayloadEncoding;
}

/** What an editor shows first for a frame: its text, or its bytes as spaced hex. */
export function editableText(frame: FrameRecord): string {
  if (frame.opcode === "text") return frame.preview;
  return (frame.preview.match(/../g) ?? []).join(" ");
}

export const encodingOf = (frame: FrameRecord): PayloadEncoding => (frame.opcode === "binary" ? "hex" : "text");

/** The payload an editor's text stands for, or the reason it cannot go (a message key's substitutions are the caller's). */
export function payloadOf(text: string, encoding: PayloadEncoding): { payload: Payload } | { error: "hex" | "size" } {
  if (text.length > FAULT_LIMITS.maxPayloadChars) return { error: "size" };
  if (encoding === "text") return { payload: { data: text, encoding } };
  // A character class, not an alternation: a long payload must not exhaust the regex stack.
  const hex = text.replace(/\s+/g, "");
  if (!/^[0-9a-fA-F]*$/.test(hex) || hex.length % 2 !== 0) return { error: "hex" };
  return { payload: { data: hex.toLowerCase(), encoding } };
}
