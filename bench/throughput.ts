/**
 * Throughput (pipelined echo: 1 KiB text, 64 KiB binary) and round-trip latency of single messages,
 * for native, Lifeguard inspect-only, Lifeguard protected, partysocket and reconnecting-websocket,
 * alternating in rotating order, one long-lived page and socket per configuration.
 */
import type { Page } from "playwright-core";
import { CONFIGS, isExtensionUrl, openConfig, protectedRule, type Config, type Ctx } from "./context";
import { profiled, summarise } from "./profile";
import { setSettings } from "./rig";
import { alternate, median, quantile } from "./stats";
import type { Row } from "./report";

type PageB = { B: { throughput(kind: string, n: number, size: number): Promise<number>; latency(n: number, size: number): Promise<number[]> } };

interface Sample {
  text: number;
  binary: number;
  p50: number;
  p99: number;
}

export async function throughputAndLatency(ctx: Ctx): Promise<void> {
  const n = ctx.quick
    ? { text: 100, binary: 10, rtt: 50, rounds: 1 }
    : { text: 3000, binary: 300, rtt: 1000, rounds: 7 };
  await setSettings(ctx.ext, { rules: [protectedRule(ctx.server.wsOrigin)] });
  const pages = {} as Record<Config, Page>;
  for (const c of CONFIGS) pages[c] = await openConfig(ctx, c);

  const once = async (config: Config): Promise<Sample> => {
    const page = pages[config];
    const text = await page.evaluate(([k, m]) => (window as unknown as PageB).B.throughput("text", k, m), [n.text, 1024] as const);
    const binary = await page.evaluate(([k, m]) => (window as unknown as PageB).B.throughput("binary", k, m), [n.binary, 65536] as const);
    const rtts = await page.evaluate(([k, m]) => (window as unknown as PageB).B.latency(k, m), [n.rtt, 32] as const);
    return { text: (n.text / text) * 1000, binary: (n.binary / binary) * 1000, p50: quantile(rtts, 0.5), p99: quantile(rtts, 0.99) };
  };
  // One warm-up round (JIT, socket buffers), not counted.
  for (const c of CONFIGS) await once(c);
  const samples = await alternate(CONFIGS, n.rounds, async (c) => once(c));
  for (const c of CONFIGS) await pages[c].close();

  const med = (c: Config, k: keyof Sample) => median(samples[c].map((s) => s[k]));
  const rows: Row[] = [];
  const section = "Throughput";
  for (const [kind, label] of [
    ["text", "1 KiB text echo"],
    ["binary", "64 KiB binary echo"],
  ] as const) {
    const native = med("native", kind);
    const libsBest = Math.max(med("partysocket", kind), med("reconnecting-websocket", kind));
    for (const c of CONFIGS) {
      const value = med(c, kind);
      const ratio = value / native;
      let target: string | undefined;
      let holds: boolean | null = null;
      if (c === "inspect") {
        target = ">= 0.97 x native";
        holds = ratio >= 0.97;
      } else if (c === "protected") {
        target = ">= 0.95 x native";
        holds = ratio >= 0.95;
      }
      rows.push({ id: `throughput.${kind}.${c}`, section, label: `${label}, ${c}`, value, unit: "msg/s", ratio, target, holds, samples: samples[c].map((s) => s[kind]) });
    }
    const lifeguardWorst = Math.min(med("inspect", kind), med("protected", kind));
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
    const cdp = await ctx.readable.context.newCDPSession(page);
    const echo = () => page.evaluate(([k, c, s]) => (window as unknown as PageB).B.throughput(k, c, s), [kind, count, size] as const);
    await echo();
    const { profile } = await profiled(cdp, echo);
    ctx.profiles.push(summarise(`page, ${config}, ${count} x ${size / 1024} KiB ${kind} echo`, profile, isExtensionUrl));
    await cdp.detach();
    await page.close();
  }
}
