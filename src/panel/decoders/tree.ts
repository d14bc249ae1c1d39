/**
 * Building the detail pane's tree from untrusted values, within bounds: a frame may nest 100k levels
 * deep or hold a 10 MiB string, and the panel must stay responsive. Everything here is plain data.
 */
import { bytesToHex } from "./bytes";
import type { DecodedNode } from "./types";

export const TREE_LIMITS = {
  maxDepth: 64,
  maxNodes: 5000,
  /** Longer string values are cut (the frame's raw preview keeps the whole text). */
  maxString: 65_536,
  /** Byte values show at most this many bytes as hex. */
  maxBytes: 4096,
} as const;

/** Shared by every tree builder of one frame, so a frame of many messages is bounded as a whole. */
export interface TreeBudget {
  nodes: number;
}

export function newBudget(): TreeBudget {
  return { nodes: TREE_LIMITS.maxNodes };
}

export function cutMarker(text: string, key = "…"): DecodedNode {
  return { key, type: "string", value: text, cut: true };
}

export function leaf(key: string | undefined, value: string | number | boolean | null): DecodedNode {
  const type = value === null ? "null" : (typeof value as "string" | "number" | "boolean");
  const node: DecodedNode = { type, value: typeof value === "string" ? capString(value) : value };
  if (key !== undefined) node.key = key;
  return node;
}

export function bytesNode(key: string | undefined, bytes: Uint8Array): DecodedNode {
  const hex = bytesToHex(bytes, TREE_LIMITS.maxBytes);
  const node: DecodedNode = {
    type: "bytes",
    value: bytes.length > TREE_LIMITS.maxBytes ? `${hex}… (${bytes.length} bytes)` : hex,
  };
  if (key !== undefined) node.key = key;
  return node;
}

export function branch(key: string | undefined, type: "object" | "array", children: DecodedNode[]): DecodedNode {
  const node: DecodedNode = { type, children };
  if (key !== undefined) node.key = key;
  return node;
}

function capString(s: string): string {
  return s.length > TREE_LIMITS.maxString
    ? `${s.slice(0, TREE_LIMITS.maxString)}… (${s.length - TREE_LIMITS.maxString} more characters)`
    : s;
}

function isBytes(v: unknown): v is Uint8Array {
  return v instanceof Uint8Array;
}

/**
 * A decoded value (from JSON, MessagePack or CBOR) as a tree. `depth` is where the node sits in the
 * whole tree, so protocol wrappers count toward the depth bound.
 */
export function toTree(value: unknown, key?: string, budget: TreeBudget = newBudget(), depth = 0): DecodedNode {
  return build(value, key, budget, depth, new Set());
}

