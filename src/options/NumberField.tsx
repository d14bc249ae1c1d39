import { useEffect, useState } from "preact/hooks";
import { parseNumberText, showNumber } from "./draft";
import { FieldErrors } from "./FieldErrors";
import "./Field.css";

export interface NumberFieldProps {
  path: string;
  label: string;
  value: unknown;
  placeholder: string;
  errors: readonly string[];
  testId?: string;
  onChange(value: number | string | undefined): void;
}

/**
 * A number as text (`inputmode="decimal"`): `type="number"` would turn what is not a number into ""
 * and hide it, while here what the user typed reaches the draft and the validator names it. Empty
 * means "not set": the default (the placeholder) applies. The text is kept while it means the same
 * number (typing "1.50" is not rewritten to "1.5" under the cursor).
 */
export function NumberField({ path, label, value, placeholder, errors, testId, onChange }: NumberFieldProps) {
  const [text, setText] = useState(showNumber(value));
  useEffect(() => {
    if (!Object.is(parseNumberText(text), value)) setText(showNumber(value));
    // Only a change from outside (the JSON view, a load) resets the text: not the text itself.
  }, [value]);
  return (
    <label class={errors.length ? "field field-invalid" : "field"}>
      <span class="field-label">{label}</span>
      <input
        type="text"
        inputMode="decimal"
        class="field-input field-number"
        data-path={path}
        data-testid={testId}
        aria-invalid={errors.length > 0}
        placeholder={placeholder}
        value={text}
        onInput={(e) => {
          const next = e.currentTarget.value;
          setText(next);
          onChange(parseNumberText(next));
        }}
      />
      <FieldErrors errors={errors} />
    </label>
  );
}
