/**
 * The one owner of a page socket in the page world (DESIGN.md, "one owner per thing"): the page's own
 * native object and its wires (that object's connection, and each replacement the engine dials), the
 * faults in force on it, its protection (a `ResilientConnection`, when a rule protects it) and its
 * record. The hook knows it only as a `HookedSocket`; faults and protection act through it.
 */
import type { ResilientConnection } from "../core/connection";
import { byteSize } from "../core/send-queue";
import { INBOUND, type InboundFate, type SendData } from "../core/types";
import type { Fate, Provenance, SocketEvent } from "../shared/protocol";
import type { FrameRuling, RuledSocket } from "./frame-ruling";
import type { HookedSocket } from "./hook";
import { newRoute, type MessageRoute } from "./listeners";
import { apply, NO_ARGS, type Natives } from "./natives";
import type { Recorder, SocketLog } from "./recorder";
import { frameMark } from "./recorder";
import { Breakpoints, type PauseOwner } from "./pause";
import { Wire, type FrameNote, type WireOwner } from "./wire";

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 3;

type PauseEvent = Extract<SocketEvent, { kind: "pause" }>;

/** A socket URL's origin, as a message from its server carries it. */
function originOf(url: string, n: Natives): string {
  try {
    return new n.URL(url).origin;
  } catch {
    return "";
  }
}

/** What a page socket needs from the page world around it. */
export interface SocketWorld {
  readonly recorder: Recorder;
  /** Lifeguard is on: it records (off: the page keeps what it has, nothing more is recorded). */
  readonly enabled: boolean;
  /** The network is "offline" (a fault): a new native connection must fail without reaching it. */
  dialUrl(url: string): string;
  /** An unprotected socket closed: protection forgets it. */
  closed(socket: PageSocket): void;
}

export class PageSocket implements HookedSocket, WireOwner, RuledSocket, PauseOwner {
  readonly route: MessageRoute;
  /** The recorder's entry (every frame goes there directly), once the world records this socket. */
  log: SocketLog | null = null;
  /** The engine, while a rule protects this socket. */
  conn: ResilientConnection | null = null;
  /** The page's own object's connection, and every connection this socket ever had that is still up. */
  readonly wire: Wire;
  readonly wires: Wire[];
  latencyIn = 0;
  latencyOut = 0;
  /** Overrides the page-visible readyState of an unprotected socket a fault ended. */
  faultState: number | null = null;
  /**
   * A mock took this socket over before it opened (the mocks reached the page after the page made it):
   * the hook's own listeners and the page's earlier listeners still ask this owner, which asks the mock.
   */
  takenBy: HookedSocket | null = null;
  /** The frame rules of this socket's URL (the relay's answer), or null: none. */
  frameRules: FrameRuling | null = null;
  /** Made at the first breakpoint; kept when the rules change, so that paused frames still get their answer. */
  private points: Breakpoints | null = null;

  constructor(
    readonly id: string,
    readonly ws: WebSocket,
    readonly n: Natives,
    /** The URL the page asked for, resolved (its own, even when an offline fault dialled elsewhere). */
    readonly url: string,
    /** The subprotocols the page asked for, when they could be read without side effects. */
    readonly protocols: string[],
    private readonly world: SocketWorld,
  ) {
    this.wire = new Wire(ws, this, true);
    this.wires = [this.wire];
    this.route = newRoute(ws, n, this.verdict);
  }

  // --- What the hook asks ----------------------------------------------------------------------------

  /**
   * Whether a `message` event may reach the page's listeners. The first ask of an event records it
   * (and lets a fault or the engine hold it back); the page's other listeners get the same answer.
   */
  readonly verdict = (ev: Event): boolean => {
    if (this.takenBy) return this.takenBy.verdict(ev);
    const r = this.route;
    if (ev === r.lastEv) return r.lastOk;
    r.lastEv = ev;
    if (!r.releasing) {
      // At most one timer a second per socket; a timer never runs inside a dispatch.
      r.releasing = true;
      this.n.setTimeout(r.release, 1000);
    }
    try {
      // Events the page dispatches itself are its own business (and so are Lifeguard's copies).
      if (!ev.isTrusted) return (r.lastOk = true);
      if (this.wire.arrive(ev as MessageEvent)) return (r.lastOk = false);
      return (r.lastOk = this.readMessage(this.wire, ev as MessageEvent, "page"));
    } catch {
      // A fault of Lifeguard's must not cost the page its message: the wrapper calls the page's
      // listener whatever happens here.
      return (r.lastOk = true);
    }
  };

