/**
 * What faults are in force on a socket, read from its `fault` recorder events: the panel shows a
 * countdown for the ones that end by themselves and offers to end them early.
 */
import type { LifecycleEvent } from "./socket-log";

export interface ActiveFaults {
  /** Time the tab's "offline" ends (absent when not offline). */
  offlineUntil?: number;
  blackholeUntil?: number;
  /** "in 200 ms, out 0 ms" while latency is on. */
  latency?: string;
}

export function activeFaults(events: readonly LifecycleEvent[], now: number): ActiveFaults {
  const out: ActiveFaults = {};
  for (const e of events) {
    if (e.kind !== "fault") continue;
    if (e.fault === "offline") out.offlineUntil = e.active ? e.untilT : undefined;
    else if (e.fault === "blackhole") out.blackholeUntil = e.active ? e.untilT : undefined;
    else if (e.fault === "latency") out.latency = e.active ? e.detail : undefined;
  }
  if (out.offlineUntil !== undefined && out.offlineUntil <= now) out.offlineUntil = undefined;
  if (out.blackholeUntil !== undefined && out.blackholeUntil <= now) out.blackholeUntil = undefined;
  return out;
}

/** Seconds left, rounded up: "3 s". */
export function secondsLeft(until: number, now: number): string {
  return `${Math.max(0, Math.ceil((until - now) / 1000))} s`;
}
