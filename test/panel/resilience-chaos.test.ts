import { describe, expect, it } from "vitest";
import { defaultChaosTexts, newSeed, readChaos, type ChaosTexts } from "../../src/panel/resilience-chaos-form";

const TEXTS: ChaosTexts = { seed: "abc", kinds: ["drop", "offline"], meanGap: "10", minDuration: "1", maxDuration: "5", total: "2" };

describe("chaos form", () => {
  it("the same seed and settings give the same schedule; another seed another", () => {
    const a = readChaos(TEXTS);
    const b = readChaos({ ...TEXTS });
    const c = readChaos({ ...TEXTS, seed: "abd" });
    if (!("plan" in a) || !("plan" in b) || !("plan" in c)) throw new Error("valid texts");
    expect(a.plan.schedule.length).toBeGreaterThan(0);
    expect(b.plan.schedule).toEqual(a.plan.schedule);
    expect(c.plan.schedule).not.toEqual(a.plan.schedule);
    expect(a.plan.totalMs).toBe(120_000);
    expect(a.plan.schedule.every((f) => f.atMs < 120_000 && ["drop", "offline"].includes(f.step.kind))).toBe(true);
  });

  it("says what is wrong, by field: numbers, no kind, a longest shorter than the shortest", () => {
    const r = readChaos({ ...TEXTS, seed: " ", kinds: [], meanGap: "0", total: "x" });
    expect("problems" in r && r.problems).toEqual({
      seed: "Enter a seed of 1 to 64 characters.",
      kinds: "Pick at least one kind of fault.",
      meanGap: "Enter a number of seconds greater than 0.",
      total: "Enter a number of minutes greater than 0.",
    });
    const crossed = readChaos({ ...TEXTS, minDuration: "9", maxDuration: "3" });
    expect("problems" in crossed && crossed.problems).toEqual({ maxDuration: "Enter seconds, at least the shortest duration." });
  });

  it("a new seed is 8 hex digits, and the defaults are valid", () => {
    expect(newSeed(() => 0.5)).toBe("80000000");
    expect(newSeed()).toMatch(/^[0-9a-f]{8}$/);
    expect("plan" in readChaos(defaultChaosTexts())).toBe(true);
  });
});
