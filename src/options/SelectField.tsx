import type { SettingsProblem } from "../shared/settings";
import { FieldErrors } from "./FieldErrors";
import "./Field.css";
import { t } from "../shared/i18n";

export interface SelectFieldProps {
  path: string;
  label: string;
  value: unknown;
  /** The values offered, each with what it is called. */
  options: readonly { value: string; label: string }[];
  errors: readonly SettingsProblem[];
  testId?: string;
  onChange(value: string | undefined): void;
}

/**
 * One of a few values. Empty ("choose…") removes the key, for the validator to say it is missing; a
 * stored value that is none of them stays selectable so the validator can name it.
 */
export function SelectField({ path, label, value, options, errors, testId, onChange }: SelectFieldProps) {
  const stored = typeof value === "string" ? value : value === undefined ? "" : JSON.stringify(value);
  const known = stored === "" || options.some((o) => o.value === stored);
  return (
    <label class={`field field-select${errors.length ? " field-invalid" : ""}`}>
      <span class="field-label">{label}</span>
      <select class="field-input" data-path={path} data-testid={testId} value={stored} onChange={(e) => onChange(e.currentTarget.value || undefined)}>
        <option value="">{t("optionsFrameChoose")}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
        {!known && <option value={stored}>{stored}</option>}
      </select>
      <FieldErrors errors={errors} />
    </label>
  );
}
