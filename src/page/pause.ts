/**
 * A socket's breakpoints (frame rules with action `pause`; issue 22): a paused frame waits at its wire,
 * in order with its direction (later frames wait behind it), until the panel answers (`pause` command:
 * forward, edited or not; drop; forward all) or its time runs out and it goes on as it was.
 *
 * Records (DESIGN.md, "Records"; protocol `FrameRecord`, the `pause` event): the frame `paused` with
 * its rule and breakpoint id, and a `pause` event `paused` with `untilT`; on the answer a `pause` event
 * (`forwarded`, `dropped`, `timed-out`), and a second frame record when it really goes (`sent` /
 * `delivered` or what the engine made of it, from `panel` when edited) or `dropped` (by the answer, or
 * because its connection ended or the page closed the socket first).
 */
import { FRAME_RULE_LIMITS } from "../shared/frame-rule-types";
import type { CompiledFrameRule } from "../shared/frame-rules";
import type { Fate, Provenance, SocketEvent } from "../shared/protocol";
import type { Natives } from "./natives";
import type { FrameNote, Held, Wire } from "./wire";

type PauseEvent = Extract<SocketEvent, { kind: "pause" }>;

/** What breakpoints need of their socket. */
export interface PauseOwner {
  readonly n: Natives;
  recordFrame(out: boolean, data: unknown, from: Provenance, fate: Fate, rule?: number, pause?: number): void;
  readMessage(wire: Wire, ev: MessageEvent, from: Provenance | null, note?: FrameNote): boolean;
  recordPause(id: number, dir: "in" | "out", rule: number, phase: PauseEvent["phase"], extra?: { edited?: boolean; untilT?: number }): void;
}

interface Paused {
  id: number;
  out: boolean;
  rule: number;
  wire: Wire;
  held: Held;
  data: unknown;
  /** Inbound: the origin its copy carries. */
  origin: string;
  /** What the panel put in its place (text, or an ArrayBuffer), if anything. */
  edited?: unknown;
}

export class Breakpoints {
  private lastId = 0;
  /** Paused frames nobody answered yet, by id. */
  private readonly waiting = new Map<number, Paused>();
  /** "Forward all" was answered: nothing pauses on this socket until its rules change. */
  private stopped = false;

  constructor(private readonly socket: PauseOwner) {}

  /** Whether a frame a pause rule matched may pause now. */
  get open(): boolean {
    return !this.stopped && this.waiting.size < FRAME_RULE_LIMITS.pausedPerSocket;
  }

  /** The socket's frame rules changed: "forward all" no longer holds. */
  rulesChanged(): void {
    this.stopped = false;
  }

  pause(wire: Wire, out: boolean, data: unknown, origin: string, rule: CompiledFrameRule): void {
    const id = ++this.lastId;
    const timeout = rule.pauseTimeoutMs ?? FRAME_RULE_LIMITS.pauseTimeoutMs;
    const untilT = this.socket.n.now() + Math.min(Math.max(0, timeout), FRAME_RULE_LIMITS.pauseTimeoutMsMax);
    const p: Paused = { id, out, rule: rule.index, wire, data, origin, held: null! };
    p.held = { due: untilT, base: untilT, run: () => this.go(p), discard: () => this.discard(p) };
    this.waiting.set(id, p);
    this.socket.recordFrame(out, data, "page", "paused", p.rule, id);
    this.socket.recordPause(id, out ? "out" : "in", p.rule, "paused", { untilT });
    wire.keep(out, p.held);
  }

  /** The panel's answer to breakpoint `id`; an id no longer waiting (answered, timed out, gone) is ignored. */
  answer(id: number, action: "forward" | "drop" | "forward-all", data?: unknown): void {
    if (action === "forward-all") {
      this.stopped = true;
      for (const p of [...this.waiting.values()]) this.forward(p, undefined);
      return;
    }
    const p = this.waiting.get(id);
    if (!p) return;
    if (action === "forward") return this.forward(p, data);
    this.waiting.delete(id);
    p.wire.withdraw(p.out, p.held);
    this.socket.recordPause(id, p.out ? "out" : "in", p.rule, "dropped");
    this.socket.recordFrame(p.out, p.data, "page", "dropped", p.rule, id);
  }

  /** The page closed the socket, or `wire`'s connection closed: what still waits there can no longer go. */
  closed(wire?: Wire): void {
    for (const p of [...this.waiting.values()]) {
      if (wire !== undefined && p.wire !== wire) continue;
      p.wire.withdraw(p.out, p.held);
      this.discard(p);
    }
  }

  private forward(p: Paused, data: unknown): void {
    this.waiting.delete(p.id);
    if (data !== undefined) p.edited = data;
    this.socket.recordPause(p.id, p.out ? "out" : "in", p.rule, "forwarded", data !== undefined ? { edited: true } : undefined);
    p.wire.hurry(p.held);
  }

  /** Its turn came: answered, or its time ran out (then it goes on as it was). */
  private go(p: Paused): void {
    if (this.waiting.delete(p.id)) this.socket.recordPause(p.id, p.out ? "out" : "in", p.rule, "timed-out");
    const edited = p.edited !== undefined;
    const data = edited ? p.edited : p.data;
    const from: Provenance = edited ? "panel" : "page";
    if (p.out) {
      const went = p.wire.transmit(data);
      this.socket.recordFrame(true, data, from, went ? "sent" : "dropped", p.rule, p.id);
      return;
    }
    const n = this.socket.n;
    this.socket.readMessage(p.wire, new n.MessageEvent("message", { data, origin: p.origin }), from, { rule: p.rule, pause: p.id });
  }

  /** Its connection ended (a fault, the engine leaving it, the page's close) before it went. */
  private discard(p: Paused): void {
    if (this.waiting.delete(p.id)) this.socket.recordPause(p.id, p.out ? "out" : "in", p.rule, "dropped");
    this.socket.recordFrame(p.out, p.edited ?? p.data, p.edited !== undefined ? "panel" : "page", "dropped", p.rule, p.id);
  }
}
