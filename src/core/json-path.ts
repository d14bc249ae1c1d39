/**
 * The small JSON path of delivery and resume rules (DESIGN.md, "Settings (contract)"): `$` (the whole
 * frame), `$.a.b` (object keys), `$.items[0]` (array indices), and any mix (`$.a[2].b`). Nothing else:
 * no wildcards, filters or quoted keys, and never evaluated as code. It runs on frames in every page,
 * so reading is bounded: a frame is parsed only if it is text, looks like a JSON object and is at most
 * `MAX_MATCH_CHARS` long; walking a path takes one step per segment, whatever the frame's depth.
 */

/** Frames longer than this (UTF-16 code units, a lower bound of their bytes) are not parsed for matching. */
export const MAX_MATCH_CHARS = 1 << 20;
/** Same bound as the settings schema's `maxPathLength`. */
const MAX_PATH_LENGTH = 256;

export type PathSegment = string | number;

const SEGMENT = /\.([A-Za-z_$][A-Za-z0-9_$]*)|\[(0|[1-9][0-9]{0,8})\]/y;

/** The segments of `path`; throws an Error naming what is wrong when it is not a path of this grammar. */
export function compilePath(path: string): PathSegment[] {
  if (typeof path !== "string") throw new Error("a JSON path must be a string");
  if (path.length > MAX_PATH_LENGTH) throw new Error(`JSON path longer than ${MAX_PATH_LENGTH} characters`);
  if (!path.startsWith("$")) throw new Error(`JSON path must start with "$": ${JSON.stringify(path)}`);
  const segments: PathSegment[] = [];
  SEGMENT.lastIndex = 1;
  while (SEGMENT.lastIndex < path.length) {
    const at = SEGMENT.lastIndex;
    const m = SEGMENT.exec(path);
    if (!m) throw new Error(`JSON path ${JSON.stringify(path)}: unexpected ${JSON.stringify(path.slice(at, at + 10))} at ${at}`);
    segments.push(m[1] !== undefined ? m[1] : Number(m[2]));
  }
  return segments;
}

const hasOwn = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

/**
 * The value at `segments` in `root`, or undefined when any step is missing or of the wrong kind (a key
 * on an array, an index on an object). Own properties only: `$.constructor` finds nothing.
 */
export function valueAt(root: unknown, segments: readonly PathSegment[]): unknown {
  let node = root;
  for (const seg of segments) {
    if (typeof node !== "object" || node === null) return undefined;
    if (typeof seg === "number") {
      if (!Array.isArray(node) || seg >= node.length) return undefined;
      node = node[seg];
    } else {
      if (Array.isArray(node) || !hasOwn(node, seg)) return undefined;
      node = (node as Record<string, unknown>)[seg];
    }
  }
  return node;
}

/** A frame read as a JSON object, or why it was not. */
export type JsonRead = { ok: true; value: Record<string, unknown> } | { ok: false; reason: string };

/**
 * Parses a frame for matching: text only, `{...}` only, at most `maxChars` long. Never throws: a
 * hostile frame (invalid, huge, nested 100,000 deep) comes back as `ok: false` with the reason.
 */
export function readJsonObject(data: unknown, maxChars = MAX_MATCH_CHARS): JsonRead {
  if (typeof data !== "string") return { ok: false, reason: "not matched: binary frame" };
  if (data.length > maxChars) return { ok: false, reason: `not matched: too large (${data.length} characters > ${maxChars})` };
  if (!looksLikeObject(data)) return { ok: false, reason: "not matched: not a JSON object" };
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch (e) {
    // A RangeError (nesting past the engine's limit) lands here too.
    return { ok: false, reason: `not matched: invalid JSON (${e instanceof Error ? e.name : "error"})` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, reason: "not matched: not a JSON object" };
  return { ok: true, value: value as Record<string, unknown> };
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** First and last non-blank characters are `{` and `}`: a cheap test before parsing. */
function looksLikeObject(s: string): boolean {
  let i = 0;
  let j = s.length - 1;
  while (i <= j && isSpace(s.charCodeAt(i))) i++;
  while (j >= i && isSpace(s.charCodeAt(j))) j--;
  return j > i && s.charCodeAt(i) === 0x7b && s.charCodeAt(j) === 0x7d;
}

/** A message id or sequence as a string (ids compare as strings), or undefined for anything but a string or finite number. */
export function idString(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}