function build(value: unknown, key: string | undefined, budget: TreeBudget, depth: number, path: Set<object>): DecodedNode {
  budget.nodes--;
  if (value === null || value === undefined) return leaf(key, null);
  switch (typeof value) {
    case "string":
    case "boolean":
      return leaf(key, value);
    case "number":
      return leaf(key, value);
    case "bigint":
      return { ...leaf(key, value.toString()), type: "number" };
    case "object":
      break;
    default:
      return leaf(key, String(value));
  }
  if (isBytes(value)) return bytesNode(key, value);
  if (ArrayBuffer.isView(value)) return bytesNode(key, new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  if (value instanceof ArrayBuffer) return bytesNode(key, new Uint8Array(value));
  if (value instanceof Date) return leaf(key, Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString());
  if (path.has(value)) return cutMarker("circular reference", key);
  if (depth >= TREE_LIMITS.maxDepth) return cutMarker(`nested deeper than ${TREE_LIMITS.maxDepth} levels: not shown`, key);

  let entries: Iterable<[string, unknown]>;
  let type: "object" | "array";
  let count: number;
  if (Array.isArray(value)) {
    type = "array";
    count = value.length;
    entries = arrayEntries(value);
  } else if (value instanceof Map) {
    type = "object";
    count = value.size;
    entries = mapEntries(value);
  } else if (value instanceof Set) {
    type = "array";
    count = value.size;
    entries = arrayEntries([...value]);
  } else {
    const keys = Object.keys(value);
    if (keys.length === 0 && Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) {
      // A class instance with no own fields (a RegExp, say): its text is all there is to show.
      return leaf(key, String(value));
    }
    type = "object";
    count = keys.length;
    entries = objectEntries(value as Record<string, unknown>, keys);
  }

  path.add(value);
  const children: DecodedNode[] = [];
  let shown = 0;
  for (const [k, v] of entries) {
    if (budget.nodes <= 0) {
      children.push(cutMarker(`${count - shown} more not shown (${TREE_LIMITS.maxNodes}-node limit)`));
      break;
    }
    children.push(build(v, k, budget, depth + 1, path));
    shown++;
  }
  path.delete(value);
  return branch(key, type, children);
}

function* arrayEntries(a: readonly unknown[]): Iterable<[string, unknown]> {
  for (let i = 0; i < a.length; i++) yield [String(i), a[i]];
}

function* mapEntries(m: Map<unknown, unknown>): Iterable<[string, unknown]> {
  for (const [k, v] of m) yield [typeof k === "string" ? k : compact(k, 80), v];
}

function* objectEntries(o: Record<string, unknown>, keys: string[]): Iterable<[string, unknown]> {
  for (const k of keys) yield [k, o[k]];
}

/**
 * Enforces the bounds on a finished tree (whatever built it): deeper levels and nodes past the
 * limit become marker nodes. Returns the tree unchanged when it already fits.
 */
export function boundTree(root: DecodedNode): DecodedNode {
  // Once the budget runs out each open container adds one marker as it unwinds: at most one per
  // level, so that many nodes are held back for them.
  const budget = { nodes: TREE_LIMITS.maxNodes - TREE_LIMITS.maxDepth - 1 };
  return bound(root, 0, budget);
}

function bound(node: DecodedNode, depth: number, budget: TreeBudget): DecodedNode {
  budget.nodes--;
  if (!node.children) return node;
  if (depth >= TREE_LIMITS.maxDepth) {
    return cutMarker(`nested deeper than ${TREE_LIMITS.maxDepth} levels: not shown`, node.key);
  }
  const children: DecodedNode[] = [];
  for (let i = 0; i < node.children.length; i++) {
    if (budget.nodes <= 0) {
      children.push(cutMarker(`${node.children.length - i} more not shown (${TREE_LIMITS.maxNodes}-node limit)`));
      break;
    }
    children.push(bound(node.children[i]!, depth + 1, budget));
  }
  return { ...node, children };
}

/**
 * A short JSON-like rendering for a summary line, bounded in length and depth whatever the input
 * (never JSON.stringify of the whole value).
 */
export function compact(value: unknown, max = 120): string {
  const out: string[] = [];
  let len = 0;
  const push = (s: string): boolean => {
    out.push(s);
    len += s.length;
    return len < max;
  };
  const walk = (v: unknown, depth: number): boolean => {
    if (v === null || v === undefined) return push("null");
    if (typeof v === "string") return push(JSON.stringify(v.length > max ? v.slice(0, max) : v));
    if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return push(String(v));
    if (typeof v !== "object") return push(String(v));
    if (v instanceof Uint8Array) return push(`<${v.length} bytes>`);
    if (depth >= 8) return push("…");
    if (Array.isArray(v)) {
      if (!push("[")) return false;
      for (let i = 0; i < v.length; i++) {
        if (i > 0 && !push(",")) return false;
        if (!walk(v[i], depth + 1)) return false;
      }
      return push("]");
    }
    if (!push("{")) return false;
    let first = true;
    const entries = v instanceof Map ? v.entries() : Object.entries(v as object)[Symbol.iterator]();
    for (const [k, x] of entries) {
      if (!first && !push(",")) return false;
      first = false;
      if (!push(`${JSON.stringify(typeof k === "string" ? k.slice(0, max) : String(k))}:`)) return false;
      if (!walk(x, depth + 1)) return false;
    }
    return push("}");
  };
  walk(value, 0);
  const s = out.join("");
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** One line of at most `max` characters: line breaks and other control characters become spaces. */
export function oneLine(text: string, max = 200): string {
  const head = text.length > max ? text.slice(0, max) : text;
  // eslint-disable-next-line no-control-regex
  const clean = head.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  return text.length > max ? `${clean}…` : clean;
}
