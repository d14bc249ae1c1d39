/**
 * The validator's problems (src/shared/settings.ts) in the user's language, placed the way the user
 * sees them: the form numbers rules from 1 ("Rule 1 › heartbeat › intervalMs"), the JSON view keeps
 * the JSON path and says which rule that is ("rules[0].heartbeat.intervalMs (rule 1)").
 */
import { problemPath, renderPhrase, type ProblemCode, type SettingsProblem } from "../shared/settings";
import { t, type MessageKey, type Translate } from "../shared/i18n";

/** Every validator message's key in the locale files (a test checks English matches the validator's own text). */
export const PROBLEM_KEYS: Record<ProblemCode, MessageKey> = {
  expectedBool: "settingsExpectedBool",
  expectedNonNegativeNumber: "settingsExpectedNonNegativeNumber",
  expectedNonNegativeInteger: "settingsExpectedNonNegativeInteger",
  expectedMilliseconds: "settingsExpectedMilliseconds",
  expectedNumber: "settingsExpectedNumber",
  expectedNullOrNonNegativeInteger: "settingsExpectedNullOrNonNegativeInteger",
  atLeast: "settingsAtLeast",
  atMost: "settingsAtMost",
  expectedString: "settingsExpectedString",
  expectedStringOrNull: "settingsExpectedStringOrNull",
  longerThanBytesSize: "settingsLongerThanBytesSize",
  longerThanBytes: "settingsLongerThanBytes",
  expectedOneOf: "settingsExpectedOneOf",
  expectedJsonPath: "settingsExpectedJsonPath",
  expectedCloseCodes: "settingsExpectedCloseCodes",
  tooManyCodes: "settingsTooManyCodes",
  expectedCloseCode: "settingsExpectedCloseCode",
  expectedPrimitive: "settingsExpectedPrimitive",
  expectedQueryParam: "settingsExpectedQueryParam",
  expectedObject: "settingsExpectedObject",
  expectedArray: "settingsExpectedArray",
  unknownKey: "settingsUnknownKey",
  missing: "settingsMissing",
  expectedGlob: "settingsExpectedGlob",
  emptyGlob: "settingsEmptyGlob",
  globTooLong: "settingsGlobTooLong",
  globWhitespace: "settingsGlobWhitespace",
  globTooManyStars: "settingsGlobTooManyStars",
  tooManyRules: "settingsTooManyRules",
  ruleDropped: "settingsRuleDropped",
  gotLongString: "settingsGotLongString",
  gotArray: "settingsGotArray",
  gotObject: "settingsGotObject",
  requiredForAction: "settingsRequiredForAction",
  respondNeedsOut: "settingsRespondNeedsOut",
  equalsNeedsPath: "settingsEqualsNeedsPath",
  binaryAndText: "settingsBinaryAndText",
  expectedHex: "settingsExpectedHex",
  expectedJsonValue: "settingsExpectedJsonValue",
  templateBadPath: "settingsTemplateBadPath",
  regexTooLong: "settingsRegexTooLong",
  regexInvalid: "settingsRegexInvalid",
  regexNested: "settingsRegexNested",
  regexAlternatives: "settingsRegexAlternatives",
  regexAdjacent: "settingsRegexAdjacent",
  regexBackreference: "settingsRegexBackreference",
  tooManyEntries: "settingsTooManyEntries",
  mockTooLarge: "settingsMockTooLarge",
  mockTooManyFrames: "settingsMockTooManyFrames",
  expectedBase64: "settingsExpectedBase64",
  mockDropped: "settingsMockDropped",
};

export type PathStyle = "form" | "json";

export interface ShownProblem {
  /** The JSON path (`rules[0].heartbeat.intervalMs`): where the form routes it, and its data-error-path. */
  path: string;
  /** Where, as the user sees it. */
  where: string;
  /** What, translated. */
  what: string;
}

export const problemWhat = (p: SettingsProblem, translate: Translate = t): string =>
  renderPhrase(p.message, (code, subs) => translate(PROBLEM_KEYS[code], subs));

/** The lists whose items the form numbers as rules: "Rule 1", "Frame rule 1". */
const RULE_LISTS: Record<string, { form: MessageKey; json: MessageKey }> = {
  rules: { form: "optionsPathRule", json: "optionsPathJsonRule" },
  frameRules: { form: "optionsPathFrameRule", json: "optionsPathJsonFrameRule" },
};

const ruleListOf = (path: SettingsProblem["path"]) =>
  typeof path[0] === "string" && Object.prototype.hasOwnProperty.call(RULE_LISTS, path[0]) ? RULE_LISTS[path[0]]! : null;

/** "Rule 1 › heartbeat › intervalMs", "Frame rule 3 › when › regex"; an index into a list (a close code) counts from 1 too. */
export function formWhere(path: SettingsProblem["path"], translate: Translate = t): string {
  if (path.length === 0) return translate("optionsPathRoot");
  const list = ruleListOf(path);
  return path
    .map((key, i) =>
      typeof key === "string"
        ? key
        : i === 1 && list
          ? translate(list.form, [String(key + 1)])
          : translate("optionsPathItem", [String(key + 1)]),
    )
    .filter((part, i) => !(i === 0 && list && path.length > 1))
    .join(" › ");
}

/** "rules[0].heartbeat.intervalMs (rule 1)": the JSON path, with the rule's number as the form shows it. */
export function jsonWhere(path: SettingsProblem["path"], translate: Translate = t): string {
  if (path.length === 0) return translate("optionsPathRoot");
  const json = problemPath(path);
  const list = ruleListOf(path);
  return list && typeof path[1] === "number" ? translate(list.json, [json, String(path[1] + 1)]) : json;
}

export function showProblem(p: SettingsProblem, style: PathStyle, translate: Translate = t): ShownProblem {
  return {
    path: problemPath(p.path),
    where: style === "form" ? formWhere(p.path, translate) : jsonWhere(p.path, translate),
    what: problemWhat(p, translate),
  };
}

/** `where: what` as one line of text (lists without markup). */
export const problemLine = (p: ShownProblem, translate: Translate = t): string => translate("optionsProblemAt", [p.where, p.what]);
