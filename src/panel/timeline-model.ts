/**
 * What the timeline draws, computed from a socket's lifecycle events: a lane of state segments
 * (connecting, open, reconnecting with attempt and delay, closed with code) and marks (heartbeat
 * sent / answered with RTT / missed, queue drops and flushes, protection changes, session resume with
 * what the server replayed and what was deduped, notes); and the
 * message-rate and RTT series of the chart.
 */
import type { FaultKind, FrameRecord, SocketState } from "../shared/protocol";
import type { SocketView } from "./model";
import type { LifecycleEvent } from "./socket-log";
import { t, type MessageKey } from "../shared/i18n";

export interface LaneSegment {
  state: SocketState;
  from: number;
  to: number;
  label: string;
}

export type MarkKind =
  | "heartbeat-sent"
  | "heartbeat-answered"
  | "heartbeat-missed"
  | "queue-dropped"
  | "queue-flushed"
  | "queue-discarded"
  | "protection-on"
  | "protection-off"
  | "fault"
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
};

/** `label (reason)`: a cause or a reason is the engine's word, data that stays as it came. */
export function because(label: string, reason: string | undefined): string {
  return reason ? t("panelTimelineBecause", [label, reason]) : label;
}

export const ms = (value: number): string => String(Math.round(value));

/** "fault: offline started (5000 ms)", "fault: black-hole ended", "fault: drop" ... */
export function faultLabel(event: Extract<LifecycleEvent, { kind: "fault" }>): string {
  const name = t(FAULT_NAMES[event.fault]);
  const lasting = event.fault === "offline" || event.fault === "blackhole" || event.fault === "latency";
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

/** The lane of one socket up to `end` (now, for a live socket). */
export function laneOf(view: Pick<SocketView, "createdAt" | "state">, events: readonly LifecycleEvent[], end: number): Lane {
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
        marks.push({ t: event.t, kind: "fault", label: faultLabel(event) });
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
  return { segments: segments.filter((s, i) => s.to > s.from || i === segments.length - 1), marks };
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
