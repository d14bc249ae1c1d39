import type { SettingsProblem } from "../shared/settings";
import { FieldErrors } from "./FieldErrors";
import "./Field.css";

export interface TextFieldProps {
  path: string;
  label: string;
  value: unknown;
  placeholder?: string;
  errors: readonly SettingsProblem[];
  testId?: string;
  wide?: boolean;
  /** Empty text gives `undefined` (the default applies) unless `keepEmpty`. */
  keepEmpty?: boolean;
  /** Said under the field. */
  help?: string;
  onChange(value: string | undefined): void;
}

export function TextField({ path, label, value, placeholder, errors, testId, wide, keepEmpty, help, onChange }: TextFieldProps) {
  const shown = value === undefined || value === null ? "" : typeof value === "string" ? value : JSON.stringify(value);
  return (
    <label class={`field${wide ? " field-wide" : ""}${errors.length ? " field-invalid" : ""}`}>
      <span class="field-label">{label}</span>
      <input
        type="text"
        class="field-input"
        spellcheck={false}
        data-path={path}
        data-testid={testId}
        aria-invalid={errors.length > 0}
        placeholder={placeholder}
        value={shown}
        onInput={(e) => {
          const next = e.currentTarget.value;
          onChange(next === "" && !keepEmpty ? undefined : next);
        }}
      />
      {help !== undefined && (
        <span class="field-hint" data-testid={testId ? `${testId}-help` : undefined}>
          {help}
        </span>
      )}
      <FieldErrors errors={errors} />
    </label>
  );
}
