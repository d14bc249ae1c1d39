/**
 * What faults are in force on a socket, read from its `fault` recorder events: the panel shows a
 * countdown for the ones that end by themselves and offers to end them early.
 */
import type { SocketId } from "../shared/protocol";
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

type FaultEvent = Extract<LifecycleEvent, { kind: "fault" }>;

/** The event that decides a lasting fault: the latest by time (ties: the one that came last, as in the log). */
interface Decided {
  t: number;
  /** `untilT` (offline, black-hole) or `detail` (latency) of a fault started; undefined once ended. */
  value: number | string | undefined;
}

interface SocketFaults {
  offline?: Decided;
  blackhole?: Decided;
  latency?: Decided;
}

/**
 * `activeFaults` kept up to date as `fault` events are applied, so that a render does not walk every
 * event of every socket (the tab's offline is any socket's). Sockets with a countdown are kept apart:
 * the tab's offline and the ticking timer look at those only.
 */
export class FaultTracker {
  private readonly sockets = new Map<SocketId, SocketFaults>();
  /** Sockets whose offline or black-hole was last started with an end time. */
  private readonly timed = new Set<SocketId>();

  apply(event: FaultEvent): void {
    if (event.fault !== "offline" && event.fault !== "blackhole" && event.fault !== "latency") return;
    let faults = this.sockets.get(event.socket);
    if (!faults) this.sockets.set(event.socket, (faults = {}));
    const before = faults[event.fault];
    if (before && before.t > event.t) return;
    faults[event.fault] = { t: event.t, value: !event.active ? undefined : event.fault === "latency" ? event.detail : event.untilT };
    if (faults.offline?.value !== undefined || faults.blackhole?.value !== undefined) this.timed.add(event.socket);
    else this.timed.delete(event.socket);
  }

  /** The faults in force on one socket (its own offline included). */
  of(socket: SocketId, now: number): ActiveFaults {
    const faults = this.sockets.get(socket);
    const out: ActiveFaults = {};
    if (!faults) return out;
    out.offlineUntil = future(faults.offline?.value, now);
    out.blackholeUntil = future(faults.blackhole?.value, now);
    const latency = faults.latency?.value;
    out.latency = typeof latency === "string" ? latency : undefined;
    return out;
  }

  /** When the tab's offline ends, if it is offline: the latest end over its sockets. */
  offlineUntil(now: number): number | undefined {
    let until: number | undefined;
    for (const id of this.timed) {
      const end = future(this.sockets.get(id)?.offline?.value, now);
      if (end !== undefined) until = Math.max(until ?? 0, end);
    }
    return until;
  }

  /** Whether a countdown runs (an offline or a black-hole that ends by itself). */
  ticking(now: number): boolean {
    for (const id of this.timed) {
      const faults = this.sockets.get(id);
      if (future(faults?.offline?.value, now) !== undefined || future(faults?.blackhole?.value, now) !== undefined) return true;
    }
    return false;
  }

  forget(socket: SocketId): void {
    this.sockets.delete(socket);
    this.timed.delete(socket);
  }

  clear(): void {
    this.sockets.clear();
    this.timed.clear();
  }
}

function future(value: number | string | undefined, now: number): number | undefined {
  return typeof value === "number" && value > now ? value : undefined;
}
