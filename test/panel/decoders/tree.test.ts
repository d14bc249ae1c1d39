import { describe, expect, it } from "vitest";
import { cborProblem } from "../../../src/panel/decoders/generic/cbor";
import { boundTree, compact, oneLine, toTree, TREE_LIMITS } from "../../../src/panel/decoders/tree";
import type { DecodedNode } from "../../../src/panel/decoders";

function measure(root: DecodedNode): { nodes: number; depth: number } {
  let nodes = 0;
  let depth = 0;
  const stack: [DecodedNode, number][] = [[root, 0]];
  while (stack.length) {
    const [n, d] = stack.pop()!;
    nodes++;
    depth = Math.max(depth, d);
    for (const c of n.children ?? []) stack.push([c, d + 1]);
  }
  return { nodes, depth };
}

function nest(levels: number): unknown {
  let v: unknown = null;
  for (let i = 0; i < levels; i++) v = [v];
  return v;
}

function nestNodes(levels: number): DecodedNode {
  let n: DecodedNode = { type: "null", value: null };
  for (let i = 0; i < levels; i++) n = { type: "array", children: [n] };
  return n;
}

describe("toTree", () => {
  it("cuts values nested past the depth limit with a marker", () => {
    const tree = toTree(nest(1000));
    expect(measure(tree).depth).toBe(TREE_LIMITS.maxDepth);
    let n = tree;
    while (n.children) n = n.children[0]!;
    expect(n).toMatchObject({ cut: true, value: expect.stringMatching(/deeper than 64 levels/) });
  });

  it("stops at the node budget and says how many were left out", () => {
    const tree = toTree(Array.from({ length: 10_000 }, (_, i) => i));
    expect(measure(tree).nodes).toBeLessThanOrEqual(TREE_LIMITS.maxNodes + 1);
    expect(tree.children!.at(-1)).toMatchObject({ cut: true, value: expect.stringMatching(/^5001 more not shown/) });
  });

  it("shows bytes as hex, dates as ISO text, Maps as objects, and marks cycles", () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const tree = toTree({ b: new Uint8Array([1, 255]), d: new Date(0), m: new Map([[1, "x"]]), c: cyclic });
    expect(tree.children![0]).toEqual({ key: "b", type: "bytes", value: "01ff" });
    expect(tree.children![1]!.value).toBe("1970-01-01T00:00:00.000Z");
    expect(tree.children![2]!.children![0]).toEqual({ key: "1", type: "string", value: "x" });
    expect(tree.children![3]!.children![1]).toMatchObject({ key: "self", cut: true, value: "circular reference" });
  });
});

describe("boundTree", () => {
  it("cuts any tree past the depth limit", () => {
    expect(measure(boundTree(nestNodes(500))).depth).toBe(TREE_LIMITS.maxDepth);
    const fits = nestNodes(10);
    expect(boundTree(fits)).toEqual(fits);
  });

  it("keeps the total, markers included, within the node limit", () => {
    const wide: DecodedNode = {
      type: "array",
      children: Array.from({ length: 200 }, () => ({ type: "array", children: Array.from({ length: 100 }, () => ({ type: "null", value: null })) })),
    };
    const bounded = boundTree(wide);
    expect(measure(bounded).nodes).toBeLessThanOrEqual(TREE_LIMITS.maxNodes);
    expect(bounded.children!.at(-1)!.cut).toBe(true);
  });
});

describe("summary text", () => {
  it("compact renders a bounded JSON-like line, whatever the depth", () => {
    expect(compact({ a: [1, "x"], b: null })).toBe('{"a":[1,"x"],"b":null}');
    expect(compact(nest(100_000)).length).toBeLessThan(130);
    expect(compact("y".repeat(1000), 20)).toBe(`"${"y".repeat(19)}…`);
  });

  it("oneLine flattens control characters and caps the length", () => {
    expect(oneLine("a\nb\r\n\tc")).toBe("a b c");
    expect(oneLine("z".repeat(300), 10)).toBe(`${"z".repeat(10)}…`);
  });
});

describe("cborProblem", () => {
  it("accepts plain CBOR and refuses deep nesting, unknown tags and trailing bytes", () => {
    expect(cborProblem(Uint8Array.from([0x82, 0x01, 0x02]))).toBeNull();
    expect(cborProblem(Uint8Array.from([0x9f, 0x01, 0xff]))).toBeNull(); // indefinite-length array
    expect(cborProblem(new Uint8Array(300).fill(0x81))).toMatch(/nested deeper than 256/);
    expect(cborProblem(Uint8Array.from([0xd8, 0x1b, 0x80]))).toMatch(/tag 27/);
    expect(cborProblem(Uint8Array.from([0x01, 0x02]))).toMatch(/extra byte/);
    expect(cborProblem(Uint8Array.from([0x82, 0x01]))).toMatch(/ends early/);
    expect(cborProblem(Uint8Array.from([0x1c]))).toMatch(/reserved/);
    expect(cborProblem(Uint8Array.from([0x81, 0xff]))).toMatch(/unexpected break/);
  });
});
