import { originRule, protectOrigin, ruleFor, rulesMatching, siteSocketUrl, unprotect } from "../shared/rules";
import type { Settings } from "../shared/settings";
import type { Translate } from "../shared/i18n";
import "./SiteProtection.css";

export interface SiteProtectionProps {
  t: Translate;
  pageUrl: string | undefined;
  /** Null until loaded. */
  settings: Settings | null;
  onChange(next: Settings): void;
}

/**
 * "This site" is the tab's own origin, as a socket origin (`https://a.test` -> `wss://a.test/*`): the
 * same rule the panel's "Protect this site" adds. Unprotect removes every rule that matches, so the
 * broader ones it would take along are named first.
 */
export function SiteProtection({ t, pageUrl, settings, onChange }: SiteProtectionProps) {
  const site = siteSocketUrl(pageUrl);
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
        <span class="site-host" title={pageUrl}>
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
