/**
 * Hand-written recorder event sequences for measure's tests: a clock that moves forward, and one call
 * per recorder event as the page world writes it (src/page/recorder.ts, src/core/connection.ts).
 */
import type { Fate, FrameRecord, Provenance, RecorderEvent, SocketEvent, SocketState } from "../../../src/shared/protocol";
import type { PageError, StepMark, Step } from "../../../src/shared/resilience/types";

export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
export const PAGE = "http://127.0.0.1:8080/app.html";

export class RecordBuilder {
  readonly events: RecorderEvent[] = [];
  readonly errors: PageError[] = [];
  private seqs = new Map<string, number>();
  t = T0;

  /** Moves the clock to `ms` after T0. */
  at(ms: number): this {
    this.t = T0 + ms;
    return this;
  }

  created(id: string, url: string, frameUrl = PAGE, protocols: string[] = []): this {
    this.events.push({ kind: "created", t: this.t, socket: { id, url, protocols, frameUrl, topFrame: frameUrl === PAGE, createdAt: this.t } });
    return this.state(id, "connecting");
  }

  state(id: string, state: SocketState, extra: Partial<Extract<SocketEvent, { kind: "state" }>> = {}): this {
    this.events.push({ ...extra, kind: "state", t: this.t, socket: id, state });
    return this;
  }

  open(id: string, extra: Partial<Extract<SocketEvent, { kind: "state" }>> = {}): this {
    return this.state(id, "open", { protocol: "", extensions: "", ...extra });
  }

  closed(id: string, code = 1006, extra: Partial<Extract<SocketEvent, { kind: "state" }>> = {}): this {
    return this.state(id, "closed", { code, reason: "", wasClean: code !== 1006, ...extra });
  }

  reconnecting(id: string, attempt: number, delayMs = 500): this {
    return this.state(id, "reconnecting", { code: 1006, cause: "connection closed (1006)", attempt, delayMs });
  }

  private frame(id: string, dir: "in" | "out", preview: string, fate?: Fate, from?: Provenance, opcode: "text" | "binary" = "text"): this {
    const seq = (this.seqs.get(id) ?? 0) + 1;
    this.seqs.set(id, seq);
    const frame: FrameRecord = { socket: id, seq, t: this.t, dir, opcode, size: new TextEncoder().encode(preview).length, preview, truncated: false };
    if (from !== undefined) frame.from = from;
    if (fate !== undefined) frame.fate = fate;
    this.events.push({ kind: "frame", frame });
    return this;
  }

  out(id: string, preview: string, fate?: Fate, from?: Provenance): this {
    return this.frame(id, "out", preview, fate, from);
  }

  in(id: string, preview: string, fate?: Fate, from?: Provenance): this {
    return this.frame(id, "in", preview, fate, from);
  }

  binaryOut(id: string, hex: string): this {
    return this.frame(id, "out", hex, undefined, undefined, "binary");
  }

  heartbeat(id: string, phase: "sent" | "answered" | "missed"): this {
    this.events.push({ kind: "heartbeat", t: this.t, socket: id, phase });
    return this;
  }

  queue(id: string, action: "dropped" | "flushed" | "discarded", count: number, reason?: string): this {
    this.events.push({ kind: "queue", t: this.t, socket: id, action, count, bytes: 10 * count, ...(reason ? { reason } : {}) });
    return this;
  }

  protection(id: string, detail: { rule?: string; strategy?: string; protocol?: string } = {}): this {
    this.events.push({ kind: "protection", t: this.t, socket: id, protected: true, rule: "ws://127.0.0.1:*", strategy: "transparent", ...detail });
    return this;
  }

  delivery(id: string, deliveryId: string, status: "pending" | "acked" | "resent" | "lost"): this {
    this.events.push({ kind: "delivery", t: this.t, socket: id, id: deliveryId, status });
    return this;
  }

  error(message: string, what: PageError["what"] = "error"): this {
    this.errors.push({ t: this.t, stream: "s", what, message });
    return this;
  }

  record() {
    return { events: this.events.slice(), errors: this.errors.slice() };
  }
}

/** A step's mark: it started `startMs` after T0 and was watched for its `observeMs` (or `endMs`, when stopped). */
export function mark(index: number, step: Step, startMs: number, opts: { endMs?: number; stopped?: boolean } = {}): StepMark {
  const startT = T0 + startMs;
  const faultMs = step.kind === "drop" ? 0 : (step.durationMs ?? 0);
  return {
    index,
    step,
    startT,
    faultEndT: startT + faultMs,
    endT: opts.endMs !== undefined ? T0 + opts.endMs : startT + step.observeMs,
    ...(opts.stopped ? { stopped: true } : {}),
  };
}
