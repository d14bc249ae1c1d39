/**
 * What the timeline draws, computed from a socket's lifecycle events: a lane of state segments
 * (connecting, open, half-open, reconnecting with attempt and delay, closed with code), stretches of
 * silence, and marks (heartbeat sent / answered with RTT / missed, faults applied and ended, reconnect
 * attempts, queue drops and flushes, lost deliveries, protection changes, session resume with what the
 * server replayed and what was deduped, notes); and the message-rate and RTT series of the chart.
 */
import type { FaultKind, FrameRecord, SocketState } from "../shared/protocol";
import type { SocketView } from "./model";
import type { LifecycleEvent } from "./socket-log";
import { t, type MessageKey } from "../shared/i18n";

/**
 * Why an open socket is only half open: a black-hole fault holds its frames, or a heartbeat went
 * unanswered and nothing has closed it yet. Either way the browser still says "open".
 */
export type HalfOpenCause = "blackhole" | "missed";

export interface LaneSegment {
  state: SocketState;
  from: number;
  to: number;
  label: string;
  /** Set on the parts of an open segment that were half open. */
  halfOpen?: HalfOpenCause;
}

/** A stretch of an open socket with no frame either way, longer than the socket's usual gaps. */
export interface LaneSilence {
  from: number;
  to: number;
  label: string;
}

export type MarkKind =
  | "heartbeat-sent"
  | "heartbeat-answered"
  | "heartbeat-missed"
  | "fault-on"
  | "fault-off"
  | "reconnect"
  | "queue-dropped"
  | "queue-flushed"
  | "queue-discarded"
  | "delivery-lost"
  | "protection-on"
  | "protection-off"
  | "resume"
  | "note";

export interface LaneMark {
  t: number;
  kind: MarkKind;
  label: string;
}

export interface Lane {
  segments: LaneSegment[];
  marks: LaneMark[];
  silences: LaneSilence[];
}

const STATE_NAMES: Record<SocketState, MessageKey> = {
  connecting: "panelStateConnecting",
  open: "panelStateOpen",
  closing: "panelStateClosing",
  closed: "panelStateClosed",
  reconnecting: "panelStateReconnecting",
};

const FAULT_NAMES: Record<FaultKind, MessageKey> = {
  drop: "panelTimelineFaultDrop",
  close: "panelTimelineFaultClose",
  offline: "panelTimelineFaultOffline",
  blackhole: "panelTimelineFaultBlackhole",
  latency: "panelTimelineFaultLatency",
  inject: "panelTimelineFaultInject",
  send: "panelTimelineFaultSend",
  reconnect: "panelTimelineFaultReconnect",
  refuse: "panelTimelineFaultRefuse",
};

/** `label (reason)`: a cause or a reason is the engine's word, data that stays as it came. */
export function because(label: string, reason: string | undefined): string {
  return reason ? t("panelTimelineBecause", [label, reason]) : label;
}

export const ms = (value: number): string => String(Math.round(value));

/** Faults that last a while (started, then ended); the others happen once. */
const isLasting = (fault: FaultKind): boolean => fault === "offline" || fault === "blackhole" || fault === "latency" || fault === "refuse";

/** "fault: offline started (5000 ms)", "fault: black-hole ended", "fault: drop" ... */
export function faultLabel(event: Extract<LifecycleEvent, { kind: "fault" }>): string {
  const name = t(FAULT_NAMES[event.fault]);
  // A lasting fault that found nothing to act on never started: "fault: black-hole (not applied: …)", not "ended".
  const notApplied = !event.active && event.detail?.startsWith("not applied") === true;
  const lasting = isLasting(event.fault) && !notApplied;
  const label = !lasting
    ? t("panelTimelineFault", [name])
    : event.active
      ? t("panelTimelineFaultStarted", [name])
      : t("panelTimelineFaultEnded", [name]);
  return event.detail ? t("panelTimelineFaultDetail", [label, event.detail]) : label;
}

/** "reconnecting #2 in 300 ms (heartbeat timeout)", "closed 1006", "open" ... */
export function stateLabel(event: Extract<LifecycleEvent, { kind: "state" }>): string {
  let label = t(STATE_NAMES[event.state] ?? "panelUnknown");
  if (event.state === "reconnecting") {
    const attempt = event.attempt !== undefined ? String(event.attempt) : undefined;
    const delay = event.delayMs !== undefined ? ms(event.delayMs) : undefined;
    if (attempt !== undefined && delay !== undefined) label = t("panelTimelineReconnectingAttemptIn", [attempt, delay]);
    else if (attempt !== undefined) label = t("panelTimelineReconnectingAttempt", [attempt]);
    else if (delay !== undefined) label = t("panelTimelineReconnectingIn", [delay]);
  }
  if (event.state === "closed" && event.code !== undefined) {
    label = event.reason ? t("panelTimelineClosedCodeReason", [String(event.code), event.reason]) : t("panelTimelineClosedCode", [String(event.code)]);
  }
  return because(label, event.cause);
}

