/**
 * Which way a protected socket's losses go (DESIGN.md, "Strategy"). `auto` will pick `surface` for a
 * recognised client-library protocol; recognisers come in a later issue, so today `auto` resolves to
 * `transparent` and says why, for the panel.
 */
import type { Strategy } from "../shared/settings";

export type ResolvedStrategy = "transparent" | "surface";

export interface StrategyChoice {
  strategy: ResolvedStrategy;
  reason: string;
}

export function resolveStrategy(configured: Strategy, _url: string, _protocols: readonly string[]): StrategyChoice {
  if (configured === "transparent" || configured === "surface") {
    return { strategy: configured, reason: `rule sets strategy "${configured}"` };
  }
  return { strategy: "transparent", reason: "auto: no known client-library protocol recognised" };
}
