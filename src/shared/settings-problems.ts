/**
 * The validator's vocabulary, shared by every validator of stored data (settings, frame rules, mocks):
 * problems as a path and a phrase the options page translates, and the small field checks they are
 * made of. No lookups of locale files here: the page world and the background only need English.
 */

/**
 * The validator's words. Each message is a `code` with substitutions, so the options page can show it
 * in the user's language (the locale files hold `settings<Code>` with the same text for English, a
 * test keeps them equal); the page world and the background only ever need the English form, which
 * is made here without the locale files (they would bloat the page-world script).
 * Templates follow `i18n.getMessage`: `$1`.. are substitutions, `$$` is a dollar.
 */
export const PROBLEM_TEXT = {
  expectedBool: "expected true or false, got $1",
  expectedNonNegativeNumber: "expected a non-negative number, got $1",
  expectedNonNegativeInteger: "expected a non-negative integer, got $1",
  expectedMilliseconds: "expected a number of milliseconds, got $1",
  expectedNumber: "expected a number, got $1",
  expectedNullOrNonNegativeInteger: "expected null or a non-negative integer, got $1",
  atLeast: "must be at least $1, got $2",
  atMost: "must be at most $1, got $2",
  expectedString: "expected a string, got $1",
  expectedStringOrNull: "expected a string or null, got $1",
  longerThanBytesSize: "longer than $1 bytes ($2)",
  longerThanBytes: "longer than $1 bytes",
  expectedOneOf: "expected one of $1, got $2",
  expectedJsonPath: 'expected a JSON path like "$$.a.b" or "$$.items[0]", got $1',
  expectedCloseCodes: "expected an array of close codes, got $1",
  tooManyCodes: "more than $1 codes",
  expectedCloseCode: "expected a close code (an integer 1000-4999), got $1",
  expectedPrimitive: "expected a string, number, boolean or null, got $1",
  expectedQueryParam: "expected null or a query parameter name (1-64 of A-Z a-z 0-9 _ . ~ -), got $1",
  expectedObject: "expected an object, got $1",
  expectedArray: "expected an array, got $1",
  unknownKey: "unknown key",
  missing: "missing",
  expectedGlob: "expected a glob string, got $1",
  emptyGlob: "expected a non-empty glob",
  globTooLong: "glob longer than $1 characters",
  globWhitespace: "glob contains whitespace or control characters",
  globTooManyStars: "glob has more than $1 wildcards",
  tooManyRules: "more than $1 rules; the rest are ignored",
  ruleDropped: "$1; rule dropped",
  gotLongString: "a string of $1 characters",
  gotArray: "an array",
  gotObject: "an object",
  // Frame rules and mocks (frame-rules-validate.ts, regex-shape.ts, mock-validate.ts)
  requiredForAction: "required when action is $1",
  respondNeedsOut: "respond answers the page's own frames: set direction to out",
  equalsNeedsPath: "equals compares the value at path: add path, or remove equals",
  binaryAndText: "hexPrefix looks at binary frames and text, regex and path at text frames, so no frame can match: split it into two rules",
  expectedHex: "expected bytes in hex (pairs of 0-9 a-f, blanks allowed), got $1",
  expectedJsonValue: "expected a JSON value at most $1 levels deep, got $2",
  templateBadPath: 'the template has {{$1}}, which is not a JSON path like "$$.a.b" or "$$.items[0]"',
  regexTooLong: "a regular expression of $2 characters, longer than $1: shorten it",
  regexInvalid: "not a regular expression ($1)",
  regexNested: "repeats $1, which repeats inside: this can take exponential time on some frames; repeat only once",
  regexAlternatives: "repeats $1, whose alternatives can match the same text (or nothing): this can take exponential time on some frames; make each alternative start differently",
  regexAdjacent: "$1 repeats twice in a row over the same characters: this can take very long on long frames; merge the two into one",
  regexBackreference: "uses a backreference ($1), which can take exponential time: match the text without it",
  tooManyEntries: "more than $1 entries; the rest are ignored",
  mockTooLarge: "more than $1 characters of frame data: import a shorter recording",
  mockTooManyFrames: "more than $1 frames: import a shorter recording",
  expectedBase64: "expected binary frame data as base64, got $1",
  mockDropped: "$1; mock dropped",
} as const;

export type ProblemCode = keyof typeof PROBLEM_TEXT;

/** A message with its substitutions; a substitution may itself be a phrase ("got an array"). */
export interface Phrase {
  code: ProblemCode;
  subs: (string | Phrase)[];
}

