/**
 * `npm run bench -- --pool A.json B.json ...`: the throughput ratios of several full runs taken
 * together. One run's median of 36 per-round ratios moves by 2-3 % from run to run on this machine
 * (BENCHMARKS.md), about as much as a target's margin; pooling the rounds of runs of the same build
 * gives a firmer median, and a bootstrap interval says how firm.
 *
 * Each run's per-round ratios are computed as the run itself computes them (a configuration's sample
 * over native's sample of the same round, which ran right before or after it), then pooled.
 */
import { readFileSync } from "node:fs";
import { CONFIGS } from "./context";
import { median, quantile } from "./stats";
import { mulberry32 } from "../src/shared/resilience/prng";

interface RunRow {
  id: string;
  samples?: number[];
}
export interface Run {
  when?: string;
  rows: RunRow[];
}

/** The measurements pooled: a row id prefix, whose `.native` row is the denominator. */
export const POOLED = [
  { base: "throughput.text", what: "1 KiB text echo, msg/s" },
  { base: "throughput.binary", what: "64 KiB binary echo, msg/s" },
  { base: "throughput.cpu", what: "page CPU per text echo" },
  { base: "throughput.cpu-binary", what: "page CPU per binary echo" },
] as const;

/** Every configuration the throughput section runs, against native: the same list, native again last. */
export const POOLED_CONFIGS: readonly string[] = [...CONFIGS.filter((c) => c !== "native"), "native-b"];

/** One run's per-round ratios of `base.config` to `base.native`; empty when the run lacks either row. */
export function roundRatios(run: Run, base: string, config: string): number[] {
  const native = run.rows.find((r) => r.id === `${base}.native`)?.samples;
  const row = run.rows.find((r) => r.id === `${base}.${config}`)?.samples;
  if (!native || !row || native.length !== row.length) return [];
  return row.map((v, i) => v / native[i]!);
}

/** A deterministic generator (the resilience check's mulberry32), so the same runs always print the same interval. */
export const seeded = (seed: number): (() => number) => mulberry32(seed);

export function bootstrapMedian(xs: readonly number[], resamples = 4000, level = 0.95, random = seeded(1)): [number, number] {
  if (xs.length === 0) return [NaN, NaN];
  const medians: number[] = [];
  const pick = new Array<number>(xs.length);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < xs.length; i++) pick[i] = xs[Math.floor(random() * xs.length)]!;
    medians.push(median(pick));
  }
  const tail = (1 - level) / 2;
  return [quantile(medians, tail), quantile(medians, 1 - tail)];
}

export interface PooledRow {
  base: string;
  config: string;
  rounds: number;
  /** Each run's own median ratio (NaN where the run lacks the row). */
  perRun: number[];
  pooled: number;
  interval: [number, number];
}

export function pool(runs: readonly Run[]): PooledRow[] {
  const out: PooledRow[] = [];
  for (const { base } of POOLED) {
    for (const config of POOLED_CONFIGS) {
      const per = runs.map((run) => roundRatios(run, base, config));
      const all = per.flat();
      if (all.length === 0) continue;
      out.push({ base, config, rounds: all.length, perRun: per.map((r) => median(r)), pooled: median(all), interval: bootstrapMedian(all) });
    }
  }
  return out;
}

export function poolMain(files: string[]): number {
  if (files.length === 0) {
    console.error("usage: npm run bench -- --pool RESULTS.json [RESULTS.json ...]");
    return 2;
  }
  const runs = files.map((f) => {
    const run = JSON.parse(readFileSync(f, "utf8")) as Run;
    if (!Array.isArray(run.rows)) throw new Error(`${f}: not a bench results file (no rows)`);
    return run;
  });
  const rows = pool(runs);
  if (rows.length === 0) {
    console.error("none of these runs has throughput rows with samples");
    return 1;
  }
  const f = (x: number) => (Number.isNaN(x) ? "  -  " : x.toFixed(3));
  console.log(`| Measurement | Configuration | Rounds | Pooled median ratio to native | 95 % interval (bootstrap) | Each run's median |`);
  console.log(`|---|---|---|---|---|---|`);
  for (const r of rows) {
    const what = POOLED.find((p) => p.base === r.base)!.what;
    console.log(`| ${what} | ${r.config === "native-b" ? "native again (A/A)" : r.config} | ${r.rounds} | ${f(r.pooled)} | ${f(r.interval[0])}-${f(r.interval[1])} | ${r.perRun.map(f).join(", ")} |`);
  }
  console.log(`\n${runs.length} runs: ${runs.map((r) => r.when ?? "?").join(", ")}`);
  return 0;
}
