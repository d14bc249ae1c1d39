/**
 * One native connection of a page socket: the page's own object, or a replacement the engine dials.
 * Every frame that crosses it is recorded here, once, with who made it and what became of it
 * (DESIGN.md, "Records"); faults from the panel act here too, beneath the page and beneath the engine:
 * a wire can hold events back (black-hole, latency) and let copies through later in the same order, or
 * end the connection for good (drop, close, offline): the native socket is really closed (the server
 * sees it go), its own late events are ignored, and what a real failure of that kind produces is
 * delivered instead. Only those made-up events, and the released copies, are synthetic.
 *
 * The engine sees a wire as a `SocketLike`: it sends through it with a provenance, and listens to it
 * (a replacement's events; the page's own socket's events reach the engine through the hook instead).
 */
import type { Fate, Provenance } from "../shared/protocol";
import type { SendData, SocketLike } from "../core/types";
import type { FrameRuling, RuledSocket } from "./frame-ruling";
import { apply, NO_ARGS, type Natives } from "./natives";

const OPEN = 1;

/** What the wire's socket needs: its fault settings and frame rules, and where frames are recorded. */
export interface WireOwner extends RuledSocket {
  readonly n: Natives;
  latencyIn: number;
  latencyOut: number;
  /** The frame rules of the socket's URL, or null when none: all that a frame pays when no rule applies. */
  readonly frameRules: FrameRuling | null;
  /** A frame that crossed (or was stopped at) this wire; `rule`, `pause`: the frame rule that touched it. */
  recordFrame(out: boolean, data: unknown, from: Provenance, fate: Fate, rule?: number, pause?: number): void;
  /**
   * A `message` event this wire lets through now, or a copy it released or a fault or a rule made up:
   * handed to whoever reads the connection, then recorded with what they made of it (unless `from` is
   * null: copies a fault or rule held were recorded when they arrived). `note`: the frame rule that
   * made or released it; such an event is always Lifeguard's copy, never the browser's own.
   */
  readMessage(wire: Wire, ev: MessageEvent, from: Provenance | null, note?: FrameNote): boolean;
  /** Any other event (open, error, close) let through now, or a copy released or made up. */
  readEvent(wire: Wire, ev: Event, copy: boolean): boolean;
}

/** The frame rule (its index in the settings' `frameRules`) and breakpoint behind a frame's record. */
export interface FrameNote {
  rule: number;
  pause?: number;
}

/** Something a wire keeps back, in order with the rest of its direction. */
export interface Held {
  due: number;
  /** When it would go without a black-hole (its latency only): where `due` returns when a black-hole ends early. */
  base: number;
  run: () => void;
  /**
   * Records that it will never go (its connection ended or closed while it was held or delayed): its
   * first record said `held` / `delayed`; this is the fact of what became of it, as `queued` frames
   * get a second record when they go. Released frames need none: held and delayed frames go, in order.
   */
  discard?: () => void;
}

/** The fate of an inbound event a wire keeps, or of a frame it was given to send. */
export type HoldFate = "held" | "delayed" | "dropped";

export class Wire implements SocketLike {
  /** Ended by a fault: the native socket's own events are ignored from now on. */
  dead = false;
  private blackHoleUntil = 0;
  private readonly inbound: Held[] = [];
  private readonly outbound: Held[] = [];
  private timer: unknown = null;
  /** The engine's listener on a replacement, per event type, and the gate the browser calls instead. */
  private readonly readers = new Map<string, (ev: Event) => void>();
  private readonly gates = new Map<string, (ev: Event) => void>();

  constructor(
    readonly ws: WebSocket,
    private readonly owner: WireOwner,
    /** The page's own socket (its events come through the hook) rather than a replacement. */
    readonly isPage: boolean,
  ) {}

  private get n(): Natives {
    return this.owner.n;
  }

  get nativeState(): number {
    return apply(this.n.readyState, this.ws, NO_ARGS);
  }

  // --- SocketLike, for the engine ---------------------------------------------------------------

  get readyState(): number {
    return this.nativeState;
  }
  get bufferedAmount(): number {
    return apply(this.n.bufferedAmount, this.ws, NO_ARGS);
  }
  get protocol(): string {
    return apply(this.n.protocol, this.ws, NO_ARGS);
  }
  get extensions(): string {
    return apply(this.n.extensions, this.ws, NO_ARGS);
  }
  get url(): string {
    return apply(this.n.url, this.ws, NO_ARGS);
  }
  get binaryType(): BinaryType {
    return apply(this.n.binaryType, this.ws, NO_ARGS);
  }
  set binaryType(value: BinaryType) {
    const set = Reflect.getOwnPropertyDescriptor(this.n.wsProto, "binaryType")!.set!;
    apply(set, this.ws, [value]);
  }

