/**
 * Throughput (pipelined echo: 1 KiB text, 64 KiB binary) and round-trip latency of single messages,
 * for native, Lifeguard inspect-only, Lifeguard protected, partysocket and reconnecting-websocket,
 * alternating in rotating order, one long-lived page and socket per configuration.
 */
import { CONFIGS, isExtensionUrl, openConfig, protectedRule, type Config, type Ctx } from "./context";
import { profiled, summarise } from "./profile";
import { busiestRenderer, rendererMainThreads, setSettings } from "./rig";
import { alternate, median, quantile } from "./stats";
import type { Row } from "./report";

type PageB = { B: { throughput(kind: string, n: number, size: number): Promise<number>; latency(n: number, size: number): Promise<number[]> } };

interface Sample {
  text: number;
  binary: number;
  p50: number;
  p99: number;
  /** Page main-thread CPU per echoed 1 KiB text message, µs (the kernel's account; see rendererMainThreads). */
  cpu: number;
  /** The same per echoed 64 KiB binary message. */
  cpuBinary: number;
}

/** The configurations of this section: the five, and native again as an A/A control (the noise floor). */
type ThroughputConfig = Config | "native-b";
const THROUGHPUT_CONFIGS: readonly ThroughputConfig[] = [...CONFIGS, "native-b"];

/**
 * Each sample gets a page of its own, alone in its browser and brought to the front, closed after.
 * Long-lived pages side by side are not comparable: in one run here the page opened last in a browser
 * echoed 1.2-1.4 x faster, at 20 % less CPU per message, than the same page opened first, whatever its
 * configuration (BENCHMARKS.md, "Method").
 */
