/** The rows every section reports, the printed table and results.json. */
import { execFileSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { chromiumPath } from "../test/e2e/harness";

export interface Row {
  /** Stable id: the smoke test checks every one is present. */
  id: string;
  section: string;
  label: string;
  value: number;
  unit: string;
  /** vs native, where the figure has a native twin. */
  ratio?: number;
  target?: string;
  /** null: no target on this row. */
  holds: boolean | null;
  note?: string;
  samples?: number[];
}

export interface Profile {
  label: string;
  totalMs: number;
  /** Self time in the extension's own scripts. */
  extensionMs: number;
  top: { fn: string; file: string; line: number; selfMs: number; pct: number }[];
}

export interface Results {
  when: string;
  quick: boolean;
  machine: Record<string, string>;
  rows: Row[];
  profiles: Profile[];
  errors: string[];
}

export function machine(): Record<string, string> {
  let chromium = "";
  try {
    chromium = execFileSync(chromiumPath(), ["--version"], { encoding: "utf8" }).trim();
  } catch (e) {
    chromium = `unknown (${String(e)})`;
  }
  return {
    nproc: String(cpus().length),
    cpu: cpus()[0]?.model ?? "",
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    chromium,
    node: process.version,
  };
}

const fmt = (x: number, unit: string): string => {
  if (!Number.isFinite(x)) return "n/a";
  const digits = Math.abs(x) >= 1000 ? 0 : Math.abs(x) >= 100 ? 1 : Math.abs(x) >= 1 ? 2 : 3;
  return `${x.toFixed(digits)} ${unit}`;
};

/** A Markdown table (prints fine in a terminal, pastes into BENCHMARKS.md as is). */
export function table(rows: readonly Row[]): string {
  const head = ["Section", "Measurement", "Median", "vs native", "Target", "Holds"];
  const lines = rows.map((r) => [
    r.section,
    r.label,
    fmt(r.value, r.unit),
    r.ratio === undefined ? "" : `${r.ratio.toFixed(3)} x`,
    r.target ?? "",
    r.holds === null ? "" : r.holds ? "holds" : "MISSED",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(head), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...lines.map(line)].join("\n");
}

export function profileText(p: Profile): string {
  const head = `${p.label}: ${p.totalMs.toFixed(0)} ms sampled, ${p.extensionMs.toFixed(0)} ms (${((100 * p.extensionMs) / Math.max(p.totalMs, 1e-9)).toFixed(1)}%) self time in the extension's scripts`;
  return [head, ...p.top.map((t) => `  ${t.selfMs.toFixed(1).padStart(8)} ms ${t.pct.toFixed(1).padStart(5)}%  ${t.fn} (${t.file}:${t.line})`)].join("\n");
}
