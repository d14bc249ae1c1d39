/**
 * Which way a protected socket's losses go (DESIGN.md, "Strategy"). `auto` picks the recognised
 * protocol's strategy (src/core/protocols/), and `transparent` for a socket of no known protocol.
 */
import type { Strategy } from "../shared/settings";
import type { Recognition } from "./protocols/registry";

export type ResolvedStrategy = "transparent" | "surface";

export interface StrategyChoice {
  strategy: ResolvedStrategy;
  reason: string;
  /** The recognised protocol's name, if any. */
  protocol?: string;
}

/** `forced`: the host's choice, which wins over the rule's (the reason says so). */
export function resolveStrategy(configured: Strategy, recognised: Recognition | null, forced?: ResolvedStrategy): StrategyChoice {
  if (forced) return { ...resolveStrategy(configured, recognised), strategy: forced, reason: "strategy set by the host" };
  const protocol = recognised ? { protocol: recognised.protocol.name } : {};
  if (configured === "transparent" || configured === "surface") {
    return { strategy: configured, reason: `rule sets strategy "${configured}"`, ...protocol };
  }
  if (!recognised) return { strategy: "transparent", reason: "auto: no known client-library protocol recognised" };
  const p = recognised.protocol;
  return { strategy: p.strategy, reason: `auto: ${p.name} (${recognised.evidence}): ${p.why}`, ...protocol };
}
