/**
 * What frame rules cost a socket (issue 22): the 1 KiB text echo of an inspect-only socket that no
 * frame rule matches (its hot path must be unchanged), of one whose URL ten frame rules match but none
 * of their matchers fits a frame (each frame is tried against all ten: text contains, regex, JSON path,
 * both directions), and native, alternating in rotating order, each sample a page of its own. The
 * settings carry the ten rules for `/rules/*` sockets throughout, so the first two differ only in
 * whether a rule matches the socket's URL.
 */
import { openConfig, protectedRule, type Ctx } from "./context";
import { setSettings } from "./rig";
import { alternate, median, quantile } from "./stats";
import type { Row } from "./report";

type PageB = { B: { throughput(kind: string, n: number, size: number): Promise<number> } };

type RulesConfig = "native" | "no-rule" | "ten-rules";
const RULES_CONFIGS: readonly RulesConfig[] = ["native", "no-rule", "ten-rules"];

/** Ten rules that every frame of a `/rules/` socket is tried against and none fits. */
export function tenFrameRules(wsOrigin: string): unknown[] {
  const match = `${wsOrigin}/rules/*`;
  const kinds = [
    { text: "never-in-a-frame" },
    { regex: "^\\{\"type\":\"never\"" },
    { path: "$.type", equals: "never" },
    { hexPrefix: "ffee" },
    { text: "also-never" },
  ];
  return Array.from({ length: 10 }, (_, i) => ({
    match,
    direction: i % 2 === 0 ? "out" : "in",
    when: kinds[i % kinds.length],
    action: i % 3 === 0 ? "drop" : "delay",
    delayMs: 1,
  }));
}

export async function frameRuleCost(ctx: Ctx): Promise<void> {
  const n = ctx.quick ? { text: 100, rounds: 1, warm: 20 } : { text: 20_000, rounds: 18, warm: 2000 };
  await setSettings(ctx.ext, { rules: [protectedRule(ctx.server.wsOrigin)], frameRules: tenFrameRules(ctx.server.wsOrigin) });

  const once = async (config: RulesConfig): Promise<number> => {
    const page = await openConfig(ctx, "inspect", config === "native" ? ctx.native : ctx.ext, config === "ten-rules" ? "/rules/echo" : "/echo");
    try {
      await page.bringToFront();
      const B = (count: number) => page.evaluate(([c]) => (window as unknown as PageB).B.throughput("text", c, 1024), [count] as const);
      await B(n.warm);
      const ms = await B(n.text);
      return (n.text / ms) * 1000;
    } finally {
      await page.close();
    }
  };
  const samples = await alternate(RULES_CONFIGS, n.rounds, async (c) => once(c));
  const ratios = (c: RulesConfig) => samples[c].map((s, i) => s / samples.native[i]!);
  const section = "Frame rules";
  const rows: Row[] = RULES_CONFIGS.map((c) => {
    const ratio = c === "native" ? 1 : median(ratios(c));
    const spread = c === "native" ? "" : ` (per-round ratios ${quantile(ratios(c), 0.25).toFixed(2)}-${quantile(ratios(c), 0.75).toFixed(2)}, middle half)`;
    const label =
      c === "native"
        ? "1 KiB text echo, native"
        : c === "no-rule"
          ? `1 KiB text echo, inspect-only, no frame rule matches the socket${spread}`
          : `1 KiB text echo, inspect-only, ten frame rules match the socket, none a frame${spread}`;
    return {
      id: `frame-rules.text.${c}`,
      section,
      label,
      value: median(samples[c]),
      unit: "msg/s",
      ratio,
      target: c === "no-rule" ? ">= 0.97 x native (the hot path unchanged)" : undefined,
      holds: c === "no-rule" ? ratio >= 0.97 : null,
      samples: samples[c],
    };
  });
  ctx.rows.push(...rows);
}
