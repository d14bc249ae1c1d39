import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { SettingsStore } from "./settings-store";
import { validateSettings } from "./validate";
import { draftFromText, draftFromValue, draftProblems, isRecord, routeErrors, sameSettings, type Draft } from "./draft";
import type { SettingsProblem } from "../shared/settings";
import { problemLine, showProblem } from "./problem-text";
import { SettingsForm, formPaths } from "./SettingsForm";
import { JsonEditor } from "./JsonEditor";
import { RuleTester } from "./RuleTester";
import { ImportExport } from "./ImportExport";
import "./OptionsPage.css";
import { t, tParts, tPlural } from "../shared/i18n";

export interface OptionsPageProps {
  store: SettingsStore;
}

type SaveState =
  | { kind: "loading" }
  | { kind: "idle" }
  | { kind: "saved" }
  | { kind: "failed"; message: string };

/**
 * The settings as a form and as JSON, two views of one draft, validated as you type; Save writes the
 * draft only when the validator has nothing to say. Changes made elsewhere show up here, or are
 * offered when there are unsaved edits.
 */
export function OptionsPage({ store }: OptionsPageProps) {
  const [draft, setDraft] = useState<Draft>(() => draftFromValue({}));
  const [saveState, setSaveState] = useState<SaveState>({ kind: "loading" });
  const [storedProblems, setStoredProblems] = useState<SettingsProblem[]>([]);
  /** A value saved elsewhere while the user had unsaved edits here: offered, never forced. */
  const [incoming, setIncoming] = useState<{ value: unknown } | null>(null);
  /** What is stored, as the draft started from it: "unsaved" means the draft says something else. */
  const [saved, setSaved] = useState<unknown>({});
  const dirty = draft.parseError !== null || !sameSettings(draft.value, saved);
  // The storage listener is set up once; it reads the latest answer through this.
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;

  const show = (value: unknown): void => {
    const next = draftFromValue(value);
    dirtyRef.current = false;
    setDraft(next);
    setSaved(next.value);
    setIncoming(null);
    setStoredProblems(value === undefined ? [] : validateSettings(value).problems);
  };

  useEffect(() => {
    let live = true;
    const unwatch = store.watch((value) => {
      if (!live) return;
      if (dirtyRef.current) setIncoming({ value });
      else show(value);
    });
    store.load().then(
      (value) => {
        if (!live) return;
        show(value);
        setSaveState({ kind: "idle" });
      },
      (err: unknown) => live && setSaveState({ kind: "failed", message: t("optionsReadFailed", [String(err)]) }),
    );
    return () => {
      live = false;
      unwatch();
    };
  }, [store]);

  const errors = useMemo(() => draftProblems(draft), [draft]);
  const routed = useMemo(() => routeErrors(errors, formPaths(draft.value)), [errors, draft.value]);
  const errorsOf = (path: string): readonly SettingsProblem[] => routed.byPath.get(path) ?? [];
  const loading = saveState.kind === "loading";
  const valid = !loading && draft.parseError === null && errors.length === 0;

  const change = (next: Draft): void => {
    setDraft(next);
    if (saveState.kind !== "idle") setSaveState({ kind: "idle" });
  };

  const save = async (): Promise<void> => {
    // The button is disabled while invalid; checked again here, since nothing invalid may be stored.
    if (!valid) return;
    const value = draft.value;
    try {
      await store.save(value);
    } catch (err) {
      setSaveState({ kind: "failed", message: t("optionsNotSaved", [String(err)]) });
      return;
    }
    dirtyRef.current = false;
    setSaved(value);
    setIncoming(null);
    setStoredProblems([]);
    setSaveState({ kind: "saved" });
  };

  return (
    <main class="options">
      <h1>{t("optionsTitle")}</h1>
      <p class="options-hint">
        {tParts("optionsHint", [<code key="s">storage.local</code>, <code key="k">settings</code>])}
      </p>
      {storedProblems.length > 0 && (
        <div class="options-warning" data-testid="stored-problems">
          {t("optionsStoredProblems")}
          <ul>
            {storedProblems.map((p, i) => (
              <li key={i}>{problemLine(showProblem(p, "json"))}</li>
            ))}
          </ul>
        </div>
      )}
      {incoming && (
        <div class="options-warning" role="status" data-testid="changed-elsewhere">
          {t("optionsChangedElsewhere")}{" "}
          <button type="button" onClick={() => show(incoming.value)}>
            {t("optionsLoadThem")}
          </button>
        </div>
      )}
      <div class="options-actions">
        <button type="button" class="options-save" data-testid="save" disabled={!valid} onClick={() => void save()}>
          {t("optionsSave")}
        </button>
        <SaveStatus state={saveState} draft={draft} problems={errors.length} dirty={dirty} />
        <span class="options-spacer" />
        <ImportExport
          value={draft.value}
          canExport={valid}
          onImport={(value) => change(draftFromValue(value))}
        />
      </div>
      <div class="options-views">
        <div class="options-form-view">
          <SettingsForm
            value={draft.value}
            disabled={loading || draft.parseError !== null}
            errorsOf={errorsOf}
            onChange={(value) => change(draftFromValue(value))}
          />
          <RuleTester rules={isRecord(draft.value) ? draft.value.rules : undefined} />
        </div>
        <JsonEditor
          text={draft.text}
          parseError={draft.parseError}
          parseAt={draft.parseAt ?? null}
          errors={routed.unplaced}
          disabled={loading}
          onInput={(text) => change(draftFromText(text, draft))}
        />
      </div>
    </main>
  );
}

function SaveStatus({ state, draft, problems, dirty }: { state: SaveState; draft: Draft; problems: number; dirty: boolean }) {
  let text = "";
  let cls = "options-status";
  if (state.kind === "loading") text = t("optionsLoading");
  else if (draft.parseError !== null) {
    text = t("optionsJsonInvalidStatus");
    cls += " options-error";
  } else if (problems > 0) {
    text = tPlural("optionsProblems", problems);
    cls += " options-error";
  } else if (state.kind === "failed") {
    text = state.message;
    cls += " options-error";
  } else if (state.kind === "saved") {
    text = t("optionsSaved");
    cls += " options-ok";
  } else if (dirty) text = t("optionsUnsaved");
  return (
    <span class={cls} role="status" data-testid="save-status">
      {text}
    </span>
  );
}
