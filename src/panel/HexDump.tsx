import "./HexDump.css";

/** Rows past this are not drawn (the preview is capped at 32 KB of bytes anyway). */
const MAX_ROWS = 2048;

/** `offset  hex (16 bytes)  ascii`, one line per 16 bytes. */
export function hexDumpLines(bytes: Uint8Array, maxRows = MAX_ROWS): string[] {
  const lines: string[] = [];
  for (let off = 0; off < bytes.length && lines.length < maxRows; off += 16) {
    const row = bytes.subarray(off, off + 16);
    let hex = "";
    let ascii = "";
    for (let i = 0; i < 16; i++) {
      const b = row[i];
      hex += b === undefined ? "   " : `${b.toString(16).padStart(2, "0")} `;
      if (i === 7) hex += " ";
      if (b !== undefined) ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".";
    }
    lines.push(`${off.toString(16).padStart(8, "0")}  ${hex} ${ascii}`);
  }
  return lines;
}

export interface HexDumpProps {
  bytes: Uint8Array;
  /** True size of the payload, when the preview holds only its start. */
  size: number;
}

export function HexDump({ bytes, size }: HexDumpProps) {
  const lines = hexDumpLines(bytes);
  const shown = Math.min(bytes.length, lines.length * 16);
  return (
    <div class="hex-dump" data-testid="hex-dump">
      <pre class="hex-dump-lines">{lines.join("\n")}</pre>
      {shown < size && (
        <p class="hex-dump-more">
          {shown} of {size} bytes shown.
        </p>
      )}
    </div>
  );
}
