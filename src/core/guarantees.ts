/**
 * Delivery and resume of one page-facing socket (DESIGN.md, `delivery` and `resume`), when the rule
 * asks for them under the transparent strategy (under `surface` the page's library owns both). Inbound
 * frames are read once for both: acks settle pending frames, sequences move `lastSeq`.
 */
import type { ResolvedRule } from "../shared/settings";
import { DeliveryTracker, type DeliveryReport, type PendingFrame } from "./delivery";
import { readJsonObject } from "./json-path";
import { ResumeTracker, type ResumeReport } from "./resume";
import { INBOUND, type Clock, type InboundFate, type SocketLike } from "./types";

export interface GuaranteeEvents {
  delivery(r: DeliveryReport, idPath: string): void;
  resume(r: ResumeReport): void;
  note(text: string): void;
}

/** At most one note a second about frames too large to match, with the count since the last. */
const SKIP_NOTE_INTERVAL_MS = 1_000;

export class Guarantees {
  private delivery: DeliveryTracker | null = null;
  private idPath = "";
  private readonly resume: ResumeTracker;
  private skipped = 0;
  private skipNotedAt = -Infinity;

  constructor(
    private readonly clock: Clock,
    dedupeWindowMs: number,
    private readonly events: GuaranteeEvents,
  ) {
    this.resume = new ResumeTracker(clock, dedupeWindowMs, (r) => events.resume(r));
  }

  /** Whether inbound frames need reading (delivery or resume is on). */
  get active(): boolean {
    return this.delivery !== null || this.resume.on;
  }

  /** Starts, retunes or stops delivery tracking and sequence watching to fit the rule and strategy. */
  configure(rule: ResolvedRule | null, transparent: boolean): void {
    const d = rule?.delivery;
    if (d?.enabled && transparent) {
      this.idPath = d.idPath;
      try {
        if (this.delivery) this.delivery.setSettings(d);
        else this.delivery = new DeliveryTracker(d, this.clock, (r) => this.events.delivery(r, this.idPath));
      } catch (e) {
        this.events.note(`delivery off: ${String(e)}`);
        this.stopDelivery();
      }
    } else {
      this.stopDelivery();
    }
    const r = rule?.resume;
    try {
      this.resume.configure(r?.enabled && transparent ? r : null);
    } catch (e) {
      this.events.note(`resume off: ${String(e)}`);
    }
  }

  /** An outbound frame really went on the wire: with an id, it is pending until acked. */
  sent(data: unknown): void {
    if (!this.delivery) return;
    const skipped = this.delivery.sent(data);
    if (skipped) this.noteSkipped(skipped);
  }

  /** An inbound frame of the open connection: delivered to the page, or hidden (an ack with `hideAcks`, a replayed duplicate). */
  inbound(data: unknown): InboundFate {
    const read = readJsonObject(data);
    if (!read.ok) {
      if (read.reason.startsWith("not matched: too large")) this.noteSkipped(read.reason);
      return INBOUND.delivered;
    }
    const isAck = this.delivery ? this.delivery.inbound(read.value) : false;
    if (isAck && this.delivery?.hideAcks) return INBOUND.hiddenAck;
    return this.resume.inbound(read.value) ? INBOUND.hiddenDuplicate : INBOUND.delivered;
  }

  /** The URL a replacement dials (it may carry the last sequence). */
  dialUrl(url: string): string {
    return this.resume.dialUrl(url);
  }

  /** What a reconnect sends again, taken before the page's `open` handlers send anything new. */
  forResend(): PendingFrame[] {
    return this.delivery ? this.delivery.forResend() : [];
  }

  /** Right after `open` on a replacement: the resume message, marked `resume` on the wire. */
  resumeOn(sock: SocketLike): void {
    try {
      this.resume.reconnected((message) => sock.send(message, "resume"));
    } catch (e) {
      this.events.note(`resume message could not be sent: ${String(e)}`);
    }
  }

  /** Pending frames go out again on the new connection, in their original order, marked `resend`. */
  resend(sock: SocketLike, frames: readonly PendingFrame[]): void {
    if (!this.delivery) return;
    for (const f of frames) {
      try {
        sock.send(f.data, "resend");
      } catch (e) {
        this.events.note(`resending failed: ${String(e)}`);
        return;
      }
      this.delivery.resent(f);
    }
  }

  /** The connection the dedupe window belongs to went (its report is due now). */
  endWindow(): void {
    this.resume.endWindow();
  }

  /** The socket ended: nothing pending will ever be acked. */
  end(): void {
    this.delivery?.end();
  }

  /** The socket object was disposed: delivery's age timer stops (frames stay pending, unreported). */
  stop(): void {
    this.delivery?.stop();
  }

  private stopDelivery(): void {
    if (!this.delivery) return;
    const untracked = this.delivery.clear();
    this.delivery = null;
    if (untracked > 0) this.events.note(`delivery off: ${untracked} pending frame(s) no longer tracked`);
  }

  private noteSkipped(reason: string): void {
    this.skipped++;
    const now = this.clock.now();
    if (now - this.skipNotedAt < SKIP_NOTE_INTERVAL_MS) return;
    this.skipNotedAt = now;
    this.events.note(`delivery/resume: ${reason}${this.skipped > 1 ? ` (${this.skipped} frames since the last note)` : ""}`);
    this.skipped = 0;
  }
}
