import { useState } from "preact/hooks";
import { STEP_KINDS, type StepKind } from "../shared/resilience/types";
import { t } from "../shared/i18n";
import { kindName } from "./resilience-labels";
import { newSeed, type ChaosField, type ChaosTexts } from "./resilience-chaos-form";
import "./Resilience.css";

export interface ResilienceChaosProps {
  texts: ChaosTexts;
  onChange(texts: ChaosTexts): void;
  /** What is wrong with the values, by field. */
  problems: Partial<Record<ChaosField | "other", string>>;
  disabled: boolean;
}

let ids = 0;

/**
 * The chaos (soak) settings: a seed (random at first, shown and editable so a run can be replayed), the
 * kinds of fault, how often and how long they come, and for how long in all.
 */
export function ResilienceChaos({ texts, onChange, problems, disabled }: ResilienceChaosProps) {
  const [id] = useState(() => `resilience-chaos-${++ids}`);
  const f = (name: string) => `${id}-${name}`;
  const set = (change: Partial<ChaosTexts>): void => onChange({ ...texts, ...change });
  const toggle = (kind: StepKind, on: boolean): void =>
    set({ kinds: STEP_KINDS.filter((k) => (k === kind ? on : texts.kinds.includes(k))) });

  const error = (field: ChaosField | "other") =>
    problems[field] !== undefined && (
      <span id={f(`${field}-error`)} class="resilience-error" role="alert" data-testid="chaos-error" data-field={field}>
        {problems[field]}
      </span>
    );
  const described = (field: ChaosField) => (problems[field] !== undefined ? f(`${field}-error`) : undefined);
  const number = (field: Exclude<ChaosField, "seed" | "kinds">, label: string, unit: string) => (
    <span class="resilience-unit">
      <label for={f(field)}>{label}</label>
      <input
        id={f(field)}
        class="resilience-number"
        data-testid={`chaos-${field}`}
        inputMode="decimal"
        value={texts[field]}
        aria-invalid={problems[field] !== undefined}
        aria-describedby={described(field)}
        onInput={(e) => set({ [field]: e.currentTarget.value })}
      />
      <span class="resilience-unit-name">{unit}</span>
    </span>
  );

  return (
    <fieldset class="resilience-chaos" disabled={disabled} data-testid="chaos-editor">
      <legend>{t("resilienceChaos")}</legend>
      <div class="resilience-controls">
        <span class="resilience-unit">
          <label for={f("seed")}>{t("resilienceSeed")}</label>
          <input
            id={f("seed")}
            class="resilience-seed"
            data-testid="chaos-seed"
            spellcheck={false}
            value={texts.seed}
            aria-invalid={problems.seed !== undefined}
            aria-describedby={described("seed")}
            onInput={(e) => set({ seed: e.currentTarget.value })}
          />
          <button type="button" data-testid="chaos-new-seed" onClick={() => set({ seed: newSeed() })}>
            {t("resilienceNewSeed")}
          </button>
        </span>
      </div>
      <div class="resilience-controls" role="group" aria-label={t("resilienceKinds")} aria-describedby={described("kinds")}>
        <span class="resilience-caption" aria-hidden="true">
          {t("resilienceKinds")}
        </span>
        {STEP_KINDS.map((kind) => (
          <label key={kind} class="resilience-unit">
            <input type="checkbox" data-testid={`chaos-kind-${kind}`} checked={texts.kinds.includes(kind)} onChange={(e) => toggle(kind, e.currentTarget.checked)} />
            {kindName(kind)}
          </label>
        ))}
      </div>
      <div class="resilience-controls">
        {number("meanGap", t("resilienceMeanGap"), t("panelUnitSeconds"))}
        {number("minDuration", t("resilienceMinDuration"), t("panelUnitSeconds"))}
        {number("maxDuration", t("resilienceMaxDuration"), t("panelUnitSeconds"))}
        {number("total", t("resilienceTotal"), t("resilienceUnitMinutes"))}
      </div>
      {(["seed", "kinds", "meanGap", "minDuration", "maxDuration", "total", "other"] as const).map((field) => error(field))}
    </fieldset>
  );
}
