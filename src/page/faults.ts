/**
 * Faults forced from the panel, made real beneath the page and beneath the engine.
 *
 * They act on the wires of each socket (wire.ts): every native connection a socket has, the page's own
 * object's and each replacement the engine dials. A drop delivers `error` + `close` 1006 as a real loss
 * does; a close, the server's closing handshake; "offline" drops every socket and sends every socket
 * dialled during the window to a port that fails at once (`unreachable`), so no server sees a
 * handshake; "refuse" sends there only the sockets dialled to one endpoint (or any), leaving the
 * connections that are up alone, as a server that restarts does. Only the made-up events are synthetic.
 *
 * Faults a resilience check started (`check`) are remembered as its, so that when the check ends, or
 * the last panel leaves, those still in force end (`endCheckFaults`); the user's own faults stay. A
 * fault set again by the user becomes the user's, and the other way round.
 *
 * A protected socket's engine sees the fault exactly as it would see the real failure, so it takes its
 * ordinary reconnect path; an unprotected page sees what the browser would show it.
 */
import type { FaultCommand, FaultKind, FaultTarget } from "../shared/protocol";
import type { PageSocket } from "./page-socket";
import type { Wire } from "./wire";
import type { Natives } from "./natives";

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 3;

/** What the recorder needs to hear about faults. */
export interface FaultRecorder {
  fault(socket: string, fault: FaultKind, active: boolean, detail?: string, untilT?: number): void;
}

/**
 * Where a socket dialled while the network is "offline" connects instead: port 1 of the loopback, a
 * port both browsers refuse before any network activity (the fetch standard's bad ports) with the
 * failure a real unreachable server gives (`error`, then `close` 1006), trusted events and all. The
 * server the page asked for never sees a handshake. Same scheme, so mixed-content rules read the same.
 */
export function unreachable(url: string): string {
  return url.startsWith("wss:") ? "wss://127.0.0.1:1/" : "ws://127.0.0.1:1/";
}

export interface FaultHost {
  /** Asks a protected socket's engine to probe or dial now ("online" ends an outage; "visible" dials a waiting socket). */
  environment(socket: PageSocket, ev: "online" | "offline" | "visible"): void;
}

/** An endpoint refusing connections (see `refuse`): until when, the sockets its record is on, whose it is. */
interface Refusal {
  until: number;
  timer: unknown;
  sockets: string[];
  check: boolean;
}

/** The key of a refusal for every URL (a `{ tab: true }` target). */
const EVERY_URL = "*";

export class Faults {
  private offlineUntil = 0;
  private offlineTimer: unknown = null;
  private readonly timers = new Map<string, unknown>();
  /** Refusals in force, by endpoint (`endpointOf`) or EVERY_URL. */
  private readonly refusals = new Map<string, Refusal>();
  /** Lasting faults a check started and nobody set since: `offline`, `blackhole:<id>`, `latency:<id>`. */
  private readonly byCheck = new Set<string>();

  constructor(
    private readonly n: Natives,
    private readonly host: FaultHost,
    private readonly recorder: FaultRecorder,
    /** Sockets of this page world that the page can still use. */
    private readonly sockets: () => Iterable<PageSocket>,
  ) {}

  get offline(): boolean {
    return this.n.now() < this.offlineUntil;
  }

  /** Whether a new connection may go elsewhere now: asked first, so the common path converts no URL. */
  get diverting(): boolean {
    return this.offlineUntil !== 0 || this.refusals.size > 0;
  }

  /** Whether a connection dialled now to `url` must fail as unreachable (offline, or its endpoint refuses). */
  diverts(url: string): boolean {
    if (this.offline) return true;
    if (this.refusals.size === 0) return false;
    const now = this.n.now();
    const every = this.refusals.get(EVERY_URL);
    if (every && now < every.until) return true;
    const one = this.refusals.get(endpointOf(url, this.n));
    return !!one && now < one.until;
  }

  /** `check`: a resilience check sent it (see the top of this file). */
  apply(target: FaultTarget, fault: FaultCommand, find: (id: string) => PageSocket | undefined, check = false): void {
    const targets = "tab" in target ? [...this.sockets()] : [find(target.socket)].filter((s): s is PageSocket => !!s);
    const now = this.n.now();
    if (fault.kind === "offline") {
      this.own("offline", fault.durationMs > 0, check);
      return this.setOffline(fault.durationMs, now);
    }
    if (fault.kind === "refuse") return this.refuse(target, targets, fault.durationMs, now, check);
    for (const s of targets) {
      // A fault that finds nothing to act on says so in the socket's record, rather than nothing at all.
      const why = notApplied(s, fault, "socket" in target);
      if (why) {
        this.recorder.fault(s.id, fault.kind, false, why);
        continue;
      }
      if (fault.kind === "blackhole") this.own(`blackhole:${s.id}`, fault.durationMs > 0, check);
      if (fault.kind === "latency") this.own(`latency:${s.id}`, fault.inMs > 0 || fault.outMs > 0, check);
      this.applyTo(s, fault, now);
    }
  }

