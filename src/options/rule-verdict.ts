/**
 * "Does this rule take a socket to this URL, and why (not)": the rule test box's words, translated.
 * The decision is the page world's own (`findRule`: paused rules skipped, `globProblem`, `matchGlob`
 * on the collapsed glob); the reason names the first literal part of the glob the URL cannot supply.
 */
import { globProblem, matchGlob } from "../shared/settings";
import { isRecord } from "./draft";
import { problemWhat } from "./problem-text";
import { t, type Translate } from "../shared/i18n";

export interface RuleVerdict {
  matches: boolean;
  why: string;
}

const quote = (s: string): string => JSON.stringify(s);

export function ruleVerdict(rule: unknown, url: string, translate: Translate = t): RuleVerdict {
  if (!isRecord(rule)) return { matches: false, why: translate("optionsTestNotARule") };
  const problem = globProblem(rule.match);
  if (problem !== null) {
    return { matches: false, why: translate("optionsTestNotUsable", [quote(String(rule.match)), problemWhat({ path: [], message: problem }, translate)]) };
  }
  const glob = (rule.match as string).replace(/\*+/g, "*");
  if (rule.enabled === false) return { matches: false, why: translate("optionsTestPaused", [quote(glob)]) };
  if (matchGlob(glob, url)) {
    return { matches: true, why: translate(glob.includes("*") ? "optionsTestFits" : "optionsTestExactly", [quote(url), quote(glob)]) };
  }
  return { matches: false, why: mismatch(glob, url, translate) };
}

/** The first literal part of `glob` that `url` cannot supply, scanning as `matchGlob` does. */
function mismatch(glob: string, url: string, translate: Translate): string {
  const parts = glob.split("*");
  if (parts.length === 1) return translate("optionsTestNotExactly", [quote(url), quote(glob)]);
  const first = parts[0]!;
  const last = parts.at(-1)!;
  if (!url.startsWith(first)) return translate("optionsTestNoStart", [quote(url), quote(first)]);
  let at = first.length;
  for (const part of parts.slice(1, -1)) {
    if (part === "") continue;
    const found = url.indexOf(part, at);
    if (found < 0) return translate("optionsTestNoPart", [quote(url), quote(part), quote(url.slice(0, at))]);
    at = found + part.length;
  }
  if (!url.endsWith(last) || url.length - last.length < at) return translate("optionsTestNoEnd", [quote(url), quote(last)]);
  // Unreachable when matchGlob and this scan agree; said plainly rather than guessed.
  return translate("optionsTestNoFit", [quote(url), quote(glob)]);
}
