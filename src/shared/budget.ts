/**
 * What one page frame, and one tab, may send towards the panel: a page is untrusted, and every panel
 * and extension page shares one renderer, so a page must only ever cost its own panel a bounded
 * amount of work. The relay keeps a budget per frame (where a page's messages enter the extension),
 * the router one per tab (a page can have many frames); what does not fit is dropped whole and
 * counted, and the panel says so ("this page sent more than Lifeguard keeps").
 *
 * Live batches draw on token buckets (a rate and a burst, per kind of cost). Snapshots are answers:
 * each request lets one answer through, up to an allowance, for a while; a snapshot nobody asked for
 * is dropped. The figures: JSON.parse of 16 MiB costs ~55 ms and of 50,000 events ~40 ms, the panel
 * ~1-5 us per event; a tab's rates are under half a core of panel work, and about what a busy page
 * sends: 17,000 1 KiB echoes a second (BENCHMARKS.md, at native speed) are 34,000 events and 34 Mi
 * characters a second, which a frame's rates take and a tab's (with other frames busy too) mostly do.
 */
import type { BudgetDrops } from "./protocol";

export interface Weight {
  events: number;
  chars: number;
  /** Sockets the message declares (a live batch's `created` events; a snapshot's sockets). */
  sockets: number;
}

interface Rate {
  perSecond: number;
  burst: number;
}

export interface BudgetLimits {
  live: { messages: Rate; events: Rate; chars: Rate; sockets: Rate };
  /** What one answer (all parts of the snapshots sent for one request) may hold. */
  answer: Weight;
  /** How long after a request, or after its answer's last part, the answer may still come (a big one takes seconds to cross). */
  answerWithinMs: number;
}

const Mi = 1 << 20;

/**
 * One page frame (the relay's). The rates let a busy page's steady traffic through; the bursts are
 * small, because what they let through at once is queued before every other extension page's next
 * message (Chrome parses port messages in arrival order on the one renderer thread): 8 Mi characters
 * are ~30 ms of parsing.
 */
export const FRAME_BUDGET: BudgetLimits = {
  live: {
    messages: { perSecond: 100, burst: 200 },
    events: { perSecond: 40_000, burst: 20_000 },
    chars: { perSecond: 32 * Mi, burst: 8 * Mi },
    sockets: { perSecond: 100, burst: 1_000 },
  },
  // A late panel gets the newest 32 Mi characters of a page's history (the recorder trims to fit).
  answer: { events: 250_000, chars: 32 * Mi, sockets: 2_000 },
  answerWithinMs: 10_000,
};

/** One tab, all its frames together (the router's). */
export const TAB_BUDGET: BudgetLimits = {
  live: {
    messages: { perSecond: 200, burst: 400 },
    events: { perSecond: 60_000, burst: 30_000 },
    chars: { perSecond: 48 * Mi, burst: 12 * Mi },
    sockets: { perSecond: 200, burst: 2_000 },
  },
  answer: { events: 500_000, chars: 48 * Mi, sockets: 4_000 },
  answerWithinMs: 10_000,
};

class Bucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly rate: Rate,
    now: number,
  ) {
    this.tokens = rate.burst;
    this.at = now;
  }

  /** Tokens now, after refilling since the last look. */
  level(now: number): number {
    if (now > this.at) {
      this.tokens = Math.min(this.rate.burst, this.tokens + ((now - this.at) / 1000) * this.rate.perSecond);
      this.at = now;
    }
    return this.tokens;
  }

  take(n: number): void {
    this.tokens -= n;
  }
}

export class Budget {
  private readonly buckets: { messages: Bucket; events: Bucket; chars: Bucket; sockets: Bucket };
  private answer: Weight | null = null;
  private answerUntil = 0;
  /** Running totals of what was dropped. */
  readonly dropped: BudgetDrops = { messages: 0, events: 0, sockets: 0, chars: 0 };

  constructor(
    private readonly limits: BudgetLimits,
    private readonly now: () => number,
  ) {
    const t = now();
    const { live } = limits;
    this.buckets = {
      messages: new Bucket(live.messages, t),
      events: new Bucket(live.events, t),
      chars: new Bucket(live.chars, t),
      sockets: new Bucket(live.sockets, t),
    };
  }

  /** A live batch: admitted whole if every bucket holds enough, else dropped whole and counted. */
  admitLive(w: Weight): boolean {
    const t = this.now();
    const b = this.buckets;
    if (b.messages.level(t) < 1 || b.events.level(t) < w.events || b.chars.level(t) < w.chars || b.sockets.level(t) < w.sockets) {
      return this.reject(w);
    }
    b.messages.take(1);
    b.events.take(w.events);
    b.chars.take(w.chars);
    b.sockets.take(w.sockets);
    return true;
  }

  /** A snapshot was asked for: one answer may come, up to the allowance, for `answerWithinMs`. */
  expectAnswer(): void {
    this.answer = { ...this.limits.answer };
    this.answerUntil = this.now() + this.limits.answerWithinMs;
  }

  /** A part of a snapshot: admitted if asked for and within what is left of the answer's allowance. */
  admitAnswer(w: Weight): boolean {
    const left = this.answer;
    if (!left || this.now() > this.answerUntil || left.events < w.events || left.chars < w.chars || left.sockets < w.sockets) {
      return this.reject(w);
    }
    left.events -= w.events;
    left.chars -= w.chars;
    left.sockets -= w.sockets;
    this.answerUntil = this.now() + this.limits.answerWithinMs;
    return true;
  }

  /** Counts a message dropped for whatever reason (past a budget, malformed, too big). */
  reject(w: Weight): false {
    this.dropped.messages += 1;
    this.dropped.events += w.events;
    this.dropped.chars += w.chars;
    this.dropped.sockets += w.sockets;
    return false;
  }
}
