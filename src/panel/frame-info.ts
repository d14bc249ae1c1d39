/** What the frames table and the detail view say about one frame, beyond the record itself. */
import type { FrameRecord } from "../shared/protocol";
import type { Decoded } from "./frame-decoding";
import type { FrameType } from "./frame-filter";
import { t } from "../shared/i18n";

/**
 * `heartbeat` only for what the record says Lifeguard's heartbeat made; a protocol's own pings and
 * control frames, which the decoder reads from the payload, are `control` (the page's library made them).
 */
export function frameType(frame: FrameRecord, decoded: Decoded | null): FrameType {
  if (frame.from === "heartbeat") return "heartbeat";
  if (decoded?.kind === "control" || decoded?.kind === "heartbeat") return "control";
  return frame.opcode;
}

/** The one line the Preview column shows: the decoder's summary, else the text, else spaced hex. */
export function previewLine(frame: FrameRecord, decoded: Decoded | null, max = 300): string {
  if (decoded && !decoded.error && decoded.summary) return clipLine(decoded.summary, max);
  if (frame.opcode === "binary") {
    // A Blob (the default binaryType) cannot be read synchronously: the recorder knows its size only.
    if (frame.preview === "") return frame.size > 0 ? t("panelPreviewBlob", [String(frame.size)]) : t("panelPreviewEmpty");
    return spacedHex(frame.preview, Math.floor(max / 3));
  }
  return clipLine(frame.preview, max);
}

/** `0a1b2c` -> `0a 1b 2c`, at most `maxBytes` bytes. */
export function spacedHex(hex: string, maxBytes: number): string {
  const bytes = Math.min(hex.length >> 1, maxBytes);
  const parts: string[] = [];
  for (let i = 0; i < bytes; i++) parts.push(hex.slice(i * 2, i * 2 + 2));
  return parts.join(" ") + (bytes < hex.length >> 1 ? " …" : "");
}

function clipLine(text: string, max: number): string {
  const head = text.length > max ? text.slice(0, max) : text;
  // Line breaks would make a row taller than its neighbours.
  const line = head.replace(/[\r\n\t]+/g, " ");
  return text.length > max ? `${line}…` : line;
}

/** The bytes of a hex preview (the recorder writes binary previews as lowercase hex). */
export function hexToBytes(hex: string): Uint8Array {
  const n = hex.length >> 1;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const b = parseInt(hex.substr(i * 2, 2), 16);
    out[i] = Number.isNaN(b) ? 0 : b;
  }
  return out;
}

export function bytesToHex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}
