import type { SettingsProblem } from "../shared/settings";
import { STRATEGIES } from "./form-fields";
import { FieldErrors } from "./FieldErrors";
import "./Field.css";
import { t, type MessageKey } from "../shared/i18n";

export interface StrategyFieldProps {
  path: string;
  label: string;
  value: unknown;
  errors: readonly SettingsProblem[];
  testId?: string;
  onChange(value: string | undefined): void;
}

const HINTS: Record<(typeof STRATEGIES)[number], MessageKey> = {
  auto: "optionsStrategyAuto",
  transparent: "optionsStrategyTransparent",
  surface: "optionsStrategySurface",
};

/** `reconnect.strategy`; "default" removes the key (auto). An unknown stored value stays selectable so the validator can name it. */
export function StrategyField({ path, label, value, errors, testId, onChange }: StrategyFieldProps) {
  const stored = typeof value === "string" ? value : value === undefined ? "" : JSON.stringify(value);
  const known = stored === "" || (STRATEGIES as readonly string[]).includes(stored);
  return (
    <label class={`field field-select${errors.length ? " field-invalid" : ""}`}>
      <span class="field-label">{label}</span>
      <select class="field-input" data-path={path} data-testid={testId} value={stored} onChange={(e) => onChange(e.currentTarget.value || undefined)}>
        <option value="">{t("optionsStrategyDefault")}</option>
        {STRATEGIES.map((s) => (
          <option key={s} value={s} title={t(HINTS[s])}>
            {s}
          </option>
        ))}
        {!known && <option value={stored}>{stored}</option>}
      </select>
      <FieldErrors errors={errors} />
    </label>
  );
}
