import { parseNumberText, showNumber } from "./draft";
import { ParsedTextField } from "./ParsedTextField";

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
export function NumberField(props: NumberFieldProps) {
  return <ParsedTextField {...props} inputMode="decimal" parse={parseNumberText} show={showNumber} />;
}
