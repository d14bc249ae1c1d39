import type { SettingsProblem } from "../shared/settings";
import { getAt, isRecord, pathString, type Path } from "./draft";
import { SECTIONS, defaultOf, fieldKeys, fieldTestId, placeholderOf, type FieldSpec, type FormSection } from "./form-fields";
import { FieldErrors } from "./FieldErrors";
import { TextField } from "./TextField";
import { NumberField } from "./NumberField";
import { CheckField } from "./CheckField";
import { StrategyField } from "./StrategyField";
import { CodesField } from "./CodesField";
import { PrimitiveField } from "./PrimitiveField";
import { SampleFrames } from "./SampleFrames";
import "./RuleRow.css";
import { t } from "../shared/i18n";

export interface RuleRowProps {
  index: number;
  count: number;
  rule: unknown;
  errorsOf(path: string): readonly SettingsProblem[];
  edit(path: Path, value: unknown): void;
  move(from: number, to: number): void;
  remove(index: number): void;
}

/**
 * One rule: its glob, its reconnect / heartbeat / queue / delivery / resume fields, a box that tries
 * its delivery and resume paths on sample frames, and its place in the list.
 */
export function RuleRow({ index, count, rule, errorsOf, edit, move, remove }: RuleRowProps) {
  const at = pathString(["rules", index]);
  const paused = isRecord(rule) && rule.enabled === false;
  return (
    <li class={paused ? "rule-row rule-paused" : "rule-row"} data-testid="rule-row" data-index={index} data-paused={paused}>
      <div class="rule-head">
        <span class="rule-number">{index + 1}</span>
        {isRecord(rule) && (
          <label class="rule-active" title={t("optionsRuleActiveTitle")}>
            <input
              type="checkbox"
              data-path={`${at}.enabled`}
              data-testid="rule-active"
              checked={rule.enabled !== false}
              // Active is the default: the key goes rather than being written as true.
              onChange={(e) => edit(["rules", index, "enabled"], e.currentTarget.checked ? undefined : false)}
            />
            {t("optionsRuleActive")}
          </label>
        )}
        {paused && (
          <span class="rule-paused-tag" data-testid="rule-paused">
            {t("optionsRulePaused")}
          </span>
        )}
        {isRecord(rule) ? (
          <TextField
            path={`${at}.match`}
            label={t("optionsMatch")}
            value={rule.match}
            placeholder="wss://*.example.com/*"
            errors={errorsOf(`${at}.match`)}
            testId="rule-match"
            wide
            keepEmpty
            onChange={(v) => edit(["rules", index, "match"], v)}
          />
        ) : (
          <span class="rule-not-object">{t("optionsNotARule")}</span>
        )}
        <div class="rule-buttons">
          <button type="button" title={t("optionsMoveUp")} aria-label={t("optionsMoveRuleUp", [String(index + 1)])} disabled={index === 0} onClick={() => move(index, index - 1)}>
            ↑
          </button>
          <button type="button" title={t("optionsMoveDown")} aria-label={t("optionsMoveRuleDown", [String(index + 1)])} disabled={index === count - 1} onClick={() => move(index, index + 1)}>
            ↓
          </button>
          <button type="button" data-testid="rule-remove" aria-label={t("optionsRemoveRule", [String(index + 1)])} onClick={() => remove(index)}>
            {t("optionsRemove")}
          </button>
        </div>
      </div>
      <FieldErrors errors={errorsOf(at)} />
      <FieldErrors errors={errorsOf(`${at}.enabled`)} />
      {isRecord(rule) && (
        <div class="rule-sections">
          {SECTIONS.map((section) => (
            <fieldset key={section.key} class={section.wide ? "rule-section rule-section-wide" : "rule-section"}>
              <legend>{t(section.title)}</legend>
              <FieldErrors errors={errorsOf(`${at}.${section.key}`)} />
              <div class="rule-fields">
                {section.fields.map((field) => (
                  <SectionField
                    key={field.key}
                    section={section.key}
                    field={field}
                    path={["rules", index, section.key, ...fieldKeys(field)]}
                    value={getAt(rule, [section.key, ...fieldKeys(field)])}
                    errorsOf={errorsOf}
                    edit={edit}
                  />
                ))}
              </div>
            </fieldset>
          ))}
          <SampleFrames rule={rule} />
        </div>
      )}
    </li>
  );
}

interface SectionFieldProps {
  section: FormSection;
  field: FieldSpec;
  path: Path;
  value: unknown;
  errorsOf(path: string): readonly SettingsProblem[];
  edit(path: Path, value: unknown): void;
}

function SectionField({ section, field, path, value, errorsOf, edit }: SectionFieldProps) {
  const p = pathString(path);
  const common = { path: p, label: t(field.label), value, errors: errorsOf(p), testId: fieldTestId(section, field) };
  const onChange = (v: unknown): void => edit(path, v);
  switch (field.kind) {
    case "bool":
      return <CheckField {...common} fallback={defaultOf(section, field.key) as boolean} onChange={onChange} />;
    case "number":
      return (
        <NumberField
          {...common}
          placeholder={placeholderOf(section, field)}
          nullable={field.nullable}
          help={field.help && t(field.help)}
          onChange={onChange}
        />
      );
    case "text":
      return <TextField {...common} placeholder={placeholderOf(section, field)} wide={field.wide} onChange={onChange} />;
    case "strategy":
      return <StrategyField {...common} onChange={onChange} />;
    case "codes":
      return <CodesField {...common} placeholder={placeholderOf(section, field)} onChange={onChange} />;
    case "primitive":
      return <PrimitiveField {...common} fallback={defaultOf(section, field.key)} onChange={onChange} />;
  }
}

/** The paths a rule row shows, for routing the validator's messages. */
export function rulePaths(index: number, rule: unknown): string[] {
  const at = pathString(["rules", index]);
  if (!isRecord(rule)) return [at];
  const paths = [at, `${at}.match`, `${at}.enabled`];
  for (const section of SECTIONS) {
    paths.push(`${at}.${section.key}`);
    for (const field of section.fields) paths.push(`${at}.${section.key}.${field.key}`);
  }
  return paths;
}
