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

/** Why `glob` cannot be a rule's `match`, or null when it can. */
export function globError(glob: unknown): string | null {
  if (typeof glob !== "string") return `expected a glob string, got ${describe(glob)}`;
  if (glob.length === 0) return "expected a non-empty glob";
  if (glob.length > LIMITS.maxGlobLength) return `glob longer than ${LIMITS.maxGlobLength} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(glob)) return "glob contains whitespace or control characters";
  const stars = glob.replace(/\*+/g, "*").split("*").length - 1;
  if (stars > LIMITS.maxGlobStars) return `glob has more than ${LIMITS.maxGlobStars} wildcards`;
  return null;
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

function describe(x: unknown): string {
  if (x === undefined) return "undefined";
  if (typeof x === "number" || typeof x === "boolean" || x === null) return String(x);
  if (typeof x === "string") {
    return x.length > 40 ? `a string of ${x.length} characters` : JSON.stringify(x);
  }
  if (Array.isArray(x)) return "an array";
  if (typeof x === "object") return "an object";
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

/** A field check: returns the error text (without the path) or null. */
type Check = (x: unknown) => string | null;

const bool: Check = (x) => (typeof x === "boolean" ? null : `expected true or false, got ${describe(x)}`);

/* @__NO_SIDE_EFFECTS__ */
function num(min: number, max: number, opts: { integer?: boolean; what?: string } = {}): Check {
  const what = opts.what ?? (opts.integer ? "a non-negative integer" : "a non-negative number");
  return (x) => {
    if (typeof x !== "number" || !Number.isFinite(x)) return `expected ${what}, got ${describe(x)}`;
    if (opts.integer && !Number.isInteger(x)) return `expected ${what}, got ${describe(x)}`;
    if (x < min) return min === 0 ? `expected ${what}, got ${x}` : `must be at least ${min}, got ${x}`;
    if (x > max) return `must be at most ${max}, got ${x}`;
    return null;
  };
}

const delayMs = num(0, LIMITS.maxDelayMs);
const intervalMs = num(LIMITS.minIntervalMs, LIMITS.maxDelayMs, { what: "a number of milliseconds" });

/* @__NO_SIDE_EFFECTS__ */
function text(maxBytes: number, allowNull: boolean): Check {
  return (x) => {
    if (x === null && allowNull) return null;
    if (typeof x !== "string") return `expected a string${allowNull ? " or null" : ""}, got ${describe(x)}`;
    const size = utf8Length(x);
    if (size > maxBytes) return `longer than ${maxBytes} bytes (${size})`;
    return null;
  };
}

/* @__NO_SIDE_EFFECTS__ */
function oneOf(values: readonly string[]): Check {
  return (x) =>
    typeof x === "string" && values.includes(x)
      ? null
      : `expected one of ${values.map((v) => JSON.stringify(v)).join(", ")}, got ${describe(x)}`;
}

const jsonPath: Check = (x) =>
  isJsonPath(x) ? null : `expected a JSON path like "$.a.b" or "$.items[0]", got ${describe(x)}`;

const closeCodes: Check = (x) => {
  if (!Array.isArray(x)) return `expected an array of close codes, got ${describe(x)}`;
  if (x.length > LIMITS.maxStopCodes) return `more than ${LIMITS.maxStopCodes} codes`;
  for (let i = 0; i < x.length; i++) {
    const c: unknown = x[i];
    if (typeof c !== "number" || !Number.isInteger(c) || c < 1000 || c > 4999) {
      return `[${i}]: expected a close code (an integer 1000-4999), got ${describe(c)}`;
    }
  }
  return null;
};

const primitive: Check = (x) =>
  x === null || typeof x === "boolean" || typeof x === "string" || (typeof x === "number" && Number.isFinite(x))
    ? typeof x === "string" && utf8Length(x) > LIMITS.maxTextBytes
      ? `longer than ${LIMITS.maxTextBytes} bytes`
      : null
    : `expected a string, number, boolean or null, got ${describe(x)}`;

const queryParam: Check = (x) => {
  if (x === null) return null;
  if (typeof x !== "string" || !/^[A-Za-z0-9_.~-]{1,64}$/.test(x)) {
    return `expected null or a query parameter name (1-64 of A-Z a-z 0-9 _ . ~ -), got ${describe(x)}`;
  }
  return null;
};

const maxAttempts: Check = (x) =>
  x === null ? null : num(0, LIMITS.maxAttempts, { integer: true, what: "null or a non-negative integer" })(x);

type Schema = Record<string, Check | { schema: Schema }>;

const SECTION_SCHEMAS: Record<keyof Omit<ResolvedRule, "match">, Schema> = {
  reconnect: {
    enabled: bool,
    minDelayMs: delayMs,
    maxDelayMs: delayMs,
    factor: num(1, LIMITS.maxFactor, { what: "a number" }),
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

/** Copies the valid fields of `input` (an object at `path`); reports the rest. */
function validateObject(input: unknown, schema: Schema, path: string, errors: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isRecord(input)) {
    errors.push(`${path}: expected an object, got ${describe(input)}`);
    return out;
  }
  for (const key of Object.keys(input)) {
    const at = `${path}.${key}`;
    const check = Object.prototype.hasOwnProperty.call(schema, key) ? schema[key] : undefined;
    if (check === undefined) {
      errors.push(`${at}: unknown key`);
      continue;
    }
    const value = input[key];
    if (typeof check === "function") {
      const err = check(value);
      if (err === null) out[key] = Array.isArray(value) ? [...(value as unknown[])] : value;
      else errors.push(err.startsWith("[") ? `${at}${err}` : `${at}: ${err}`);
    } else {
      const sub = validateObject(value, check.schema, at, errors);
      if (Object.keys(sub).length > 0) out[key] = sub;
    }
  }
  return out;
}

function validateRule(input: unknown, path: string, errors: string[]): Rule | null {
  if (!isRecord(input)) {
    errors.push(`${path}: expected an object, got ${describe(input)}; rule dropped`);
    return null;
  }
  const matchErr = globError(input.match);
  if (matchErr !== null) {
    errors.push(`${path}.match: ${input.match === undefined ? "missing" : matchErr}; rule dropped`);
    return null;
  }
  const rule: Rule = { match: input.match as string };
  for (const key of Object.keys(input)) {
    if (key === "match") continue;
    const at = `${path}.${key}`;
    if (key === "enabled") {
      if (typeof input.enabled === "boolean") rule.enabled = input.enabled;
      else errors.push(`${at}: expected true or false, got ${describe(input.enabled)}`);
      continue;
    }
    if (!Object.prototype.hasOwnProperty.call(SECTION_SCHEMAS, key)) {
      errors.push(`${at}: unknown key`);
      continue;
    }
    const section = key as keyof typeof SECTION_SCHEMAS;
    const value = validateObject(input[key], SECTION_SCHEMAS[section], at, errors);
    (rule as unknown as Record<string, unknown>)[section] = value;
  }
  return rule;
}

/**
 * Checks untrusted settings. Never throws: every bad field is reported as `path: problem` and takes its
 * default; a rule that is not an object or whose `match` is not a usable glob is dropped.
 */
export function validateSettings(input: unknown): { settings: Settings; errors: string[] } {
  const errors: string[] = [];
  const settings: Settings = {
    enabled: DEFAULTS.enabled,
    rules: [],
    record: { ...DEFAULTS.record },
  };
  if (input === undefined || input === null) return { settings, errors };
  if (!isRecord(input)) {
    errors.push(`(root): expected an object, got ${describe(input)}`);
    return { settings, errors };
  }
  for (const key of Object.keys(input)) {
    const value = input[key];
    switch (key) {
      case "enabled": {
        const err = bool(value);
        if (err === null) settings.enabled = value as boolean;
        else errors.push(`enabled: ${err}`);
        break;
      }
      case "rules": {
        if (!Array.isArray(value)) {
          errors.push(`rules: expected an array, got ${describe(value)}`);
          break;
        }
        if (value.length > LIMITS.maxRules) {
          errors.push(`rules: more than ${LIMITS.maxRules} rules; the rest are ignored`);
        }
        value.slice(0, LIMITS.maxRules).forEach((r: unknown, i) => {
          const rule = validateRule(r, `rules[${i}]`, errors);
          if (rule) settings.rules.push(rule);
        });
        break;
      }
      case "record":
        Object.assign(settings.record, validateObject(value, RECORD_SCHEMA, "record", errors));
        break;
      default:
        errors.push(`${key}: unknown key`);
    }
  }
  return { settings, errors };
}
