import type { SettingsProblem } from "../shared/settings";
import { FRAME_RULE_LIMITS } from "../shared/frame-rule-types";
import { getAt, isRecord, pathString, type Path } from "./draft";
import { ACTIONS, DIRECTIONS, MATCHER_FIELDS, actionFields, parseJsonText, showJson, type ActionField } from "./frame-rule-fields";
import { defaultPlaceholder } from "./form-fields";
import { CheckField } from "./CheckField";
import { FieldErrors } from "./FieldErrors";
import { NumberField } from "./NumberField";
import { ParsedTextField } from "./ParsedTextField";
import { SelectField } from "./SelectField";
import { TextField } from "./TextField";
import "./RuleRow.css";
import "./FrameRuleRow.css";
import { t } from "../shared/i18n";

export interface FrameRuleRowProps {
  index: number;
  count: number;
  rule: unknown;
  errorsOf(path: string): readonly SettingsProblem[];
  edit(path: Path, value: unknown): void;
  move(from: number, to: number): void;
  remove(index: number): void;
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** One frame rule: its glob, direction and action, the frames it matches, and what its action needs. */
export function FrameRuleRow({ index, count, rule, errorsOf, edit, move, remove }: FrameRuleRowProps) {
  const at = pathString(["frameRules", index]);
  const off = isRecord(rule) && rule.enabled === false;
  const n = String(index + 1);
  const field = (key: string) => ({ path: `${at}.${key}`, value: isRecord(rule) ? rule[key] : undefined, errors: errorsOf(`${at}.${key}`) });
  return (
    <li class={off ? "rule-row rule-paused" : "rule-row"} data-testid="frame-rule-row" data-index={index}>
      <div class="rule-head">
        <span class="rule-number">{n}</span>
        {isRecord(rule) && (
          <label class="rule-active" title={t("optionsFrameRuleActiveTitle")}>
            <input
              type="checkbox"
              data-path={`${at}.enabled`}
              data-testid="frame-rule-active"
              checked={rule.enabled !== false}
              // On is the default: the key goes rather than being written as true.
              onChange={(e) => edit(["frameRules", index, "enabled"], e.currentTarget.checked ? undefined : false)}
            />
            {t("optionsRuleActive")}
          </label>
        )}
        {isRecord(rule) ? (
          <TextField
            {...field("match")}
            label={t("optionsMatch")}
            placeholder="wss://*.example.com/*"
            testId="frame-rule-match"
            wide
            keepEmpty
            onChange={(v) => edit(["frameRules", index, "match"], v)}
          />
        ) : (
          <span class="rule-not-object">{t("optionsNotAFrameRule")}</span>
        )}
        <div class="rule-buttons">
          <button type="button" title={t("optionsMoveUp")} aria-label={t("optionsMoveFrameRuleUp", [n])} disabled={index === 0} onClick={() => move(index, index - 1)}>
            ↑
          </button>
          <button type="button" title={t("optionsMoveDown")} aria-label={t("optionsMoveFrameRuleDown", [n])} disabled={index === count - 1} onClick={() => move(index, index + 1)}>
            ↓
          </button>
          <button type="button" data-testid="frame-rule-remove" aria-label={t("optionsRemoveFrameRule", [n])} onClick={() => remove(index)}>
            {t("optionsRemove")}
          </button>
        </div>
      </div>
      <FieldErrors errors={errorsOf(at)} />
      <FieldErrors errors={errorsOf(`${at}.enabled`)} />
      {isRecord(rule) && (
        <div class="frame-rule-body">
          <div class="rule-fields">
            <SelectField
              {...field("direction")}
              label={t("optionsFrameDirection")}
              options={DIRECTIONS.map((d) => ({ value: d.value, label: t(d.label) }))}
              testId="frame-rule-direction"
              onChange={(v) => edit(["frameRules", index, "direction"], v)}
            />
            <SelectField
              {...field("action")}
              label={t("optionsFrameAction")}
              options={ACTIONS.map((a) => ({ value: a.value, label: t(a.label) }))}
              testId="frame-rule-action"
              onChange={(v) => edit(["frameRules", index, "action"], v)}
            />
            {actionFields(rule.action).map((key) => (
              <ActionInput key={key} name={key} at={at} index={index} rule={rule} errorsOf={errorsOf} edit={edit} />
            ))}
          </div>
          <fieldset class="rule-section">
            <legend>{t("optionsFrameWhen")}</legend>
            <FieldErrors errors={errorsOf(`${at}.when`)} />
            <div class="rule-fields">
              {MATCHER_FIELDS.map((m) => {
                const path = `${at}.when.${m.key}`;
                const common = {
                  path,
                  label: t(m.label),
                  value: getAt(rule, ["when", m.key]),
                  errors: errorsOf(path),
                  testId: `frame-rule-when-${m.key}`,
                  placeholder: m.placeholder,
                  onChange: (v: unknown) => edit(["frameRules", index, "when", m.key], v),
                };
                return m.json ? (
                  <ParsedTextField key={m.key} {...common} parse={parseJsonText} show={showJson} same={sameJson} />
                ) : m.key === "regex" ? (
                  <TextField key={m.key} {...common} help={t("optionsFrameRegexHelp", [String(FRAME_RULE_LIMITS.regexChars), String(FRAME_RULE_LIMITS.regexBytes)])} />
                ) : (
                  <TextField key={m.key} {...common} />
                );
              })}
            </div>
          </fieldset>
        </div>
      )}
    </li>
  );
}

interface ActionInputProps {
  name: ActionField;
  at: string;
  index: number;
  rule: Record<string, unknown>;
  errorsOf(path: string): readonly SettingsProblem[];
  edit(path: Path, value: unknown): void;
}

/** A field the rule's action uses. */
function ActionInput({ name, at, index, rule, errorsOf, edit }: ActionInputProps) {
  const path = `${at}.${name}`;
  const common = { path, value: rule[name], errors: errorsOf(path), testId: `frame-rule-${name}` };
  const onChange = (v: unknown): void => edit(["frameRules", index, name], v);
  switch (name) {
    case "with":
      return (
        <TextField {...common} label={t("optionsFrameWith")} placeholder='{"type":"ack","id":{{$.id}}}' wide keepEmpty help={t("optionsFrameWithHelp")} onChange={onChange} />
      );
    case "delayMs":
      return <NumberField {...common} label={t("optionsFrameDelayMs")} placeholder="" onChange={onChange} />;
    case "pauseTimeoutMs":
      return (
        <NumberField {...common} label={t("optionsFramePauseTimeoutMs")} placeholder={defaultPlaceholder(String(FRAME_RULE_LIMITS.pauseTimeoutMs))} onChange={onChange} />
      );
    case "forward":
      return <CheckField {...common} label={t("optionsFrameForward")} fallback={true} onChange={onChange} />;
  }
}

/** The paths a frame rule row shows, for routing the validator's messages. */
export function frameRulePaths(index: number, rule: unknown): string[] {
  const at = pathString(["frameRules", index]);
  if (!isRecord(rule)) return [at];
  return [
    at,
    `${at}.match`,
    `${at}.enabled`,
    `${at}.direction`,
    `${at}.action`,
    `${at}.when`,
    ...MATCHER_FIELDS.map((m) => `${at}.when.${m.key}`),
    ...actionFields(rule.action).map((key) => `${at}.${key}`),
  ];
}
