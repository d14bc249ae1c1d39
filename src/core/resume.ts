/**
 * Session resume of one page-facing socket (DESIGN.md, `resume`): the highest sequence seen at
 * `seqPath` in inbound frames, kept across reconnects of the same page object; the resume message or
 * query parameter built from it; and the dedupe of a replay's overlap.
 */
import { valueAt, type PathSegment } from "./json-path";

/** A sequence as the server wrote it: a number stays a number, a string a string. */
export type Seq = number | string;

/** How long after a reconnect inbound frames at or below the last sequence are dropped. */
export const DEDUPE_WINDOW_MS = 10_000;

const DECIMAL = /^[0-9]+$/;

/**
 * Orders two sequences: numbers by value; strings of decimal digits by value (any length); other
 * strings by code units (ISO times, ULIDs sort that way); a number against a decimal string by value.
 * Returns null when they cannot be ordered (a number against a non-numeric string).
 */
export function compareSeq(a: Seq, b: Seq): number | null {
  if (typeof a === "number" && typeof b === "number") return Math.sign(a - b);
  if (typeof a === "string" && typeof b === "string") {
    if (DECIMAL.test(a) && DECIMAL.test(b)) {
      const x = a.replace(/^0+(?=.)/, "");
      const y = b.replace(/^0+(?=.)/, "");
      if (x.length !== y.length) return Math.sign(x.length - y.length);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    return a < b ? -1 : a > b ? 1 : 0;
  }
  // One number, one string: comparable only when the string is a safe decimal integer.
  const s = typeof a === "string" ? a : (b as string);
  if (!DECIMAL.test(s) || s.length > 15) return null;
  return Math.sign(Number(a) - Number(b));
}

/** A sequence read from a frame: a string, or a finite number. */
export function seqAt(frame: Record<string, unknown>, path: readonly PathSegment[]): Seq | undefined {
  const v = valueAt(frame, path);
  if (typeof v === "string" || (typeof v === "number" && Number.isFinite(v))) return v;
  return undefined;
}

/** `{{lastSeq}}` in the template becomes the sequence as a JSON value (a string is quoted and escaped). */
export function resumeMessage(template: string, seq: Seq): string {
  return template.split("{{lastSeq}}").join(JSON.stringify(seq));
}

/** The reconnect URL with `name=seq` set (replacing the parameter if the page's URL had it). */
export function resumeUrl(url: string, name: string, seq: Seq): string {
  try {
    const u = new URL(url);
    u.searchParams.set(name, String(seq));
    return u.href;
  } catch {
    return url;
  }
}
