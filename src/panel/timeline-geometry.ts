/**
 * Where things go on the timeline, shared by the lanes (HTML) and the rate chart (uPlot, a canvas):
 * both draw over the same time area, [left, width - right] of the timeline's width, so a moment is at
 * the same x in both; and both label the same ticks, chosen from the room there is.
 */

export interface TimelineGeometry {
  /** Width of the whole timeline, in CSS px. */
  width: number;
  /** The lanes' label column, and the chart's rate axis. */
  left: number;
  /** Room on the right for the chart's RTT axis (the lanes leave it empty). */
  right: number;
}

/** What is assumed before the first measure (and where there is no layout, as in component tests). */
export const UNMEASURED_WIDTH = 800;
export const RIGHT_GUTTER = 56;

export function timelineGeometry(width: number): TimelineGeometry {
  const w = width > 0 ? width : UNMEASURED_WIDTH;
  // Socket URLs want room, but in a 420 px dock the time area needs it more.
  const left = Math.round(Math.min(320, Math.max(96, w * 0.2)));
  return { width: w, left, right: RIGHT_GUTTER };
}

export function trackWidth(g: TimelineGeometry): number {
  return Math.max(1, g.width - g.left - g.right);
}

/** x of `t` from the timeline's left edge, in CSS px. */
export function timeX(g: TimelineGeometry, start: number, stop: number, t: number): number {
  return g.left + ((t - start) / Math.max(1, stop - start)) * trackWidth(g);
}

/** The font of segment labels and ticks (Timeline.css and the chart's axes use the same). */
export const LABEL_FONT = "10px system-ui, sans-serif";

let measureCtx: CanvasRenderingContext2D | null | undefined;

/**
 * Width of `text` in LABEL_FONT, in CSS px: measured on a canvas where there is one, else estimated
 * generously (CJK characters are about a full em) so that an estimate never lets a label overflow.
 */
export function textWidth(text: string): number {
  if (measureCtx === undefined) {
    try {
      measureCtx = typeof document === "undefined" ? null : document.createElement("canvas").getContext("2d");
    } catch {
      measureCtx = null;
    }
  }
  if (measureCtx && typeof measureCtx.measureText === "function") {
    measureCtx.font = LABEL_FONT;
    const width = measureCtx.measureText(text).width;
    if (Number.isFinite(width) && width > 0) return width;
  }
  let w = 0;
  for (const ch of text) w += /[\u2e80-\u9fff\uac00-\ud7af\uff00-\uffef]/.test(ch) ? 10 : 6.2;
  return w;
}

/** Padding of a segment's label on each side (Timeline.css: .timeline-segment padding). */
export const SEGMENT_PADDING = 3;

/** A segment `px` wide shows its label only when all of it fits: a fragment ("r") says nothing. */
export function labelFits(label: string, px: number): boolean {
  return textWidth(label) + 2 * SEGMENT_PADDING + 1 <= px;
}

export interface Tick {
  t: number;
  label: string;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const STEPS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500,
  SECOND, 2 * SECOND, 5 * SECOND, 10 * SECOND, 15 * SECOND, 30 * SECOND,
  MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
  HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR,
  DAY, 2 * DAY, 7 * DAY, 14 * DAY, 28 * DAY,
];
/** Clear space between two tick labels, in px. */
export const TICK_GAP = 12;

const pad = (x: number, w = 2): string => String(x).padStart(w, "0");

/** Local midnight-based ms, so that hour and day ticks fall on the clock's hours, not UTC's. */
const localOffset = (t: number): number => -new Date(t).getTimezoneOffset() * MINUTE;

function crossesDays(start: number, stop: number): boolean {
  return new Date(start).toDateString() !== new Date(stop).toDateString();
}

/** A tick's label: HH:MM:SS, with .mmm for sub-second steps, HH:MM for minute steps, MM-DD first when the span crosses days. */
export function formatTick(t: number, step: number, withDate: boolean): string {
  const d = new Date(t);
  const date = `${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  if (step >= DAY) return date;
  let time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (step < MINUTE) time += `:${pad(d.getSeconds())}`;
  if (step < SECOND) time += `.${pad(d.getMilliseconds(), 3)}`;
  return withDate ? `${date} ${time}` : time;
}

/**
 * Ticks over [start, stop] drawn `px` wide: the finest round step whose labels (of the width the
 * widest of them takes) keep TICK_GAP between them, so that no two labels ever touch.
 */
export function timeTicks(start: number, stop: number, px: number, measure: (text: string) => number = textWidth): Tick[] {
  const span = stop - start;
  if (!(span > 0) || !(px > 0)) return [];
  const withDate = crossesDays(start, stop);
  const pxPerMs = px / span;
  let step = STEPS[STEPS.length - 1]!;
  for (const candidate of STEPS) {
    // "00:00:00.000" style samples: digits are the widest they get, so the estimate holds for every tick.
    const sample = formatTick(start, candidate, withDate).replace(/\d/g, "0");
    if (candidate * pxPerMs >= measure(sample) + TICK_GAP) {
      step = candidate;
      break;
    }
  }
  while (step * pxPerMs < measure(formatTick(start, step, withDate).replace(/\d/g, "0")) + TICK_GAP) step *= 2;
  const off = localOffset(start);
  const ticks: Tick[] = [];
  for (let local = Math.ceil((start + off) / step) * step; local - off <= stop; local += step) {
    const t = local - off;
    ticks.push({ t, label: formatTick(t, step, withDate) });
  }
  return ticks;
}
