import { useMemo, useState } from "preact/hooks";
import type { ComponentChildren } from "preact";
import type { FrameRecord } from "../shared/protocol";
import type { Decoded } from "./frame-decoding";
import type { FrameType } from "./frame-filter";
import { hexToBytes } from "./frame-info";
import { frameMarks } from "./frame-marks";
import { FrameMarkTags } from "./FrameMarkTags";
import { formatBytes, formatClock } from "./format";
import { copyText } from "./clipboard";
import { JsonTree, parseJsonPayload } from "./JsonTree";
import { HexDump, hexDumpLines } from "./HexDump";
import { DecodedTree } from "./DecodedTree";
import "./FrameDetail.css";
import { t, type MessageKey } from "../shared/i18n";

export interface FrameDetailProps {
  frame: FrameRecord;
  decoded: Decoded | null;
  type: FrameType;
  onClose(): void;
  /** What one can do with the frame (resend it, make a rule of it), shown above its payload. */
  actions?: ComponentChildren;
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
      ...(frame.from ? { from: frame.from } : {}),
      ...(frame.fate ? { fate: frame.fate } : {}),
      data: frame.preview,
      ...(decoded ? { protocol: decoded.protocol, summary: decoded.summary } : {}),
    },
    null,
    2,
  );
}

export function FrameDetail({ frame, decoded, type, onClose, actions }: FrameDetailProps) {
  const [copied, setCopied] = useState("");
  const json = useMemo(() => (frame.opcode === "text" ? parseJsonPayload(frame.preview) : undefined), [frame]);
  const bytes = useMemo(() => (frame.opcode === "binary" ? hexToBytes(frame.preview) : null), [frame]);
  const copy = async (done: MessageKey, text: string) => setCopied(t((await copyText(text)) ? done : "panelCopyFailed"));
  const marks = frameMarks(frame);

  return (
    <section class="frame-detail" data-testid="frame-detail" aria-label={t("panelFrameDetail")}>
      <div class="frame-detail-bar">
        <span>
          {frame.dir === "out" ? t("panelFrameSent") : t("panelFrameReceived")} · #{frame.seq} · {formatClock(frame.t)} · {formatBytes(frame.size)} ·{" "}
          {type}
          {decoded && ` · ${decoded.protocol}`}
        </span>
        <FrameMarkTags marks={marks} testId="detail-mark" />
        <span class="frame-detail-spacer" />
        <span class="frame-detail-copied" role="status">
          {copied}
        </span>
        <button type="button" onClick={() => void copy("panelCopiedText", frameAsText(frame))}>
          {t("panelCopyText")}
        </button>
        <button type="button" onClick={() => void copy("panelCopiedJson", frameAsJson(frame, decoded))}>
          {t("panelCopyJson")}
        </button>
        <button type="button" class="frame-detail-close" title={t("panelClose")} aria-label={t("panelCloseDetail")} onClick={onClose}>
          ×
        </button>
      </div>
      <div class="frame-detail-body">
        {/* Who made it and what became of it, in words (the tags above say it short). */}
        <p class="frame-detail-note" data-testid="detail-provenance">
          {marks.length ? marks.map((mark) => mark.title).join(". ") : t("panelFrameMarksNone")}
        </p>
        {actions && (
          <div class="frame-detail-actions" data-testid="frame-actions">
            {actions}
          </div>
        )}
        {frame.truncated && (
          <p class="frame-detail-note">
            {frame.opcode === "binary"
              ? t("panelTruncatedBytes", [String(frame.preview.length / 2), String(frame.size)])
              : t("panelTruncatedChars", [String(frame.preview.length), String(frame.size)])}
          </p>
        )}
        {decoded && (
          <div class="frame-detail-section" data-testid="decoded">
            <h3>
              {t("panelDecodedAs")} <span data-testid="decoded-protocol">{decoded.protocol}</span>
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
            <h3>{t("panelSectionHex")}</h3>
            <HexDump bytes={bytes} size={frame.size} />
          </div>
        ) : (
          <div class="frame-detail-section">
            <h3>{t("panelTypeText")}</h3>
            <pre class="frame-detail-text" data-testid="frame-text">
              {frame.preview}
            </pre>
          </div>
        )}
      </div>
    </section>
  );
}
