import type { SettingsProblem } from "../shared/settings";
import { DEFAULTS } from "../shared/settings";
import { getAt, isRecord, setAt, type Path } from "./draft";
import { CheckField } from "./CheckField";
import { FieldErrors } from "./FieldErrors";
import { NumberField } from "./NumberField";
import { RuleRow, rulePaths } from "./RuleRow";
import { FrameRulesSection, frameRulesPaths } from "./FrameRulesSection";
import { defaultPlaceholder } from "./form-fields";
import "./SettingsForm.css";
import { t } from "../shared/i18n";

export interface SettingsFormProps {
  value: unknown;
  /** Read-only while the JSON view's text does not parse. */
  disabled: boolean;
  errorsOf(path: string): readonly SettingsProblem[];
  onChange(value: unknown): void;
}

const RECORD_FIELDS = [
  { key: "maxFramesPerSocket", label: "optionsMaxFramesPerSocket" },
  { key: "maxPreviewBytes", label: "optionsMaxPreviewBytes" },
] as const;

/** The draft as a form: the global switch, recording limits, the rules and the frame rules in order. */
export function SettingsForm({ value, disabled, errorsOf, onChange }: SettingsFormProps) {
  const edit = (path: Path, v: unknown): void => onChange(setAt(value, path, v));

  if (!isRecord(value)) {
    return (
      <section class="settings-form" data-testid="settings-form">
        <p class="form-note">{t("optionsNotAnObject")}</p>
      </section>
    );
  }
  const rules = value.rules;
  const setRules = (next: unknown[]): void => edit(["rules"], next);

  return (
    <fieldset class="settings-form" data-testid="settings-form" disabled={disabled}>
      {disabled && <p class="form-note">{t("optionsJsonInvalidForm")}</p>}
      <CheckField
        path="enabled"
        label={t("optionsEnabled")}
        value={value.enabled}
        fallback={DEFAULTS.enabled}
        errors={errorsOf("enabled")}
        testId="enabled-toggle"
        onChange={(v) => edit(["enabled"], v)}
      />

      <h2>{t("optionsRecording")}</h2>
      <FieldErrors errors={errorsOf("record")} />
      <div class="form-row">
        {RECORD_FIELDS.map((f) => (
          <NumberField
            key={f.key}
            path={`record.${f.key}`}
            label={t(f.label)}
            value={getAt(value, ["record", f.key])}
            placeholder={defaultPlaceholder(String(DEFAULTS.record[f.key]))}
            errors={errorsOf(`record.${f.key}`)}
            onChange={(v) => edit(["record", f.key], v)}
          />
        ))}
      </div>

      <h2>{t("optionsRules")}</h2>
      <p class="form-note">
        {t("optionsRulesNote")}
      </p>
      <FieldErrors errors={errorsOf("rules")} />
      {Array.isArray(rules) ? (
        <>
          <ol class="rule-list">
            {rules.map((rule: unknown, i) => (
              <RuleRow
                key={i}
                index={i}
                count={rules.length}
                rule={rule}
                errorsOf={errorsOf}
                edit={edit}
                move={(from, to) => {
                  const next = [...rules];
                  [next[from], next[to]] = [next[to], next[from]];
                  setRules(next);
                }}
                remove={(index) => setRules(rules.filter((_, j) => j !== index))}
              />
            ))}
          </ol>
          <button type="button" data-testid="add-rule" onClick={() => setRules([...rules, { match: "" }])}>
            {t("optionsAddRule")}
          </button>
        </>
      ) : rules === undefined ? (
        <button type="button" data-testid="add-rule" onClick={() => setRules([{ match: "" }])}>
          {t("optionsAddRule")}
        </button>
      ) : (
        <p class="form-note">{t("optionsRulesNotAList")}</p>
      )}

      <FrameRulesSection frameRules={value.frameRules} errorsOf={errorsOf} edit={edit} />
    </fieldset>
  );
}

/** Every path the form shows a message beside, for the draft `value`. */
export function formPaths(value: unknown): string[] {
  if (!isRecord(value)) return [];
  const paths = ["enabled", "record", ...RECORD_FIELDS.map((f) => `record.${f.key}`), "rules"];
  if (Array.isArray(value.rules)) value.rules.forEach((rule: unknown, i) => paths.push(...rulePaths(i, rule)));
  paths.push(...frameRulesPaths(value.frameRules));
  return paths;
}
