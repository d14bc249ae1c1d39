/**
 * Checks untrusted frame rules (settings' `frameRules`, from storage.local or the options page's JSON
 * editor), in the settings validator's words and paths (`frameRules[2].when.regex`).
 *
 * Unlike a protection rule, whose bad field falls back to its default, a frame rule with any bad
 * field is dropped whole: a drop rule whose regex was refused would otherwise drop every frame.
 */
import { compilePath } from "../core/json-path";
import { globProblem } from "./glob";
import { hexBytes } from "./frame-rules";
import { FRAME_RULE_ACTIONS, FRAME_RULE_LIMITS, type FrameMatcher, type FrameRule } from "./frame-rule-types";
import { regexShape } from "./regex-shape";
import {
  bool,
  describe,
  isRecord,
  num,
  oneOf,
  phrase,
  text,
  type Check,
  type Phrase,
  type SettingsProblem,
} from "./settings-problems";

type Path = (string | number)[];

/** How deep an `equals` value may nest: comparing it walks that deep on every frame. */
const MAX_EQUALS_DEPTH = 32;

const string = text(FRAME_RULE_LIMITS.stringChars, false);
const delayMs = num(0, FRAME_RULE_LIMITS.delayMsMax, { what: "expectedMilliseconds" });
const pauseTimeoutMs = num(100, FRAME_RULE_LIMITS.pauseTimeoutMsMax, { what: "expectedMilliseconds" });
const direction = oneOf(["in", "out", "both"]);
const action = oneOf(FRAME_RULE_ACTIONS);

const jsonPath: Check = (x) => {
  if (typeof x !== "string") return phrase("expectedJsonPath", describe(x));
  try {
    compilePath(x);
    return null;
  } catch {
    return phrase("expectedJsonPath", describe(x));
  }
};

const hex: Check = (x) => (typeof x === "string" && x.length <= FRAME_RULE_LIMITS.stringChars && hexBytes(x) ? null : phrase("expectedHex", describe(x)));

function jsonDepth(x: unknown, depth: number): number | null {
  if (x === null || typeof x === "string" || typeof x === "boolean") return depth;
  if (typeof x === "number") return Number.isFinite(x) ? depth : null;
  if (depth >= MAX_EQUALS_DEPTH) return null;
  const children = Array.isArray(x) ? x : isRecord(x) ? Object.values(x) : null;
  if (children === null) return null;
  let deepest = depth + 1;
  for (const c of children) {
    const d = jsonDepth(c, depth + 1);
    if (d === null) return null;
    deepest = Math.max(deepest, d);
  }
  return deepest;
}

const jsonValue: Check = (x) =>
  jsonDepth(x, 0) === null ? phrase("expectedJsonValue", String(MAX_EQUALS_DEPTH), describe(x)) : null;

/** Why `source` cannot be a frame rule's regex, or null: too long, refused by the engine, or able to backtrack for ever. */
export function regexProblem(source: unknown): Phrase | null {
  if (typeof source !== "string") return phrase("expectedString", describe(source));
  if (source.length > FRAME_RULE_LIMITS.regexChars) {
    return phrase("regexTooLong", String(FRAME_RULE_LIMITS.regexChars), String(source.length));
  }
  try {
    new RegExp(source);
  } catch (e) {
    return phrase("regexInvalid", e instanceof Error ? e.message : String(e));
  }
  const shape = regexShape(source);
  if (!shape) return null;
  switch (shape.kind) {
    case "nested":
      return phrase("regexNested", shape.part);
    case "alternatives":
      return phrase("regexAlternatives", shape.part);
    case "adjacent":
      return phrase("regexAdjacent", shape.part);
    case "backreference":
      return phrase("regexBackreference", shape.part);
  }
}

/** Placeholders of a `with` template whose path is not of the grammar. */
function templateProblem(template: string): Phrase | null {
  for (const m of template.matchAll(/\{\{\s*(\$[^{}]*?)\s*\}\}/g)) {
    if (jsonPath(m[1]) !== null) return phrase("templateBadPath", m[1]!.length > 40 ? `${m[1]!.slice(0, 39)}…` : m[1]!);
  }
  return null;
}

const MATCHER_CHECKS: Record<keyof FrameMatcher, Check> = {
  text: string,
  regex: regexProblem,
  path: jsonPath,
  equals: jsonValue,
  hexPrefix: hex,
};

