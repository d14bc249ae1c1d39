import { useEffect, useState } from "preact/hooks";
import type { FaultCommand, FaultTarget, FrameRecord } from "../shared/protocol";
import type { SocketView } from "./model";
import { editableText, encodingOf, payloadOf } from "./payload-edit";
import { payloadComplete } from "./frame-rule-draft";
import { PayloadEditor } from "./PayloadEditor";
import { t } from "../shared/i18n";
import "./ResendEditor.css";

export interface ResendEditorProps {
  frame: FrameRecord;
  /** The frame's socket, as the panel knows it now (absent: gone from the list). */
  socket: SocketView | undefined;
  onFault(target: FaultTarget, fault: FaultCommand): void;
}

/** Why the frame cannot be sent again now, or null when it can. */
function whyNot(socket: SocketView | undefined): string | null {
  if (!socket) return t("panelResendGone");
  if (socket.origin === "imported") return t("panelResendImported");
  if (socket.origin === "previous-page") return t("panelResendPrevious");
  if (socket.state === "closed") return t("panelResendClosed");
  return null;
}

/**
 * "Edit and resend": the frame's payload in an editor (text, or hex for binary), sent again in its own
 * direction on its own socket: an outbound frame to the server as the page (`send`), an inbound one to
 * the page as the server (`inject`). The page world records it as the panel's.
 */
export function ResendEditor({ frame, socket, onFault }: ResendEditorProps) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState(() => editableText(frame));
  const [error, setError] = useState<string | undefined>();
  const [sent, setSent] = useState(0);
  const encoding = encodingOf(frame);
  useEffect(() => {
    setText(editableText(frame));
    setError(undefined);
    setSent(0);
  }, [frame]);

  const why = whyNot(socket);
  const partial = !payloadComplete(frame);
  const kind = frame.dir === "out" ? "send" : "inject";

  const send = (): void => {
    const read = payloadOf(text, encoding);
    if ("error" in read) return setError(read.error === "hex" ? t("panelPayloadBadHex") : t("panelPayloadTooLong"));
    setError(undefined);
    onFault({ socket: frame.socket }, { kind, data: read.payload.data, encoding: read.payload.encoding });
    setSent((n) => n + 1);
  };

  return (
    <div class="resend" data-testid="resend">
      <div class="resend-line">
        <button
          type="button"
          data-testid="resend-open"
          aria-expanded={open}
          disabled={why !== null}
          title={why ?? (frame.dir === "out" ? t("panelResendOutTitle") : t("panelResendInTitle"))}
          onClick={() => setOpen((o) => !o)}
        >
          {t("panelResend")}
        </button>
        {why !== null && (
          <span class="resend-note" data-testid="resend-why">
            {why}
          </span>
        )}
      </div>
      {open && why === null && (
        <form
          class="resend-form"
          onSubmit={(e) => {
            e.preventDefault();
            send();
          }}
        >
          <PayloadEditor
            value={text}
            onInput={(value) => {
              setText(value);
              if (error !== undefined) setError(undefined);
            }}
            encoding={encoding}
            label={t("panelPayload")}
            error={error}
            testId="resend-payload"
          />
          {partial && <span class="resend-note">{t("panelResendPartial", [String(frame.size)])}</span>}
          <div class="resend-line">
            <button type="submit" class="resend-primary" data-testid="resend-send">
              {frame.dir === "out" ? t("panelResendSendOut") : t("panelResendSendIn")}
            </button>
            <span class="resend-note" role="status" data-testid="resend-status">
              {sent > 0 ? t("panelResendSent", [String(sent)]) : ""}
            </span>
          </div>
        </form>
      )}
    </div>
  );
}
