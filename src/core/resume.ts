/**
 * Session resume of one page-facing socket (DESIGN.md, `resume`): the highest sequence seen at
 * `seqPath` in inbound frames, kept across reconnects of the same page object; the resume message or
 * query parameter built from it; and the dedupe of a replay's overlap.
 */
import type { ResumeSettings } from "../shared/settings";
import { compilePath, valueAt, type PathSegment } from "./json-path";
import type { Clock, TimerHandle } from "./types";

/** A sequence as the server wrote it: a number stays a number, a string a string. */
export type Seq = number | string;

/** How long after a reconnect inbound frames at or below the last sequence are dropped. */
export const DEDUPE_WINDOW_MS = 10_000;

const DECIMAL = /^[0-9]+$/;

/**
 * Orders two sequences: numbers by value; strings of decimal digits by value (any length); other
 * strings by code units (ISO times, ULIDs sort that way); a number against a decimal string by value.
 * Returns null when they cannot be ordered (a number against a non-numeric string).
 */
export function compareSeq(a: Seq, b: Seq): number | null {
  if (typeof a === "number" && typeof b === "number") return Math.sign(a - b);
  if (typeof a === "string" && typeof b === "string") {
    if (DECIMAL.test(a) && DECIMAL.test(b)) {
      const x = a.replace(/^0+(?=.)/, "");
      const y = b.replace(/^0+(?=.)/, "");
      if (x.length !== y.length) return Math.sign(x.length - y.length);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    return a < b ? -1 : a > b ? 1 : 0;
  }
  // One number, one string: comparable only when the string is a safe decimal integer.
  const s = typeof a === "string" ? a : (b as string);
  if (!DECIMAL.test(s) || s.length > 15) return null;
  return Math.sign(Number(a) - Number(b));
}

/** A sequence read from a frame: a string, or a finite number. */
export function seqAt(frame: Record<string, unknown>, path: readonly PathSegment[]): Seq | undefined {
  const v = valueAt(frame, path);
  if (typeof v === "string" || (typeof v === "number" && Number.isFinite(v))) return v;
  return undefined;
}

/** `{{lastSeq}}` in the template becomes the sequence as a JSON value (a string is quoted and escaped). */
export function resumeMessage(template: string, seq: Seq): string {
  return template.split("{{lastSeq}}").join(JSON.stringify(seq));
}

/** The reconnect URL with `name=seq` set (replacing the parameter if the page's URL had it). */
export function resumeUrl(url: string, name: string, seq: Seq): string {
  try {
    const u = new URL(url);
    u.searchParams.set(name, String(seq));
    return u.href;
  } catch {
    return url;
  }
}

/** What a resume did, for the recorder: when it starts, then (with counts) when its dedupe window ends. */
export interface ResumeReport {
  lastSeq: string;
  via: "message" | "query";
  replayed?: number;
  deduped?: number;
}

/**
 * Resume for one page-facing socket object: watches sequences in inbound frames across all its
 * connections, says what URL to dial and what to send once a replacement opens, and drops a replay's
 * overlap during the dedupe window.
 */
export class ResumeTracker {
  private settings: ResumeSettings | null = null;
  private seqPath: PathSegment[] | null = null;
  /** The highest sequence seen, kept across reconnects of this page object. */
  private lastSeq: Seq | undefined = undefined;
  /** The sequence the dialling replacement's URL carries (`queryParam`). */
  private dialSeq: Seq | undefined = undefined;
  private dedupeUntil = 0;
  /** The resume in progress, and what its window saw (reported when it ends). */
  private resumed: { lastSeq: Seq; via: "message" | "query"; replayed: number; deduped: number } | null = null;
  private timer: TimerHandle | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly windowMs: number,
    private readonly report: (r: ResumeReport) => void,
  ) {}

  /** Whether sequences are watched (resume is on, under the transparent strategy). */
  get on(): boolean {
    return this.seqPath !== null;
  }

  /** Turns resume on with `settings` (throws on a path not of the grammar), or off with null. */
  configure(settings: ResumeSettings | null): void {
    this.settings = null;
    this.seqPath = null;
    if (!settings) return;
    this.seqPath = compilePath(settings.seqPath);
    this.settings = settings;
  }

  /** The URL a replacement dials: with `queryParam` and a sequence seen, it carries the sequence. */
  dialUrl(url: string): string {
    const query = this.settings?.queryParam ?? null;
    this.dialSeq = query !== null ? this.lastSeq : undefined;
    return query !== null && this.lastSeq !== undefined ? resumeUrl(url, query, this.lastSeq) : url;
  }

  /** An inbound JSON frame of the open connection: moves `lastSeq`; returns true for a duplicate to drop. */
  inbound(frame: Record<string, unknown>): boolean {
    if (!this.seqPath) return false;
    const seq = seqAt(frame, this.seqPath);
    if (seq === undefined) return false;
    const order = this.lastSeq === undefined ? 1 : compareSeq(seq, this.lastSeq);
    const windowOpen = this.clock.now() < this.dedupeUntil;
    if (windowOpen && order !== null && order <= 0 && this.settings?.dedupe) {
      if (this.resumed) this.resumed.deduped++;
      return true;
    }
    if (order === null || order > 0) {
      // A sequence that cannot be ordered against the last (the server changed its kind) replaces it.
      this.lastSeq = seq;
      if (windowOpen && this.resumed) this.resumed.replayed++;
    }
    return false;
  }

  /**
   * A replacement opened: opens the dedupe window, and asks for what was missed — through its URL
   * (already dialled) or with the message, handed to `send`. Nothing before any sequence was seen.
   * A `send` that throws leaves the window open and the resume unreported; the caller notes why.
   */
  reconnected(send: (message: string) => void): void {
    const settings = this.settings;
    const dialSeq = this.dialSeq;
    this.dialSeq = undefined;
    if (!settings) return;
    this.endWindow();
    this.dedupeUntil = this.clock.now() + this.windowMs;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.endWindow();
    }, this.windowMs);
    if (settings.queryParam !== null) {
      if (dialSeq !== undefined) this.start(dialSeq, "query");
      return;
    }
    if (this.lastSeq === undefined) return;
    send(resumeMessage(settings.message, this.lastSeq));
    this.start(this.lastSeq, "message");
  }

  /** The dedupe window closed (or its connection went): reports what the server replayed and what was dropped. */
  endWindow(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.dedupeUntil = 0;
    const done = this.resumed;
    this.resumed = null;
    if (done) this.report({ lastSeq: String(done.lastSeq), via: done.via, replayed: done.replayed, deduped: done.deduped });
  }

  private start(lastSeq: Seq, via: "message" | "query"): void {
    this.resumed = { lastSeq, via, replayed: 0, deduped: 0 };
    this.report({ lastSeq: String(lastSeq), via });
  }
}
