/** Chromium's sampling profiler over CDP, summarised as self time per function. */
import type { CDPSession } from "playwright-core";
import type { Profile } from "./report";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

export async function profiled<T>(cdp: CDPSession, run: () => Promise<T>): Promise<{ result: T; profile: CdpProfile }> {
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
  await cdp.send("Profiler.start");
  const result = await run();
  const { profile } = (await cdp.send("Profiler.stop")) as unknown as { profile: CdpProfile };
  await cdp.send("Profiler.disable");
  return { result, profile };
}

export interface CdpProfile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * Self time per function (µs deltas attributed to the sampled node). `mine(url)` says which scripts
 * are the extension's; the top list is of those, with the percentage of all sampled time.
 */
export function summarise(label: string, p: CdpProfile, mine: (url: string) => boolean, topN = 12): Profile {
  const byNode = new Map<number, Node>(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, { fn: string; file: string; line: number; us: number }>();
  let total = 0;
  let extension = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const node = byNode.get(p.samples[i]!);
    const dt = p.timeDeltas[i + 1] ?? 0;
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    // Idle is not time the page spent.
    if (functionName === "(idle)" || functionName === "(program)") continue;
    total += dt;
    if (!mine(url)) continue;
    extension += dt;
    const file = url.replace(/^chrome-extension:\/\/[^/]+\//, "");
    const key = `${functionName}@${file}:${lineNumber}`;
    const entry = self.get(key) ?? { fn: functionName || "(anonymous)", file, line: lineNumber + 1, us: 0 };
    entry.us += dt;
    self.set(key, entry);
  }
  const top = [...self.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, topN)
    .map((e) => ({ fn: e.fn, file: e.file, line: e.line, selfMs: e.us / 1000, pct: (100 * e.us) / Math.max(total, 1) }));
  return { label, totalMs: total / 1000, extensionMs: extension / 1000, top };
}
