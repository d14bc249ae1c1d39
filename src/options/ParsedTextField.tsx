import type { SettingsProblem } from "../shared/settings";
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { FieldErrors } from "./FieldErrors";
import "./Field.css";

export interface ParsedTextFieldProps<T> {
  path: string;
  label: string;
  value: unknown;
  placeholder?: string;
  errors: readonly SettingsProblem[];
  testId?: string;
  wide?: boolean;
  inputMode?: "decimal";
  /** What was typed, as the draft holds it (text it cannot read stays text, for the validator to name). */
  parse(text: string): T;
  show(value: unknown): string;
  /** Whether the typed text still means `value` (default: `Object.is`). */
  same?(a: unknown, b: unknown): boolean;
  onChange(value: T): void;
  /** Shown under the input (a hint). */
  children?: ComponentChildren;
}

/**
 * A typed value edited as text. The text is kept while it means the same value (typing "1.50" is not
 * rewritten to "1.5" under the cursor); only a change from outside (the JSON view, a load) resets it.
 */
export function ParsedTextField<T>(props: ParsedTextFieldProps<T>) {
  const { path, label, value, placeholder, errors, testId, wide, inputMode, parse, show, same = Object.is, onChange } = props;
  const [text, setText] = useState(show(value));
  useEffect(() => {
    if (!same(parse(text), value)) setText(show(value));
  }, [value]);
  return (
    <label class={`field${wide ? " field-wide" : ""}${errors.length ? " field-invalid" : ""}`}>
      <span class="field-label">{label}</span>
      <input
        type="text"
        inputMode={inputMode}
        class={inputMode === "decimal" ? "field-input field-number" : "field-input"}
        spellcheck={false}
        data-path={path}
        data-testid={testId}
        aria-invalid={errors.length > 0}
        placeholder={placeholder}
        value={text}
        onInput={(e) => {
          const next = e.currentTarget.value;
          setText(next);
          onChange(parse(next));
        }}
      />
      {props.children}
      <FieldErrors errors={errors} />
    </label>
  );
}
