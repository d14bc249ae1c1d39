/**
 * The options page's draft: one value behind two views (the form and the JSON text). The draft is
 * whatever the user typed, valid or not; `validateSettings` judges it, and its messages are routed to
 * the field whose path they start with.
 */
import { validateSettings } from "./validate";
import { problemPath, type SettingsProblem } from "../shared/settings";
import { jsonErrorPosition, type TextPosition } from "./json-position";

/** A path into the draft: `["rules", 0, "reconnect", "minDelayMs"]`. */
export type Path = readonly (string | number)[];

export interface Draft {
  /** The JSON view's text, exactly as typed. */
  text: string;
  /** The last value the text parsed to; the form shows and edits this. */
  value: unknown;
  /** Set while the text is not JSON: the form is read-only then (editing it would drop the text). */
  parseError: string | null;
  /** Where the text stops being JSON, when that can be told. */
  parseAt?: TextPosition | null;
}

export const formatJson = (value: unknown): string => JSON.stringify(value ?? {}, null, 2);

export function draftFromValue(value: unknown): Draft {
  return { text: formatJson(value), value: value ?? {}, parseError: null };
}

export function draftFromText(text: string, previous: Draft): Draft {
  try {
    return { text, value: JSON.parse(text) as unknown, parseError: null };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { text, value: previous.value, parseError: message, parseAt: jsonErrorPosition(text, message) };
  }
}

/** The validator's problems with the draft; none while the text does not parse (that error comes first). */
export function draftProblems(draft: Draft): SettingsProblem[] {
  return draft.parseError === null ? validateSettings(draft.value).problems : [];
}

/**
 * Whether the draft says the same as what is stored: "Unsaved changes" is about content, so an edit
 * undone by hand (or JSON only reformatted) is not one. Key order does not matter, as for the validator.
 */
export function sameSettings(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameSettings(x, b[i]));
  }
  if (!isRecord(a) || !isRecord(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameSettings(a[k], b[k]));
}

export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** `rules[0].reconnect.minDelayMs`, the way the validator names paths. */
export function pathString(path: Path): string {
  let out = "";
  for (const key of path) out += typeof key === "number" ? `[${key}]` : out === "" ? key : `.${key}`;
  return out;
}

export function getAt(root: unknown, path: Path): unknown {
  let at: unknown = root;
  for (const key of path) {
    if (typeof key === "number" ? !Array.isArray(at) : !isRecord(at)) return undefined;
    at = (at as Record<string | number, unknown>)[key];
  }
  return at;
}

/**
 * `root` with the value at `path` replaced (`undefined` removes the key, so the default applies).
 * Copies along the path; a missing or non-object step becomes an object.
 */
export function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const [key, ...rest] = path as [string | number, ...(string | number)[]];
  if (typeof key === "number") {
    const arr = Array.isArray(root) ? [...(root as unknown[])] : [];
    arr[key] = setAt(arr[key], rest, value);
    return arr;
  }
  const obj = isRecord(root) ? { ...root } : {};
  const next = setAt(obj[key], rest, value);
  if (next === undefined) delete obj[key];
  else obj[key] = next;
  return obj;
}

const under = (path: string, owner: string): boolean =>
  path === owner || path.startsWith(`${owner}.`) || path.startsWith(`${owner}[`);

/**
 * Gives each problem to the most specific place that shows it: a field, else the rule or section
 * around it; problems no shown path owns (an unknown top-level key, the root) go to `unplaced`.
 */
export function routeErrors(problems: readonly SettingsProblem[], shown: Iterable<string>): { byPath: Map<string, SettingsProblem[]>; unplaced: SettingsProblem[] } {
  const owners = [...shown].sort((a, b) => b.length - a.length);
  const byPath = new Map<string, SettingsProblem[]>();
  const unplaced: SettingsProblem[] = [];
  for (const problem of problems) {
    const path = problemPath(problem.path);
    const owner = owners.find((o) => under(path, o));
    if (owner === undefined) unplaced.push(problem);
    else byPath.set(owner, [...(byPath.get(owner) ?? []), problem]);
  }
  return { byPath, unplaced };
}

/** A number field's text: empty is "not set" (the default applies); what is not a number stays text for the validator to name. */
export function parseNumberText(text: string): number | string | undefined {
  const t = text.trim();
  if (t === "") return undefined;
  return /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(t) ? Number(t) : text;
}

export function showNumber(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : String(value);
}

/** A number field that also takes `null` (no limit): the text `null` is null, and null shows as `null`. */
export function parseNullableNumberText(text: string): number | string | null | undefined {
  return text.trim() === "null" ? null : parseNumberText(text);
}

export function showNullableNumber(value: unknown): string {
  return value === null ? "null" : showNumber(value);
}

/** "1000, 1002 1003" -> [1000, 1002, 1003]; an empty list is "not set"; a bad token stays text. */
export function parseCodesText(text: string): (number | string)[] | undefined {
  const tokens = text.split(/[\s,]+/).filter((t) => t !== "");
  if (tokens.length === 0) return undefined;
  return tokens.map((t) => (/^\d+$/.test(t) ? Number(t) : t));
}

export function showCodes(value: unknown): string {
  if (value === undefined) return "";
  return Array.isArray(value) ? value.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(", ") : JSON.stringify(value);
}

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * A JSON primitive typed as text (`ackWhen.equals`): `true`, `false`, `null` and JSON numbers are
 * themselves; `"…"` is the JSON string it spells; anything else is that text as a string (`ack` is
 * "ack"). Empty is "not set" (the default applies).
 */
export function parsePrimitiveText(text: string): string | number | boolean | null | undefined {
  const t = text.trim();
  if (t === "") return undefined;
  if (t === "true") return true;
  if (t === "false") return false;
  if (t === "null") return null;
  if (JSON_NUMBER.test(t)) return Number(t);
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) {
    try {
      return JSON.parse(t) as string;
    } catch {
      // Not a JSON string: the text itself.
    }
  }
  return text;
}

/** The text that parses back to `value`: a string that would read as something else is quoted. */
export function showPrimitive(value: unknown): string {
  if (value === undefined) return "";
  if (typeof value === "string") return value !== "" && parsePrimitiveText(value) === value ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}
