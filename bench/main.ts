/**
 * The benchmarks (issue #8): builds the extension, starts the servers and three Chromiums (native, the
 * extension as shipped, a readable build for profiles), runs every section, prints the table and
 * writes results.json. Each figure is a median over alternating runs in this one process.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Ctx } from "./context";
import { bundleLibraries, buildExtension, launch, startBenchServer, tempDir } from "./rig";
import { machine, profileText, table, type Results } from "./report";
import { throughputAndLatency, throughputProfiles } from "./throughput";
import { cpuCost, heapCost, installCost } from "./page-cost";
import { detection, recovery } from "./outage";
import { panel, panelProfiles } from "./panel";
import { poolMain } from "./pool";
import { frameRuleCost } from "./frame-rules";

const SECTIONS: [string, (ctx: Ctx) => Promise<void>][] = [
  ["throughput and latency", throughputAndLatency],
  ["page cost: install", installCost],
  ["page cost: heap", heapCost],
  ["page cost: cpu", cpuCost],
  ["detection", detection],
  ["recovery", recovery],
  ["panel", panel],
  ["frame rules", frameRuleCost],
  ["profiles: page", throughputProfiles],
  ["profiles: panel", panelProfiles],
];

export async function main(argv: string[]): Promise<number> {
  // Pools the throughput rounds of earlier runs' results files; runs nothing.
  if (argv[0] === "--pool") return poolMain(argv.slice(1));
  const quick = argv.includes("--quick");
  const outArg = argv.indexOf("--out");
  const out = outArg >= 0 ? argv[outArg + 1]! : join(import.meta.dirname, "results.json");
  const only = argv.includes("--only") ? argv[argv.indexOf("--only") + 1]!.split(",") : null;
  const t0 = Date.now();
  const log = (msg: string) => console.error(`[bench ${((Date.now() - t0) / 1000).toFixed(1)} s] ${msg}`);

  const tmp = tempDir("lifeguard-bench-");
  const results: Results = { when: new Date().toISOString(), quick, machine: machine(), rows: [], profiles: [], errors: [] };
  let ctx: Ctx | null = null;
  try {
    log("building the extension (shipped and readable) and bundling the libraries");
    const shipped = await buildExtension(join(tmp.path, "ext"), true);
    const readable = await buildExtension(join(tmp.path, "ext-readable"), false);
    const libs = await bundleLibraries(join(tmp.path, "libs"));
    const server = await startBenchServer(libs);
    const [native, ext, readableBrowser] = await Promise.all([launch(null), launch(shipped), launch(readable)]);
    ctx = { quick, server, native, ext, shippedDir: shipped, readable: readableBrowser, rows: results.rows, profiles: results.profiles, log };
    for (const [name, section] of SECTIONS) {
      if (only && !only.some((o) => name.includes(o))) continue;
      log(name);
      try {
        await section(ctx);
      } catch (e) {
        const msg = `${name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
        log(`FAILED ${msg}`);
        results.errors.push(msg);
      }
    }
  } finally {
    await Promise.allSettled([ctx?.native.close(), ctx?.ext.close(), ctx?.readable.close(), ctx?.server.close()]);
    tmp.remove();
  }
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(table(results.rows));
  for (const p of results.profiles) console.log(`\n${profileText(p)}`);
  if (results.errors.length) console.log(`\nErrors:\n${results.errors.join("\n")}`);
  console.log(`\n${results.rows.length} rows; results in ${out}; ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return results.errors.length ? 1 : 0;
}