  /**
   * Outbound data: on the wire now, or later in order (latency, black-hole), or nowhere (a fault ended
   * the connection). Recorded once, here. As native: CONNECTING throws the browser's own error, and
   * after the close the frame is discarded silently: recorded as dropped, since a page that sends into
   * a closed socket has lost that message, whether or not it knows.
   */
  send(data: SendData | unknown, from: Provenance = "page"): void {
    if (this.nativeState !== OPEN) {
      if (!this.dead) apply(this.n.send, this.ws, [data]);
      this.owner.recordFrame(true, data, from, "dropped");
      return;
    }
    // Frame rules see the page's own frames only, when they really go (a queued one after a reconnect).
    const rules = this.owner.frameRules;
    if (rules !== null && from === "page" && !this.dead && rules.outbound(this.owner, this, data)) return;
    this.go(data, from);
  }

  /**
   * An outbound frame on an open wire: on the wire now, or later in order (latency, black-hole, a
   * rule's `delayMs`, frames waiting ahead of it), or nowhere (a fault ended the connection). Recorded
   * once, here.
   */
  go(data: unknown, from: Provenance, rule?: number, delayMs = 0): void {
    let fate: Fate = "sent";
    if (this.dead) fate = "dropped";
    else if (this.blackHoleUntil !== 0 || this.owner.latencyOut > 0 || this.outbound.length > 0 || delayMs > 0) {
      const now = this.n.now();
      const base = now + this.owner.latencyOut + delayMs;
      const due = Math.max(base, this.blackHoleUntil);
      // Lifeguard's own ping does not wait behind frames a rule holds (a breakpoint): its reply would
      // come too late, and the engine would take a healthy connection for dead and drop what is paused.
      // A black-hole or latency holds it as the network would.
      const overtakes = from === "heartbeat" && this.blackHoleUntil === 0 && this.owner.latencyOut === 0;
      if ((due > now || this.outbound.length > 0) && !overtakes) {
        fate = delayMs === 0 && now < this.blackHoleUntil ? "held" : "delayed";
        const discard = (): void => this.owner.recordFrame(true, data, from, "dropped", rule);
        this.outbound.push({ due, base, run: () => (this.nativeState === OPEN ? this.sendNow(data) : discard()), discard });
        this.schedule();
      } else {
        this.sendNow(data);
      }
    } else {
      apply(this.n.send, this.ws, [data]);
    }
    this.owner.recordFrame(true, data, from, fate, rule);
  }

  close(code?: number, reason?: string): void {
    // Frames held or delayed on their way out can no longer go (a closing socket discards what it is
    // given): the engine abandoning a dead connection, or the page closing mid black-hole.
    for (const held of this.outbound.splice(0)) held.discard?.();
    const args: unknown[] = [];
    if (code !== undefined) args.push(code);
    if (reason !== undefined) args.push(reason);
    apply(this.n.close, this.ws, args);
  }

  /** The engine listens to a replacement: each event passes the wire's faults first, and is recorded. */
  addEventListener(type: string, listener: (ev: Event) => void): void {
    const gate = (ev: Event): void => {
      if (type === "message") {
        if (!this.arrive(ev as MessageEvent)) this.owner.readMessage(this, ev as MessageEvent, "page");
      } else if (!this.hold(ev)) {
        this.owner.readEvent(this, ev, false);
      }
    };
    this.readers.set(type, listener);
    this.gates.set(type, gate);
    apply(this.n.addEventListener, this.ws, [type, gate]);
  }

  removeEventListener(type: string, listener: (ev: Event) => void): void {
    const gate = this.gates.get(type);
    if (!gate || this.readers.get(type) !== listener) return;
    this.gates.delete(type);
    this.readers.delete(type);
    apply(this.n.removeEventListener, this.ws, [type, gate]);
  }

  /** Hands an event to the engine that listens to this replacement (one listener per type). */
  toEngine(ev: Event): void {
    this.readers.get(ev.type)?.(ev);
  }

  // --- Faults and frame rules ------------------------------------------------------------------------

  /**
   * A trusted `message` event of the native socket: true when the wire keeps it from its reader (a
   * frame rule took it, or a fault holds or dropped it; recorded here), false when it is read now.
   */
  arrive(ev: MessageEvent): boolean {
    const rules = this.owner.frameRules;
    if (rules !== null && !this.dead && rules.inbound(this.owner, this, ev)) return true;
    const held = this.hold(ev);
    if (held) this.owner.recordFrame(false, apply(this.n.messageData, ev, NO_ARGS), "page", held);
    return held !== null;
  }