/** "resume from 41 (message)"; when its dedupe window ended, "resume from 41: server replayed 5, 2 deduped". */
export function resumeLabel(event: Extract<LifecycleEvent, { kind: "resume" }>): string {
  if (event.replayed === undefined && event.deduped === undefined) {
    return t(event.via === "query" ? "panelTimelineResumeQuery" : "panelTimelineResumeMessage", [event.lastSeq]);
  }
  return t("panelTimelineResumeDone", [event.lastSeq, String(event.replayed ?? 0), String(event.deduped ?? 0)]);
}

export function heartbeatLabel(event: Extract<LifecycleEvent, { kind: "heartbeat" }>): string {
  if (event.phase === "answered") {
    return event.rttMs !== undefined ? t("panelTimelineHeartbeatAnsweredIn", [ms(event.rttMs)]) : t("panelTimelineHeartbeatAnswered");
  }
  if (event.phase === "missed") {
    return event.rttMs !== undefined ? t("panelTimelineHeartbeatMissedSilent", [ms(event.rttMs)]) : t("panelTimelineHeartbeatMissed");
  }
  return t("panelTimelineHeartbeatSent");
}

const QUEUE_ACTIONS: Record<Extract<LifecycleEvent, { kind: "queue" }>["action"], MessageKey> = {
  dropped: "panelTimelineQueueDropped",
  flushed: "panelTimelineQueueFlushed",
  discarded: "panelTimelineQueueDiscarded",
};

/** "queue flushed: 3 messages, 120 B", "queue dropped: 1 message, 20 B (maxMessages)". */
export function queueLabel(event: Extract<LifecycleEvent, { kind: "queue" }>): string {
  const count = event.count === 1 ? t("panelTimelineMessageOne") : t("panelTimelineMessages", [String(event.count)]);
  return because(t(QUEUE_ACTIONS[event.action], [count, String(event.bytes)]), event.reason);
}

/** "protection on, transparent (rule 1)", "protection off". */
export function protectionLabel(event: Extract<LifecycleEvent, { kind: "protection" }>): string {
  const on = event.protected ? "panelTimelineProtectionOn" : "panelTimelineProtectionOff";
  const label = event.strategy ? t(event.protected ? "panelTimelineProtectionOnStrategy" : "panelTimelineProtectionOffStrategy", [event.strategy]) : t(on);
  return because(label, event.reason);
}

/** "delivery lost: message 42 (maxAgeMs)". */
export function deliveryLostLabel(event: Extract<LifecycleEvent, { kind: "delivery" }>): string {
  return because(t("panelRowDeliveryLost", [event.id]), event.reason);
}

/** A silence is only worth a shade past this, and past three of the socket's usual (median) gaps. */
export const MIN_SILENCE_MS = 5000;

/** "silent for 12.3 s". */
export function silenceLabel(ms: number): string {
  return t("panelTimelineSilentFor", [(ms / 1000).toFixed(1)]);
}

function medianGap(times: readonly number[]): number {
  if (times.length < 2) return 0;
  const gaps: number[] = [];
  for (let i = 1; i < times.length; i++) gaps.push(times[i]! - times[i - 1]!);
  gaps.sort((a, b) => a - b);
  const mid = gaps.length >> 1;
  return gaps.length % 2 ? gaps[mid]! : (gaps[mid - 1]! + gaps[mid]!) / 2;
}