  /**
   * Ends every fault a check started that is still in force (the check ended, or the last panel left),
   * each recorded as ended as usual.
   */
  endCheckFaults(find: (id: string) => PageSocket | undefined): void {
    const now = this.n.now();
    // Only what is still in force: one that ended by itself was recorded as ended then.
    for (const key of this.byCheck) {
      const at = key.indexOf(":");
      const s = at < 0 ? undefined : find(key.slice(at + 1));
      if (key === "offline") {
        if (this.offline) this.setOffline(0, now);
      } else if (key.startsWith("blackhole:")) {
        if (s && this.timers.has(key)) this.blackHole(s, 0, now);
      } else if (s && (s.latencyIn > 0 || s.latencyOut > 0)) {
        this.applyTo(s, { kind: "latency", inMs: 0, outMs: 0 }, now);
      }
    }
    this.byCheck.clear();
    for (const [key, refusal] of [...this.refusals]) if (refusal.check) this.endRefusal(key);
  }

  /** Who owns a lasting fault now: set by a check, it is the check's; set by the user or ended, nobody's. */
  private own(key: string, starts: boolean, check: boolean): void {
    if (starts && check) this.byCheck.add(key);
    else this.byCheck.delete(key);
  }

  /**
   * Connections dialled to the target's endpoint (every URL, for the tab) fail as unreachable for
   * `durationMs`, through the same redirect as "offline" (the hook's `connectUrl` for the page's new
   * sockets, `dialUrl` for the engine's reconnects). Recorded on the target (the tab: its live sockets)
   * as started and, when it ends, as ended. 0 ends it; for the tab, every refusal.
   */
  private refuse(target: FaultTarget, targets: PageSocket[], durationMs: number, now: number, check: boolean): void {
    const named = "socket" in target;
    // Another frame's socket: its own page world acts.
    if (named && targets.length === 0) return;
    const key = named ? endpointOf(targets[0]!.url, this.n) : EVERY_URL;
    if (durationMs <= 0) {
      if (named) this.endRefusal(key);
      else for (const k of [...this.refusals.keys()]) this.endRefusal(k);
      return;
    }
    const old = this.refusals.get(key);
    if (old) this.n.clearTimeout(old.timer as number);
    const until = now + durationMs;
    const sockets = targets.map((s) => s.id);
    const timer = this.n.setTimeout(() => this.endRefusal(key), durationMs);
    this.refusals.set(key, { until, timer, sockets, check });
    for (const id of sockets) this.recorder.fault(id, "refuse", true, `${durationMs} ms`, until);
  }

  private endRefusal(key: string): void {
    const refusal = this.refusals.get(key);
    if (!refusal) return;
    this.n.clearTimeout(refusal.timer as number);
    this.refusals.delete(key);
    for (const id of refusal.sockets) this.recorder.fault(id, "refuse", false);
  }

  private applyTo(s: PageSocket, fault: Exclude<FaultCommand, { kind: "offline" | "refuse" }>, now: number): void {
    switch (fault.kind) {
      case "drop":
        this.recorder.fault(s.id, "drop", false);
        return this.drop(s);
      case "close":
        this.recorder.fault(s.id, "close", false, `${fault.code} ${fault.reason}`.trim());
        return this.closeAsServer(s, fault.code, fault.reason);
      case "blackhole":
        return this.blackHole(s, fault.durationMs, now);
      case "latency": {
        s.latencyIn = fault.inMs;
        s.latencyOut = fault.outMs;
        const on = fault.inMs > 0 || fault.outMs > 0;
        return this.recorder.fault(s.id, "latency", on, on ? `in ${fault.inMs} ms, out ${fault.outMs} ms` : undefined);
      }
      case "inject":
        return this.inject(s, decode(fault.data, fault.encoding, s.n));
      case "send":
        try {
          // As the page would send it, recorded at the wire as the panel's.
          s.sendAs(decode(fault.data, fault.encoding, s.n), "panel");
        } catch (e) {
          this.recorder.fault(s.id, "send", false, `not sent: ${String(e)}`);
        }
        return;
      case "reconnect":
        // The tab's "reconnect now" is for the protected sockets among them; the others have no backoff.
        if (!s.conn) return;
        this.recorder.fault(s.id, "reconnect", false);
        return this.host.environment(s, "visible");
    }
  }

  /**
   * A connection lost without a closing handshake. What browsers show for that (Chromium and Firefox
   * alike, checked against a real server kill): an open connection gets `close` 1006 alone; one still
   * connecting gets `error`, then `close` 1006, as a refused connect does.
   */
  private drop(s: PageSocket): void {
    const n = s.n;
    this.endWires(s, (wire) => [
      ...(wire.nativeState === CONNECTING ? [new n.Event("error")] : []),
      new n.CloseEvent("close", { code: 1006, reason: "", wasClean: false }),
    ]);
  }

  /** The server's closing handshake with `code` and `reason`. */
  private closeAsServer(s: PageSocket, code: number, reason: string): void {
    const n = s.n;
    this.endWires(s, () => [new n.CloseEvent("close", { code, reason, wasClean: true })]);
  }

