/**
 * Faults forced from the panel, made real beneath the page and beneath the engine.
 *
 * Every native connection of a socket (the page's own object, and each replacement the engine dials)
 * gets a `Wire` once a fault concerns it. A wire sits between the browser's events and whoever reads
 * them (the page's listeners, or the engine's): it can hold events back (black-hole, latency) and let
 * copies through later in the same order, or end the connection for good (drop, close, offline): the
 * native socket is really closed (the server sees it go), its own late events are ignored, and what a
 * real failure of that kind produces is delivered instead (`error` + `close` 1006 for a drop; `close`
 * with the server's code for a close). Only these made-up events are synthetic.
 *
 * A protected socket's engine sees the fault exactly as it would see the real failure, so it takes its
 * ordinary reconnect path; an unprotected page sees what the browser would show it.
 */
import type { FaultCommand, FaultKind, FaultTarget } from "../shared/protocol";
import type { SocketLike } from "../core/types";
import { apply, NO_ARGS, type Natives } from "./natives";
import type { TrackedSocket } from "./hook";

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 3;

/** How long a connect takes to fail when the network is "offline" (a refused connection is this quick). */
const UNREACHABLE_MS = 10;

type Deliver = (ev: Event) => void;

interface Held {
  due: number;
  run: () => void;
}

/** What the recorder needs to hear about faults. */
export interface FaultRecorder {
  fault(socket: string, fault: FaultKind, active: boolean, detail?: string, untilT?: number): void;
  /** Records a frame put there by the panel (not by the app). */
  injected(socket: string, dir: "in" | "out", data: unknown): void;
}

/** One native connection of a socket, with the faults that concern it. */
export class Wire {
  /** Ended by a fault: the native socket's own events are ignored from now on. */
  dead = false;
  private blackHoleUntil = 0;
  private readonly inbound: Held[] = [];
  private readonly outbound: Held[] = [];
  private timer: unknown = null;

  constructor(
    readonly ws: WebSocket,
    private readonly socket: SocketFaults,
    /** Hands an event (native, or a copy made later) to whoever reads this connection. */
    readonly deliver: Deliver,
  ) {}

  private get n(): Natives {
    return this.socket.n;
  }

  get nativeState(): number {
    return apply(this.n.readyState, this.ws, NO_ARGS);
  }

  /** Called for every trusted event of the native socket: true when the wire keeps it (to deliver a copy later, or never). */
  hold(ev: Event): boolean {
    if (this.dead) return true;
    const now = this.n.now();
    const latency = this.socket.latencyIn;
    if (now < this.blackHoleUntil || latency > 0 || this.inbound.length > 0) {
      const copy = this.copy(ev);
      const due = Math.max(now + latency, this.blackHoleUntil);
      this.inbound.push({ due, run: () => this.deliver(copy) });
      this.schedule();
      return true;
    }
    return false;
  }

  /** Outbound data: to the wire now, or later in order. */
  send(data: unknown): void {
    if (this.dead) return;
    const now = this.n.now();
    const latency = this.socket.latencyOut;
    if (now < this.blackHoleUntil || latency > 0 || this.outbound.length > 0) {
      this.outbound.push({ due: Math.max(now + latency, this.blackHoleUntil), run: () => this.sendNow(data) });
      this.schedule();
      return;
    }
    this.sendNow(data);
  }

  blackHole(untilT: number): void {
    this.blackHoleUntil = untilT;
    for (const h of this.inbound) h.due = Math.max(h.due, untilT);
    for (const h of this.outbound) h.due = Math.max(h.due, untilT);
    this.schedule();
  }

  /**
   * Tears the native connection down and delivers what a failure of that kind shows; `onEnd` runs
   * just before (the page-visible readyState of an unprotected socket turns CLOSED there).
   */
  end(after: Event[], delayMs = 0, onEnd?: () => void): void {
    if (this.dead) return;
    this.dead = true;
    this.inbound.length = 0;
    this.outbound.length = 0;
    const n = this.n;
    try {
      apply(n.close, this.ws, NO_ARGS);
    } catch {
      // Already closing: nothing more to tear down.
    }
    n.setTimeout(() => {
      onEnd?.();
      for (const ev of after) this.deliver(ev);
    }, delayMs);
  }