  /**
   * An inbound frame a rule made or delayed, as if the server sent it now: read now, or later in order
   * behind what the wire holds (recorded now as held or delayed, then released unrecorded, as a
   * fault's held frames are).
   */
  deliver(data: unknown, origin: string, from: Provenance, rule: number, delayMs = 0): void {
    const n = this.n;
    const ev = new n.MessageEvent("message", { data, origin });
    if (this.blackHoleUntil === 0 && this.owner.latencyIn === 0 && this.inbound.length === 0 && delayMs === 0) {
      this.owner.readMessage(this, ev, from, { rule });
      return;
    }
    const now = n.now();
    const base = now + this.owner.latencyIn + delayMs;
    const due = Math.max(base, this.blackHoleUntil);
    this.inbound.push({ due, base, run: () => this.release(ev), discard: () => this.owner.recordFrame(false, data, from, "dropped", rule) });
    this.schedule();
    this.owner.recordFrame(false, data, from, delayMs === 0 && now < this.blackHoleUntil ? "held" : "delayed", rule);
  }

  /** Keeps `held` in its direction's order until its `base` (a breakpoint: until it is answered or times out). */
  keep(out: boolean, held: Held): void {
    held.due = Math.max(held.base, this.blackHoleUntil);
    (out ? this.outbound : this.inbound).push(held);
    this.schedule();
  }

  /** Takes back what `keep` kept (a paused frame dropped): false when it already went. */
  withdraw(out: boolean, held: Held): boolean {
    const queue = out ? this.outbound : this.inbound;
    const i = queue.indexOf(held);
    if (i < 0) return false;
    queue.splice(i, 1);
    this.schedule();
    return true;
  }

  /** What `keep` kept may go now (still behind whatever is ahead of it, and a black-hole). */
  hurry(held: Held): void {
    held.base = this.n.now();
    held.due = Math.max(held.base, this.blackHoleUntil);
    this.schedule();
  }

  /** Sends now, unless the connection is no longer open: whether it went. */
  transmit(data: unknown): boolean {
    if (this.dead || this.nativeState !== OPEN) return false;
    apply(this.n.send, this.ws, [data]);
    return true;
  }

  /** A trusted event of the native socket: what the wire keeps it for (a copy goes on later, or never), or null. */
  hold(ev: Event): HoldFate | null {
    if (this.dead) return "dropped";
    if (this.blackHoleUntil === 0 && this.owner.latencyIn === 0 && this.inbound.length === 0) return null;
    const now = this.n.now();
    const latency = this.owner.latencyIn;
    if (now < this.blackHoleUntil || latency > 0 || this.inbound.length > 0) {
      const copy = this.copy(ev);
      const base = now + latency;
      const due = Math.max(base, this.blackHoleUntil);
      const held: Held = { due, base, run: () => this.release(copy) };
      if (ev.type === "message") held.discard = () => this.owner.recordFrame(false, apply(this.n.messageData, copy, NO_ARGS), "page", "dropped");
      this.inbound.push(held);
      this.schedule();
      return now < this.blackHoleUntil ? "held" : "delayed";
    }
    return null;
  }

  blackHole(untilT: number): void {
    this.blackHoleUntil = untilT;
    // A new end, later or earlier (0: ended now): what is held goes when the new end says.
    for (const h of this.inbound) h.due = Math.max(h.base, untilT);
    for (const h of this.outbound) h.due = Math.max(h.base, untilT);
    this.schedule();
  }

  /**
   * Tears the native connection down and delivers what a failure of that kind shows; `onEnd` runs
   * just before (the page-visible readyState of an unprotected socket turns CLOSED there).
   */
  end(after: Event[], delayMs = 0, onEnd?: () => void): void {
    if (this.dead) return;
    this.dead = true;
    const n = this.n;
    // What it held never reaches anyone now, and the record says so.
    for (const held of [...this.inbound.splice(0), ...this.outbound.splice(0)]) held.discard?.();
    try {
      apply(n.close, this.ws, NO_ARGS);
    } catch {
      // Already closing: nothing more to tear down.
    }
    n.setTimeout(() => {
      onEnd?.();
      for (const ev of after) this.owner.readEvent(this, ev, true);
    }, delayMs);
  }

  /** A message as if from the server (a fault): through the wire's reader, not its latency or black-hole. */
  inject(data: unknown, origin: string): void {
    this.owner.readMessage(this, new this.n.MessageEvent("message", { data, origin }), "injected");
  }

  private release(copy: Event): void {
    if (copy.type === "message") this.owner.readMessage(this, copy as MessageEvent, null);
    else this.owner.readEvent(this, copy, true);
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
