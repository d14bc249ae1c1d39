import type { SettingsProblem } from "../shared/settings";
import { parseCodesText, showCodes } from "./draft";
import { ParsedTextField } from "./ParsedTextField";

export interface CodesFieldProps {
  path: string;
  label: string;
  value: unknown;
  placeholder: string;
  errors: readonly SettingsProblem[];
  testId?: string;
  onChange(value: (number | string)[] | undefined): void;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Close codes as a comma list; empty means the default list (the placeholder). A token that is not a number stays text for the validator to name. */
export function CodesField(props: CodesFieldProps) {
  return <ParsedTextField {...props} wide parse={parseCodesText} show={showCodes} same={same} />;
}