  private sendNow(data: unknown): void {
    if (this.dead) return;
    apply(this.n.send, this.ws, [data]);
  }

  private copy(ev: Event): Event {
    const n = this.n;
    switch (ev.type) {
      case "message":
        return new n.MessageEvent("message", { data: apply(n.messageData, ev, NO_ARGS), origin: apply(n.messageOrigin, ev, NO_ARGS) });
      case "close":
        return new n.CloseEvent("close", {
          code: apply(n.closeCode, ev, NO_ARGS),
          reason: apply(n.closeReason, ev, NO_ARGS),
          wasClean: apply(n.closeWasClean, ev, NO_ARGS),
        });
      default:
        return new n.Event(ev.type);
    }
  }

  /** One timer for both directions: runs what is due, in order, and sleeps until the next. */
  private schedule(): void {
    const n = this.n;
    if (this.timer !== null) n.clearTimeout(this.timer as number);
    this.timer = null;
    const next = Math.min(this.inbound[0]?.due ?? Infinity, this.outbound[0]?.due ?? Infinity);
    if (next === Infinity) return;
    this.timer = n.setTimeout(() => {
      this.timer = null;
      const now = n.now();
      for (const queue of [this.outbound, this.inbound]) {
        while (queue.length > 0 && queue[0]!.due <= now && !this.dead) queue.shift()!.run();
      }
      this.schedule();
    }, Math.max(0, next - n.now()));
  }
}

/** The faults of one page-facing socket: its wires and the settings that outlive a single connection. */
export class SocketFaults {
  latencyIn = 0;
  latencyOut = 0;
  /** Overrides the page-visible readyState of an unprotected socket a fault ended. */
  readyState: number | null = null;
  readonly wires: Wire[] = [];
  pageWire: Wire | null = null;

  constructor(
    readonly socket: TrackedSocket,
    readonly n: Natives,
  ) {}

  /** Live wires: not ended by a fault and not closed natively. */
  live(): Wire[] {
    for (let i = this.wires.length - 1; i >= 0; i--) {
      const w = this.wires[i]!;
      if (w.dead || w.nativeState === CLOSED) this.wires.splice(i, 1);
    }
    return this.wires;
  }
}

export interface FaultHost {
  /** Re-delivers a copy of an event of the page's own socket through the normal path (recorder, engine, page). */
  redeliver(socket: TrackedSocket, ev: Event): void;
  /** The page-facing `send`, as the page would call it. */
  sendAsPage(socket: TrackedSocket, data: unknown): void;
  /** Asks a protected socket's engine to probe or dial now ("online" ends an outage; "visible" dials a waiting socket). */
  environment(socket: TrackedSocket, ev: "online" | "offline" | "visible"): void;
}

export class Faults {
  private offlineUntil = 0;
  private offlineTimer: unknown = null;
  private readonly bySocket = new WeakMap<TrackedSocket, SocketFaults>();
  private readonly timers = new Map<string, unknown>();

  constructor(
    private readonly n: Natives,
    private readonly host: FaultHost,
    private readonly recorder: FaultRecorder,
    /** Sockets of this page world that the page can still use. */
    private readonly sockets: () => Iterable<TrackedSocket>,
  ) {}

  get offline(): boolean {
    return this.n.now() < this.offlineUntil;
  }

  /** The faults of a socket, created on first need. */
  of(socket: TrackedSocket): SocketFaults {
    let f = this.bySocket.get(socket);
    if (!f) {
      f = new SocketFaults(socket, socket.natives);
      this.bySocket.set(socket, f);
      socket.faults = f;
    }
    return f;
  }

  /** The page's own native socket as a wire (events go back through the page path). */
  pageWire(socket: TrackedSocket): Wire {
    const f = this.of(socket);
    if (!f.pageWire) {
      f.pageWire = new Wire(socket.ws, f, (ev) => this.host.redeliver(socket, ev));
      f.wires.unshift(f.pageWire);
    }
    return f.pageWire;
  }

