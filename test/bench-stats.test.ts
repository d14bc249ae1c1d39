import { describe, expect, it } from "vitest";
import { alternate, williamsOrders } from "../bench/stats";

describe("the bench's alternating schedule", () => {
  for (const n of [1, 2, 3, 4, 5, 6, 7]) {
    it(`runs each of ${n} configurations once per position and after each other one equally often`, () => {
      const orders = williamsOrders(n);
      expect(orders).toHaveLength(n % 2 === 0 || n === 1 ? n : 2 * n);
      for (const order of orders) expect([...order].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
      for (let pos = 0; pos < n; pos++) {
        const at = orders.map((o) => o[pos]!);
        for (let c = 0; c < n; c++) expect(at.filter((x) => x === c)).toHaveLength(orders.length / n);
      }
      const follows = new Map<string, number>();
      for (const o of orders) for (let k = 1; k < n; k++) follows.set(`${o[k - 1]}>${o[k]}`, (follows.get(`${o[k - 1]}>${o[k]}`) ?? 0) + 1);
      expect(follows.size).toBe(n * (n - 1));
      expect(new Set(follows.values()).size).toBeLessThanOrEqual(1);
    });
  }

  it("runs every configuration once a round, in the design's orders", async () => {
    const seen: string[] = [];
    const samples = await alternate(["a", "b", "c", "d"] as const, 5, async (c, r) => {
      seen.push(c);
      return r;
    });
    expect(seen.slice(0, 8).join("")).toBe("abdcbcad");
    expect(samples.a).toEqual([0, 1, 2, 3, 4]);
    expect(samples.d).toEqual([0, 1, 2, 3, 4]);
  });
});
