import type { SettingsProblem } from "../shared/settings";
import { FieldErrors } from "./FieldErrors";
import "./Field.css";

export interface CheckFieldProps {
  path: string;
  label: string;
  /** The stored value; a non-boolean (which the validator reports) shows as the default. */
  value: unknown;
  fallback: boolean;
  errors: readonly SettingsProblem[];
  testId?: string;
  onChange(value: boolean): void;
}

export function CheckField({ path, label, value, fallback, errors, testId, onChange }: CheckFieldProps) {
  return (
    <label class={`field field-check${errors.length ? " field-invalid" : ""}`}>
      <input
        type="checkbox"
        data-path={path}
        data-testid={testId}
        checked={typeof value === "boolean" ? value : fallback}
        onChange={(e) => onChange(e.currentTarget.checked)}
      />
      <span class="field-label">{label}</span>
      <FieldErrors errors={errors} />
    </label>
  );
}
