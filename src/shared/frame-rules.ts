/**
 * Frame rules at work: which rule a frame meets, and the text of a `with` template (DESIGN.md,
 * "Settings", `frameRules`; the data is in frame-rule-types.ts). The page world runs this on frames of
 * sockets a rule matched, so it stays small and dependency-free, and it never throws: a rule that
 * cannot be compiled (a regex the engine refuses, a path outside the grammar, bytes that are not hex)
 * is inert, whatever reached the page world.
 */
import { compilePath, valueAt, type PathSegment } from "../core/json-path";
import { FRAME_RULE_LIMITS, type ActiveFrameRule, type JsonValue } from "./frame-rule-types";

// Captured when the page world's bundle loads, before any page script: a page that later replaces
// these (or `Function.prototype.call`) changes nothing here.
const apply = Reflect.apply;
const regexTest = RegExp.prototype.test;
const isView = ArrayBuffer.isView;
/**
 * `ArrayBuffer.prototype.byteLength`'s getter: its brand check tells an ArrayBuffer of any realm (a
 * same-origin child frame's socket hands its own), where `instanceof` knows only this realm's.
 */
const arrayBufferByteLength = Reflect.getOwnPropertyDescriptor(ArrayBuffer.prototype, "byteLength")!.get!;
const NativeRegExp = RegExp;
const NativeUint8Array = Uint8Array;
const jsonParse = JSON.parse;
const jsonStringify = JSON.stringify;
const stringIndexOf = String.prototype.indexOf;
const isArray = Array.isArray;

/** A rule ready to test frames: the rule's own fields, with its matcher built once. */
export interface CompiledFrameRule extends Readonly<ActiveFrameRule> {
  /** Built from `when`; never exposed to the page. */
  readonly test: FrameTest;
}

interface FrameTest {
  /** Some condition looks at a text frame (text, regex, path). */
  readonly onText: boolean;
  /** `hexPrefix` was given: only binary frames can match. */
  readonly onBinary: boolean;
  readonly text: string | undefined;
  readonly regex: RegExp | undefined;
  readonly path: PathSegment[] | undefined;
  readonly hasEquals: boolean;
  readonly equals: JsonValue | undefined;
  readonly prefix: Uint8Array | undefined;
}