/** One thing wrong with the settings: where (`["rules", 0, "heartbeat", "intervalMs"]`, `[]` for the root) and what. */
export interface SettingsProblem {
  path: (string | number)[];
  message: Phrase;
}

export const phrase = (code: ProblemCode, ...subs: (string | Phrase)[]): Phrase => ({ code, subs });

/** A phrase in any language: `lookup` gives the template of a code (English: `PROBLEM_TEXT`). */
export function renderPhrase(p: Phrase, lookup: (code: ProblemCode, subs: string[]) => string): string {
  return lookup(
    p.code,
    p.subs.map((s) => (typeof s === "string" ? s : renderPhrase(s, lookup))),
  );
}

const english = (code: ProblemCode, subs: string[]): string =>
  PROBLEM_TEXT[code].replace(/\$(\$|\d)/g, (_, n: string) => (n === "$" ? "$" : (subs[Number(n) - 1] ?? "")));

export const phraseText = (p: Phrase): string => renderPhrase(p, english);

/** `rules[0].reconnect.stopOnCodes[1]`; `(root)` for the settings object itself. */
export function problemPath(path: readonly (string | number)[]): string {
  let out = "";
  for (const key of path) out += typeof key === "number" ? `[${key}]` : out === "" ? key : `.${key}`;
  return out === "" ? "(root)" : out;
}

/** `path: message`, in English: what the validator's `errors` hold. */
export const problemText = (p: SettingsProblem): string => `${problemPath(p.path)}: ${phraseText(p.message)}`;

export function describe(x: unknown): string | Phrase {
  if (x === undefined) return "undefined";
  if (typeof x === "number" || typeof x === "boolean" || x === null) return String(x);
  if (typeof x === "string") {
    return x.length > 40 ? phrase("gotLongString", String(x.length)) : JSON.stringify(x);
  }
  if (Array.isArray(x)) return phrase("gotArray");
  if (typeof x === "object") return phrase("gotObject");
  return typeof x;
}

// Any UTF-16 code unit above 0x7f. Written as a range, not as `[^\x00-\x7f]`: V8 scans a 1 KiB ASCII
// string for this one about 15 x faster (0.07 against 1.1 µs in Chromium 156).
const NON_ASCII = /[\x80-\uffff]/;

export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Bytes of `s` in UTF-8, without encoding it (the recorder measures text frames with this). */
export function utf8Length(s: string): number {
  // Most frames are ASCII: a native scan, then the length is the answer.
  if (!NON_ASCII.test(s)) return s.length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3; // lone surrogate: sent as U+FFFD
    } else n += 3;
  }
  return n;
}

/** A field check: what is wrong (without the path; `at` extends it into an array), or null. */
export type Check = (x: unknown) => (Phrase & { at?: number }) | null;

export const bool: Check = (x) => (typeof x === "boolean" ? null : phrase("expectedBool", describe(x)));

type Expected = "expectedNonNegativeNumber" | "expectedNonNegativeInteger" | "expectedMilliseconds" | "expectedNumber" | "expectedNullOrNonNegativeInteger";

/* @__NO_SIDE_EFFECTS__ */
export function num(min: number, max: number, opts: { integer?: boolean; what?: Expected } = {}): Check {
  const what = opts.what ?? (opts.integer ? "expectedNonNegativeInteger" : "expectedNonNegativeNumber");
  return (x) => {
    if (typeof x !== "number" || !Number.isFinite(x)) return phrase(what, describe(x));
    if (opts.integer && !Number.isInteger(x)) return phrase(what, describe(x));
    if (x < min) return min === 0 ? phrase(what, String(x)) : phrase("atLeast", String(min), String(x));
    if (x > max) return phrase("atMost", String(max), String(x));
    return null;
  };
}

/* @__NO_SIDE_EFFECTS__ */
export function text(maxBytes: number, allowNull: boolean): Check {
  return (x) => {
    if (x === null && allowNull) return null;
    if (typeof x !== "string") return phrase(allowNull ? "expectedStringOrNull" : "expectedString", describe(x));
    const size = utf8Length(x);
    if (size > maxBytes) return phrase("longerThanBytesSize", String(maxBytes), String(size));
    return null;
  };
}

/* @__NO_SIDE_EFFECTS__ */
export function oneOf(values: readonly string[]): Check {
  return (x) =>
    typeof x === "string" && values.includes(x)
      ? null
      : phrase("expectedOneOf", values.map((v) => JSON.stringify(v)).join(", "), describe(x));
}