  /** A socket the page just created: while "offline" it fails as an unreachable server does. */
  created(socket: TrackedSocket): void {
    if (!this.offline) return;
    const f = this.of(socket);
    f.readyState = CONNECTING;
    const n = socket.natives;
    const wire = this.pageWire(socket);
    const closeEv = new n.CloseEvent("close", { code: 1006, reason: "", wasClean: false });
    // The page sees CLOSED from the error on, as after a real failed connect.
    wire.end([new n.Event("error"), closeEv], UNREACHABLE_MS, () => (f.readyState = CLOSED));
  }

  /**
   * A replacement connection the engine dials, wrapped so faults reach it too: while offline it fails
   * like an unreachable server.
   */
  replacement(socket: TrackedSocket, inner: SocketLike, ws: WebSocket): SocketLike {
    const f = this.of(socket);
    const listeners = new Map<string, Set<(ev: Event) => void>>();
    const deliver = (ev: Event): void => {
      for (const l of [...(listeners.get(ev.type) ?? [])]) l(ev);
    };
    const wire = new Wire(ws, f, deliver);
    f.wires.push(wire);
    const gated = new Map<(ev: Event) => void, (ev: Event) => void>();
    const socketLike: SocketLike = Object.create(inner, {
      send: { value: (data: unknown) => wire.send(data) },
      addEventListener: {
        value: (type: string, l: (ev: Event) => void) => {
          if (!listeners.has(type)) listeners.set(type, new Set());
          listeners.get(type)!.add(l);
          const g = (ev: Event) => {
            if (!wire.hold(ev)) l(ev);
          };
          gated.set(l, g);
          inner.addEventListener(type, g);
        },
      },
      removeEventListener: {
        value: (type: string, l: (ev: Event) => void) => {
          listeners.get(type)?.delete(l);
          const g = gated.get(l);
          if (g) inner.removeEventListener(type, g);
        },
      },
    });
    if (this.offline) {
      const n = socket.natives;
      wire.end([new n.Event("error"), new n.CloseEvent("close", { code: 1006, reason: "", wasClean: false })], UNREACHABLE_MS);
    }
    return socketLike;
  }

  apply(target: FaultTarget, fault: FaultCommand, find: (id: string) => TrackedSocket | undefined): void {
    const targets = "tab" in target ? [...this.sockets()] : [find(target.socket)].filter((s): s is TrackedSocket => !!s);
    const now = this.n.now();
    switch (fault.kind) {
      case "drop":
        for (const s of targets) {
          this.recorder.fault(s.id, "drop", false);
          this.drop(s);
        }
        return;
      case "close":
        for (const s of targets) {
          this.recorder.fault(s.id, "close", false, `${fault.code} ${fault.reason}`.trim());
          this.closeAsServer(s, fault.code, fault.reason);
        }
        return;
      case "offline":
        return this.setOffline(fault.durationMs, now);
      case "blackhole":
        for (const s of targets) this.blackHole(s, fault.durationMs, now);
        return;
      case "latency":
        for (const s of targets) {
          const f = this.of(s);
          f.latencyIn = fault.inMs;
          f.latencyOut = fault.outMs;
          this.live(s);
          const on = fault.inMs > 0 || fault.outMs > 0;
          this.recorder.fault(s.id, "latency", on, on ? `in ${fault.inMs} ms, out ${fault.outMs} ms` : undefined);
        }
        return;
      case "inject":
        for (const s of targets) this.inject(s, decode(fault.data, fault.encoding, s.natives));
        return;
      case "send":
        for (const s of targets) {
          const data = decode(fault.data, fault.encoding, s.natives);
          this.recorder.injected(s.id, "out", data);
          try {
            this.withoutRecording(() => this.host.sendAsPage(s, data));
          } catch (e) {
            this.recorder.fault(s.id, "send", false, `not sent: ${String(e)}`);
          }
        }
        return;
      case "reconnect":
        for (const s of targets) {
          if (!s.controller) continue;
          this.recorder.fault(s.id, "reconnect", false);
          this.host.environment(s, "visible");
        }
        return;
    }
  }

