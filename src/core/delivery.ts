/**
 * Delivery guarantees of one page-facing socket (DESIGN.md, `delivery`): an outbound JSON frame with an
 * id at `idPath` is pending from the moment it really goes on the wire until an inbound frame matches
 * `ackWhen` with the same id at `ackIdPath` (compared as strings). Pending frames are what a reconnect
 * sends again, oldest first. Past `maxPending`, `maxPendingBytes` or `maxAgeMs` the oldest are lost:
 * reported, never resent.
 */
import type { DeliveryStatus } from "../shared/protocol";
import type { DeliverySettings } from "../shared/settings";
import { utf8Length } from "../shared/settings";
import { compilePath, idString, readJsonObject, valueAt, type PathSegment } from "./json-path";
import type { Clock, TimerHandle } from "./types";

export interface PendingFrame {
  id: string;
  data: string;
  bytes: number;
  /** When it first went on the wire: `maxAgeMs` counts from here. */
  firstSentAt: number;
  /** When it last went on the wire: the ack latency counts from here. */
  lastSentAt: number;
}

export interface DeliveryReport {
  id: string;
  status: DeliveryStatus;
  ackMs?: number;
  reason?: string;
}

export type LostReason = "maxPending" | "maxPendingBytes" | "maxAgeMs" | "socket closed";

interface CompiledRule {
  settings: DeliverySettings;
  idPath: PathSegment[];
  ackPath: PathSegment[];
  ackIdPath: PathSegment[];
}

function compile(settings: DeliverySettings): CompiledRule {
  return {
    settings,
    idPath: compilePath(settings.idPath),
    ackPath: compilePath(settings.ackWhen.path),
    ackIdPath: compilePath(settings.ackIdPath),
  };
}

export class DeliveryTracker {
  private rule: CompiledRule;
  /** Insertion order is send order; keys are a counter, so one id may be pending twice. */
  private readonly pending = new Map<number, PendingFrame>();
  private readonly byId = new Map<string, number[]>();
  private nextKey = 0;
  private totalBytes = 0;
  private ageTimer: TimerHandle | null = null;
  private ageDue = 0;

  /** Throws when a path is not of the grammar (settings that skipped validation). */
  constructor(
    settings: DeliverySettings,
    private readonly clock: Clock,
    private readonly report: (r: DeliveryReport) => void,
  ) {
    this.rule = compile(settings);
  }

  get size(): number {
    return this.pending.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  get hideAcks(): boolean {
    return this.rule.settings.hideAcks;
  }

  setSettings(settings: DeliverySettings): void {
    this.rule = compile(settings);
    this.enforce();
  }

  /**
   * A frame really went on the wire. Returns why it was not read when it could not be (too large,
   * invalid JSON), for the caller to note; null otherwise (tracked, or a frame with no id).
   */
  sent(data: unknown): string | null {
    const read = readJsonObject(data);
    if (!read.ok) return read.reason.startsWith("not matched: too large") ? read.reason : null;
    const id = idString(valueAt(read.value, this.rule.idPath));
    if (id === undefined) return null;
    const text = data as string;
    const now = this.clock.now();
    const key = this.nextKey++;
    const frame: PendingFrame = { id, data: text, bytes: utf8Length(text), firstSentAt: now, lastSentAt: now };
    this.pending.set(key, frame);
    this.totalBytes += frame.bytes;
    const keys = this.byId.get(id);
    if (keys) keys.push(key);
    else this.byId.set(id, [key]);
    this.report({ id, status: "pending" });
    this.enforce();
    return null;
  }

  /**
   * An inbound frame, already parsed. Returns whether it is an ack (matches `ackWhen`), whether or not
   * it acknowledged anything pending.
   */
  inbound(frame: Record<string, unknown>): boolean {
    const { ackPath, ackIdPath, settings } = this.rule;
    if (valueAt(frame, ackPath) !== settings.ackWhen.equals) return false;
    const id = idString(valueAt(frame, ackIdPath));
    if (id === undefined) return true;
    const keys = this.byId.get(id);
    if (!keys) return true;
    const now = this.clock.now();
    this.byId.delete(id);
    for (const key of keys) {
      const f = this.pending.get(key);
      if (!f) continue;
      this.remove(key, f);
      this.report({ id, status: "acked", ackMs: Math.max(0, now - f.lastSentAt) });
    }
    this.schedule();
    return true;
  }

  /** What a reconnect sends again, oldest first: frames too old by now are lost instead. */
  forResend(): PendingFrame[] {
    this.expire();
    return [...this.pending.values()];
  }

  /** `frame` went on the wire again (it stays pending, and its age still counts from the first send). */
  resent(frame: PendingFrame): void {
    frame.lastSentAt = this.clock.now();
    this.report({ id: frame.id, status: "resent" });
  }

  /** The socket ended: nothing pending will ever be acked. */
  end(reason: LostReason | string = "socket closed"): void {
    for (const [key, f] of [...this.pending]) this.lose(key, f, reason);
    this.stop();
  }

  /** Stops tracking without a report (the rule went away); returns how many were pending. */
  clear(): number {
    const n = this.pending.size;
    this.pending.clear();
    this.byId.clear();
    this.totalBytes = 0;
    this.stop();
    return n;
  }

  stop(): void {
    if (this.ageTimer !== null) this.clock.clearTimeout(this.ageTimer);
    this.ageTimer = null;
  }

  private enforce(): void {
    const { maxPending, maxPendingBytes } = this.rule.settings;
    while (this.pending.size > 0 && (this.pending.size > maxPending || this.totalBytes > maxPendingBytes)) {
      const reason: LostReason = this.pending.size > maxPending ? "maxPending" : "maxPendingBytes";
      const [key, f] = this.pending.entries().next().value as [number, PendingFrame];
      this.lose(key, f, reason);
    }
    this.expire();
  }

  /** Loses every frame older than `maxAgeMs`, then sets the timer for the next one to age out. */
  private expire(): void {
    const now = this.clock.now();
    const { maxAgeMs } = this.rule.settings;
    for (const [key, f] of this.pending) {
      if (now - f.firstSentAt < maxAgeMs) break;
      this.lose(key, f, "maxAgeMs");
    }
    this.schedule();
  }

  private schedule(): void {
    const oldest = this.pending.values().next().value as PendingFrame | undefined;
    if (!oldest) return this.stop();
    const due = oldest.firstSentAt + this.rule.settings.maxAgeMs;
    if (this.ageTimer !== null && this.ageDue === due) return;
    this.stop();
    this.ageDue = due;
    this.ageTimer = this.clock.setTimeout(() => {
      this.ageTimer = null;
      this.expire();
    }, Math.max(0, due - this.clock.now()));
  }

  private lose(key: number, f: PendingFrame, reason: string): void {
    this.remove(key, f);
    const keys = this.byId.get(f.id);
    if (keys) {
      const i = keys.indexOf(key);
      if (i >= 0) keys.splice(i, 1);
      if (keys.length === 0) this.byId.delete(f.id);
    }
    this.report({ id: f.id, status: "lost", reason });
  }

  private remove(key: number, f: PendingFrame): void {
    this.pending.delete(key);
    this.totalBytes -= f.bytes;
  }
}
