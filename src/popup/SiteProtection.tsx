import { useEffect, useState } from "preact/hooks";
import { deleteFor, isTuned, originRule, pausedMatching, pauseFor, protectOrigin, resumeFor, ruleFor, rulesMatching, siteSocketUrl } from "../shared/rules";
import type { Rule, Settings } from "../shared/settings";
import type { MessageKey, Translate } from "../shared/i18n";
import type { SocketTally } from "./socket-tally";
import "./SiteProtection.css";

export interface SiteProtectionProps {
  t: Translate;
  pageUrl: string | undefined;
  /** The tab's socket origins (`socketOrigins`): when there are any, these are what gets protected. */
  socketUrls?: readonly string[];
  /** Every socket the tab opened is closed and none was protected: only a reload protects the page. */
  allClosed?: boolean;
  /** Null until loaded. */
  settings: Settings | null;
  onChange(next: Settings): void;
  /** How long Undo stays offered after an action (tests shorten it). */
  undoMs?: number;
}

/**
 * Whether the page world answered and every socket it reported is closed, none protected: a rule added
 * now protects only sockets opened from now on, so the page wants a reload. False while not known.
 */
export function allClosedUnprotected(tally: SocketTally): boolean {
  if (!tally.known || tally.sockets.size === 0) return false;
  for (const s of tally.sockets.values()) if (s.state !== "closed" || s.protected) return false;
  return true;
}

interface UndoOffer {
  done: MessageKey;
  before: Settings;
}

/**
 * "This site" is where the tab's sockets go (each origin gets the same rule the panel's "Protect this
 * site" adds); with no socket yet, the tab's own origin as a socket origin (`https://a.test` ->
 * `wss://a.test/*`). Pause keeps a rule and its tuning, Delete removes every rule that matches (the
 * broader ones it would take along are named first); each can be undone for a while.
 */
