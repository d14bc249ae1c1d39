import { useEffect, useState } from "preact/hooks";
import { parsePrimitiveText, showPrimitive } from "./draft";
import { FieldErrors } from "./FieldErrors";
import "./Field.css";
import { t } from "../shared/i18n";

export interface PrimitiveFieldProps {
  path: string;
  label: string;
  value: unknown;
  /** What an empty field means. */
  fallback: unknown;
  errors: readonly string[];
  testId?: string;
  onChange(value: string | number | boolean | null | undefined): void;
}

/** How a value is compared, said in words: `the string "ack"`, `the number 1`, `null`. */
export function primitiveHint(value: unknown): string | null {
  if (typeof value === "string") return t("optionsEqualsString", [JSON.stringify(value)]);
  if (typeof value === "number") return t("optionsEqualsNumber", [String(value)]);
  if (typeof value === "boolean") return t("optionsEqualsBoolean", [String(value)]);
  if (value === null) return t("optionsEqualsNull");
  // An object or array from the JSON view: the validator names it.
  return null;
}

/**
 * A JSON primitive (`ackWhen.equals`) as text: `ack` is the string "ack", `1` the number, `true`,
 * `null`; `"1"` (quoted) the string. Beside it, how what was typed is read, since `1` and `"1"` do not
 * compare equal.
 */
export function PrimitiveField({ path, label, value, fallback, errors, testId, onChange }: PrimitiveFieldProps) {
  const [text, setText] = useState(showPrimitive(value));
  useEffect(() => {
    if (!Object.is(parsePrimitiveText(text), value)) setText(showPrimitive(value));
    // Only a change from outside (the JSON view, a load) resets the text: not the text itself.
  }, [value]);
  const hint = value === undefined ? primitiveHint(fallback) : primitiveHint(value);
  return (
    <label class={errors.length ? "field field-invalid" : "field"}>
      <span class="field-label">{label}</span>
      <input
        type="text"
        class="field-input"
        spellcheck={false}
        data-path={path}
        data-testid={testId}
        aria-invalid={errors.length > 0}
        placeholder={showPrimitive(fallback)}
        value={text}
        onInput={(e) => {
          const next = e.currentTarget.value;
          setText(next);
          onChange(parsePrimitiveText(next));
        }}
      />
      {hint !== null && (
        <span class="field-hint" data-testid={testId ? `${testId}-parsed` : undefined}>
          {value === undefined ? t("optionsEqualsDefault", [hint]) : hint}
        </span>
      )}
      <FieldErrors errors={errors} />
    </label>
  );
}
