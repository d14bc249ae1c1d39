import { useState } from "preact/hooks";
import type { PayloadEncoding } from "./payload-edit";
import { t } from "../shared/i18n";
import "./PayloadEditor.css";

export interface PayloadEditorProps {
  value: string;
  onInput(value: string): void;
  encoding: PayloadEncoding;
  /** The visible label ("Payload"). */
  label: string;
  /** Why it cannot be edited (a payload recorded in part), shown under it; absent: editable. */
  readOnlyWhy?: string;
  /** What is wrong with the value, shown under it. */
  error?: string;
  testId: string;
}

let ids = 0;

/** A payload's text or hex in a monospace box, labelled with what it holds; a reason under it when it cannot be edited. */
export function PayloadEditor({ value, onInput, encoding, label, readOnlyWhy, error, testId }: PayloadEditorProps) {
  const [id] = useState(() => `payload-${++ids}`);
  const note = error ?? readOnlyWhy;
  const lines = Math.min(8, Math.max(2, value.split("\n").length));
  return (
    <div class="payload-editor">
      <label for={id} class="payload-editor-label">
        {label} <span class="payload-editor-encoding">{encoding === "hex" ? t("panelPayloadHex") : t("panelPayloadText")}</span>
      </label>
      <textarea
        id={id}
        data-testid={testId}
        rows={lines}
        spellcheck={false}
        value={value}
        readOnly={readOnlyWhy !== undefined}
        aria-invalid={error !== undefined}
        aria-describedby={note !== undefined ? `${id}-note` : undefined}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
      {note !== undefined && (
        <span id={`${id}-note`} class={error !== undefined ? "payload-editor-error" : "payload-editor-note"} role={error !== undefined ? "alert" : undefined}>
          {note}
        </span>
      )}
    </div>
  );
}