export function SiteProtection({ t, pageUrl, socketUrls = [], allClosed = false, settings, onChange, undoMs = 10_000 }: SiteProtectionProps) {
  const [undo, setUndo] = useState<UndoOffer | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  useEffect(() => {
    if (!undo) return;
    const timer = setTimeout(() => setUndo(null), undoMs);
    return () => clearTimeout(timer);
  }, [undo, undoMs]);

  const urls = socketUrls.length > 0 ? socketUrls : [siteSocketUrl(pageUrl)].filter((u) => u !== null);
  if (urls.length === 0) {
    return (
      <section class="site" data-testid="site-status" data-protected="">
        <p class="site-note">{t("popupNotWebPage")}</p>
      </section>
    );
  }

  const change = (edit: (s: Settings, url: string) => Settings, done: MessageKey): void => {
    setConfirmDelete(false);
    if (!settings) return;
    const next = urls.reduce(edit, settings);
    if (next === settings) return;
    onChange(next);
    setUndo({ done, before: settings });
  };
  const undoNow = (offer: UndoOffer): void => {
    setUndo(null);
    onChange(offer.before);
  };

  const covered = settings ? urls.filter((u) => ruleFor(settings, u) !== null) : [];
  const paused = settings ? urls.filter((u) => ruleFor(settings, u) === null && pausedMatching(settings, u).length > 0) : [];
  const bare = settings ? urls.length - covered.length - paused.length : urls.length;
  // Every rule a Delete would take, once each, in order.
  const doomed = new Map<number, Rule>();
  if (settings) for (const u of urls) for (const m of rulesMatching(settings, u)) doomed.set(m.index, m.rule);
  const tuned = [...doomed.values()].some(isTuned);
  const ceremony = doomed.size > 1 || tuned;
  const single = urls.length === 1 ? urls[0]! : null;
  const onDelete = (): void => {
    if (ceremony && !confirmDelete) setConfirmDelete(true);
    else change(deleteFor, "siteDoneDeleted");
  };

  return (
    <section class="site">
      <div class="site-line">
        <span class="site-label">{t("popupSite")}</span>
        <span class="site-host" title={urls.join("\n")}>
          {urls.map((u) => new URL(u).host).join(", ")}
        </span>
      </div>
      <p
        class={covered.length > 0 && covered.length === urls.length ? "site-status site-protected" : paused.length > 0 ? "site-status site-paused" : "site-status"}
        data-testid="site-status"
        data-protected={settings ? String(covered.length === urls.length) : ""}
      >
        {single ? <SingleStatus t={t} settings={settings} url={single} /> : covered.length === urls.length ? t("popupProtectedAll") : t("popupProtectedSome", [String(covered.length), String(urls.length)])}
      </p>
      {single && settings && doomed.size > 0 && <BroaderNote t={t} settings={settings} url={single} />}
      {allClosed && (
        <p class="site-note site-hint" data-testid="closed-hint">
          {t("siteClosedHintAll")}
        </p>
      )}
      <div class="site-buttons">
        {bare > 0 && (
          <button type="button" class="site-button site-button-primary" data-testid="protect-toggle" disabled={settings === null} onClick={() => change(protectOrigin, "siteDoneProtected")}>
            {t("popupProtect")}
          </button>
        )}
        {paused.length > 0 && (
          <button type="button" class="site-button site-button-primary" data-testid="resume-protection" onClick={() => change(resumeFor, "siteDoneResumed")}>
            {t("siteResumeProtection")}
          </button>
        )}
        {covered.length > 0 && (
          <button
            type="button"
            class={tuned ? "site-button site-button-primary" : "site-button"}
            data-testid="unprotect"
            title={t("sitePauseTitle")}
            onClick={() => change(pauseFor, "siteDonePaused")}
          >
            {t("sitePauseProtection")}
          </button>
        )}
        {doomed.size > 0 && !confirmDelete && (
          <button type="button" class="site-button" data-testid="delete-rule" title={t("siteDeleteRuleTitle")} onClick={onDelete}>
            {t("siteDeleteRule")}
          </button>
        )}
      </div>
      {confirmDelete && (
        <div class="site-confirm" role="alertdialog" aria-label={t("siteDeleteRule")}>
          <p class="site-note">{t("siteDeleteConfirm", [[...doomed].map(([i, r]) => `${i + 1} (${r.match})`).join(", ")])}</p>
          <div class="site-buttons">
            <button type="button" class="site-button site-button-danger" data-testid="delete-rule-confirm" onClick={onDelete}>
              {t("siteDeleteRule")}
            </button>
            <button type="button" class="site-button" data-testid="delete-rule-cancel" onClick={() => setConfirmDelete(false)}>
              {t("siteCancel")}
            </button>
          </div>
        </div>
      )}
      {undo && (
        <p class="site-undo" role="status">
          <span>{t(undo.done)}</span>
          <button type="button" class="site-button site-button-inline" data-testid="undo" onClick={() => undoNow(undo)}>
            {t("siteUndo")}
          </button>
        </p>
      )}
    </section>
  );
}

function SingleStatus({ t, settings, url }: { t: Translate; settings: Settings | null; url: string }) {
  const winner = settings ? ruleFor(settings, url) : null;
  if (winner) return <>{t("popupProtectedBy", [String(winner.index + 1), winner.rule.match])}</>;
  const paused = settings ? pausedMatching(settings, url)[0] : undefined;
  if (paused) return <>{t("siteProtectionPaused", [String(paused.index + 1), paused.rule.match])}</>;
  return <>{t("popupNotProtected")}</>;
}

/** Broader rules than the site's own that a Delete would remove too. */
function BroaderNote({ t, settings, url }: { t: Translate; settings: Settings; url: string }) {
  const own = originRule(url).match;
  const others = rulesMatching(settings, url).filter((m) => m.rule.match !== own);
  if (others.length === 0) return null;
  return (
    <p class="site-note" data-testid="unprotect-also">
      {t("siteDeleteAlso", [others.map((m) => m.rule.match).join(", ")])}
    </p>
  );
}
