/**
 * CBOR (RFC 8949) binary frames, decoded with cborg after a well-formedness walk of our own. The walk
 * bounds nesting and admits only tags that decode to plain data (dates, bignums, URIs...), which
 * cborg then hands back as their content. cborg, unlike cbor-x, compiles no code (`new Function` is
 * refused by an extension page's CSP and flagged by AMO's linter) and calls no constructor by name.
 */
import { decode } from "cborg";
import { wholeBinary } from "../bytes";
import { compact, toTree } from "../tree";
import type { GenericDecoder } from "../types";

/** Date/time, bignums, decimal fractions, expected encodings, URIs and the like, self-describe. */
const PLAIN_TAGS = new Set([0, 1, 2, 3, 4, 5, 21, 22, 23, 24, 32, 33, 34, 35, 36, 55799]);
/** cborg's tag table: each plain tag gives its content as is. */
const TAG_DECODERS: ((inner: unknown) => unknown)[] = [];
for (const tag of PLAIN_TAGS) TAG_DECODERS[tag] = (inner) => inner;
// Epoch time: shown as a date.
TAG_DECODERS[1] = (inner) => (typeof inner === "number" || typeof inner === "bigint" ? new Date(Number(inner) * 1000) : inner);
const MAX_NESTING = 256;

/** Why `bytes` is not one well-formed CBOR item of plain data, or null when it is. */
export function cborProblem(bytes: Uint8Array): string | null {
  let pos = 0;
  // Items still to read in each open container; Infinity for indefinite length (ended by a break).
  const stack: number[] = [1];
  while (stack.length > 0) {
    const top = stack.length - 1;
    if (stack[top] === 0) {
      stack.pop();
      continue;
    }
    if (pos >= bytes.length) return "ends early";
    const ib = bytes[pos++]!;
    if (ib === 0xff) {
      if (stack[top] !== Infinity) return `unexpected break at ${pos - 1}`;
      stack.pop();
      continue;
    }
    stack[top]!--;
    const major = ib >> 5;
    const ai = ib & 31;
    let arg = 0;
    if (ai < 24) arg = ai;
    else if (ai <= 27) {
      const n = 1 << (ai - 24);
      if (pos + n > bytes.length) return "ends early";
      for (let i = 0; i < n; i++) arg = arg * 256 + bytes[pos + i]!;
      pos += n;
    } else if (ai === 31 && major >= 2 && major <= 5) arg = -1;
    else return `reserved additional information ${ai} at ${pos - 1}`;
    switch (major) {
      case 2:
      case 3:
        if (arg < 0) stack.push(Infinity);
        else if (arg > bytes.length - pos) return "ends early";
        else pos += arg;
        break;
      case 4:
      case 5: {
        if (arg < 0) {
          stack.push(Infinity);
          break;
        }
        const items = major === 5 ? 2 * arg : arg;
        if (items > bytes.length - pos) return "ends early";
        stack.push(items);
        break;
      }
      case 6:
        if (!PLAIN_TAGS.has(arg)) return `tag ${arg} is not decoded`;
        stack.push(1);
        break;
    }
    if (stack.length > MAX_NESTING) return `nested deeper than ${MAX_NESTING} levels`;
  }
  if (pos !== bytes.length) return `${bytes.length - pos} extra byte(s) after the item`;
  return null;
}

export function decodeCborSafely(bytes: Uint8Array): { ok: true; value: unknown } | { ok: false; error: string } {
  const problem = cborProblem(bytes);
  if (problem) return { ok: false, error: problem };
  try {
    // Maps with non-string keys (legal CBOR) decode as Map; the tree shows them.
    return { ok: true, value: decode(bytes, { tags: TAG_DECODERS, useMaps: true }) as unknown };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/** Any binary frame that is a whole CBOR map or array; scalars would match too much random binary. */
export const cbor: GenericDecoder = {
  name: "CBOR",
  sniff(frame) {
    // Major type 4 (array) or 5 (map).
    const bytes = wholeBinary(frame, (b) => b >> 5 === 4 || b >> 5 === 5);
    if (!bytes) return null;
    const r = decodeCborSafely(bytes);
    if (!r.ok) return null;
    return { protocol: "CBOR", summary: compact(r.value, 160), kind: "data", tree: toTree(r.value) };
  },
};
