/**
 * What the timeline draws, computed from a socket's lifecycle events: a lane of state segments
 * (connecting, open, reconnecting with attempt and delay, closed with code) and marks (heartbeat
 * sent / answered with RTT / missed, queue drops and flushes, protection changes, session resume with
 * what the server replayed and what was deduped, notes); and the
 * message-rate and RTT series of the chart.
 */
import type { FrameRecord, SocketState } from "../shared/protocol";
import type { SocketView } from "./model";
import type { LifecycleEvent } from "./socket-log";

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

/** "offline 5000 ms", "black-hole ended", "drop" ... */
export function faultLabel(event: Extract<LifecycleEvent, { kind: "fault" }>): string {
  const name = event.fault === "blackhole" ? "black-hole" : event.fault === "reconnect" ? "reconnect now" : event.fault;
  const lasting = event.fault === "offline" || event.fault === "blackhole" || event.fault === "latency";
  const state = lasting ? (event.active ? " started" : " ended") : "";
  return `fault: ${name}${state}${event.detail ? ` (${event.detail})` : ""}`;
}

export function stateLabel(event: Extract<LifecycleEvent, { kind: "state" }>): string {
  let label: string = event.state;
  if (event.state === "reconnecting") {
    if (event.attempt !== undefined) label += ` #${event.attempt}`;
    if (event.delayMs !== undefined) label += ` in ${Math.round(event.delayMs)} ms`;
  }
  if (event.state === "closed" && event.code !== undefined) label += ` ${event.code}${event.reason ? ` ${event.reason}` : ""}`;
  if (event.cause) label += ` (${event.cause})`;
  return label;
}

/** "resume from 41 (message)"; when its dedupe window ended, "resume from 41: server replayed 5, 2 deduped". */
export function resumeLabel(event: Extract<LifecycleEvent, { kind: "resume" }>): string {
  const from = `resume from ${event.lastSeq}`;
  if (event.replayed === undefined && event.deduped === undefined) return `${from} (${event.via === "query" ? "query parameter" : "message"})`;
  return `${from}: server replayed ${event.replayed ?? 0}, ${event.deduped ?? 0} deduped`;
}

/** The lane of one socket up to `end` (now, for a live socket). */
export function laneOf(view: Pick<SocketView, "createdAt" | "state">, events: readonly LifecycleEvent[], end: number): Lane {
  const segments: LaneSegment[] = [];
  const marks: LaneMark[] = [];
  const hasStates = events.some((e) => e.kind === "state");
  // Without state events (they fell out of the page's ring, or a HAR without them) the lane is the state known now.
  let open: LaneSegment = { state: hasStates ? "connecting" : view.state, from: view.createdAt, to: end, label: hasStates ? "connecting" : view.state };
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
        marks.push({
          t: event.t,
          kind: `heartbeat-${event.phase}`,
          label:
            event.phase === "answered"
              ? `heartbeat answered${event.rttMs !== undefined ? ` in ${Math.round(event.rttMs)} ms` : ""}`
              : event.phase === "missed"
                ? `heartbeat missed${event.rttMs !== undefined ? ` (${Math.round(event.rttMs)} ms silent)` : ""}`
                : "heartbeat sent",
        });
        break;
      case "queue":
        marks.push({
          t: event.t,
          kind: `queue-${event.action}`,
          label: `queue ${event.action}: ${event.count} message${event.count === 1 ? "" : "s"}, ${event.bytes} B${event.reason ? ` (${event.reason})` : ""}`,
        });
        break;
      case "protection":
        marks.push({
          t: event.t,
          kind: event.protected ? "protection-on" : "protection-off",
          label: `protection ${event.protected ? "on" : "off"}${event.strategy ? `, ${event.strategy}` : ""}${event.reason ? ` (${event.reason})` : ""}`,
        });
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
