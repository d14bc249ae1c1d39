/**
 * "Block frames like this" / "Pause frames like this": a frame rule drawn from one recorded frame, and
 * the stored settings with it added. Pure: the component saves what this returns and offers Undo.
 *
 * The rule names the socket by its URL's origin and path (any query: tokens change per connection), the
 * frame's direction, and what the frame looks like: a JSON message by its type-like field, other text
 * by how it starts, binary by its first bytes.
 */
import { FRAME_RULE_LIMITS, type FrameMatcher, type FrameRule, type JsonValue } from "../shared/frame-rule-types";
import type { FrameRecord } from "../shared/protocol";
import { globProblem, isJsonPath } from "../shared/settings";
import { validateFrameRules } from "../shared/frame-rules-validate";

/** Fields that name a JSON message's kind, in the order they are looked for. */
const TYPE_FIELDS = ["type", "op", "action", "event", "kind", "method", "cmd", "command", "topic", "channel"] as const;
/** Characters of a text frame's start that a rule looks for. */
const TEXT_PREFIX = 24;
/** Bytes of a binary frame's start. */
const HEX_PREFIX_BYTES = 4;
/** A JSON value a rule compares with is short: a kind, not a payload. */
const EQUALS_MAX_CHARS = 200;

/**
 * `wss://host/path*` for a socket URL (`ws:`/`wss:`), or the origin alone (`wss://host/*`) when the
 * path would not make a usable glob; null when the URL is not a socket URL.
 */
export function socketGlob(socketUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(socketUrl);
  } catch {
    return null;
  }
  if (url.protocol !== "ws:" && url.protocol !== "wss:") return null;
  const origin = `${url.protocol}//${url.host}`;
  const withPath = `${origin}${url.pathname}*`;
  return globProblem(withPath) === null ? withPath : `${origin}/*`;
}

/** Whether a recorded frame's payload is all there: not cut, not a Blob whose bytes the page never read. */
export function payloadComplete(frame: FrameRecord): boolean {
  return !frame.truncated && !(frame.opcode === "binary" && frame.preview === "" && frame.size > 0);
}

function typeField(text: string): { path: string; equals: JsonValue } | null {
  if (text.length > FRAME_RULE_LIMITS.matchBytes) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  for (const field of TYPE_FIELDS) {
    if (!Object.prototype.hasOwnProperty.call(record, field)) continue;
    const v = record[field];
    const primitive = v === null || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v)) || typeof v === "string";
    if (!primitive || (typeof v === "string" && v.length > EQUALS_MAX_CHARS)) continue;
    const path = `$.${field}`;
    if (isJsonPath(path)) return { path, equals: v as JsonValue };
  }
  return null;
}

/** The first `n` characters, never cutting a surrogate pair in two. */
function prefix(text: string, n: number): string {
  if (text.length <= n) return text;
  const code = text.charCodeAt(n - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? n - 1 : n);
}

/** What frames "like this one" look like; null when the record holds nothing to tell them by (a Blob's bytes). */
export function matcherLike(frame: FrameRecord): FrameMatcher | null {
  if (frame.opcode === "binary") {
    if (frame.preview === "") return null;
    return { hexPrefix: frame.preview.slice(0, HEX_PREFIX_BYTES * 2).toLowerCase() };
  }
  // An empty text frame: exactly those (an empty `text` would match every text frame).
  if (frame.preview === "") return { regex: "^$" };
  const typed = frame.truncated ? null : typeField(frame.preview);
  if (typed) return typed;
  return { text: prefix(frame.preview, TEXT_PREFIX) };
}

/** A rule for frames like `frame` on sockets like `socketUrl`; null when none can be drawn (see `matcherLike`, `socketGlob`). */
export function ruleLike(frame: FrameRecord, socketUrl: string, action: "drop" | "pause"): FrameRule | null {
  const match = socketGlob(socketUrl);
  const when = matcherLike(frame);
  if (match === null || when === null) return null;
  return { match, direction: frame.dir, when, action };
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/** The same rule, field by field (JSON semantics: what storage keeps). */
function sameRule(a: unknown, b: FrameRule): boolean {
  return isRecord(a) && a.enabled !== false && JSON.stringify({ ...a, enabled: undefined }) === JSON.stringify({ ...b, enabled: undefined });
}

export type AddedRule =
  /** `settings` is what to store; `index` is the new rule's place in `frameRules` as the page world numbers it. */
  | { settings: Record<string, unknown>; index: number }
  /** An enabled rule just like it is there already, at `index`: nothing to store. */
  | { existing: number }
  | { full: true };

/**
 * Where the rule at `at` of the stored list stands among the rules the page world gets: validation drops
 * a bad rule whole, and records name a rule by its place in what is left.
 */
const validIndex = (rules: readonly unknown[], at: number): number => validateFrameRules(rules.slice(0, at)).rules.length;

/**
 * The stored settings (as stored: another page may have written fields this panel does not know) with
 * `rule` added at the end of `frameRules`: the last rule, so rules the user wrote keep their order and
 * win where they overlap. Nothing stored gives settings of this rule alone (every other field defaults).
 */
export function addFrameRule(stored: unknown, rule: FrameRule): AddedRule {
  const settings = isRecord(stored) ? { ...stored } : {};
  const rules = Array.isArray(settings.frameRules) ? settings.frameRules : [];
  const existing = rules.findIndex((r) => sameRule(r, rule));
  if (existing >= 0) return { existing: validIndex(rules, existing) };
  if (rules.length >= FRAME_RULE_LIMITS.rules) return { full: true };
  settings.frameRules = [...rules, rule];
  return { settings, index: validIndex(rules, rules.length) };
}