/** The bytes of `hex` (blanks allowed between them: a copied hex dump), or null when it is not whole bytes of hex. */
export function hexBytes(hex: string): Uint8Array | null {
  const digits = hex.replace(/\s+/g, "");
  if (digits.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(digits)) return null;
  const out = new NativeUint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * A leading `.*` (greedy or lazy) can always match nothing, so whether a frame matches is the same
 * without it; with it, V8 rescans the rest of the frame from every start position (`.*foo` takes 2 s
 * on a 64 KiB frame without "foo", 0.1 ms without the `.*`).
 */
const LEADING_ANY = /^\.\*\??(?![*+?{])/;

function compileTest(rule: ActiveFrameRule): FrameTest | null {
  const when = rule.when ?? {};
  if (typeof when !== "object" || when === null) return null;
  const text = typeof when.text === "string" ? when.text : undefined;
  let regex: RegExp | undefined;
  if (typeof when.regex === "string") {
    // Validation refuses longer ones; a rule that came here some other way is inert rather than slow.
    if (when.regex.length > FRAME_RULE_LIMITS.regexChars) return null;
    // Compiled as written first: a source the engine refuses stays refused once shortened.
    regex = new NativeRegExp(when.regex);
    const lighter = when.regex.replace(LEADING_ANY, "");
    if (lighter !== when.regex) regex = new NativeRegExp(lighter);
  }
  const path = typeof when.path === "string" ? compilePath(when.path) : undefined;
  let prefix: Uint8Array | undefined;
  if (typeof when.hexPrefix === "string") {
    const bytes = hexBytes(when.hexPrefix);
    if (!bytes) return null;
    prefix = bytes;
  }
  const hasEquals = path !== undefined && "equals" in when;
  return {
    onText: text !== undefined || regex !== undefined || path !== undefined,
    onBinary: prefix !== undefined,
    text,
    regex,
    path,
    hasEquals,
    equals: hasEquals ? when.equals : undefined,
    prefix,
  };
}

/**
 * The rules as matchers, in the same order. A rule that is disabled, of the wrong shape, or cannot be
 * compiled is left out (inert): the others still work. Never throws.
 */
export function compileFrameRules(rules: readonly ActiveFrameRule[]): CompiledFrameRule[] {
  const out: CompiledFrameRule[] = [];
  if (!isArray(rules)) return out;
  for (const rule of rules) {
    if (typeof rule !== "object" || rule === null || rule.enabled === false) continue;
    if (rule.direction !== "in" && rule.direction !== "out" && rule.direction !== "both") continue;
    let test: FrameTest | null;
    try {
      test = compileTest(rule);
    } catch {
      // A regex the engine refuses, or a path outside the grammar.
      test = null;
    }
    if (test) out.push({ ...rule, test });
  }
  return out;
}

/** The frame's bytes when it is binary and at hand (an ArrayBuffer or a view of one), else null. */
function bytesOf(data: unknown): Uint8Array | null {
  if (isArrayBuffer(data)) return new NativeUint8Array(data as ArrayBuffer);
  if (isView(data)) return new NativeUint8Array(data.buffer, data.byteOffset, data.byteLength);
  return null;
}

function isArrayBuffer(data: unknown): boolean {
  if (typeof data !== "object" || data === null) return false;
  try {
    apply(arrayBufferByteLength, data, []);
    return true;
  } catch {
    return false;
  }
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

/** The frame parsed as JSON (object or array), or undefined when it is not JSON or too large. */
function parseJson(text: string): unknown {
  if (text.length > FRAME_RULE_LIMITS.matchBytes) return undefined;
  try {
    return jsonParse(text) as unknown;
  } catch {
    // Not JSON, or nested past the engine's limit.
    return undefined;
  }
}

/** Deep equality with JSON semantics: key order does not matter, arrays compare in order. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  const aArr = isArray(a);
  if (aArr !== isArray(b)) return false;
  if (aArr) {
    const x = a as unknown[];
    const y = b as unknown[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!jsonEqual(x[i], y[i])) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) return false;
  for (const k of keys) {
    if (!Object.prototype.hasOwnProperty.call(y, k) || !jsonEqual(x[k], y[k])) return false;
  }
  return true;
}

function textMatches(test: FrameTest, text: string): boolean {
  if (!test.onText) return true;
  if (text.length > FRAME_RULE_LIMITS.matchBytes) return false;
  if (test.text !== undefined && apply(stringIndexOf, text, [test.text]) < 0) return false;
  if (test.regex !== undefined && (text.length > FRAME_RULE_LIMITS.regexBytes || !apply(regexTest, test.regex, [text]))) return false;
  if (test.path !== undefined) {
    const value = valueAt(parseJson(text), test.path);
    if (value === undefined) return false;
    if (test.hasEquals && !jsonEqual(value, test.equals)) return false;
  }
  return true;
}

function frameMatches(test: FrameTest, data: unknown): boolean {
  if (typeof data === "string") return !test.onBinary && textMatches(test, data);
  if (test.onText) return false;
  if (!test.onBinary) return true;
  // A Blob's bytes are not at hand synchronously: only rules with no condition on them match it.
  const bytes = bytesOf(data);
  return bytes !== null && startsWith(bytes, test.prefix!);
}

/**
 * The first rule (in settings order) of direction `dir` whose conditions all hold for `data` (a text
 * frame, an ArrayBuffer or view, or a Blob), or null. Text conditions look only at text frames up to
 * `FRAME_RULE_LIMITS.matchBytes`; `hexPrefix` only at binary frames.
 */
export function matchFrame(rules: readonly CompiledFrameRule[], dir: "in" | "out", data: unknown): CompiledFrameRule | null {
  for (const rule of rules) {
    if (rule.direction !== dir && rule.direction !== "both") continue;
    if (frameMatches(rule.test, data)) return rule;
  }
  return null;
}

const PLACEHOLDER = /\{\{\s*(\$[^{}]*?)\s*\}\}/g;

/** The JSON text of the value at `path` in `frame`, or `null` when there is none (or the path is not of the grammar). */
function valueText(frame: unknown, path: string): string {
  let segments: PathSegment[];
  try {
    segments = compilePath(path);
  } catch {
    return "null";
  }
  const value = valueAt(frame, segments);
  return value === undefined ? "null" : (jsonStringify(value) as string | undefined) ?? "null";
}

/**
 * `template` with every `{{$.path}}` replaced by the JSON text of the value at that path in the frame
 * (a number stays a number, a string is quoted), or `null` when absent, when the frame is not JSON or
 * not text. The frame is parsed once, and only when the template has a placeholder.
 */
export function renderTemplate(template: string, data: unknown): string {
  if (template.indexOf("{{") < 0) return template;
  let parsed: unknown;
  let didParse = false;
  return template.replace(PLACEHOLDER, (_whole, path: string) => {
    if (!didParse) {
      parsed = typeof data === "string" ? parseJson(data) : undefined;
      didParse = true;
    }
    return valueText(parsed, path);
  });
}
