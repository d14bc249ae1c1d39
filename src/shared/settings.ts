/**
 * The settings schema (DESIGN.md, "Settings (contract)"): types, defaults, validation, rule lookup.
 *
 * Settings arrive from `storage.local` and from the options page's JSON editor, so they are untrusted:
 * `validateSettings` never throws, names the path of every bad field, and falls back to the default
 * for it. A validated `Settings` keeps rules as the user wrote them (only the valid fields);
 * `resolveRule` fills in the defaults.
 */

export type Strategy = "auto" | "transparent" | "surface";

export interface ReconnectSettings {
  enabled: boolean;
  minDelayMs: number;
  maxDelayMs: number;
  factor: number;
  /** Attempts of one outage; null = no limit. */
  maxAttempts: number | null;
  stableAfterMs: number;
  retryInitialConnect: boolean;
  /**
   * Retries of a first connect that never once opened; null = no limit. Past it the page gets `error`
   * then `close` 1006, as native: a protected page is never trapped in CONNECTING.
   */
  initialMaxAttempts: number | null;
  strategy: Strategy;
  stopOnCodes: number[];
}

export interface HeartbeatSettings {
  enabled: boolean;
  intervalMs: number;
  timeoutMs: number;
  /** "auto": the recognised protocol's own ping (off for unknown protocols); any other string is sent as is. */
  message: string;
  reply: string | null;
  hideReplies: boolean;
}

export interface QueueSettings {
  enabled: boolean;
  maxMessages: number;
  maxBytes: number;
}

export type JsonPrimitive = string | number | boolean | null;

export interface DeliverySettings {
  enabled: boolean;
  idPath: string;
  ackWhen: { path: string; equals: JsonPrimitive };
  ackIdPath: string;
  hideAcks: boolean;
  maxPending: number;
  maxPendingBytes: number;
  maxAgeMs: number;
}

export interface ResumeSettings {
  enabled: boolean;
  seqPath: string;
  message: string;
  queryParam: string | null;
  dedupe: boolean;
}

export interface RecordSettings {
  maxFramesPerSocket: number;
  maxPreviewBytes: number;
}

/** A rule with every section filled in. */
export interface ResolvedRule {
  match: string;
  reconnect: ReconnectSettings;
  heartbeat: HeartbeatSettings;
  queue: QueueSettings;
  delivery: DeliverySettings;
  resume: ResumeSettings;
}

/** A rule as stored: only `match` is required. */
export interface Rule {
  match: string;
  /**
   * `false`: the rule is paused ("Pause protection for this site"): it keeps its tuning but matches
   * nothing, so a later rule (or none) decides. Absent: true.
   */
  enabled?: boolean;
  reconnect?: Partial<ReconnectSettings>;
  heartbeat?: Partial<HeartbeatSettings>;
  queue?: Partial<QueueSettings>;
  delivery?: Partial<Omit<DeliverySettings, "ackWhen">> & { ackWhen?: Partial<DeliverySettings["ackWhen"]> };
  resume?: Partial<ResumeSettings>;
}

export interface Settings {
  enabled: boolean;
  rules: Rule[];
  record: RecordSettings;
}

/** The defaults of every rule section, as DESIGN.md shows them. */
export const RULE_DEFAULTS: Readonly<Omit<ResolvedRule, "match">> = {
  reconnect: {
    enabled: true,
    minDelayMs: 500,
    maxDelayMs: 30000,
    factor: 2,
    maxAttempts: null,
    stableAfterMs: 5000,
    retryInitialConnect: true,
    initialMaxAttempts: 10,
    strategy: "auto",
    stopOnCodes: [1000, 1002, 1003, 1007, 1008, 1009, 1010],
  },
  heartbeat: { enabled: true, intervalMs: 30000, timeoutMs: 10000, message: "auto", reply: null, hideReplies: true },
  queue: { enabled: true, maxMessages: 1000, maxBytes: 1048576 },
  delivery: {
    enabled: false,
    idPath: "$.id",
    ackWhen: { path: "$.type", equals: "ack" },
    ackIdPath: "$.id",
    hideAcks: false,
    maxPending: 1000,
    maxPendingBytes: 1048576,
    maxAgeMs: 60000,
  },
  resume: {
    enabled: false,
    seqPath: "$.seq",
    message: '{"type":"resume","since":{{lastSeq}}}',
    queryParam: null,
    dedupe: true,
  },
};

/** Settings when nothing is stored: enabled, no rule (inspect only). */
/** The `storage.local` key the settings live under. */
export const SETTINGS_KEY = "settings";

export const DEFAULTS: Readonly<Settings> = {
  enabled: true,
  rules: [],
  record: { maxFramesPerSocket: 10000, maxPreviewBytes: 65536 },
};

