/**
 * The settings schema (DESIGN.md, "Settings (contract)"): types, defaults, validation, rule lookup.
 *
 * Settings arrive from `storage.local` and from the options page's JSON editor, so they are untrusted:
 * `validateSettings` never throws, names the path of every bad field, and falls back to the default
 * for it. A validated `Settings` keeps rules as the user wrote them (only the valid fields);
 * `resolveRule` fills in the defaults.
 */

import { globError, globProblem, matchGlob, GLOB_LIMITS } from "./glob";
import {
  bool,
  describe,
  isRecord,
  num,
  oneOf,
  phrase,
  text,
  utf8Length,
  type Check,
  type SettingsProblem,
  problemText,
} from "./settings-problems";
import { validateFrameRules } from "./frame-rules-validate";
import type { ActiveFrameRule, FrameRule } from "./frame-rule-types";

export { globError, globProblem, globToRegExp, matchGlob } from "./glob";
export {
  PROBLEM_TEXT,
  phraseText,
  problemPath,
  problemText,
  renderPhrase,
  utf8Length,
  type Phrase,
  type ProblemCode,
  type SettingsProblem,
} from "./settings-problems";

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
  /** Frame rules (frame-rule-types.ts): applied to any socket whose URL matches, protected or not. */
  frameRules: FrameRule[];
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
  frameRules: [],
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
  ...GLOB_LIMITS,
  maxRules: 1000,
  maxStopCodes: 4000,
  maxPathLength: 256,
  maxFramesPerSocket: 1_000_000,
  maxPreviewBytes: 16 * 1024 * 1024,
} as const;

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

/**
 * The frame rules a socket of `url` is subject to: enabled ones whose `match` fits, in settings order,
 * each with its index in `frameRules` (what a record's `rule` names). Empty for most sockets, which
 * then pay nothing for frame rules.
 */
export function findFrameRules(settings: Settings, url: string): ActiveFrameRule[] {
  const out: ActiveFrameRule[] = [];
  (settings.frameRules ?? []).forEach((rule, index) => {
    if (rule.enabled === false || globError(rule.match) !== null) return;
    if (matchGlob(rule.match.replace(/\*+/g, "*"), url)) out.push({ ...rule, index });
  });
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Validation

/** `$`, `$.a.b`, `$.items[0]`, `$.a[2].b`: syntax only, never evaluated. */
const JSON_PATH = /^\$(?:\.[A-Za-z_$][A-Za-z0-9_$]*|\[(?:0|[1-9][0-9]{0,8})\])*$/;

export function isJsonPath(x: unknown): x is string {
  return typeof x === "string" && x.length <= LIMITS.maxPathLength && JSON_PATH.test(x);
}

const delayMs = num(0, LIMITS.maxDelayMs);
const intervalMs = num(LIMITS.minIntervalMs, LIMITS.maxDelayMs, { what: "expectedMilliseconds" });

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
    frameRules: [],
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
      case "frameRules": {
        const frame = validateFrameRules(value, ["frameRules"]);
        settings.frameRules = frame.rules;
        problems.push(...frame.problems);
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
