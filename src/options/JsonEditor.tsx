import { FieldErrors } from "./FieldErrors";
import "./JsonEditor.css";

export interface JsonEditorProps {
  text: string;
  parseError: string | null;
  /** Messages about places the form does not show (`delivery`, `resume`, unknown keys). */
  errors: readonly string[];
  disabled: boolean;
  onInput(text: string): void;
}

/** The same draft as JSON: everything, `delivery` and `resume` included, is editable here. */
export function JsonEditor({ text, parseError, errors, disabled, onInput }: JsonEditorProps) {
  return (
    <section class="json-view">
      <h2>JSON</h2>
      <textarea
        class={parseError ? "json-editor json-editor-invalid" : "json-editor"}
        data-testid="json-editor"
        aria-label="Settings as JSON"
        aria-invalid={parseError !== null}
        spellcheck={false}
        disabled={disabled}
        value={text}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
      {parseError !== null && (
        <p class="json-parse-error" role="alert" data-testid="json-error">
          Not valid JSON: {parseError}
        </p>
      )}
      <FieldErrors errors={errors} />
    </section>
  );
}
