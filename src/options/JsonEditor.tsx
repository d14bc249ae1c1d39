import type { SettingsProblem } from "../shared/settings";
import { FieldErrors } from "./FieldErrors";
import "./JsonEditor.css";
import { t } from "../shared/i18n";
import type { TextPosition } from "./json-position";

export interface JsonEditorProps {
  text: string;
  parseError: string | null;
  /** Where the text stops being JSON, when known. */
  parseAt: TextPosition | null;
  /** Messages about places the form does not show (unknown keys, the root). */
  errors: readonly SettingsProblem[];
  disabled: boolean;
  onInput(text: string): void;
}

/** The same draft as JSON: everything the form shows, and what it cannot (unknown keys), is editable here. */
export function JsonEditor({ text, parseError, parseAt, errors, disabled, onInput }: JsonEditorProps) {
  return (
    <section class="json-view">
      <h2>JSON</h2>
      <textarea
        class={parseError ? "json-editor json-editor-invalid" : "json-editor"}
        data-testid="json-editor"
        aria-label={t("optionsJsonLabel")}
        aria-invalid={parseError !== null}
        spellcheck={false}
        disabled={disabled}
        value={text}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
      {parseError !== null && (
        <p class="json-parse-error" role="alert" data-testid="json-error">
          {parseAt
            ? t("optionsJsonParseErrorAt", [String(parseAt.line), String(parseAt.column), parseError])
            : t("optionsJsonParseError", [parseError])}
        </p>
      )}
      <FieldErrors errors={errors} style="json" />
    </section>
  );
}
