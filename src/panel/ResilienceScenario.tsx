import { useState } from "preact/hooks";
import { validateScenario } from "../shared/resilience/scenario";
import type { Scenario, Step, StepKind } from "../shared/resilience/types";
import { t, type MessageKey } from "../shared/i18n";
import { stepTitle } from "./resilience-labels";
import "./Resilience.css";

export interface ResilienceScenarioProps {
  /** The scenario the editor starts from (a new `key` starts it again, after Reset). */
  scenario: Scenario;
  /** Every edit: the scenario when it is valid, null while it is not. */
  onChange(scenario: Scenario | null): void;
  onReset(): void;
  /** While a check runs, nothing is edited. */
  disabled: boolean;
  /** The stored scenario was not valid: the defaults are shown instead. */
  storedInvalid: boolean;
}

type Field = "code" | "durationMs" | "observeMs" | "inMs" | "outMs";
type Unit = "s" | "ms" | "code";

const FIELDS: Record<StepKind, Field[]> = {
  drop: ["observeMs"],
  restart: ["code", "durationMs", "observeMs"],
  offline: ["durationMs", "observeMs"],
  blackhole: ["durationMs", "observeMs"],
  latency: ["inMs", "outMs", "durationMs", "observeMs"],
};

const UNITS: Record<Field, Unit> = { code: "code", durationMs: "s", observeMs: "s", inMs: "ms", outMs: "ms" };

function labelOf(kind: StepKind, field: Field): MessageKey {
  switch (field) {
    case "code":
      return "resilienceFieldCode";
    case "durationMs":
      return kind === "restart" ? "resilienceFieldRefused" : "resilienceFieldLasts";
    case "observeMs":
      return "resilienceFieldWatch";
    case "inMs":
      return "resilienceFieldIn";
    case "outMs":
      return "resilienceFieldOut";
  }
}

/** A value that is no number of its unit. */
const UNREADABLE: Record<Unit, MessageKey> = { s: "resilienceBadSeconds", ms: "resilienceBadMs", code: "resilienceBadCode" };

/** What the validator found wrong with a field, said for its unit (its own words speak of milliseconds). */
const INVALID: Record<Field, MessageKey> = {
  code: "resilienceBadCode",
  durationMs: "resilienceBadSeconds",
  observeMs: "resilienceBadObserve",
  inMs: "resilienceBadMs",
  outMs: "resilienceBadMs",
};

type Texts = Record<string, string>;
const keyOf = (index: number, field: Field): string => `${index}.${field}`;
const SETTLE = "settle";

function textsOf(scenario: Scenario): Texts {
  const texts: Texts = { [SETTLE]: String(scenario.settleMs / 1000) };
  scenario.steps.forEach((step, i) => {
    for (const field of FIELDS[step.kind]) {
      const value = step[field];
      texts[keyOf(i, field)] = value === undefined ? "" : UNITS[field] === "s" ? String(value / 1000) : String(value);
    }
  });
  return texts;
}

/** A field's text as the number the scenario holds (ms, or a code), or null when it is not a number of that kind. */
function parse(text: string, unit: Unit): number | null {
  if (text.trim() === "") return null;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) return null;
  if (unit === "s") return Math.round(n * 1000);
  return Number.isInteger(n) ? n : null;
}

/** The scenario the texts make, and what is wrong, by field key (`""`: not one field's). */
function read(base: Scenario, texts: Texts): { scenario: Scenario | null; problems: Record<string, string> } {
  const problems: Record<string, string> = {};
  const settleMs = parse(texts[SETTLE] ?? "", "s");
  if (settleMs === null) problems[SETTLE] = t(UNREADABLE.s);
  const steps: Step[] = base.steps.map((original, i) => {
    const step: Step = { kind: original.kind, observeMs: 0 };
    for (const field of FIELDS[original.kind]) {
      const value = parse(texts[keyOf(i, field)] ?? "", UNITS[field]);
      if (value === null) problems[keyOf(i, field)] = t(UNREADABLE[UNITS[field]]);
      else step[field] = value;
    }
    return step;
  });
  if (Object.keys(problems).length > 0) return { scenario: null, problems };
  const checked = validateScenario({ name: base.name, settleMs, steps });
  if (checked.ok) return { scenario: checked.scenario, problems };
  for (const problem of checked.problems) {
    const field = /^steps\[(\d+)\]\.(\w+)/.exec(problem);
    const known = field && (FIELDS[base.steps[Number(field[1])]?.kind ?? "drop"] as string[]).includes(field[2]!);
    if (known) problems[`${field[1]}.${field[2]}`] ??= t(INVALID[field[2] as Field]);
    else if (problem.startsWith("settleMs")) problems[SETTLE] ??= t(UNREADABLE.s);
    else problems[""] = problems[""] ? `${problems[""]} ${problem}` : problem;
  }
  return { scenario: null, problems };
}

