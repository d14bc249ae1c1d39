/**
 * Frame rules at a wire (DESIGN.md, "Settings", `frameRules`; issue 22): what a rule does to a frame
 * of the page (outbound) or of the server (inbound) and the records it leaves (DESIGN.md, "Records").
 * One `FrameRuling` per socket URL's answer from the relay, shared by the sockets of that URL; what a
 * socket keeps (its breakpoints) is on the socket. A socket whose URL no rule matches has none, and
 * its wires pay one null check per frame.
 *
 * - drop: recorded `dropped` (rule i), never goes.
 * - replace: the original recorded `edited`, then the rendered `with` goes in its place, `from: rule`.
 * - respond (outbound only): the rendered reply reaches the page as if from the server, after the
 *   current task (the page's `send` never calls its own listeners); the original goes on as usual
 *   (`sent`, rule i) unless `forward: false` (`dropped`).
 * - delay: `delayed` (rule i) once, and it goes `delayMs` later, in order with its direction.
 * - pause: a breakpoint (pause.ts); past the bound on paused frames, or after "forward all", the frame
 *   goes on as if no rule matched.
 */
import { compileFrameRules, matchFrame, renderTemplate, type CompiledFrameRule } from "../shared/frame-rules";
import type { ActiveFrameRule } from "../shared/frame-rule-types";
import type { Fate, Provenance } from "../shared/protocol";
import { apply, NO_ARGS, type Natives } from "./natives";
import type { Breakpoints } from "./pause";
import type { Wire } from "./wire";

// Captured when the bundle loads: a page that replaces it later changes nothing here.
const stringify = JSON.stringify;

/** What a rule needs of the socket whose frame it touched. */
export interface RuledSocket {
  readonly n: Natives;
  recordFrame(out: boolean, data: unknown, from: Provenance, fate: Fate, rule?: number): void;
  /** A reply as if from the server, after the current task (see `respond`). */
  replyLater(data: string, rule: number): void;
  /** The socket's breakpoints, or null when it may not pause now (the bound, or "forward all"). */
  breakpoints(): Breakpoints | null;
}

export class FrameRuling {
  private constructor(
    /** The rules as the relay sent them, as JSON: a new answer with the same rules changes nothing. */
    readonly key: string,
    private readonly outRules: CompiledFrameRule[],
    /** `respond` answers the page's frames only: a `both` rule of that action is not an inbound one. */
    private readonly inRules: CompiledFrameRule[],
  ) {}

  /** The relay's `frameRules` for a URL, ready to use; null when none applies (or they are unusable). */
  static of(rules: unknown[] | undefined): FrameRuling | null {
    if (!Array.isArray(rules) || rules.length === 0) return null;
    let compiled: CompiledFrameRule[];
    let key: string;
    try {
      compiled = compileFrameRules(rules as ActiveFrameRule[]);
      key = stringify(rules);
    } catch {
      // The relay validated them; whatever else came is inert rather than a page error.
      return null;
    }
    const outRules = compiled.filter((r) => r.direction !== "in");
    const inRules = compiled.filter((r) => r.direction !== "out" && r.action !== "respond");
    return outRules.length + inRules.length === 0 ? null : new FrameRuling(key, outRules, inRules);
  }

  /** A page frame about to go on an open wire: true when a rule took it (it is recorded here). */
  outbound(socket: RuledSocket, wire: Wire, data: unknown): boolean {
    if (this.outRules.length === 0) return false;
    const rule = ruleFor(this.outRules, "out", data);
    if (rule === null) return false;
    const i = rule.index;
    switch (rule.action) {
      case "drop":
        socket.recordFrame(true, data, "page", "dropped", i);
        return true;
      case "replace":
        socket.recordFrame(true, data, "page", "edited", i);
        wire.go(renderTemplate(rule.with ?? "", data), "rule", i);
        return true;
      case "respond":
        socket.replyLater(renderTemplate(rule.with ?? "", data), i);
        if (rule.forward === false) socket.recordFrame(true, data, "page", "dropped", i);
        else wire.go(data, "page", i);
        return true;
      case "delay":
        wire.go(data, "page", i, Math.max(0, rule.delayMs ?? 0));
        return true;
      case "pause": {
        const points = socket.breakpoints();
        if (points === null) return false;
        points.pause(wire, true, data, "", rule);
        return true;
      }
      default:
        return false;
    }
  }

  /** A trusted inbound frame, before any reader: true when a rule took it (it is recorded here). */
  inbound(socket: RuledSocket, wire: Wire, ev: MessageEvent): boolean {
    if (this.inRules.length === 0) return false;
    const n = socket.n;
    const data: unknown = apply(n.messageData, ev, NO_ARGS);
    const rule = ruleFor(this.inRules, "in", data);
    if (rule === null) return false;
    const i = rule.index;
    switch (rule.action) {
      case "drop":
        socket.recordFrame(false, data, "page", "dropped", i);
        return true;
      case "replace":
        socket.recordFrame(false, data, "page", "edited", i);
        wire.deliver(renderTemplate(rule.with ?? "", data), apply(n.messageOrigin, ev, NO_ARGS), "rule", i);
        return true;
      case "delay":
        wire.deliver(data, apply(n.messageOrigin, ev, NO_ARGS), "page", i, Math.max(0, rule.delayMs ?? 0));
        return true;
      case "pause": {
        const points = socket.breakpoints();
        if (points === null) return false;
        points.pause(wire, false, data, apply(n.messageOrigin, ev, NO_ARGS), rule);
        return true;
      }
      default:
        return false;
    }
  }
}

/**
 * The rule a frame meets, or null. A page may send anything (a Proxy whose traps throw, say): whatever
 * the matcher makes of it, the frame goes on as if no rule matched, and nothing throws into the page.
 */
function ruleFor(rules: CompiledFrameRule[], dir: "in" | "out", data: unknown): CompiledFrameRule | null {
  try {
    return matchFrame(rules, dir, data);
  } catch {
    return null;
  }
}