  private endWires(s: PageSocket, events: (wire: Wire) => Event[]): void {
    for (const wire of s.live()) {
      // Unprotected, the page reads CLOSED when the close arrives, whatever the native handshake does.
      const onEnd = wire === s.wire && !s.conn ? () => (s.faultState = CLOSED) : undefined;
      wire.end(events(wire), 0, onEnd);
    }
  }

  private blackHole(s: PageSocket, durationMs: number, now: number): void {
    const until = durationMs > 0 ? now + durationMs : 0;
    for (const wire of s.live()) wire.blackHole(until);
    this.recorder.fault(s.id, "blackhole", durationMs > 0, durationMs > 0 ? `${durationMs} ms` : undefined, until || undefined);
    this.endLater(`blackhole:${s.id}`, durationMs, () => this.recorder.fault(s.id, "blackhole", false));
  }

  private setOffline(durationMs: number, now: number): void {
    const wasOffline = this.offline;
    // The previous fault's own end must not end this one.
    if (this.offlineTimer !== null) this.n.clearTimeout(this.offlineTimer as number);
    this.offlineTimer = null;
    this.offlineUntil = durationMs > 0 ? now + durationMs : 0;
    const sockets = [...this.sockets()];
    // The end of a fault in force is recorded once, by backOnline.
    const ending = durationMs <= 0 && wasOffline;
    for (const s of ending ? [] : sockets) {
      this.recorder.fault(s.id, "offline", durationMs > 0, durationMs > 0 ? `${durationMs} ms` : undefined, this.offlineUntil || undefined);
    }
    if (durationMs > 0) {
      for (const s of sockets) {
        if (s.conn) this.host.environment(s, "offline");
        this.drop(s);
      }
    } else if (wasOffline) {
      this.backOnline();
    }
    this.offlineTimer = durationMs > 0 ? this.n.setTimeout(() => this.backOnline(), durationMs) : null;
  }

  private backOnline(): void {
    this.offlineTimer = null;
    this.offlineUntil = 0;
    for (const s of this.sockets()) {
      this.recorder.fault(s.id, "offline", false);
      if (s.conn) this.host.environment(s, "online");
    }
  }

  private inject(s: PageSocket, data: unknown): void {
    const wire = s.live().find((w) => w.nativeState === OPEN);
    if (!wire) {
      this.recorder.fault(s.id, "inject", false, "not delivered: the socket is not open");
      return;
    }
    wire.inject(data, originOf(s.url));
  }

  private endLater(key: string, ms: number, fn: () => void): void {
    const old = this.timers.get(key);
    if (old !== undefined) this.n.clearTimeout(old as number);
    this.timers.delete(key);
    if (ms <= 0) return;
    this.timers.set(
      key,
      this.n.setTimeout(() => {
        this.timers.delete(key);
        fn();
      }, ms),
    );
  }
}

/**
 * Why a fault cannot act on this socket, or null when it can. Ending a fault (a duration or latency of
 * 0) always goes through: its end is recorded whatever became of the socket.
 */
function notApplied(s: PageSocket, fault: Exclude<FaultCommand, { kind: "offline" | "refuse" }>, named: boolean): string | null {
  const ending = (fault.kind === "blackhole" && fault.durationMs <= 0) || (fault.kind === "latency" && fault.inMs <= 0 && fault.outMs <= 0);
  if (ending) return null;
  if (!s.usable) return NOT_APPLIED_CLOSED;
  // Between a protected socket's connections there is no wire to drop, close or hold (a wire dialled
  // later starts clear); latency, inject and send have their own way (the socket's, or "not open").
  if ((fault.kind === "drop" || fault.kind === "close" || fault.kind === "blackhole") && s.live().length === 0) return "not applied: no connection is up";
  if (fault.kind === "reconnect" && named && !s.conn) return "not applied: the socket is not protected";
  return null;
}

export const NOT_APPLIED_CLOSED = "not applied: the socket is closed";

/**
 * A socket URL's endpoint: scheme, host, port and path, without the query (it often carries a session
 * id that changes with every connection) or anything else. Unparsable: the URL itself.
 */
export function endpointOf(url: string, n: Natives): string {
  try {
    const u = new n.URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return url;
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "";
  }
}

/** Panel payloads: text as is, binary from hex or base64 into an ArrayBuffer of the socket's realm. */
export function decode(data: string, encoding: "text" | "hex" | "base64", n: Natives): string | ArrayBuffer {
  if (encoding === "text") return data;
  let bytes: Uint8Array;
  if (encoding === "hex") {
    const clean = data.replace(/\s+/g, "");
    bytes = new Uint8Array(clean.length >> 1);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(clean.substr(i * 2, 2), 16);
  } else {
    const bin = atob(data.replace(/\s+/g, ""));
    bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  }
  const out = new n.ArrayBuffer(bytes.length);
  new Uint8Array(out).set(bytes);
  return out;
}
