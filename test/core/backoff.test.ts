import { describe, expect, it } from "vitest";
import { nextDelay } from "../../src/core/backoff";

const policy = { minDelayMs: 500, maxDelayMs: 30000, factor: 2 };

describe("nextDelay (full jitter, attempt counted from 1)", () => {
  it("follows min * factor^(attempt-1) at the top of the jitter, capped at max", () => {
    const top = () => 1;
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((a) => nextDelay(a, policy, top))).toEqual([
      500, 1000, 2000, 4000, 8000, 16000, 30000, 30000,
    ]);
    expect(nextDelay(10_000, policy, top)).toBe(30000);
  });

  it("may come at once: minDelayMs is the base, not a floor", () => {
    expect(nextDelay(1, policy, () => 0)).toBe(0);
    expect(nextDelay(7, policy, () => 0)).toBe(0);
  });

  it("stays within [0, cap) over many draws and spreads across it", () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const attempt of [1, 3, 9]) {
      const cap = Math.min(30000, 500 * 2 ** (attempt - 1));
      const draws = Array.from({ length: 2000 }, () => nextDelay(attempt, policy, random));
      expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...draws)).toBeLessThan(cap);
      const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
      expect(mean).toBeGreaterThan(cap * 0.4);
      expect(mean).toBeLessThan(cap * 0.6);
    }
  });

  it("survives degenerate policies and randoms", () => {
    expect(nextDelay(5000, { minDelayMs: 0, maxDelayMs: 1000, factor: 2 }, () => 1)).toBe(0);
    expect(nextDelay(3, { minDelayMs: 100, maxDelayMs: 50, factor: 2 }, () => 1)).toBe(50);
    expect(nextDelay(1, policy, () => Number.NaN)).toBe(0);
    expect(nextDelay(1, policy, () => 7)).toBe(500);
    expect(nextDelay(0, policy, () => 1)).toBe(500);
  });
});