  /** True while the page-facing send of a fault runs: the fault recorded it already, as injected. */
  recordingSuppressed = false;
  /** True while an injected inbound frame is delivered: record it as injected. */
  injecting = false;

  private withoutRecording(fn: () => void): void {
    this.recordingSuppressed = true;
    try {
      fn();
    } finally {
      this.recordingSuppressed = false;
    }
  }

  private live(s: TrackedSocket): Wire[] {
    const f = this.of(s);
    // The page's own connection is a wire once a fault touches it, as long as it is still up.
    if (!f.pageWire && apply(s.natives.readyState, s.ws, NO_ARGS) !== CLOSED) this.pageWire(s);
    return f.live();
  }

  /**
   * A connection lost without a closing handshake. What browsers show for that (Chromium and Firefox
   * alike, checked against a real server kill): an open connection gets `close` 1006 alone; one still
   * connecting gets `error`, then `close` 1006, as a refused connect does.
   */
  private drop(s: TrackedSocket): void {
    const n = s.natives;
    this.endWires(s, (wire) => [
      ...(wire.nativeState === CONNECTING ? [new n.Event("error")] : []),
      new n.CloseEvent("close", { code: 1006, reason: "", wasClean: false }),
    ]);
  }

  /** The server's closing handshake with `code` and `reason`. */
  private closeAsServer(s: TrackedSocket, code: number, reason: string): void {
    const n = s.natives;
    this.endWires(s, () => [new n.CloseEvent("close", { code, reason, wasClean: true })]);
  }

  private endWires(s: TrackedSocket, events: (wire: Wire) => Event[]): void {
    const f = this.of(s);
    for (const wire of this.live(s)) {
      // Unprotected, the page reads CLOSED when the close arrives, whatever the native handshake does.
      const onEnd = wire === f.pageWire && !s.controller ? () => (f.readyState = CLOSED) : undefined;
      wire.end(events(wire), 0, onEnd);
    }
  }

  private blackHole(s: TrackedSocket, durationMs: number, now: number): void {
    const until = durationMs > 0 ? now + durationMs : 0;
    for (const wire of this.live(s)) wire.blackHole(until);
    this.recorder.fault(s.id, "blackhole", durationMs > 0, durationMs > 0 ? `${durationMs} ms` : undefined, until || undefined);
    this.endLater(`blackhole:${s.id}`, durationMs, () => this.recorder.fault(s.id, "blackhole", false));
  }

  private setOffline(durationMs: number, now: number): void {
    const wasOffline = this.offline;
    this.offlineUntil = durationMs > 0 ? now + durationMs : 0;
    const sockets = [...this.sockets()];
    for (const s of sockets) {
      this.recorder.fault(s.id, "offline", durationMs > 0, durationMs > 0 ? `${durationMs} ms` : undefined, this.offlineUntil || undefined);
    }
    if (durationMs > 0) {
      for (const s of sockets) {
        if (s.controller) this.host.environment(s, "offline");
        this.drop(s);
      }
    } else if (wasOffline) {
      this.backOnline();
    }
    if (this.offlineTimer !== null) this.n.clearTimeout(this.offlineTimer as number);
    this.offlineTimer = durationMs > 0 ? this.n.setTimeout(() => this.backOnline(), durationMs) : null;
  }

  private backOnline(): void {
    this.offlineTimer = null;
    this.offlineUntil = 0;
    for (const s of this.sockets()) {
      this.recorder.fault(s.id, "offline", false);
      if (s.controller) this.host.environment(s, "online");
    }
  }

  private inject(s: TrackedSocket, data: unknown): void {
    const wire = this.live(s).find((w) => w.nativeState === OPEN);
    if (!wire) {
      this.recorder.fault(s.id, "inject", false, "not delivered: the socket is not open");
      return;
    }
    const n = s.natives;
    this.recorder.injected(s.id, "in", data);
    this.injecting = true;
    try {
      // As if from the server: through the wire's reader, not its latency or black-hole.
      wire.deliver(new n.MessageEvent("message", { data, origin: originOf(s.url) }));
    } finally {
      this.injecting = false;
    }
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
