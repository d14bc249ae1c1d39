import type { SettingsProblem } from "../shared/settings";
import { parseNullableNumberText, parseNumberText, showNullableNumber, showNumber } from "./draft";
import { ParsedTextField } from "./ParsedTextField";

export interface NumberFieldProps {
  path: string;
  label: string;
  value: unknown;
  placeholder: string;
  errors: readonly SettingsProblem[];
  testId?: string;
  /** `null` (no limit) is a value of its own: typed and shown as `null`. */
  nullable?: boolean;
  /** Said under the field. */
  help?: string;
  onChange(value: number | string | null | undefined): void;
}

/**
 * A number as text (`inputmode="decimal"`): `type="number"` would turn what is not a number into ""
 * and hide it, while here what the user typed reaches the draft and the validator names it. Empty
 * means "not set": the default (the placeholder) applies. The text is kept while it means the same
 * number (typing "1.50" is not rewritten to "1.5" under the cursor).
 */
export function NumberField({ nullable, help, testId, ...rest }: NumberFieldProps) {
  return (
    <ParsedTextField
      {...rest}
      testId={testId}
      inputMode="decimal"
      parse={nullable ? parseNullableNumberText : parseNumberText}
      show={nullable ? showNullableNumber : showNumber}
    >
      {help !== undefined && (
        <span class="field-hint" data-testid={testId ? `${testId}-help` : undefined}>
          {help}
        </span>
      )}
    </ParsedTextField>
  );
}