  /** A trusted `open`, `error` or `close` of the page's object, before any page listener: false hides it. */
  onEvent(ev: Event): boolean {
    if (this.takenBy) return this.takenBy.onEvent(ev);
    if (!ev.isTrusted) return true;
    if (this.wire.hold(ev)) return false;
    return this.readEvent(this.wire, ev, false);
  }

  read<K extends "readyState" | "bufferedAmount" | "protocol" | "extensions">(name: K, native: WebSocket[K]): WebSocket[K] {
    if (this.conn) return this.conn[name] as unknown as WebSocket[K];
    // An unprotected socket that a fault ended reads CLOSED even while the native handshake runs.
    if (name === "readyState" && this.faultState !== null) return this.faultState as WebSocket[K];
    return native;
  }

  /** The page's `send` (arguments as given; the native call throws what the browser throws). */
  send(args: unknown[]): void {
    if (args.length === 0) return void apply(this.n.send, this.ws, args);
    try {
      this.sendAs(args[0], "page");
    } catch (e) {
      this.refused(args[0], e);
      throw e;
    }
  }

  /**
   * A page `send()` that threw (CONNECTING, or reconnecting with the queue off): the message went
   * nowhere. Recorded as a queue drop (see protocol `RecorderEvent`), since it never was a frame.
   */
  private refused(data: unknown, error: unknown): void {
    if (!this.log || !this.world.enabled) return;
    try {
      let name = "";
      try {
        const n = (error as { name?: unknown } | null)?.name;
        if (typeof n === "string") name = n.slice(0, 64);
      } catch {
        // A hostile error object: the record says only that send() threw.
      }
      const bytes = byteSize(data as SendData);
      const reason = name ? `send() threw ${name}` : "send() threw";
      this.world.recorder.record({ kind: "queue", t: this.n.now(), socket: this.id, action: "dropped", count: 1, bytes, reason });
    } catch {
      // The page gets its exception whatever becomes of the record.
    }
  }

  /** A frame sent as the page: by the page itself, or from the panel. */
  sendAs(data: unknown, from: Provenance): void {
    const conn = this.conn;
    // Still the first connection: the browser's own InvalidStateError, message and all.
    if (!conn || apply(this.n.readyState, this.ws, NO_ARGS) === CONNECTING) return this.wire.send(data, from);
    conn.send(data as Parameters<WebSocket["send"]>[0], from);
  }

  close(args: unknown[]): void {
    if (!this.conn) apply(this.n.close, this.ws, args);
    else this.conn.close(args[0] as number | undefined, args[1] as string | undefined);
    // Reached only when the close was valid (a bad code throws above): paused frames can no longer go.
    this.points?.closed();
  }

  /** Whether the page can still use this socket (the world forgets the others past a bound). */
  get usable(): boolean {
    if (this.conn) return this.conn.readyState !== CLOSED;
    return this.faultState !== CLOSED && apply(this.n.readyState, this.ws, NO_ARGS) !== CLOSED;
  }

  // --- Wires -----------------------------------------------------------------------------------------

  /** A replacement connection the engine dials (to nowhere while the network is "offline"). */
  dial(url: string, protocols: string[]): Wire {
    const ws = new this.n.WebSocket(this.world.dialUrl(url), protocols);
    const wire = new Wire(ws, this, false);
    this.wires.push(wire);
    return wire;
  }

  /** Connections still up: not ended by a fault and not closed natively. */
  live(): Wire[] {
    for (let i = this.wires.length - 1; i >= 0; i--) {
      const w = this.wires[i]!;
      if (w.dead || w.nativeState === CLOSED) this.wires.splice(i, 1);
    }
    return this.wires;
  }

  recordFrame(out: boolean, data: unknown, from: Provenance, fate: Fate, rule?: number, pause?: number): void {
    if (!this.log || !this.world.enabled) return;
    try {
      this.world.recorder.frameOf(this.log, out, data, frameMark(from, fate), rule, pause);
    } catch {
      // Only the record of this frame is lost (a page that replaced a built-in the recorder uses).
    }
  }

  // --- Frame rules -----------------------------------------------------------------------------------

  /** The relay's (new) answer for this socket's URL. */
  setFrameRules(rules: FrameRuling | null): void {
    this.frameRules = rules;
    this.points?.rulesChanged();
  }

