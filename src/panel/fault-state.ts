/**
 * What faults are in force on a socket, read from its `fault` recorder events: the panel shows a
 * countdown for the ones that end by themselves and offers to end them early.
 */
import type { SocketId } from "../shared/protocol";
import type { LifecycleEvent } from "./socket-log";
import type { SocketView } from "./socket-view";

export interface ActiveFaults {
  /** Time the tab's "offline" ends (absent when not offline). */
  offlineUntil?: number;
  blackholeUntil?: number;
  /** Time connections to the socket's endpoint stop being refused. */
  refuseUntil?: number;
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
    else if (e.fault === "refuse") out.refuseUntil = e.active ? e.untilT : undefined;
  }
  if (out.offlineUntil !== undefined && out.offlineUntil <= now) out.offlineUntil = undefined;
  if (out.blackholeUntil !== undefined && out.blackholeUntil <= now) out.blackholeUntil = undefined;
  if (out.refuseUntil !== undefined && out.refuseUntil <= now) out.refuseUntil = undefined;
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
  /** `untilT` (offline, black-hole, refuse) or `detail` (latency) of a fault started; undefined once ended. */
  value: number | string | undefined;
}

interface SocketFaults {
  offline?: Decided;
  blackhole?: Decided;
  latency?: Decided;
  refuse?: Decided;
}

export type LastingFault = "offline" | "blackhole" | "latency" | "refuse";
const LASTING: ReadonlySet<string> = new Set<LastingFault>(["offline", "blackhole", "latency", "refuse"]);

/** A fault in force, over every socket it is on: identical ones (same kind, same end or detail) go together. */
export interface FaultInForce {
  kind: LastingFault;
  /** The live sockets it is on, in the order they first had a fault; none for "offline", the tab's. */
  sockets: SocketView[];
  /** When it ends by itself (offline, black-hole, refuse). */
  until?: number;
  /** Latency's "in 200 ms, out 0 ms". */
  detail?: string;
}

/**
 * `activeFaults` kept up to date as `fault` events are applied, so that a render does not walk every
 * event of every socket: only the sockets with a fault started and not ended are looked at.
 *
 * Offline is the tab's: the page world records its start on every socket it drops, but its end only on
 * the sockets still usable then, so the latest offline event of any socket decides, not each socket's.
 */
export class FaultTracker {
  private readonly sockets = new Map<SocketId, SocketFaults>();
  /** Sockets with a fault whose latest event started it. */
  private readonly started = new Set<SocketId>();
  /** Time of the latest end of an offline fault, on any socket. */
  private offlineEndT = -Infinity;

  apply(event: FaultEvent): void {
    if (!LASTING.has(event.fault)) return;
    const kind = event.fault as LastingFault;
    if (event.fault === "offline" && !event.active) this.offlineEndT = Math.max(this.offlineEndT, event.t);
    let faults = this.sockets.get(event.socket);
    if (!faults) this.sockets.set(event.socket, (faults = {}));
    const before = faults[kind];
    if (before && before.t > event.t) return;
    faults[kind] = { t: event.t, value: !event.active ? undefined : kind === "latency" ? event.detail : event.untilT };
    if ([faults.offline, faults.blackhole, faults.latency, faults.refuse].some((d) => d?.value !== undefined)) this.started.add(event.socket);
    else this.started.delete(event.socket);
  }

  /** The faults in force on one socket, as its own events say. */
  of(socket: SocketId, now: number): ActiveFaults {
    const faults = this.sockets.get(socket);
    const out: ActiveFaults = {};
    if (!faults) return out;
    out.offlineUntil = future(faults.offline?.value, now);
    out.blackholeUntil = future(faults.blackhole?.value, now);
    out.refuseUntil = future(faults.refuse?.value, now);
    const latency = faults.latency?.value;
    out.latency = typeof latency === "string" ? latency : undefined;
    return out;
  }

  /**
   * Every fault in force in the tab: offline first (on the tab), then black-holes, refusals and
   * latencies of the sockets `view` says are of the page now and not closed (a closed socket carries
   * no fault; an imported or previous page's one is not this tab's). A refusal is of an endpoint, not
   * of a connection: it stays in force, and listed, after the socket it was started on closed (a
   * server restart closes it at once).
   */
  inForce(now: number, view: (id: SocketId) => SocketView | undefined): FaultInForce[] {
    // The latest start of an offline after its latest end, on any socket, says until when.
    let offline: Decided | undefined;
    const groups = new Map<string, FaultInForce>();
    const add = (kind: LastingFault, socket: SocketView, until?: number, detail?: string): void => {
      const key = `${kind} ${until ?? ""} ${detail ?? ""}`;
      const group = groups.get(key);
      if (group) group.sockets.push(socket);
      else groups.set(key, { kind, sockets: [socket], until, detail });
    };
    for (const id of this.started) {
      const socket = view(id);
      if (!socket || socket.origin !== "live") continue;
      const faults = this.sockets.get(id)!;
      // Offline drops the sockets it is on: closed ones still say the tab is offline.
      const start = faults.offline;
      if (start?.value !== undefined && start.t >= this.offlineEndT && (!offline || later(start, offline))) offline = start;
      const refuse = future(faults.refuse?.value, now);
      if (refuse !== undefined) add("refuse", socket, refuse);
      if (socket.state === "closed") continue;
      const blackhole = future(faults.blackhole?.value, now);
      if (blackhole !== undefined) add("blackhole", socket, blackhole);
      const latency = faults.latency?.value;
      if (typeof latency === "string") add("latency", socket, undefined, latency);
    }
    // Black-holes and refusals first, the soonest to end first; then the oldest sockets' first: the same order every render.
    const grouped = [...groups.values()].sort(
      (a, b) =>
        Number(a.kind === "latency") - Number(b.kind === "latency") ||
        (a.until ?? 0) - (b.until ?? 0) ||
        a.sockets[0]!.createdAt - b.sockets[0]!.createdAt ||
        (a.sockets[0]!.id < b.sockets[0]!.id ? -1 : 1),
    );
    const until = future(offline?.value, now);
    return until === undefined ? grouped : [{ kind: "offline", sockets: [], until }, ...grouped];
  }

  /** Whether a countdown may run (an offline, a black-hole or a refusal that ends by itself). */
  ticking(now: number): boolean {
    for (const id of this.started) {
      const faults = this.sockets.get(id);
      if ([faults?.offline, faults?.blackhole, faults?.refuse].some((d) => future(d?.value, now) !== undefined)) return true;
    }
    return false;
  }

  forget(socket: SocketId): void {
    this.sockets.delete(socket);
    this.started.delete(socket);
  }

  clear(): void {
    this.sockets.clear();
    this.started.clear();
    this.offlineEndT = -Infinity;
  }
}

/** Whether `a` was started after `b` (at the same time: the one that lasts longer). */
function later(a: Decided, b: Decided): boolean {
  return a.t > b.t || (a.t === b.t && (a.value as number) > (b.value as number));
}

function future(value: number | string | undefined, now: number): number | undefined {
  return typeof value === "number" && value > now ? value : undefined;
}