/** First index of `times` (ascending) at or after `t`. */
function lowerBound(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Stretches of the open segments with no frame at all, either way, for longer than
 * max(MIN_SILENCE_MS, 3 × the socket's median gap between frames): a fact of the recorded frame times.
 * Before `knownFrom` the log no longer holds the socket's frames (dropped past its bounds, or
 * cleared): no silence is claimed there.
 */
export function silencesOf(segments: readonly LaneSegment[], frameTimes: readonly number[], knownFrom = -Infinity): LaneSilence[] {
  let times = frameTimes;
  for (let i = 1; i < times.length; i++) {
    // Frames of page frames may come interleaved out of order: sort a copy only when they are.
    if (times[i]! < times[i - 1]!) {
      times = [...frameTimes].sort((a, b) => a - b);
      break;
    }
  }
  const threshold = Math.max(MIN_SILENCE_MS, 3 * medianGap(times));
  const silences: LaneSilence[] = [];
  const push = (from: number, to: number) => {
    if (to - from > threshold) silences.push({ from, to, label: silenceLabel(to - from) });
  };
  // Contiguous open parts (open and half-open pieces of one open period) are one stretch of time.
  for (let i = 0; i < segments.length; i++) {
    if (segments[i]!.state !== "open") continue;
    const from = Math.max(segments[i]!.from, knownFrom);
    while (i + 1 < segments.length && segments[i + 1]!.state === "open" && segments[i + 1]!.from === segments[i]!.to) i++;
    const to = segments[i]!.to;
    if (from >= to) continue;
    let prev = from;
    for (let k = lowerBound(times, from); k < times.length && times[k]! <= to; k++) {
      push(prev, times[k]!);
      prev = times[k]!;
    }
    push(prev, to);
  }
  return silences;
}

interface Interval {
  from: number;
  to: number;
  cause: HalfOpenCause;
}

/** When the socket was half open: black-hole faults in force, and a missed heartbeat until the next state. */
function halfOpenIntervals(events: readonly LifecycleEvent[], end: number): Interval[] {
  const intervals: Interval[] = [];
  let blackhole: { from: number; until?: number } | null = null;
  let missed: number | null = null;
  for (const event of events) {
    if (event.kind === "fault" && event.fault === "blackhole") {
      if (event.active) {
        if (blackhole) intervals.push({ from: blackhole.from, to: event.t, cause: "blackhole" });
        blackhole = { from: event.t, until: event.untilT };
      } else if (blackhole) {
        intervals.push({ from: blackhole.from, to: event.t, cause: "blackhole" });
        blackhole = null;
      }
    } else if (event.kind === "heartbeat" && event.phase === "missed") {
      missed ??= event.t;
    } else if (event.kind === "state" && missed !== null) {
      intervals.push({ from: missed, to: event.t, cause: "missed" });
      missed = null;
    }
  }
  // A fault whose end was not recorded ends when it said it would (or is still in force).
  if (blackhole) intervals.push({ from: blackhole.from, to: Math.min(end, blackhole.until ?? end), cause: "blackhole" });
  if (missed !== null) intervals.push({ from: missed, to: end, cause: "missed" });
  return intervals.filter((i) => i.to > i.from);
}

const HALF_OPEN_NAMES: Record<HalfOpenCause, MessageKey> = {
  blackhole: "panelTimelineHalfOpenBlackhole",
  missed: "panelTimelineHalfOpenMissed",
};

/** Splits open segments where they were half open; a black-hole in force wins over a missed heartbeat. */
function splitHalfOpen(segments: readonly LaneSegment[], intervals: readonly Interval[]): LaneSegment[] {
  if (intervals.length === 0) return [...segments];
  const out: LaneSegment[] = [];
  for (const seg of segments) {
    if (seg.state !== "open") {
      out.push(seg);
      continue;
    }
    const cuts = new Set<number>([seg.from, seg.to]);
    for (const i of intervals) {
      if (i.from > seg.from && i.from < seg.to) cuts.add(i.from);
      if (i.to > seg.from && i.to < seg.to) cuts.add(i.to);
    }
    const points = [...cuts].sort((a, b) => a - b);
    for (let k = 0; k + 1 < points.length; k++) {
      const from = points[k]!;
      const to = points[k + 1]!;
      const inside = (c: HalfOpenCause) => intervals.some((i) => i.cause === c && i.from <= from && i.to >= to);
      const cause: HalfOpenCause | undefined = inside("blackhole") ? "blackhole" : inside("missed") ? "missed" : undefined;
      const last = out[out.length - 1];
      if (last && last.state === "open" && last.to === from && last.halfOpen === cause && k > 0) {
        last.to = to;
        continue;
      }
      out.push(cause ? { state: "open", from, to, label: t(HALF_OPEN_NAMES[cause]), halfOpen: cause } : { ...seg, from, to });
    }
  }
  return out;
}

/**
 * The lane of one socket up to `end` (now, for a live socket). `frameTimes`: the times of its
 * recorded frames, either way, for the silences; `knownFrom`: since when the log holds all of them.
 */
export function laneOf(
  view: Pick<SocketView, "createdAt" | "state">,
  events: readonly LifecycleEvent[],
  end: number,
  frameTimes: readonly number[] = [],
  knownFrom = -Infinity,
): Lane {
  const segments: LaneSegment[] = [];
  const marks: LaneMark[] = [];
  const hasStates = events.some((e) => e.kind === "state");
  // Without state events (they fell out of the page's ring, or a HAR without them) the lane is the state known now.
  const first: SocketState = hasStates ? "connecting" : view.state;
  let open: LaneSegment = { state: first, from: view.createdAt, to: end, label: t(STATE_NAMES[first] ?? "panelUnknown") };
  for (const event of events) {
    switch (event.kind) {
      case "created":
        open.from = Math.min(open.from, event.t);
        break;
      case "state":
        open.to = Math.max(open.from, event.t);
        segments.push(open);
        open = { state: event.state, from: event.t, to: end, label: stateLabel(event) };
        if (event.state === "reconnecting") marks.push({ t: event.t, kind: "reconnect", label: open.label });
        break;
      case "heartbeat":
        marks.push({ t: event.t, kind: `heartbeat-${event.phase}`, label: heartbeatLabel(event) });
        break;
      case "queue":
        marks.push({ t: event.t, kind: `queue-${event.action}`, label: queueLabel(event) });
        break;
      case "protection":
        marks.push({ t: event.t, kind: event.protected ? "protection-on" : "protection-off", label: protectionLabel(event) });
        break;
      case "fault":
        // A one-off fault (drop, inject...) is applied when it is recorded, whatever its `active` says.
        marks.push({ t: event.t, kind: isLasting(event.fault) && !event.active ? "fault-off" : "fault-on", label: faultLabel(event) });
        break;
      case "delivery":
        if (event.status === "lost") marks.push({ t: event.t, kind: "delivery-lost", label: deliveryLostLabel(event) });
        break;
      case "resume":
        marks.push({ t: event.t, kind: "resume", label: resumeLabel(event) });
        break;
      case "note":
        marks.push({ t: event.t, kind: "note", label: event.text });
        break;
    }
  }
  open.to = Math.max(open.from, end);
  segments.push(open);
  // A zero-length first segment (created and opened in the same ms) draws nothing: drop it.
  const drawn = segments.filter((s, i) => s.to > s.from || i === segments.length - 1);
  const split = splitHalfOpen(drawn, halfOpenIntervals(events, end));
  return { segments: split, marks, silences: silencesOf(split, frameTimes, knownFrom) };
}

export interface RateSeries {
  /** Bucket starts, in seconds since the epoch (uPlot's x). */
  x: number[];
  /** Messages per second in each bucket. */
  inbound: number[];
  outbound: number[];
  /** Mean heartbeat RTT (ms) answered in the bucket, or null. */
  rtt: (number | null)[];
}

/** Buckets frames and heartbeat answers over [start, end]; at most `maxBuckets` buckets of whole seconds. */
export function rateSeries(
  frames: readonly FrameRecord[],
  indices: Iterable<number>,
  heartbeats: Iterable<LifecycleEvent>,
  start: number,
  end: number,
  maxBuckets = 600,
): RateSeries {
  const span = Math.max(1, end - start);
  const bucketMs = Math.max(1000, Math.ceil(span / maxBuckets / 1000) * 1000);
  const n = Math.max(1, Math.ceil(span / bucketMs));
  const inbound = new Array<number>(n).fill(0);
  const outbound = new Array<number>(n).fill(0);
  const rttSum = new Array<number>(n).fill(0);
  const rttCount = new Array<number>(n).fill(0);
  const bucket = (t: number) => Math.min(n - 1, Math.max(0, Math.floor((t - start) / bucketMs)));
  for (const i of indices) {
    const f = frames[i];
    if (!f) continue;
    if (f.dir === "in") inbound[bucket(f.t)]!++;
    else outbound[bucket(f.t)]!++;
  }
  for (const e of heartbeats) {
    if (e.kind !== "heartbeat" || e.phase !== "answered" || e.rttMs === undefined) continue;
    const b = bucket(e.t);
    rttSum[b]! += e.rttMs;
    rttCount[b]!++;
  }
  const perSecond = 1000 / bucketMs;
  return {
    x: inbound.map((_, b) => (start + b * bucketMs) / 1000),
    inbound: inbound.map((c) => c * perSecond),
    outbound: outbound.map((c) => c * perSecond),
    rtt: rttSum.map((s, b) => (rttCount[b]! > 0 ? s / rttCount[b]! : null)),
  };
}
