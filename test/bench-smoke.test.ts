/**
 * `npm run bench -- --quick` end to end, so the benchmarks cannot rot: every section runs (tiny sizes),
 * the table is printed and results.json written with every row. Checks that rows exist, never what
 * the numbers are (they come from a 2-core machine shared with other browser tests).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const CONFIGS = ["native", "inspect", "protected", "partysocket", "reconnecting-websocket"];
const ROWS = [
  ...["text", "binary"].flatMap((k) => [...CONFIGS, "native-b", "ahead-of-libraries"].map((c) => `throughput.${k}.${c}`)),
  ...[...CONFIGS, "native-b"].map((c) => `throughput.cpu.${c}`),
  ...[...CONFIGS, "native-b"].map((c) => `throughput.cpu-binary.${c}`),
  ...["p50", "p99"].flatMap((q) => CONFIGS.map((c) => `latency.${q}.${c}`)),
  "page.install.first-script",
  "page.install.empty-script",
  "page.install.relay",
  "page.install.patch",
  "page.install.trace",
  "page.install.trace-relay",
  "page.heap.native",
  "page.heap.ring-10000",
  "page.heap.ring-1000",
  "page.cpu.native",
  "page.cpu.panel-closed",
  "page.cpu.panel-open",
  "page.cpu.panel",
  "detection.lifeguard.short",
  "detection.baseline.short",
  "detection.lifeguard.long",
  "detection.baseline.long",
  "recovery.backoff",
  "recovery.online",
  ...["native", "no-rule", "ten-rules"].map((c) => `frame-rules.text.${c}`),
  "panel.ingest",
  "panel.filter",
  "panel.scroll",
];

const dir = mkdtempSync(join(tmpdir(), "lifeguard-bench-smoke-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("bench --quick prints the table and writes results.json with every row and profile", async () => {
  const out = join(dir, "results.json");
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(process.execPath, ["bench/run.mjs", "--quick", "--out", out], { cwd: ROOT, maxBuffer: 16 << 20 }, (err, so, se) =>
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout: so, stderr: se }),
    );
  });
  expect(code, stderr.slice(-4000)).toBe(0);
  const results = JSON.parse(readFileSync(out, "utf8")) as {
    quick: boolean;
    machine: Record<string, string>;
    rows: { id: string; label: string; value: unknown }[];
    profiles: { label: string }[];
    errors: string[];
  };
  expect(results.errors).toEqual([]);
  expect(results.quick).toBe(true);
  expect(Object.keys(results.machine)).toEqual(expect.arrayContaining(["nproc", "memory", "chromium", "node"]));
  expect(results.rows.map((r) => r.id).sort()).toEqual([...ROWS].sort());
  for (const row of results.rows) {
    // null: NaN in JSON, a figure that did not come within its cap (the baseline's detection in quick mode).
    expect(row.value === null || typeof row.value === "number", row.id).toBe(true);
    expect(stdout, row.id).toContain(row.label);
    // CPU comes from the kernel's account of the page's renderer (bench/rig.ts): one not found is NaN.
    if (/^(throughput|page)\.cpu(-binary)?\./.test(row.id)) expect(row.value, row.id).toBeGreaterThan(0);
  }
  expect(stdout).toMatch(/^\| Section +\| Measurement/m);
  // inspect and protected text echo, inspect binary echo, panel import, filters and scrolling.
  expect(results.profiles.length).toBe(6);
}, 120_000);

it("bench --pool pools the throughput rounds of the runs kept in bench/runs", async () => {
  const runs = readdirSync(join(ROOT, "bench/runs")).filter((f) => f.endsWith(".json")).map((f) => join("bench/runs", f));
  expect(runs.length).toBeGreaterThan(1);
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(process.execPath, ["bench/run.mjs", "--pool", ...runs], { cwd: ROOT }, (err, so, se) =>
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout: so, stderr: se }),
    );
  });
  expect(code, stderr).toBe(0);
  const rows = stdout.split("\n").filter((l) => /^\| (1 KiB|64 KiB|page CPU)/.test(l));
  // Four measurements x five configurations, each over every run's rounds.
  expect(rows).toHaveLength(20);
  for (const row of rows) expect(row).toMatch(/\| \d+ \| \d\.\d{3} \| \d\.\d{3}-\d\.\d{3} \|/);
  expect(stdout).toContain(`${runs.length} runs:`);
}, 60_000);
