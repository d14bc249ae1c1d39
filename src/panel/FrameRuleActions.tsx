import { useEffect, useState } from "preact/hooks";
import type { FrameRecord } from "../shared/protocol";
import type { FrameRule } from "../shared/frame-rule-types";
import type { SettingsStore } from "../options/settings-store";
import { addFrameRule, ruleLike } from "./frame-rule-draft";
import { ruleWords } from "./frame-rule-words";
import { t } from "../shared/i18n";
import "./FrameRuleActions.css";

export interface FrameRuleActionsProps {
  frame: FrameRecord;
  /** The URL of the frame's socket. */
  socketUrl: string;
  /** Where the settings live (`storage.local`). */
  store: SettingsStore;
  /** How long Undo stays offered (tests shorten it). */
  undoMs?: number;
}

interface Done {
  /** "Rule 3 added: ..." or "Rule 3 does this already: ...". */
  text: string;
  /** What was stored before, saved back by Undo; absent when nothing was stored. */
  before?: unknown;
}

/**
 * "Block frames like this" and "Pause frames like this": a frame rule drawn from the frame
 * (frame-rule-draft.ts), added to the settings' `frameRules` with Undo for a while, as SiteProtect
 * does for protection rules. The page world takes rules on change: the note says it applies to the
 * frames that come from now on, not the ones recorded.
 */
export function FrameRuleActions({ frame, socketUrl, store, undoMs = 10_000 }: FrameRuleActionsProps) {
  const [done, setDone] = useState<Done | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Another frame selected: what was said was about the previous one.
  useEffect(() => {
    setDone(null);
    setError(null);
  }, [frame]);
  useEffect(() => {
    if (done?.before === undefined) return;
    const timer = setTimeout(() => setDone((d) => (d === done ? { text: d.text } : d)), undoMs);
    return () => clearTimeout(timer);
  }, [done, undoMs]);

  const drop = ruleLike(frame, socketUrl, "drop");
  const pause = ruleLike(frame, socketUrl, "pause");
  const why = drop === null ? t("panelRuleCannot") : undefined;

  const add = (rule: FrameRule): void => {
    setError(null);
    setDone(null);
    void (async () => {
      try {
        const raw = await store.load();
        const added = addFrameRule(raw, rule);
        if ("full" in added) return setError(t("panelRuleFull"));
        if ("existing" in added) return setDone({ text: t("panelRuleExists", [String(added.existing + 1), ruleWords(rule)]) });
        await store.save(added.settings);
        // Nothing stored means the defaults: Undo stores an empty object, which reads as them.
        setDone({ text: t("panelRuleAdded", [String(added.index + 1), ruleWords(rule)]), before: raw === undefined ? {} : raw });
      } catch (e) {
        setError(t("panelSaveFailed", [e instanceof Error ? e.message : String(e)]));
      }
    })();
  };

  const undo = (before: unknown): void => {
    setDone(null);
    store.save(before).then(
      () => setDone({ text: t("panelRuleUndone") }),
      (e: unknown) => setError(t("panelSaveFailed", [e instanceof Error ? e.message : String(e)])),
    );
  };

  return (
    <div class="frame-rule-actions" role="group" aria-label={t("panelRuleGroup")} data-testid="frame-rule-actions">
      <div class="frame-rule-actions-line">
        <button type="button" data-testid="rule-block" disabled={!drop} title={why ?? t("panelRuleBlockTitle")} onClick={() => drop && add(drop)}>
          {t("panelRuleBlock")}
        </button>
        <button type="button" data-testid="rule-pause" disabled={!pause} title={why ?? t("panelRulePauseTitle")} onClick={() => pause && add(pause)}>
          {t("panelRulePause")}
        </button>
        {why && <span class="frame-rule-actions-note">{why}</span>}
      </div>
      {done && (
        <p class="frame-rule-actions-line frame-rule-actions-done" role="status" data-testid="rule-done">
          <span>{done.text}</span>
          {done.before !== undefined && (
            <>
              <span class="frame-rule-actions-note">{t("panelRuleAppliesNow")}</span>
              <button type="button" data-testid="rule-undo" onClick={() => undo(done.before)}>
                {t("siteUndo")}
              </button>
            </>
          )}
        </p>
      )}
      {error && (
        <p class="frame-rule-actions-error" role="alert" data-testid="rule-error">
          {error}
        </p>
      )}
    </div>
  );
}