  breakpoints(): Breakpoints | null {
    const points = (this.points ??= new Breakpoints(this));
    return points.open ? points : null;
  }

  /** The panel's answer to a breakpoint of this socket. */
  answerPause(id: number, action: "forward" | "drop" | "forward-all", data?: unknown): void {
    this.points?.answer(id, action, data);
  }

  recordPause(id: number, dir: "in" | "out", rule: number, phase: PauseEvent["phase"], extra?: { edited?: boolean; untilT?: number }): void {
    if (!this.log || !this.world.enabled) return;
    this.world.recorder.record({ kind: "pause", t: this.n.now(), socket: this.id, id, dir, rule, phase, ...extra });
  }

  /**
   * A rule's reply as if from the server, once the page's `send` (and the dispatch it may run in) is
   * over; through the reader of the connection that is up then, as an injected message goes.
   */
  replyLater(data: string, rule: number): void {
    this.n.setTimeout(() => {
      const wire = this.live().find((w) => w.nativeState === OPEN);
      if (!wire) return this.recordFrame(false, data, "rule", "dropped", rule);
      this.readMessage(wire, new this.n.MessageEvent("message", { data, origin: originOf(this.url, this.n) }), "rule", { rule });
    }, 0);
  }

  readMessage(wire: Wire, ev: MessageEvent, from: Provenance | null, note?: FrameNote): boolean {
    const conn = this.conn;
    let fate: InboundFate = INBOUND.delivered;
    let pass = true;
    if (conn) {
      conn.inbound = INBOUND.delivered;
      if (wire.isPage) pass = conn.handleInitialEvent(ev);
      else wire.toEngine(ev);
      fate = conn.inbound;
    }
    // The browser's own event is read with `from` "page" and no note; anything else is Lifeguard's copy.
    const copy = from !== "page" || note !== undefined;
    if (from !== null) {
      const data = apply(this.n.messageData, ev, NO_ARGS);
      // The page's object passed on a frame the engine neither hid nor took: an abandoned connection's.
      const f: Fate = wire.isPage && !pass && fate.fate === "delivered" ? "dropped" : fate.fate;
      // Whoever made a copy is its provenance; the server's frames are the engine's to tell (a heartbeat reply).
      this.recordFrame(false, data, from === "page" ? fate.from : from, f, note?.rule, note?.pause);
    }
    // A copy (released by a fault, or made up) is not the browser's: Lifeguard dispatches it itself.
    if (wire.isPage && copy && pass) {
      const r = this.route;
      const lastEv = r.lastEv;
      const lastOk = r.lastOk;
      apply(this.n.dispatchEvent, this.ws, [ev]);
      // A rule's copy may be dispatched while the page's listeners are still being asked about the
      // browser's own event (a replacement, at once): they must go on getting its answer.
      r.lastEv = lastEv;
      r.lastOk = lastOk;
    }
    return pass;
  }

  readEvent(wire: Wire, ev: Event, copy: boolean): boolean {
    // Inbound frames paused there went before its close (it waited behind them); outbound ones cannot go now.
    if (ev.type === "close") this.points?.closed(wire);
    if (!wire.isPage) {
      wire.toEngine(ev);
      return false;
    }
    if (!this.conn) this.noteUnprotected(ev);
    const pass = !this.conn || this.conn.handleInitialEvent(ev);
    if (copy && pass) apply(this.n.dispatchEvent, this.ws, [ev]);
    return pass;
  }

  /** The engine reports a protected socket's states itself; an unprotected one's are recorded here. */
  private noteUnprotected(ev: Event): void {
    if (!this.log || !this.world.enabled) return;
    const n = this.n;
    const recorder = this.world.recorder;
    switch (ev.type) {
      case "open":
        recorder.state(this.id, "open", {
          protocol: apply(n.protocol, this.ws, NO_ARGS),
          extensions: apply(n.extensions, this.ws, NO_ARGS),
        });
        return;
      case "error":
        recorder.record({ kind: "note", t: n.now(), socket: this.id, text: "error" });
        return;
      case "close": {
        const e = ev as CloseEvent;
        recorder.state(this.id, "closed", {
          code: apply(n.closeCode, e, NO_ARGS),
          reason: apply(n.closeReason, e, NO_ARGS),
          wasClean: apply(n.closeWasClean, e, NO_ARGS),
        });
        this.world.closed(this);
        return;
      }
    }
  }
}