/** Bounds past which a value is absurd rather than a preference. */
export const LIMITS = {
  maxDelayMs: 24 * 60 * 60 * 1000,
  minIntervalMs: 100,
  maxFactor: 100,
  maxAttempts: 1_000_000,
  maxMessages: 1_000_000,
  maxBytes: 1 << 30,
  maxTextBytes: 64 * 1024,
  maxGlobLength: 2048,
  maxGlobStars: 32,
  maxRules: 1000,
  maxStopCodes: 4000,
  maxPathLength: 256,
  maxFramesPerSocket: 1_000_000,
  maxPreviewBytes: 16 * 1024 * 1024,
} as const;

// ---------------------------------------------------------------------------------------------------
// Globs

/**
 * `*` matches any run of characters (including none and including `/`); everything else is literal;
 * the whole URL must match. Throws on a glob that is not a usable rule pattern (see `globError`).
 */
export function globToRegExp(glob: string): RegExp {
  const err = globError(glob);
  if (err) throw new Error(err);
  const body = glob
    .replace(/\*+/g, "*")
    .split("*")
    .map((part) => part.replace(/[\\^$.|?*+()[\]{}/-]/g, "\\$&"))
    .join("[\\s\\S]*");
  return new RegExp(`^${body}$`);
}

/** Why `glob` cannot be a rule's `match`, as a phrase the options page translates; null when it can. */
export function globProblem(glob: unknown): Phrase | null {
  if (typeof glob !== "string") return phrase("expectedGlob", describe(glob));
  if (glob.length === 0) return phrase("emptyGlob");
  if (glob.length > LIMITS.maxGlobLength) return phrase("globTooLong", String(LIMITS.maxGlobLength));
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(glob)) return phrase("globWhitespace");
  const stars = glob.replace(/\*+/g, "*").split("*").length - 1;
  if (stars > LIMITS.maxGlobStars) return phrase("globTooManyStars", String(LIMITS.maxGlobStars));
  return null;
}

/** Why `glob` cannot be a rule's `match` (in English), or null when it can. */
export function globError(glob: unknown): string | null {
  const problem = globProblem(glob);
  return problem && phraseText(problem);
}

/**
 * Linear-time glob match (greedy with one backtrack point), used by `findRule` so that a page's long
 * URL cannot make a many-star pattern backtrack for seconds. Agrees with `globToRegExp`.
 */
