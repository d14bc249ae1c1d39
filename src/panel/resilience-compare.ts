/**
 * The settings of the two runs of "Compare with and without protection", as edits of the user's
 * settings (src/shared/rules.ts, the same edits as the panel's Pause / Protect buttons): the first run
 * with every rule for the check's sockets paused, the second with the site's own rule on, or, when it
 * has none, the rule "Protect this site" would add. The settings of before are saved back afterwards,
 * whatever happened; these functions only say what each run uses.
 */
import { pauseFor, protectOrigin, resumeFor, ruleFor } from "../shared/rules";
import type { Settings } from "../shared/settings";

/** Settings under which no rule protects any of `urls` (their rules paused, tuning kept). */
export function withoutProtection(settings: Settings, urls: readonly string[]): Settings {
  return urls.reduce(pauseFor, settings);
}

/** Whether the site protects every one of `urls` with a rule of its own already (on, or paused by the user). */
export function hasOwnRule(settings: Settings, urls: readonly string[]): boolean {
  return urls.length > 0 && urls.every((url) => ruleFor(resumeFor(settings, url), url) !== null);
}

/**
 * Settings under which a rule protects each of `urls`: the site's own rules (resumed if paused), and for
 * a URL that none fits, the origin rule "Protect this site" adds. This is also what "Protect with these
 * settings" saves after the comparison.
 */
export function withProtection(settings: Settings, urls: readonly string[]): Settings {
  let next = urls.reduce(resumeFor, settings);
  for (const url of urls) if (ruleFor(next, url) === null) next = protectOrigin(next, url);
  return next;
}

/** The `match` of the rule that protects `url` under `settings`, for the report; null when none. */
export function protectingMatch(settings: Settings, url: string | undefined): string | null {
  return url === undefined ? null : (ruleFor(settings, url)?.rule.match ?? null);
}
