/** A frame rule in a line of words for the panel: "pause ↑ wss://app.test/live* where $.type = "ping"". */
import type { FrameMatcher, FrameRule } from "../shared/frame-rule-types";
import { clip } from "./format";
import { t } from "../shared/i18n";

function matcherWords(when: FrameMatcher | undefined): string {
  if (!when) return t("panelRuleWhenAny");
  if (when.path !== undefined) return t("panelRuleWhenEquals", [when.path, clip(JSON.stringify(when.equals ?? null), 80)]);
  if (when.hexPrefix !== undefined) return t("panelRuleWhenHex", [when.hexPrefix]);
  if (when.regex === "^$") return t("panelRuleWhenEmpty");
  if (when.regex !== undefined) return t("panelRuleWhenRegex", [clip(when.regex, 80)]);
  return t("panelRuleWhenText", [clip(JSON.stringify(when.text ?? ""), 80)]);
}

/** The panel makes only these; any other action reads as its name in the settings. */
function actionWords(action: FrameRule["action"]): string {
  if (action === "drop") return t("panelRuleActionDrop");
  if (action === "pause") return t("panelRuleActionPause");
  return action;
}

export function ruleWords(rule: FrameRule): string {
  const dir = rule.direction === "out" ? "↑" : rule.direction === "in" ? "↓" : "↕";
  return t("panelRuleLine", [actionWords(rule.action), dir, clip(rule.match, 120), matcherWords(rule.when)]);
}