export function matchGlob(glob: string, text: string): boolean {
  let g = 0;
  let t = 0;
  let starG = -1;
  let starT = 0;
  while (t < text.length) {
    if (g < glob.length && glob[g] === "*") {
      starG = g++;
      starT = t;
    } else if (g < glob.length && glob[g] === text[t]) {
      g++;
      t++;
    } else if (starG >= 0) {
      g = starG + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (g < glob.length && glob[g] === "*") g++;
  return g === glob.length;
}

// ---------------------------------------------------------------------------------------------------
// Rules

export function resolveRule(rule: Rule): ResolvedRule {
  const d = RULE_DEFAULTS;
  return {
    match: rule.match,
    reconnect: {
      ...d.reconnect,
      ...rule.reconnect,
      stopOnCodes: [...(rule.reconnect?.stopOnCodes ?? d.reconnect.stopOnCodes)],
    },
    heartbeat: { ...d.heartbeat, ...rule.heartbeat },
    queue: { ...d.queue, ...rule.queue },
    delivery: {
      ...d.delivery,
      ...rule.delivery,
      ackWhen: { ...d.delivery.ackWhen, ...rule.delivery?.ackWhen },
    },
    resume: { ...d.resume, ...rule.resume },
  };
}

/** The first rule whose `match` fits `url`, resolved; null when none does (inspect only). */
export function findRule(settings: Settings, url: string): ResolvedRule | null {
  for (const rule of settings.rules) {
    if (rule.enabled === false) continue;
    if (globError(rule.match) === null && matchGlob(rule.match.replace(/\*+/g, "*"), url)) return resolveRule(rule);
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------
// Validation

/** `$`, `$.a.b`, `$.items[0]`, `$.a[2].b`: syntax only, never evaluated. */
const JSON_PATH = /^\$(?:\.[A-Za-z_$][A-Za-z0-9_$]*|\[(?:0|[1-9][0-9]{0,8})\])*$/;

export function isJsonPath(x: unknown): x is string {
  return typeof x === "string" && x.length <= LIMITS.maxPathLength && JSON_PATH.test(x);
}

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

const phrase = (code: ProblemCode, ...subs: (string | Phrase)[]): Phrase => ({ code, subs });

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

function describe(x: unknown): string | Phrase {
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

function isRecord(x: unknown): x is Record<string, unknown> {
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
type Check = (x: unknown) => (Phrase & { at?: number }) | null;

const bool: Check = (x) => (typeof x === "boolean" ? null : phrase("expectedBool", describe(x)));

type Expected = "expectedNonNegativeNumber" | "expectedNonNegativeInteger" | "expectedMilliseconds" | "expectedNumber" | "expectedNullOrNonNegativeInteger";

/* @__NO_SIDE_EFFECTS__ */
function num(min: number, max: number, opts: { integer?: boolean; what?: Expected } = {}): Check {
  const what = opts.what ?? (opts.integer ? "expectedNonNegativeInteger" : "expectedNonNegativeNumber");
  return (x) => {
    if (typeof x !== "number" || !Number.isFinite(x)) return phrase(what, describe(x));
    if (opts.integer && !Number.isInteger(x)) return phrase(what, describe(x));
    if (x < min) return min === 0 ? phrase(what, String(x)) : phrase("atLeast", String(min), String(x));
    if (x > max) return phrase("atMost", String(max), String(x));
    return null;
  };
}

const delayMs = num(0, LIMITS.maxDelayMs);
const intervalMs = num(LIMITS.minIntervalMs, LIMITS.maxDelayMs, { what: "expectedMilliseconds" });

/* @__NO_SIDE_EFFECTS__ */
function text(maxBytes: number, allowNull: boolean): Check {
  return (x) => {
    if (x === null && allowNull) return null;
    if (typeof x !== "string") return phrase(allowNull ? "expectedStringOrNull" : "expectedString", describe(x));
    const size = utf8Length(x);
    if (size > maxBytes) return phrase("longerThanBytesSize", String(maxBytes), String(size));
    return null;
  };
}

/* @__NO_SIDE_EFFECTS__ */
function oneOf(values: readonly string[]): Check {
  return (x) =>
    typeof x === "string" && values.includes(x)
      ? null
      : phrase("expectedOneOf", values.map((v) => JSON.stringify(v)).join(", "), describe(x));
}

const jsonPath: Check = (x) => (isJsonPath(x) ? null : phrase("expectedJsonPath", describe(x)));

const closeCodes: Check = (x) => {
  if (!Array.isArray(x)) return phrase("expectedCloseCodes", describe(x));
  if (x.length > LIMITS.maxStopCodes) return phrase("tooManyCodes", String(LIMITS.maxStopCodes));
  for (let i = 0; i < x.length; i++) {
    const c: unknown = x[i];
    if (typeof c !== "number" || !Number.isInteger(c) || c < 1000 || c > 4999) {
      return { ...phrase("expectedCloseCode", describe(c)), at: i };
    }
  }
  return null;
};

const primitive: Check = (x) =>
  x === null || typeof x === "boolean" || typeof x === "string" || (typeof x === "number" && Number.isFinite(x))
    ? typeof x === "string" && utf8Length(x) > LIMITS.maxTextBytes
      ? phrase("longerThanBytes", String(LIMITS.maxTextBytes))
      : null
    : phrase("expectedPrimitive", describe(x));

const queryParam: Check = (x) => {
  if (x === null) return null;
  if (typeof x !== "string" || !/^[A-Za-z0-9_.~-]{1,64}$/.test(x)) return phrase("expectedQueryParam", describe(x));
  return null;
};

const maxAttempts: Check = (x) =>
  x === null ? null : num(0, LIMITS.maxAttempts, { integer: true, what: "expectedNullOrNonNegativeInteger" })(x);

type Schema = Record<string, Check | { schema: Schema }>;

const SECTION_SCHEMAS: Record<keyof Omit<ResolvedRule, "match">, Schema> = {
  reconnect: {
    enabled: bool,
    minDelayMs: delayMs,
    maxDelayMs: delayMs,
    factor: num(1, LIMITS.maxFactor, { what: "expectedNumber" }),
    maxAttempts,
    stableAfterMs: delayMs,
    retryInitialConnect: bool,
    initialMaxAttempts: maxAttempts,
    strategy: oneOf(["auto", "transparent", "surface"]),
    stopOnCodes: closeCodes,
  },
  heartbeat: {
    enabled: bool,
    intervalMs,
    timeoutMs: intervalMs,
    message: text(LIMITS.maxTextBytes, false),
    reply: text(LIMITS.maxTextBytes, true),
    hideReplies: bool,
  },
  queue: {
    enabled: bool,
    maxMessages: num(0, LIMITS.maxMessages, { integer: true }),
    maxBytes: num(0, LIMITS.maxBytes, { integer: true }),
  },
  delivery: {
    enabled: bool,
    idPath: jsonPath,
    ackWhen: { schema: { path: jsonPath, equals: primitive } },
    ackIdPath: jsonPath,
    hideAcks: bool,
    maxPending: num(0, LIMITS.maxMessages, { integer: true }),
    maxPendingBytes: num(0, LIMITS.maxBytes, { integer: true }),
    maxAgeMs: delayMs,
  },
  resume: {
    enabled: bool,
    seqPath: jsonPath,
    message: text(LIMITS.maxTextBytes, false),
    queryParam,
    dedupe: bool,
  },
};

const RECORD_SCHEMA: Schema = {
  maxFramesPerSocket: num(0, LIMITS.maxFramesPerSocket, { integer: true }),
  maxPreviewBytes: num(0, LIMITS.maxPreviewBytes, { integer: true }),
};

type Path = (string | number)[];

/** Copies the valid fields of `input` (an object at `path`); reports the rest. */
function validateObject(input: unknown, schema: Schema, path: Path, problems: SettingsProblem[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isRecord(input)) {
    problems.push({ path, message: phrase("expectedObject", describe(input)) });
    return out;
  }
  for (const key of Object.keys(input)) {
    const at = [...path, key];
    const check = Object.prototype.hasOwnProperty.call(schema, key) ? schema[key] : undefined;
    if (check === undefined) {
      problems.push({ path: at, message: phrase("unknownKey") });
      continue;
    }
    const value = input[key];
    if (typeof check === "function") {
      const err = check(value);
      if (err === null) out[key] = Array.isArray(value) ? [...(value as unknown[])] : value;
      else problems.push({ path: err.at === undefined ? at : [...at, err.at], message: phrase(err.code, ...err.subs) });
    } else {
      const sub = validateObject(value, check.schema, at, problems);
      if (Object.keys(sub).length > 0) out[key] = sub;
    }
  }
  return out;
}

function validateRule(input: unknown, path: Path, problems: SettingsProblem[]): Rule | null {
  if (!isRecord(input)) {
    problems.push({ path, message: phrase("ruleDropped", phrase("expectedObject", describe(input))) });
    return null;
  }
  const matchErr = globProblem(input.match);
  if (matchErr !== null) {
    problems.push({ path: [...path, "match"], message: phrase("ruleDropped", input.match === undefined ? phrase("missing") : matchErr) });
    return null;
  }
  const rule: Rule = { match: input.match as string };
  for (const key of Object.keys(input)) {
    if (key === "match") continue;
    const at = [...path, key];
    if (key === "enabled") {
      if (typeof input.enabled === "boolean") rule.enabled = input.enabled;
      else problems.push({ path: at, message: phrase("expectedBool", describe(input.enabled)) });
      continue;
    }
    if (!Object.prototype.hasOwnProperty.call(SECTION_SCHEMAS, key)) {
      problems.push({ path: at, message: phrase("unknownKey") });
      continue;
    }
    const section = key as keyof typeof SECTION_SCHEMAS;
    const value = validateObject(input[key], SECTION_SCHEMAS[section], at, problems);
    (rule as unknown as Record<string, unknown>)[section] = value;
  }
  return rule;
}

/**
 * Checks untrusted settings. Never throws: every bad field is reported and takes its default; a rule
 * that is not an object or whose `match` is not a usable glob is dropped. `problems` say where and
 * what for a reader to translate; `errors` are the same in English (`path: problem`).
 */
export function validateSettings(input: unknown): { settings: Settings; errors: string[]; problems: SettingsProblem[] } {
  const problems: SettingsProblem[] = [];
  const settings: Settings = {
    enabled: DEFAULTS.enabled,
    rules: [],
    record: { ...DEFAULTS.record },
  };
  const done = () => ({ settings, problems, get errors() { return problems.map(problemText); } });
  if (input === undefined || input === null) return done();
  if (!isRecord(input)) {
    problems.push({ path: [], message: phrase("expectedObject", describe(input)) });
    return done();
  }
  for (const key of Object.keys(input)) {
    const value = input[key];
    switch (key) {
      case "enabled": {
        const err = bool(value);
        if (err === null) settings.enabled = value as boolean;
        else problems.push({ path: ["enabled"], message: err });
        break;
      }
      case "rules": {
        if (!Array.isArray(value)) {
          problems.push({ path: ["rules"], message: phrase("expectedArray", describe(value)) });
          break;
        }
        if (value.length > LIMITS.maxRules) {
          problems.push({ path: ["rules"], message: phrase("tooManyRules", String(LIMITS.maxRules)) });
        }
        value.slice(0, LIMITS.maxRules).forEach((r: unknown, i) => {
          const rule = validateRule(r, ["rules", i], problems);
          if (rule) settings.rules.push(rule);
        });
        break;
      }
      case "record":
        Object.assign(settings.record, validateObject(value, RECORD_SCHEMA, ["record"], problems));
        break;
      default:
        problems.push({ path: [key], message: phrase("unknownKey") });
    }
  }
  return done();
}
