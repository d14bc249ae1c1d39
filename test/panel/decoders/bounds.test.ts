import { describe, expect, it } from "vitest";
import { decodeFrame, TREE_LIMITS, type Decoded, type DecodedNode } from "../../../src/panel/decoders";
import { binary, ctx, text } from "./frames";

function measure(root: DecodedNode | undefined): { nodes: number; depth: number; cut: number } {
  let nodes = 0;
  let depth = 0;
  let cut = 0;
  const stack: [DecodedNode, number][] = root ? [[root, 0]] : [];
  while (stack.length) {
    const [n, d] = stack.pop()!;
    nodes++;
    if (n.cut) cut++;
    depth = Math.max(depth, d);
    for (const c of n.children ?? []) stack.push([c, d + 1]);
  }
  return { nodes, depth, cut };
}

function timed(run: () => Decoded | null): { result: Decoded | null; ms: number } {
  const t = performance.now();
  const result = run();
  return { result, ms: performance.now() - t };
}

const PLAIN = ctx("wss://example.com/ws");

describe("bounds on hostile frames", () => {
  it("cuts JSON nested 100k levels deep at depth 64, quickly", () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    const { result, ms } = timed(() => decodeFrame(text(deep), PLAIN));
    const m = measure(result!.tree);
    expect(m.depth).toBeLessThanOrEqual(TREE_LIMITS.maxDepth);
    expect(m.cut).toBeGreaterThan(0);
    expect(result!.summary.length).toBeLessThanOrEqual(201);
    expect(ms).toBeLessThan(2000);
  });

  it("cuts a 100k-element array at 5000 nodes", () => {
    const wide = JSON.stringify(Array.from({ length: 100_000 }, (_, i) => ({ i })));
    const { result, ms } = timed(() => decodeFrame(text(wide), PLAIN));
    const m = measure(result!.tree);
    expect(m.nodes).toBeLessThanOrEqual(TREE_LIMITS.maxNodes);
    expect(m.cut).toBeGreaterThan(0);
    expect(ms).toBeLessThan(2000);
  });

  it("keeps the bounds across a protocol's wrapper nodes (SockJS frame of many messages)", () => {
    const many = "a" + JSON.stringify(Array.from({ length: 3000 }, (_, i) => JSON.stringify({ i, list: [1, 2, 3] })));
    const result = decodeFrame(text(many), ctx("ws://h/echo/123/abc/websocket"))!;
    const m = measure(result.tree);
    expect(m.nodes).toBeLessThanOrEqual(TREE_LIMITS.maxNodes);
    expect(result.summary.length).toBeLessThanOrEqual(201);
  });

  it("handles a 10 MiB string: one-line summary, value capped", () => {
    const big = JSON.stringify({ s: "x".repeat(10 * 1024 * 1024) });
    const { result, ms } = timed(() => decodeFrame(text(big), PLAIN));
    expect(result!.summary.length).toBeLessThanOrEqual(201);
    const value = result!.tree!.children![0]!.value as string;
    expect(value.length).toBeLessThan(TREE_LIMITS.maxString + 100);
    expect(value).toMatch(/more characters\)$/);
    expect(ms).toBeLessThan(2000);
  });

  it("keeps summaries on one line", () => {
    const d = decodeFrame(text('42["chat","line1\\nline2\\r\\tend"]'), ctx("wss://h/socket.io/?EIO=4"))!;
    expect(d.summary).not.toMatch(/[\r\n\t]/);
  });

  it("cuts deeply nested MessagePack", () => {
    // 100k nested one-element arrays (0x91) around nil.
    const hex = "91".repeat(100_000) + "c0";
    const { result, ms } = timed(() => decodeFrame(binary(hex), PLAIN));
    expect(measure(result!.tree).depth).toBeLessThanOrEqual(TREE_LIMITS.maxDepth);
    expect(ms).toBeLessThan(2000);
  });

  it("refuses deeply nested CBOR before cbor-x recurses", () => {
    const hex = "81".repeat(100_000) + "f6";
    const { result, ms } = timed(() => decodeFrame(binary(hex), PLAIN));
    expect(result).toBeNull();
    expect(ms).toBeLessThan(2000);
  });

  it("stays bounded on MQTT lengths that lie", () => {
    // SUBSCRIBE claiming 268435455 bytes, and a PUBLISH with a topic length past the frame.
    expect(decodeFrame(binary("82ffffff7f0001"), ctx("wss://h/mqtt", ["mqtt"]))!.error).toMatch(/remaining length 268435455/);
    expect(decodeFrame(binary("3004ffff6162"), ctx("wss://h/mqtt", ["mqtt"]))!.error).toMatch(/topic name/);
  });

  it("treats payload text as data: markup and prototype keys come back as plain strings and keys", () => {
    const d = decodeFrame(text('{"__proto__":{"polluted":1},"html":"<img src=x onerror=alert(1)>"}'), PLAIN)!;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(d.tree!.children!.map((c) => c.key)).toEqual(["__proto__", "html"]);
    expect(d.tree!.children![1]!.value).toBe("<img src=x onerror=alert(1)>");
  });
});
