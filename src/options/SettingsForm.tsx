import { DEFAULTS } from "../shared/settings";
import { getAt, isRecord, setAt, type Path } from "./draft";
import { CheckField } from "./CheckField";
import { FieldErrors } from "./FieldErrors";
import { NumberField } from "./NumberField";
import { RuleRow, rulePaths } from "./RuleRow";
import "./SettingsForm.css";

export interface SettingsFormProps {
  value: unknown;
  /** Read-only while the JSON view's text does not parse. */
  disabled: boolean;
  errorsOf(path: string): readonly string[];
  onChange(value: unknown): void;
}

const RECORD_FIELDS = [
  { key: "maxFramesPerSocket", label: "Frames kept per socket" },
  { key: "maxPreviewBytes", label: "Preview bytes per frame" },
] as const;

/** The draft as a form: the global switch, recording limits, and the rules in order. */
export function SettingsForm({ value, disabled, errorsOf, onChange }: SettingsFormProps) {
  const edit = (path: Path, v: unknown): void => onChange(setAt(value, path, v));

  if (!isRecord(value)) {
    return (
      <section class="settings-form" data-testid="settings-form">
        <p class="form-note">The settings must be a JSON object; fix it in the JSON view.</p>
      </section>
    );
  }
  const rules = value.rules;
  const setRules = (next: unknown[]): void => edit(["rules"], next);

  return (
    <fieldset class="settings-form" data-testid="settings-form" disabled={disabled}>
      {disabled && <p class="form-note">The JSON text is not valid JSON: fix it there to edit the form again.</p>}
      <CheckField
        path="enabled"
        label="Lifeguard is on (off: pages loaded from now on get the browser's own WebSocket, nothing is recorded)"
        value={value.enabled}
        fallback={DEFAULTS.enabled}
        errors={errorsOf("enabled")}
        testId="enabled-toggle"
        onChange={(v) => edit(["enabled"], v)}
      />

      <h2>Recording</h2>
      <FieldErrors errors={errorsOf("record")} />
      <div class="form-row">
        {RECORD_FIELDS.map((f) => (
          <NumberField
            key={f.key}
            path={`record.${f.key}`}
            label={f.label}
            value={getAt(value, ["record", f.key])}
            placeholder={String(DEFAULTS.record[f.key])}
            errors={errorsOf(`record.${f.key}`)}
            onChange={(v) => edit(["record", f.key], v)}
          />
        ))}
      </div>

      <h2>Rules</h2>
      <p class="form-note">
        A socket gets the first rule whose match fits its URL; sockets no rule matches are only inspected. An empty
        field takes the default shown in it.
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
            Add rule
          </button>
        </>
      ) : rules === undefined ? (
        <button type="button" data-testid="add-rule" onClick={() => setRules([{ match: "" }])}>
          Add rule
        </button>
      ) : (
        <p class="form-note">`rules` is not a list; fix it in the JSON view.</p>
      )}
    </fieldset>
  );
}

/** Every path the form shows a message beside, for the draft `value`. */
export function formPaths(value: unknown): string[] {
  if (!isRecord(value)) return [];
  const paths = ["enabled", "record", ...RECORD_FIELDS.map((f) => `record.${f.key}`), "rules"];
  if (Array.isArray(value.rules)) value.rules.forEach((rule: unknown, i) => paths.push(...rulePaths(i, rule)));
  return paths;
}