export async function throughputAndLatency(ctx: Ctx): Promise<void> {
  const n = ctx.quick
    ? { text: 100, binary: 10, rtt: 50, rounds: 1, warm: 20 }
    : // About 1.5 s of each kind per sample, after a longer warm-up: once Playwright's Network domain
      // was off (see quiet), 10,000 text echoes took 0.5 s, and a fresh page's start-up (JIT and the
      // like) weighed in the timed part: inspect-only read 0.945 x native with 10,000 echoes after 500,
      // 0.989 x with 30,000 after 3,000, in the same hour. 36 rounds, six whole Williams designs of the
      // six configurations (see alternate): with 18, three full runs of the same build read text
      // inspect-only 0.987, 0.987 and 0.948 x, and the A/A control 0.994-1.022 x.
      { text: 30_000, binary: 5000, rtt: 1000, rounds: 36, warm: 3000 };
  await setSettings(ctx.ext, { rules: [protectedRule(ctx.server.wsOrigin)] });

  const once = async (config: ThroughputConfig): Promise<Sample> => {
    const c: Config = config === "native-b" ? "native" : config;
    const page = await openConfig(ctx, c);
    try {
      await page.bringToFront();
      // No DevTools session on the page while it is timed (see rendererMainThreads).
      const B = (k: string, count: number, size: number) =>
        page.evaluate(([a, b, d]) => (window as unknown as PageB).B.throughput(a, b, d), [k, count, size] as const);
      // Warm-up (JIT, socket buffers), not counted.
      await B("text", n.warm, 1024);
      await B("binary", Math.max(2, n.warm / 20), 65536);
      const before = rendererMainThreads();
      const text = await B("text", n.text, 1024);
      const cpu = busiestRenderer(before, rendererMainThreads()) / n.text;
      const beforeBinary = rendererMainThreads();
      const binary = await B("binary", n.binary, 65536);
      const cpuBinary = busiestRenderer(beforeBinary, rendererMainThreads()) / n.binary;
      const rtts = await page.evaluate(([k, m]) => (window as unknown as PageB).B.latency(k, m), [n.rtt, 32] as const);
      return { text: (n.text / text) * 1000, binary: (n.binary / binary) * 1000, p50: quantile(rtts, 0.5), p99: quantile(rtts, 0.99), cpu, cpuBinary };
    } finally {
      await page.close();
    }
  };
  const samples = await alternate(THROUGHPUT_CONFIGS, n.rounds, async (c) => once(c));

  const med = (c: ThroughputConfig, k: keyof Sample) => median(samples[c].map((s) => s[k]));
  /** The median of the per-round ratios to native (each round's samples ran back to back). */
  const ratios = (c: ThroughputConfig, k: keyof Sample) => samples[c].map((s, i) => s[k] / samples.native[i]![k]);
  const paired = (c: ThroughputConfig, k: keyof Sample) => median(ratios(c, k));
  /** The middle half of the per-round ratios: how far one run's median can be trusted. */
  const spread = (c: ThroughputConfig, k: keyof Sample) =>
    c === "native" ? "" : ` (per-round ratios ${quantile(ratios(c, k), 0.25).toFixed(2)}-${quantile(ratios(c, k), 0.75).toFixed(2)}, middle half)`;
  const rows: Row[] = [];
  const section = "Throughput";
  for (const [kind, label] of [
    ["text", "1 KiB text echo"],
    ["binary", "64 KiB binary echo"],
  ] as const) {
    for (const c of THROUGHPUT_CONFIGS) {
      const ratio = c === "native" ? 1 : paired(c, kind);
      let target: string | undefined;
      let holds: boolean | null = null;
      if (c === "inspect") {
        target = ">= 0.97 x native";
        holds = ratio >= 0.97;
      } else if (c === "protected") {
        target = ">= 0.95 x native";
        holds = ratio >= 0.95;
      }
      const what = c === "native-b" ? "native again (A/A control: the noise floor)" : c;
      rows.push({ id: `throughput.${kind}.${c}`, section, label: `${label}, ${what}${spread(c, kind)}`, value: med(c, kind), unit: "msg/s", ratio, target, holds, samples: samples[c].map((s) => s[kind]) });
    }
    // Compared like the rest: each configuration's per-round ratio to native, medians compared.
    const lifeguardWorst = Math.min(paired("inspect", kind), paired("protected", kind));
    const libsBest = Math.max(paired("partysocket", kind), paired("reconnecting-websocket", kind));
    rows.push({
      id: `throughput.${kind}.ahead-of-libraries`,
      section,
      label: `${label}, Lifeguard (worse of inspect/protected) vs best library`,
      value: lifeguardWorst / libsBest,
      unit: "x",
      target: "> 1 (ahead of partysocket and reconnecting-websocket)",
      holds: lifeguardWorst > libsBest,
    });
  }
  for (const [key, id, label] of [
    ["cpu", "cpu", "1 KiB text"],
    ["cpuBinary", "cpu-binary", "64 KiB binary"],
  ] as const) {
    for (const c of THROUGHPUT_CONFIGS) {
      const what = c === "native-b" ? "native again" : c;
      rows.push({
        id: `throughput.${id}.${c}`,
        section,
        label: `page main-thread CPU per ${label} echo (send + receive), ${what}${spread(c, key)}`,
        value: med(c, key),
        unit: "µs",
        ratio: c === "native" ? 1 : paired(c, key),
        holds: null,
        samples: samples[c].map((s) => s[key]),
      });
    }
  }
  const nativeP50 = med("native", "p50");
  const nativeP99 = med("native", "p99");
  for (const c of CONFIGS) {
    const p50 = med(c, "p50");
    const p99 = med(c, "p99");
    rows.push({ id: `latency.p50.${c}`, section: "Latency", label: `RTT p50, ${c} (32 B, one at a time)`, value: p50, unit: "ms", ratio: p50 / nativeP50, holds: null, note: `added ${(p50 - nativeP50).toFixed(3)} ms`, samples: samples[c].map((s) => s.p50) });
    const extension = c === "inspect" || c === "protected";
    rows.push({
      id: `latency.p99.${c}`,
      section: "Latency",
      label: `RTT p99, ${c}${c === "native" ? "" : ` (added ${(p99 - nativeP99).toFixed(3)} ms)`}`,
      value: p99,
      unit: "ms",
      ratio: p99 / nativeP99,
      target: extension ? "added <= 0.1 ms" : undefined,
      holds: extension ? p99 - nativeP99 <= 0.1 : null,
      samples: samples[c].map((s) => s.p99),
    });
  }
  ctx.rows.push(...rows);
}

/** Where the page's time goes with the extension, from a readable build: inspect and protected echo runs. */
export async function throughputProfiles(ctx: Ctx): Promise<void> {
  const n = ctx.quick ? 200 : 20000;
  await setSettings(ctx.readable, { rules: [protectedRule(ctx.server.wsOrigin)] });
  const runs = [
    ["inspect", "text", n, 1024],
    ["protected", "text", n, 1024],
    ["inspect", "binary", n / 20, 65536],
  ] as const;
  for (const [config, kind, count, size] of runs) {
    const page = await openConfig(ctx, config, ctx.readable);
    await page.bringToFront();
    const cdp = await ctx.readable.context.newCDPSession(page);
    const echo = () => page.evaluate(([k, c, s]) => (window as unknown as PageB).B.throughput(k, c, s), [kind, count, size] as const);
    await echo();
    const { profile } = await profiled(cdp, echo);
    ctx.profiles.push(summarise(`page, ${config}, ${count} x ${size / 1024} KiB ${kind} echo`, profile, isExtensionUrl));
    await cdp.detach();
    await page.close();
  }
}
