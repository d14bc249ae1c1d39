import type { SettingsProblem } from "../shared/settings";
import { parsePrimitiveText, showPrimitive } from "./draft";
import { ParsedTextField } from "./ParsedTextField";
import { defaultPlaceholder } from "./form-fields";
import { t } from "../shared/i18n";

export interface PrimitiveFieldProps {
  path: string;
  label: string;
  value: unknown;
  /** What an empty field means. */
  fallback: unknown;
  errors: readonly SettingsProblem[];
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
export function PrimitiveField({ fallback, testId, ...rest }: PrimitiveFieldProps) {
  const hint = rest.value === undefined ? primitiveHint(fallback) : primitiveHint(rest.value);
  return (
    <ParsedTextField {...rest} testId={testId} placeholder={defaultPlaceholder(showPrimitive(fallback))} parse={parsePrimitiveText} show={showPrimitive}>
      {hint !== null && (
        <span class="field-hint" data-testid={testId ? `${testId}-parsed` : undefined}>
          {rest.value === undefined ? t("optionsEqualsDefault", [hint]) : hint}
        </span>
      )}
    </ParsedTextField>
  );
}
