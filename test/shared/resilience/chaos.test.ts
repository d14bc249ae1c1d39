import { describe, expect, it } from "vitest";
import { CHAOS_LIMITS, chaosSchedule, LATENCY_MAX_MS, LATENCY_MIN_MS, validateChaos, WATCH_AFTER_MS, type ChaosOptions } from "../../../src/shared/resilience/chaos";
import { ChaosTally, tally } from "../../../src/shared/resilience/chaos-tally";
import { mulberry32, xmur3 } from "../../../src/shared/resilience/prng";
import { STEP_KINDS, type StepMark } from "../../../src/shared/resilience/types";
import { mark, RecordBuilder } from "./record-builder";

const OPTIONS: ChaosOptions = { kinds: [...STEP_KINDS], meanGapMs: 30_000, minDurationMs: 2000, maxDurationMs: 15_000, totalMs: 600_000 };

/** bryc's published forms (github.com/bryc/code, jshash/PRNGs.md), written as published: the reference. */
function referenceMulberry32(a: number) {
  return function () {
    let t = (a += 0x6d2b79f5);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function referenceXmur3(str: string) {
  let h = 1779033703 ^ str.length;
  for (let i = 0; i < str.length; i++) {
    h = Math.imul(h ^ str.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  return function () {
    h = Math.imul(h ^ (h >>> 16), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    return (h ^= h >>> 16) >>> 0;
  };
}

describe("the seeded random source", () => {
  it("is xmur3 + mulberry32 as published", () => {
    for (const seed of ["", "a", "f00dcafe", "héllo wörld", "x".repeat(64)]) expect(xmur3(seed)).toBe(referenceXmur3(seed)());
    for (const seed of [0, 1, 42, 0xffffffff, xmur3("soak")]) {
      const mine = mulberry32(seed);
      const ref = referenceMulberry32(seed);
      for (let i = 0; i < 1000; i++) expect(mine()).toBe(ref());
    }
  });
});

describe("chaosSchedule", () => {
  it("gives the same faults for the same seed and options, other faults for another seed", () => {
    const a = chaosSchedule("f00dcafe", OPTIONS);
    expect(chaosSchedule("f00dcafe", OPTIONS)).toEqual(a);
    expect(chaosSchedule(42, OPTIONS)).toEqual(chaosSchedule("42", OPTIONS));
    expect(chaosSchedule("f00dcaff", OPTIONS)).not.toEqual(a);
    expect(chaosSchedule("f00dcafe", { ...OPTIONS, meanGapMs: 20_000 })).not.toEqual(a);
    expect(a.length).toBeGreaterThan(3);
  });

  it("keeps faults in order, apart, within the run, of the kinds asked, with bounded durations", () => {
    const faults = chaosSchedule("soak", { ...OPTIONS, totalMs: 3_600_000 });
    let end = 0;
    for (const { atMs, step } of faults) {
      expect(atMs).toBeGreaterThanOrEqual(end);
      expect(atMs).toBeLessThan(3_600_000);
      expect(OPTIONS.kinds).toContain(step.kind);
      if (step.kind === "drop") {
        expect(step.durationMs).toBeUndefined();
        expect(step.observeMs).toBe(WATCH_AFTER_MS);
      } else {
        expect(step.durationMs).toBeGreaterThanOrEqual(OPTIONS.minDurationMs);
        expect(step.durationMs).toBeLessThanOrEqual(OPTIONS.maxDurationMs);
        expect(step.observeMs).toBe(step.durationMs! + WATCH_AFTER_MS);
      }
      if (step.kind === "latency") {
        for (const ms of [step.inMs!, step.outMs!]) {
          expect(ms).toBeGreaterThanOrEqual(LATENCY_MIN_MS);
          expect(ms).toBeLessThanOrEqual(LATENCY_MAX_MS);
        }
      }
      if (step.kind === "restart") expect(step.code).toBe(1012);
      end = atMs + (step.durationMs ?? 0);
    }
    expect(new Set(faults.map((f) => f.step.kind))).toEqual(new Set(STEP_KINDS));
    const only = chaosSchedule("soak", { ...OPTIONS, kinds: ["drop", "offline"] });
    expect(new Set(only.map((f) => f.step.kind))).toEqual(new Set(["drop", "offline"]));
  });

  it("has exponential gaps whose mean is the mean asked (within 20% over 2000 faults), kinds and durations spread evenly", () => {
    const o: ChaosOptions = { kinds: [...STEP_KINDS], meanGapMs: 10_000, minDurationMs: 1000, maxDurationMs: 9000, totalMs: 86_400_000 };
    const faults = chaosSchedule("distribution", o).slice(0, 2000);
    expect(faults.length).toBe(2000);
    const gaps: number[] = [];
    let end = 0;
    for (const f of faults) {
      gaps.push(f.atMs - end);
      end = f.atMs + (f.step.durationMs ?? 0);
    }
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    expect(Math.abs(mean - o.meanGapMs) / o.meanGapMs).toBeLessThan(0.2);
    // An exponential's median is mean * ln 2: a uniform or fixed gap would miss it.
    const median = gaps.slice().sort((a, b) => a - b)[1000]!;
    expect(Math.abs(median - o.meanGapMs * Math.LN2) / (o.meanGapMs * Math.LN2)).toBeLessThan(0.2);
    for (const kind of STEP_KINDS) {
      const share = faults.filter((f) => f.step.kind === kind).length / faults.length;
      expect(Math.abs(share - 0.2)).toBeLessThan(0.05);
    }
    const durations = faults.flatMap((f) => (f.step.durationMs === undefined ? [] : [f.step.durationMs]));
    const meanDuration = durations.reduce((a, b) => a + b, 0) / durations.length;
    expect(Math.abs(meanDuration - 5000) / 5000).toBeLessThan(0.1);
  });

  it("stops at the bound on faults, and gives nothing for options it would not accept", () => {
    const many = chaosSchedule("x", { kinds: ["drop"], meanGapMs: 100, minDurationMs: 0, maxDurationMs: 0, totalMs: 86_400_000 });
    expect(many.length).toBe(CHAOS_LIMITS.maxFaults);
    expect(chaosSchedule("x", { ...OPTIONS, kinds: [] })).toEqual([]);
  });
});

describe("validateChaos", () => {
  const problems = (x: unknown) => {
    const r = validateChaos(x);
    return r.ok ? [] : r.problems;
  };

  it("accepts good options and returns a copy of them", () => {
    const r = validateChaos({ ...OPTIONS, seed: "abc", extra: true });
    expect(r).toEqual({ ok: true, options: OPTIONS });
  });

  it("names each option that is wrong, first word first", () => {
    expect(problems({ ...OPTIONS, kinds: [] })).toEqual(["kinds must be a list of distinct step kinds, at least one of drop, restart, offline, blackhole, latency"]);
    expect(problems({ ...OPTIONS, kinds: ["drop", "drop"] })).toHaveLength(1);
    expect(problems({ ...OPTIONS, kinds: ["nuke"] })).toHaveLength(1);
    expect(problems({ ...OPTIONS, meanGapMs: 0 })).toEqual(["meanGapMs must be an integer from 100 to 3600000"]);
    expect(problems({ ...OPTIONS, minDurationMs: -1 })).toEqual(["minDurationMs must be an integer from 0 to 3600000"]);
    expect(problems({ ...OPTIONS, maxDurationMs: 1000 })).toEqual(["maxDurationMs must be at least minDurationMs"]);
    expect(problems({ ...OPTIONS, totalMs: 0 })).toEqual(["totalMs must be an integer from 1 to 86400000"]);
    expect(problems({ ...OPTIONS, seed: "x".repeat(65) })).toEqual(["seed must be a text of at most 64 characters or a number"]);
    expect(problems({ ...OPTIONS, seed: Number.NaN })).toHaveLength(1);
  });

  it("never throws", () => {
    for (const x of [null, 1, "x", [], { get kinds(): never { throw new Error("no"); } }]) expect(validateChaos(x).ok).toBe(false);
  });
});

describe("ChaosTally", () => {
  const DROP = { kind: "drop", observeMs: 15_000 } as const;
  const BLACKHOLE = { kind: "blackhole", durationMs: 10_000, observeMs: 25_000 } as const;

  /** A naive page: recovers from drops in 1 s (then 3 s), never notices the black-hole; its message sent into it is lost when the next drop ends the connection that held it. */
  function soak() {
    const b = new RecordBuilder();
    b.at(0).created("s:1", "ws://h/feed").at(10).open("s:1");
    b.at(10_001).closed("s:1").at(11_001).created("s:2", "ws://h/feed").at(11_010).open("s:2");
    b.at(30_001).out("s:2", "x", "held").at(54_000).out("s:2", "x", "dropped");
    b.at(60_001).closed("s:2").at(63_001).created("s:3", "ws://h/feed").at(63_010).open("s:3");
    const marks: StepMark[] = [mark(0, DROP, 10_000), mark(1, BLACKHOLE, 30_000, { endMs: 55_000 }), mark(2, DROP, 60_000)];
    return { b, marks };
  }

  it("adds up outages, the worst recovery and lost messages over the faults so far", () => {
    const { b, marks } = soak();
    const live = new ChaosTally({ tab: true });
    const first = live.update(b.record(), marks.slice(0, 1));
    expect(first).toMatchObject({ faults: 1, outages: 1, unrecovered: 0, worstRecoveryMs: 1009, lostMessages: 0 });
    const all = live.update(b.record(), marks);
    expect(all).toEqual({
      faults: 3,
      outages: 3,
      unrecovered: 1,
      worstRecoveryMs: 3009,
      lostMessages: 1,
      duplicatedMessages: 0,
      verdicts: { passed: 2, degraded: 0, failed: 1 },
    });
    // The kept results are the ones measured from the whole record.
    expect(live.update(b.record(), marks)).toEqual(all);
    expect(new ChaosTally({ tab: true }).update(b.record(), marks)).toEqual(all);
  });

  it("measures again from scratch for another run's marks", () => {
    const { b, marks } = soak();
    const live = new ChaosTally({ tab: true });
    live.update(b.record(), marks);
    const other = [mark(0, DROP, 60_000)];
    expect(live.update(b.record(), other)).toMatchObject({ faults: 1, worstRecoveryMs: 3009 });
  });

  it("is all zero before any fault", () => {
    expect(tally([])).toEqual({ faults: 0, outages: 0, unrecovered: 0, worstRecoveryMs: null, lostMessages: 0, duplicatedMessages: 0, verdicts: { passed: 0, degraded: 0, failed: 0 } });
  });
});