const RULE_CHECKS: Record<Exclude<keyof FrameRule, "match" | "when">, Check> = {
  direction,
  action,
  with: (x) => string(x) ?? (typeof x === "string" ? templateProblem(x) : null),
  delayMs,
  pauseTimeoutMs,
  forward: bool,
  enabled: bool,
};

const has = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

/** The matcher's problems (each at its own path), or the matcher. */
function validateMatcher(input: unknown, path: Path, problems: SettingsProblem[]): FrameMatcher | null {
  if (!isRecord(input)) {
    problems.push({ path, message: phrase("expectedObject", describe(input)) });
    return null;
  }
  const before = problems.length;
  const out: FrameMatcher = {};
  for (const key of Object.keys(input)) {
    const at = [...path, key];
    if (!has(MATCHER_CHECKS, key)) {
      problems.push({ path: at, message: phrase("unknownKey") });
      continue;
    }
    const err = MATCHER_CHECKS[key as keyof FrameMatcher](input[key]);
    if (err) problems.push({ path: at, message: err });
    else (out as Record<string, unknown>)[key] = input[key];
  }
  if (has(out, "equals") && !has(input, "path")) problems.push({ path: [...path, "equals"], message: phrase("equalsNeedsPath") });
  const onText = has(input, "text") || has(input, "regex") || has(input, "path");
  if (onText && has(input, "hexPrefix")) problems.push({ path: [...path, "hexPrefix"], message: phrase("binaryAndText") });
  return problems.length === before ? out : null;
}

function validateRule(input: unknown, path: Path, problems: SettingsProblem[]): FrameRule | null {
  if (!isRecord(input)) {
    problems.push({ path, message: phrase("ruleDropped", phrase("expectedObject", describe(input))) });
    return null;
  }
  const found: SettingsProblem[] = [];
  const out: Record<string, unknown> = {};
  const matchErr = globProblem(input.match);
  if (matchErr) found.push({ path: [...path, "match"], message: input.match === undefined ? phrase("missing") : matchErr });
  else out.match = input.match;
  for (const key of ["direction", "action"] as const) {
    if (input[key] === undefined) found.push({ path: [...path, key], message: phrase("missing") });
  }
  for (const key of Object.keys(input)) {
    const at = [...path, key];
    if (key === "match") continue;
    if (key === "when") {
      const when = validateMatcher(input.when, at, found);
      if (when) out.when = when;
      continue;
    }
    if (!has(RULE_CHECKS, key)) {
      found.push({ path: at, message: phrase("unknownKey") });
      continue;
    }
    const err = RULE_CHECKS[key as keyof typeof RULE_CHECKS](input[key]);
    if (err) found.push({ path: at, message: err });
    else out[key] = input[key];
  }
  const act = out.action;
  if ((act === "replace" || act === "respond") && !has(input, "with")) {
    found.push({ path: [...path, "with"], message: phrase("requiredForAction", act) });
  }
  if (act === "delay" && !has(input, "delayMs")) found.push({ path: [...path, "delayMs"], message: phrase("requiredForAction", act) });
  if (act === "respond" && out.direction !== undefined && out.direction !== "out") {
    found.push({ path: [...path, "direction"], message: phrase("respondNeedsOut") });
  }
  for (const p of found) problems.push({ path: p.path, message: phrase("ruleDropped", p.message) });
  return found.length === 0 ? (out as unknown as FrameRule) : null;
}

/**
 * The usable frame rules of `raw` (an array), and what is wrong with the others: a rule with any
 * problem is dropped (each problem says so), the rest keep their order. Paths start at `path`
 * (`frameRules` in the settings). Never throws. A dropped rule shifts the index of those after it,
 * but the options page refuses to save while there are problems, so stored indices stay those the
 * user wrote.
 */
export function validateFrameRules(raw: unknown, path: Path = ["frameRules"]): { rules: FrameRule[]; problems: SettingsProblem[] } {
  const problems: SettingsProblem[] = [];
  const rules: FrameRule[] = [];
  if (raw === undefined) return { rules, problems };
  if (!Array.isArray(raw)) {
    problems.push({ path, message: phrase("expectedArray", describe(raw)) });
    return { rules, problems };
  }
  if (raw.length > FRAME_RULE_LIMITS.rules) {
    problems.push({ path, message: phrase("tooManyRules", String(FRAME_RULE_LIMITS.rules)) });
  }
  raw.slice(0, FRAME_RULE_LIMITS.rules).forEach((r: unknown, i) => {
    const rule = validateRule(r, [...path, i], problems);
    if (rule) rules.push(rule);
  });
  return { rules, problems };
}
