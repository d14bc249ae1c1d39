import { describe, expect, it } from "vitest";
import { alternate, median, williamsOrders } from "../bench/stats";
import { bootstrapMedian, pool, roundRatios, type Run } from "../bench/pool";

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

describe("pooling several runs' throughput rounds (npm run bench -- --pool)", () => {
  const run = (native: number[], inspect: number[], when = "t"): Run => ({
    when,
    rows: [
      { id: "throughput.text.native", samples: native },
      { id: "throughput.text.inspect", samples: inspect },
    ],
  });

  it("pairs each round's sample with native's sample of the same round, then takes the median", () => {
    const r = run([100, 100, 300], [100, 300, 900]);
    expect(roundRatios(r, "throughput.text", "inspect")).toEqual([1, 3, 3]);
    // The medians of the samples give 300/200 = 1.5; the per-round ratios are 3, 1, 3.
    const [row] = pool([run([100, 200, 300], [300, 200, 900])]);
    expect(row!.pooled).toBe(3);
  });

  it("pools the rounds of all runs, keeps each run's own median, and skips a run without the row", () => {
    const a = run([10, 10, 10], [9, 9, 9]);
    const b = run([10, 10, 10, 10, 10], [11, 11, 11, 11, 11]);
    const c: Run = { rows: [{ id: "throughput.text.native", samples: [10] }] };
    const rows = pool([a, b, c]);
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row.config).toBe("inspect");
    expect(row.rounds).toBe(8);
    expect(row.pooled).toBeCloseTo(1.1);
    expect(row.perRun[0]).toBeCloseTo(0.9);
    expect(row.perRun[1]).toBeCloseTo(1.1);
    expect(row.perRun[2]).toBeNaN();
  });

  it("gives a bootstrap interval around the median that narrows with more rounds, the same every time", () => {
    const noisy = (n: number) => Array.from({ length: n }, (_, i) => 0.97 + 0.04 * Math.sin(i * 12.9898));
    const [lo, hi] = bootstrapMedian(noisy(30));
    expect(lo).toBeLessThanOrEqual(median(noisy(30)));
    expect(hi).toBeGreaterThanOrEqual(median(noisy(30)));
    expect(hi).toBeGreaterThan(lo);
    const [lo2, hi2] = bootstrapMedian(noisy(600));
    expect(hi2 - lo2).toBeLessThan((hi - lo) / 2);
    expect(bootstrapMedian(noisy(30))).toEqual([lo, hi]);
    expect(bootstrapMedian([0.98, 0.98, 0.98])).toEqual([0.98, 0.98]);
  });
});
