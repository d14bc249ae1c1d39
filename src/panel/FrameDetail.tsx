import { useMemo, useState } from "preact/hooks";
import type { FrameRecord } from "../shared/protocol";
import type { Decoded } from "./frame-decoding";
import type { FrameType } from "./frame-filter";
import { hexToBytes } from "./frame-info";
import { formatBytes, formatClock } from "./format";
import { copyText } from "./clipboard";
import { JsonTree, parseJsonPayload } from "./JsonTree";
import { HexDump, hexDumpLines } from "./HexDump";
import { DecodedTree } from "./DecodedTree";
import "./FrameDetail.css";

export interface FrameDetailProps {
  frame: FrameRecord;
  decoded: Decoded | null;
  type: FrameType;
  onClose(): void;
}

/** "Copy as text": the text itself, or for binary the hex dump. */
export function frameAsText(frame: FrameRecord): string {
  return frame.opcode === "text" ? frame.preview : hexDumpLines(hexToBytes(frame.preview), Infinity).join("\n");
}

/** "Copy as JSON": the payload pretty-printed when it is JSON, else the frame as a JSON record. */
export function frameAsJson(frame: FrameRecord, decoded: Decoded | null): string {
  const parsed = frame.opcode === "text" ? parseJsonPayload(frame.preview) : undefined;
  if (parsed !== undefined) return JSON.stringify(parsed, null, 2);
  return JSON.stringify(
    {
      dir: frame.dir,
      seq: frame.seq,
      time: new Date(frame.t).toISOString(),
      opcode: frame.opcode,
      size: frame.size,
      truncated: frame.truncated,
      data: frame.preview,
      ...(decoded ? { protocol: decoded.protocol, summary: decoded.summary } : {}),
    },
    null,
    2,
  );
}

export function FrameDetail({ frame, decoded, type, onClose }: FrameDetailProps) {
  const [copied, setCopied] = useState("");
  const json = useMemo(() => (frame.opcode === "text" ? parseJsonPayload(frame.preview) : undefined), [frame]);
  const bytes = useMemo(() => (frame.opcode === "binary" ? hexToBytes(frame.preview) : null), [frame]);
  const copy = async (what: string, text: string) => setCopied((await copyText(text)) ? `${what} copied` : "Copy failed");

  return (
    <section class="frame-detail" data-testid="frame-detail" aria-label="Frame detail">
      <div class="frame-detail-bar">
        <span>
          {frame.dir === "out" ? "↑ sent" : "↓ received"} · #{frame.seq} · {formatClock(frame.t)} · {formatBytes(frame.size)} ·{" "}
          {type}
          {decoded && ` · ${decoded.protocol}`}
        </span>
        <span class="frame-detail-spacer" />
        <span class="frame-detail-copied" role="status">
          {copied}
        </span>
        <button type="button" onClick={() => void copy("Text", frameAsText(frame))}>
          Copy as text
        </button>
        <button type="button" onClick={() => void copy("JSON", frameAsJson(frame, decoded))}>
          Copy as JSON
        </button>
        <button type="button" class="frame-detail-close" title="Close" aria-label="Close detail" onClick={onClose}>
          ×
        </button>
      </div>
      <div class="frame-detail-body">
        {frame.truncated && (
          <p class="frame-detail-note">
            Only the start of this frame was recorded ({frame.opcode === "binary" ? `${frame.preview.length / 2} bytes` : `${frame.preview.length} characters`}{" "}
            of {frame.size} bytes).
          </p>
        )}
        {decoded && (
          <div class="frame-detail-section" data-testid="decoded">
            <h3>
              Decoded as <span data-testid="decoded-protocol">{decoded.protocol}</span>
            </h3>
            {decoded.error && <p class="frame-detail-error">{decoded.error}</p>}
            {decoded.tree ? <DecodedTree node={decoded.tree} /> : <p>{decoded.summary}</p>}
          </div>
        )}
        {/* The decoder's tree already shows the structure (it may be the JSON decoder): not twice. */}
        {json !== undefined && !decoded?.tree && (
          <div class="frame-detail-section">
            <h3>JSON</h3>
            <JsonTree value={json} />
          </div>
        )}
        {bytes ? (
          <div class="frame-detail-section">
            <h3>Hex</h3>
            <HexDump bytes={bytes} size={frame.size} />
          </div>
        ) : (
          <div class="frame-detail-section">
            <h3>Text</h3>
            <pre class="frame-detail-text" data-testid="frame-text">
              {frame.preview}
            </pre>
          </div>
        )}
      </div>
    </section>
  );
}
