/**
 * The options page's draft: one value behind two views (the form and the JSON text). The draft is
 * whatever the user typed, valid or not; `validateSettings` judges it, and its messages are routed to
 * the field whose path they start with.
 */
import { validateSettings } from "./validate";

/** A path into the draft: `["rules", 0, "reconnect", "minDelayMs"]`. */
export type Path = readonly (string | number)[];

export interface Draft {
  /** The JSON view's text, exactly as typed. */
  text: string;
  /** The last value the text parsed to; the form shows and edits this. */
  value: unknown;
  /** Set while the text is not JSON: the form is read-only then (editing it would drop the text). */
  parseError: string | null;
}

export const formatJson = (value: unknown): string => JSON.stringify(value ?? {}, null, 2);

export function draftFromValue(value: unknown): Draft {
  return { text: formatJson(value), value: value ?? {}, parseError: null };
}

export function draftFromText(text: string, previous: Draft): Draft {
  try {
    return { text, value: JSON.parse(text) as unknown, parseError: null };
  } catch (err) {
    return { text, value: previous.value, parseError: err instanceof Error ? err.message : String(err) };
  }
}

/** The validator's messages for the draft; none while the text does not parse (that error comes first). */
export function draftErrors(draft: Draft): string[] {
  return draft.parseError === null ? validateSettings(draft.value).errors : [];
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

/** The path a validator message names: the part before its first `": "`. */
export function errorPath(message: string): string {
  const at = message.indexOf(": ");
  return at < 0 ? message : message.slice(0, at);
}

const under = (path: string, owner: string): boolean =>
  path === owner || path.startsWith(`${owner}.`) || path.startsWith(`${owner}[`);

/**
 * Gives each message to the most specific place that shows it: a field, else the rule or section
 * around it; messages no shown path owns (an unknown top-level key, `(root)`) go to `unplaced`.
 */
export function routeErrors(errors: string[], shown: Iterable<string>): { byPath: Map<string, string[]>; unplaced: string[] } {
  const owners = [...shown].sort((a, b) => b.length - a.length);
  const byPath = new Map<string, string[]>();
  const unplaced: string[] = [];
  for (const message of errors) {
    const path = errorPath(message);
    const owner = owners.find((o) => under(path, o));
    if (owner === undefined) unplaced.push(message);
    else byPath.set(owner, [...(byPath.get(owner) ?? []), message]);
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
