import { useMemo, useState } from "preact/hooks";
import { DEFAULT_SCENARIO } from "../shared/resilience/scenario";
import type { Scenario } from "../shared/resilience/types";
import { t } from "../shared/i18n";
import type { PanelModel, SocketView } from "./model";
import { clip } from "./format";
import { progressText } from "./resilience-labels";
import { forgetScenario, loadScenario, saveScenario } from "./resilience-scenario-store";
import { defaultChaosTexts, readChaos, type ChaosTexts } from "./resilience-chaos-form";
import { liveTargets, scopeOf } from "./resilience-targets";
import type { CheckChoice, CheckSession, CheckState } from "./resilience-session";
import { ResilienceScenario } from "./ResilienceScenario";
import { ResilienceChaos } from "./ResilienceChaos";
import { ResilienceChaosTally } from "./ResilienceChaosTally";
import { ResilienceReport } from "./ResilienceReport";
import "./Resilience.css";

export interface ResilienceProps {
  session: CheckSession;
  /** The session's state (App follows it, so the timeline marks the steps too). */
  state: CheckState;
  model: PanelModel;
  /** The socket selected in the list, or null. */
  selected: SocketView | null;
  saveFile(name: string, text: string): void;
  /** What the view was showing, kept while another view is (App holds it). */
  memory: ResilienceMemory;
}

export interface ResilienceMemory {
  mode: "scenario" | "chaos";
  scope: "tab" | "socket";
  chaos: ChaosTexts;
}

export function resilienceMemory(): ResilienceMemory {
  return { mode: "scenario", scope: "tab", chaos: defaultChaosTexts() };
}

/**
 * The Resilience view: what to run (the scenario, or a chaos schedule), on what (the tab or the selected
 * socket), Start / Compare / Stop, where the check stands, and its report. The check itself is the
 * session's (App's), so it goes on while another view is shown.
 */
export function Resilience({ session, state, model, selected, saveFile, memory }: ResilienceProps) {
  const [stored] = useState(loadScenario);
  const [base, setBase] = useState<Scenario>(stored.scenario);
  const [scenario, setScenario] = useState<Scenario | null>(stored.scenario);
  const [storedInvalid, setStoredInvalid] = useState(stored.invalid);
  const [editor, setEditor] = useState(0);
  const [mode, setMode] = useState(memory.mode);
  const [scopeChoice, setScopeChoice] = useState(memory.scope);
  const [chaos, setChaos] = useState(memory.chaos);
  const chaosRead = useMemo(() => readChaos(chaos), [chaos]);

  const busy = session.busy;
  const scope = scopeChoice === "socket" && selected ? scopeOf(selected) : ({ tab: true } as const);
  const live = liveTargets(model, scope).length;
  const choice: CheckChoice | null =
    mode === "scenario" ? (scenario ? { kind: "scenario", scenario } : null) : "plan" in chaosRead ? { kind: "chaos", ...chaosRead.plan } : null;
  const why = choice === null ? t("resilienceFixValues") : live === 0 ? t("resilienceNoSocket") : null;

  const pickMode = (next: ResilienceMemory["mode"]): void => {
    memory.mode = next;
    setMode(next);
  };
  const pickScope = (next: ResilienceMemory["scope"]): void => {
    memory.scope = next;
    setScopeChoice(next);
  };
  const editChaos = (next: ChaosTexts): void => {
    memory.chaos = next;
    setChaos(next);
  };
  const editScenario = (next: Scenario | null): void => {
    setScenario(next);
    if (next) {
      saveScenario(next);
      setStoredInvalid(false);
    }
  };
  const reset = (): void => {
    forgetScenario();
    setBase(DEFAULT_SCENARIO);
    setScenario(DEFAULT_SCENARIO);
    setStoredInvalid(false);
    setEditor((n) => n + 1);
  };

  return (
    <section class="resilience" aria-label={t("resilienceView")} data-testid="resilience">
      <div class="resilience-bar">
        <div class="resilience-controls" role="radiogroup" aria-label={t("resilienceMode")}>
          <span class="resilience-caption" aria-hidden="true">
            {t("resilienceMode")}
          </span>
          <label class="resilience-unit">
            <input type="radio" name="resilience-mode" data-testid="mode-scenario" checked={mode === "scenario"} disabled={busy} onChange={() => pickMode("scenario")} />
            {t("resilienceScenario")}
          </label>
          <label class="resilience-unit">
            <input type="radio" name="resilience-mode" data-testid="mode-chaos" checked={mode === "chaos"} disabled={busy} onChange={() => pickMode("chaos")} />
            {t("resilienceChaos")}
          </label>
        </div>
        <div class="resilience-controls" role="radiogroup" aria-label={t("resilienceTarget")}>
          <span class="resilience-caption" aria-hidden="true">
            {t("resilienceTarget")}
          </span>
          <label class="resilience-unit">
            <input type="radio" name="resilience-scope" data-testid="scope-tab" checked={"tab" in scope} disabled={busy} onChange={() => pickScope("tab")} />
            {t("resilienceTargetTab")}
          </label>
          <label class="resilience-unit resilience-scope-socket" title={selected ? clip(selected.url, 4096) : undefined}>
            <input
              type="radio"
              name="resilience-scope"
              data-testid="scope-socket"
              checked={!("tab" in scope)}
              disabled={busy || selected === null}
              onChange={() => pickScope("socket")}
            />
            {selected ? t("resilienceTargetSocket", [clip(selected.url, 80)]) : t("resilienceTargetNoSocket")}
          </label>
        </div>
        <div class="resilience-controls">
          {busy ? (
            <button type="button" class="resilience-primary" data-testid="check-stop" onClick={() => session.stop()}>
              {t("resilienceStop")}
            </button>
          ) : (
            <>
              <button
                type="button"
                class="resilience-primary"
                data-testid="check-start"
                disabled={why !== null}
                title={why ?? t("resilienceStartTitle")}
                onClick={() => choice && session.start(choice, scope)}
              >
                {t("resilienceStart")}
              </button>
              {session.canCompare && (
                <button
                  type="button"
                  data-testid="check-compare"
                  disabled={why !== null}
                  title={why ?? t("resilienceCompareTitle")}
                  onClick={() => choice && session.compare(choice, scope)}
                >
                  {t("resilienceCompare")}
                </button>
              )}
            </>
          )}
          {busy && (
            <span class="resilience-progress" role="timer" data-testid="check-progress">
              {progressText(state)}
            </span>
          )}
          {!busy && why !== null && (
            <span class="resilience-why" data-testid="check-why">
              {why}
            </span>
          )}
        </div>
        {state.problem && (
          <p class="resilience-error" role="alert" data-testid="check-problem">
            {state.problem}
          </p>
        )}
      </div>
      {mode === "scenario" ? (
        <ResilienceScenario key={editor} scenario={base} onChange={editScenario} onReset={reset} disabled={busy} storedInvalid={storedInvalid} />
      ) : (
        <ResilienceChaos texts={chaos} onChange={editChaos} problems={"problems" in chaosRead ? chaosRead.problems : {}} disabled={busy} />
      )}
      {state.choice?.kind === "chaos" && <ResilienceChaosTally state={state} model={model} />}
      {state.result && !busy && (
        <ResilienceReport result={state.result} saveFile={saveFile} onProtect={() => void session.protectSuggested()} protectedSaved={state.protectedSaved} />
      )}
    </section>
  );
}
