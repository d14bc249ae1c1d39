import { useEffect, useState } from "preact/hooks";
import { parseCodesText, showCodes } from "./draft";
import { FieldErrors } from "./FieldErrors";
import "./Field.css";

export interface CodesFieldProps {
  path: string;
  label: string;
  value: unknown;
  placeholder: string;
  errors: readonly string[];
  testId?: string;
  onChange(value: (number | string)[] | undefined): void;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Close codes as a comma list; empty means the default list (the placeholder). A token that is not a number stays text for the validator to name. */
export function CodesField({ path, label, value, placeholder, errors, testId, onChange }: CodesFieldProps) {
  const [text, setText] = useState(showCodes(value));
  useEffect(() => {
    if (!same(parseCodesText(text), value)) setText(showCodes(value));
    // Only a change from outside (the JSON view, a load) resets the text: not the text itself.
  }, [value]);
  return (
    <label class={`field field-wide${errors.length ? " field-invalid" : ""}`}>
      <span class="field-label">{label}</span>
      <input
        type="text"
        class="field-input"
        spellcheck={false}
        data-path={path}
        data-testid={testId}
        aria-invalid={errors.length > 0}
        placeholder={placeholder}
        value={text}
        onInput={(e) => {
          const next = e.currentTarget.value;
          setText(next);
          onChange(parseCodesText(next));
        }}
      />
      <FieldErrors errors={errors} />
    </label>
  );
}
