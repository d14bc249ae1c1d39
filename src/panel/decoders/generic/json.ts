/** JSON: the generic decoder for any text frame that parses as an object or array. */
import { compact, newBudget, toTree, type TreeBudget } from "../tree";
import type { Decoded, FrameInput, GenericDecoder } from "../types";

export type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

/** JSON.parse that never throws (V8's parser is iterative: deep nesting costs time, not the stack). */
export function parseJson(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Why a JSON body did not parse, in the words the panel shows. */
export function jsonError(frame: Pick<FrameInput, "truncated">, parsed: { error: string }, what = "payload"): string {
  return frame.truncated
    ? `preview truncated: ${what} not parsed`
    : `${what} is not valid JSON: ${parsed.error}`;
}

export function jsonDecoded(value: unknown, budget: TreeBudget = newBudget()): Decoded {
  return { protocol: "JSON", summary: compact(value, 160), kind: "data", tree: toTree(value, undefined, budget) };
}

function looksLikeJson(text: string): boolean {
  const t = text.trimStart();
  return t.startsWith("{") || t.startsWith("[");
}

export const json: GenericDecoder = {
  name: "JSON",
  sniff(frame) {
    if (frame.opcode !== "text" || !looksLikeJson(frame.preview)) return null;
    const parsed = parseJson(frame.preview);
    if (parsed.ok) return jsonDecoded(parsed.value);
    // Text that opens like JSON but was cut by the recorder is most likely JSON; anything else is plain text.
    if (frame.truncated) return { protocol: "JSON", summary: `${frame.preview.slice(0, 100)}… (truncated)`, kind: "data", error: jsonError(frame, parsed) };
    return null;
  },
};