let ids = 0;

/**
 * The scenario's steps, each with its parameters as labelled inputs with their units, checked as they
 * are typed: a valid scenario goes to the owner (which remembers it), a wrong value is said by its field.
 */
export function ResilienceScenario({ scenario, onChange, onReset, disabled, storedInvalid }: ResilienceScenarioProps) {
  const [id] = useState(() => `resilience-scenario-${++ids}`);
  const [texts, setTexts] = useState(() => textsOf(scenario));
  const [problems, setProblems] = useState<Record<string, string>>({});
  // Step titles follow the values typed, once they make a valid scenario.
  const [shown, setShown] = useState(scenario);

  const edit = (key: string, value: string): void => {
    const next = { ...texts, [key]: value };
    setTexts(next);
    const result = read(scenario, next);
    setProblems(result.problems);
    if (result.scenario) setShown(result.scenario);
    onChange(result.scenario);
  };
  const f = (key: string) => `${id}-${key.replace(".", "-")}`;

  const input = (key: string, label: string, unit: Unit) => {
    const problem = problems[key];
    return (
      <span class="resilience-unit" key={key}>
        <label for={f(key)}>{label}</label>
        <input
          id={f(key)}
          class={unit === "code" ? "resilience-code" : "resilience-number"}
          data-testid={`scenario-${key}`}
          inputMode={unit === "s" ? "decimal" : "numeric"}
          value={texts[key] ?? ""}
          aria-invalid={problem !== undefined}
          aria-describedby={problem !== undefined ? f(`${key}-error`) : undefined}
          onInput={(e) => edit(key, e.currentTarget.value)}
        />
        {unit !== "code" && <span class="resilience-unit-name">{unit === "s" ? t("panelUnitSeconds") : t("panelUnitMs")}</span>}
      </span>
    );
  };
  const errorOf = (key: string) =>
    problems[key] !== undefined && (
      <span key={`${key}-error`} id={f(`${key}-error`)} class="resilience-error" role="alert" data-testid="scenario-error" data-field={key}>
        {problems[key]}
      </span>
    );

  return (
    <fieldset class="resilience-scenario" disabled={disabled} data-testid="scenario-editor">
      <legend>{t("resilienceScenario")}</legend>
      {storedInvalid && (
        <p class="resilience-notice" role="status" data-testid="scenario-notice">
          {t("resilienceStoredInvalid")}
        </p>
      )}
      <ol class="resilience-steps">
        {scenario.steps.map((step, i) => {
          const titleId = f(`${i}-title`);
          return (
            <li key={i} class="resilience-step" data-testid="scenario-step" data-kind={step.kind}>
              <div role="group" aria-labelledby={titleId}>
                <span id={titleId} class="resilience-step-title">
                  {stepTitle(shown.steps[i] ?? step)}
                </span>
                <div class="resilience-controls">{FIELDS[step.kind].map((field) => input(keyOf(i, field), t(labelOf(step.kind, field)), UNITS[field]))}</div>
                {FIELDS[step.kind].map((field) => errorOf(keyOf(i, field)))}
              </div>
            </li>
          );
        })}
      </ol>
      <div class="resilience-controls">
        {input(SETTLE, t("resilienceFieldSettle"), "s")}
        <button type="button" data-testid="scenario-reset" onClick={onReset}>
          {t("resilienceReset")}
        </button>
      </div>
      {errorOf(SETTLE)}
      {errorOf("")}
    </fieldset>
  );
}
