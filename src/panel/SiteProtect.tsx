import { useEffect, useState } from "preact/hooks";
import type { SocketView } from "./model";
import type { SettingsStore } from "../options/settings-store";
import { resolveRule, validateSettings, type Settings } from "../shared/settings";
import { deleteFor, isTuned, pausedMatching, pauseFor, protectOrigin, resumeFor, ruleFor, rulesMatching, setPingMessage } from "../shared/rules";
import { t, type MessageKey } from "../shared/i18n";
import "./SiteProtect.css";

export interface SiteProtectProps {
  /** The selected live socket. */
  socket: SocketView;
  /** Where the rules live (`storage.local`): read when shown, and on every change from elsewhere. */
  store: SettingsStore;
  /** Reloads the inspected page: the way to protect a socket that is already closed. */
  reloadPage?: () => void;
  /** How long Undo stays offered after an action (tests shorten it). */
  undoMs?: number;
}

interface UndoOffer {
  /** What was done, in words ("Protection paused."). */
  done: string;
  /** The stored value before the click, saved back as it was. */
  before: unknown;
}

/**
 * Protection of the selected live socket's origin: Protect, Pause (the rule keeps its tuning), Resume,
 * Delete rule, and Undo of each for a while. What the rules say comes from the settings; what the page
 * world does with the socket (protected, heartbeat off) comes from its events, never guessed here.
 */
