import { originRule, protectOrigin, ruleFor, rulesMatching, siteSocketUrl, unprotect } from "../shared/rules";
import type { Settings } from "../shared/settings";
import type { Translate } from "../shared/i18n";
import "./SiteProtection.css";

export interface SiteProtectionProps {
  t: Translate;
  pageUrl: string | undefined;
  /** The tab's socket origins (`socketOrigins`): when there are any, these are what gets protected. */
  socketUrls?: readonly string[];
  /** Null until loaded. */
  settings: Settings | null;
  onChange(next: Settings): void;
}

/**
 * "This site" is where the tab's sockets go (each origin gets the same rule the panel's "Protect this
 * site" adds); with no socket yet, the tab's own origin as a socket origin (`https://a.test` ->
 * `wss://a.test/*`). Unprotect removes every rule that matches, so the broader ones it would take
 * along are named first.
 */
export function SiteProtection({ t, pageUrl, socketUrls = [], settings, onChange }: SiteProtectionProps) {
  if (socketUrls.length > 1) return <Origins t={t} urls={socketUrls} settings={settings} onChange={onChange} />;
  const site = socketUrls[0] ?? siteSocketUrl(pageUrl);
  if (site === null) {
    return (
      <section class="site" data-testid="site-status" data-protected="">
        <p class="site-note">{t("popupNotWebPage")}</p>
      </section>
    );
  }
  const host = new URL(site).host;
  const winner = settings ? ruleFor(settings, site) : null;
  const own = originRule(site).match;
  const others = settings && winner ? rulesMatching(settings, site).filter((m) => m.rule.match !== own) : [];
  return (
    <section class="site">
      <div class="site-line">
        <span class="site-label">{t("popupSite")}</span>
        <span class="site-host" title={site}>
          {host}
        </span>
      </div>
      <p
        class={winner ? "site-status site-protected" : "site-status"}
        data-testid="site-status"
        data-protected={settings ? String(winner !== null) : ""}
      >
        {winner ? t("popupProtectedBy", [String(winner.index + 1), winner.rule.match]) : t("popupNotProtected")}
      </p>
      {others.length > 0 && (
        <p class="site-note" data-testid="unprotect-also">
          {t("popupUnprotectAlso", [others.map((m) => m.rule.match).join(", ")])}
        </p>
      )}
      <button
        type="button"
        class={winner ? "site-button" : "site-button site-button-primary"}
        data-testid="protect-toggle"
        disabled={settings === null}
        onClick={() => settings && onChange(winner ? unprotect(settings, site) : protectOrigin(settings, site))}
      >
        {winner ? t("popupUnprotect") : t("popupProtect")}
      </button>
    </section>
  );
}

/** Sockets to several origins: protect or unprotect them all at once, and say how many are covered. */
function Origins({ t, urls, settings, onChange }: { t: Translate; urls: readonly string[]; settings: Settings | null; onChange(next: Settings): void }) {
  const covered = settings ? urls.filter((u) => ruleFor(settings, u) !== null) : [];
  const all = covered.length === urls.length;
  const toggle = (): void => {
    if (!settings) return;
    onChange(urls.reduce((s, u) => (all ? unprotect(s, u) : protectOrigin(s, u)), settings));
  };
  return (
    <section class="site">
      <div class="site-line">
        <span class="site-label">{t("popupSite")}</span>
        <span class="site-host" title={urls.join("\n")}>
          {urls.map((u) => new URL(u).host).join(", ")}
        </span>
      </div>
      <p class={all ? "site-status site-protected" : "site-status"} data-testid="site-status" data-protected={settings ? String(all) : ""}>
        {all ? t("popupProtectedAll") : t("popupProtectedSome", [String(covered.length), String(urls.length)])}
      </p>
      <button
        type="button"
        class={all ? "site-button" : "site-button site-button-primary"}
        data-testid="protect-toggle"
        disabled={settings === null}
        onClick={toggle}
      >
        {all ? t("popupUnprotect") : t("popupProtect")}
      </button>
    </section>
  );
}
