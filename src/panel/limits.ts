/**
 * What the panel keeps of one tab, and how much of it it takes on in one task. A page is untrusted and
 * every extension page (each tab's panel, the options page) shares one renderer main thread: whatever a
 * page sends, its panel holds a bounded amount and works in short slices. The router lets through at
 * most one snapshot answer and a live burst at a time (src/shared/budget.ts); the panel keeps about
 * one answer's worth and counts what it drops, so the banner can say so.
 */
import { TAB_BUDGET } from "../shared/budget";

export interface PanelLimits {
  /** Sockets from the page (live and kept from previous pages); imported ones are the user's and not counted. */
  sockets: number;
  /** Frames held in the log; past it the oldest go, a tenth at a time (the cost of a drop is amortised). */
  frames: number;
  /** Characters of frame previews held in the log, dropped the same way. */
  frameChars: number;
  /** Lifecycle events (states, heartbeats, notes...) held, over all sockets; the busiest lose theirs first. */
  events: number;
  /** Characters of lifecycle events held (a note may be 1 Mi characters). */
  eventChars: number;
}

const Mi = 1 << 20;

export const PANEL_LIMITS: PanelLimits = {
  sockets: 2_000,
  frames: TAB_BUDGET.answer.events,
  // Held strings are the heap every extension page shares: with 64 Mi characters (128 MB) held, a
  // flood's garbage collections stalled the other panels' thread 145-193 ms, with 16 Mi 31-49 ms
  // (test/e2e/flood.chromium.test.ts). 32 Mi still holds a 100,000-frame HAR (18 Mi).
  frameChars: 32 * Mi,
  // Lifecycle events are a few per socket and minute on a real page; what is past this is a flood.
  events: 100_000,
  eventChars: 32 * Mi,
};

/**
 * Work units: an event, a snapshot's socket, or 256 characters of text. Measured on this 2-core machine
 * (Node 20; bench/panel-ingest.test.ts prints the figures): a frame event costs ~1 us to apply, a
 * snapshot's socket ~1 us, a lifecycle event ~1.5-4 us (its dedupe key is its JSON), and its text ~6 us
 * a KiB (the key is made and hashed); a frame's preview costs nothing to append but a text filter
 * scans it. 2,000 units are a slice of ~2-8 ms of model work, leaving room for the render that
 * follows it in the same task, under the 10 ms that lets other extension pages run smoothly.
 */
export const SLICE_UNITS = 2_000;

/** Characters that count as one more work unit (see `unitsOf` in inbox.ts). */
export const CHARS_PER_UNIT = 256;

/**
 * The inbox's backlog: what the router may let through at once (one snapshot answer and a full live
 * burst) fits; past it the router's own budget did not hold, and new page messages are dropped.
 */
export const BACKLOG = {
  units:
    TAB_BUDGET.answer.events +
    TAB_BUDGET.answer.sockets +
    TAB_BUDGET.answer.chars / CHARS_PER_UNIT +
    TAB_BUDGET.live.events.burst +
    TAB_BUDGET.live.chars.burst / CHARS_PER_UNIT,
  chars: TAB_BUDGET.answer.chars + TAB_BUDGET.live.chars.burst,
};