export function SiteProtect({ socket, store, reloadPage, undoMs = 10_000 }: SiteProtectProps) {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [undo, setUndo] = useState<UndoOffer | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [ping, setPing] = useState("");

  useEffect(() => {
    let live = true;
    const take = (raw: unknown): void => {
      if (live) setSettings(validateSettings(raw).settings);
    };
    const unwatch = store.watch(take);
    store.load().then(take, (e: unknown) => live && setError(t("panelSaveFailed", [String(e)])));
    return () => {
      live = false;
      unwatch();
    };
  }, [store]);

  useEffect(() => {
    if (!undo) return;
    const timer = setTimeout(() => setUndo(null), undoMs);
    return () => clearTimeout(timer);
  }, [undo, undoMs]);

  /** Reads the settings afresh (another page may have changed them), changes, saves, offers Undo. */
  const change = (edit: (s: Settings) => Settings, done: MessageKey): void => {
    setError(null);
    setConfirmDelete(false);
    setUndo(null);
    void (async () => {
      try {
        const raw = await store.load();
        const current = validateSettings(raw).settings;
        const next = edit(current);
        if (next === current) return;
        await store.save(next);
        setSettings(next);
        // Nothing stored means the defaults: Undo stores them rather than a value storage cannot hold.
        setUndo({ done: t(done), before: raw === undefined ? current : raw });
      } catch (e) {
        setError(t("panelSaveFailed", [e instanceof Error ? e.message : String(e)]));
      }
    })();
  };

  const undoNow = (offer: UndoOffer): void => {
    setUndo(null);
    setError(null);
    store.save(offer.before).then(
      () => setSettings(validateSettings(offer.before).settings),
      (e: unknown) => setError(t("panelSaveFailed", [e instanceof Error ? e.message : String(e)])),
    );
  };

  const url = socket.url;
  const protecting = settings ? ruleFor(settings, url) : null;
  const paused = settings && !protecting ? pausedMatching(settings, url) : [];
  const matching = settings ? rulesMatching(settings, url) : [];
  // A rule that is only a pattern goes without a question; tuning (or broader rules) is asked about.
  const ceremony = matching.length > 1 || matching.some((m) => isTuned(m.rule));
  const tuned = protecting !== null && isTuned(protecting.rule);
  const hb = protecting ? resolveRule(protecting.rule).heartbeat : null;
  const heartbeatOff = socket.protected && socket.heartbeat === "off" && hb !== null && hb.enabled && hb.message === "auto";
  const closed = socket.state === "closed" && !socket.protected;

  const onDelete = (): void => {
    if (ceremony && !confirmDelete) setConfirmDelete(true);
    else change((s) => deleteFor(s, url), "siteDoneDeleted");
  };

  return (
    <div class="site-protect" data-testid="site-protect">
      <div class="site-protect-line">
        {protecting && (
          <span class="site-protect-status site-protect-on" data-testid="site-protect-status">
            {t("popupProtectedBy", [String(protecting.index + 1), protecting.rule.match])}
          </span>
        )}
        {paused[0] && (
          <span class="site-protect-status site-protect-paused" data-testid="site-protect-status">
            {t("siteProtectionPaused", [String(paused[0].index + 1), paused[0].rule.match])}
          </span>
        )}
        {protecting ? (
          <>
            <button
              type="button"
              class={tuned ? "site-protect-primary" : undefined}
              data-testid="unprotect"
              title={t("sitePauseTitle")}
              onClick={() => change((s) => pauseFor(s, url), "siteDonePaused")}
            >
              {t("sitePauseProtection")}
            </button>
            <button type="button" data-testid="delete-rule" title={t("siteDeleteRuleTitle")} onClick={onDelete}>
              {t("siteDeleteRule")}
            </button>
          </>
        ) : paused.length > 0 ? (
          <>
            <button
              type="button"
              class="site-protect-primary"
              data-testid="resume-protection"
              onClick={() => change((s) => resumeFor(s, url), "siteDoneResumed")}
            >
              {t("siteResumeProtection")}
            </button>
            <button type="button" data-testid="delete-rule" title={t("siteDeleteRuleTitle")} onClick={onDelete}>
              {t("siteDeleteRule")}
            </button>
          </>
        ) : (
          <button
            type="button"
            class="site-protect-primary"
            data-testid="protect"
            disabled={settings === null}
            title={t("panelProtectTitle")}
            onClick={() => change((s) => protectOrigin(s, url), "siteDoneProtected")}
          >
            {t("panelProtect")}
          </button>
        )}
        {undo && (
          <span class="site-protect-undo" role="status">
            {undo.done}
            <button type="button" data-testid="undo" onClick={() => undoNow(undo)}>
              {t("siteUndo")}
            </button>
          </span>
        )}
      </div>
      {confirmDelete && (
        <div class="site-protect-line site-protect-confirm" role="alertdialog" aria-label={t("siteDeleteRule")}>
          <span>{t("siteDeleteConfirm", [matching.map((m) => `${m.index + 1}: ${m.rule.match}`).join(", ")])}</span>
          <button type="button" class="site-protect-danger" data-testid="delete-rule-confirm" onClick={onDelete}>
            {t("siteDeleteRule")}
          </button>
          <button type="button" data-testid="delete-rule-cancel" onClick={() => setConfirmDelete(false)}>
            {t("siteCancel")}
          </button>
        </div>
      )}
      {heartbeatOff && (
        <form
          class="site-protect-line site-protect-hint"
          data-testid="heartbeat-off"
          onSubmit={(e) => {
            e.preventDefault();
            const message = ping;
            change((s) => setPingMessage(s, url, message), "siteDonePing");
          }}
        >
          <span>{t("siteHeartbeatOff")}</span>
          <label class="site-protect-field">
            {t("sitePingMessage")}
            <input
              type="text"
              data-testid="ping-message"
              value={ping}
              spellcheck={false}
              onInput={(e) => setPing(e.currentTarget.value)}
            />
          </label>
          <button type="submit" data-testid="ping-save" disabled={ping === ""}>
            {t("siteSave")}
          </button>
        </form>
      )}
      {closed && (
        <p class="site-protect-line site-protect-hint" data-testid="closed-hint">
          <span>{t("siteClosedHint")}</span>
          {reloadPage && (
            <button type="button" data-testid="reload-page" onClick={reloadPage}>
              {t("panelReloadPage")}
            </button>
          )}
        </p>
      )}
      {error && (
        <p class="site-protect-error" role="alert" data-testid="site-protect-error">
          {error}
        </p>
      )}
    </div>
  );
}
