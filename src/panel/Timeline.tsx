import { useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import type uPlot from "uplot";
import type { SocketId } from "../shared/protocol";
import type { PanelModel, SocketView } from "./model";
import { laneOf, rateSeries, type Lane, type LaneSegment } from "./timeline-model";
import { labelFits, timeTicks, timelineGeometry, trackWidth } from "./timeline-geometry";
import { MARK_LOOKS } from "./timeline-glyphs";
import { clip, formatClock } from "./format";
import { RateChart, type ColorReader } from "./RateChart";
import { TimelineAxis } from "./TimelineAxis";
import { TimelineLegend } from "./TimelineLegend";
import { ResilienceTimelineBands } from "./ResilienceTimelineBands";
import type { CheckBand } from "./resilience-bands";
import "./Timeline.css";
import { t } from "../shared/i18n";

export interface TimelineProps {
  model: PanelModel;
  /** null: a lane per socket. */
  socket: SocketId | null;
  /** The right edge for live sockets (tests fix it). */
  now?: number;
  /** The timeline's width in px, instead of measuring it (tests: happy-dom has no layout). */
  width?: number;
  /** Passed to the chart (tests). */
  readColor?: ColorReader;
  onPlot?: (plot: uPlot | null) => void;
  /** The resilience check's steps, drawn as bands above the lanes. */
  checkBands?: readonly CheckBand[];
}

/**
 * Lanes drawn for "all sockets", and marks per lane: a page may declare thousands of sockets and
 * flood one with events; past these the timeline would cost every render more than a frame.
 */
export const MAX_LANES = 200;
export const MAX_MARKS = 500;

/** "open, 12:00:01.100 – 12:00:03.500 (2.4 s)": what a segment or a silence says in full. */
function spanText(label: string, from: number, to: number): string {
  return t("panelTimelineSpan", [label, formatClock(from), formatClock(to), ((to - from) / 1000).toFixed(1)]);
}

const segmentLook = (s: LaneSegment): string => (s.halfOpen ? "half-open" : s.state);

/** A lane of states and marks per socket over a shared time axis, and the rate/RTT chart under it. */
export function Timeline({ model, socket, now, width, readColor, onPlot, checkBands }: TimelineProps) {
  const { log } = model;
  const root = useRef<HTMLDivElement>(null);
  const [measured, setMeasured] = useState(0);
  useLayoutEffect(() => {
    const el = root.current;
    if (width !== undefined || !el) return;
    // clientWidth: without the vertical scrollbar, which the lanes and the chart both sit beside.
    const measure = () => setMeasured(el.clientWidth);
    measure();
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [width]);
  const geometry = useMemo(() => timelineGeometry(width ?? measured), [width, measured]);
  const track = trackWidth(geometry);

  const all = socket === null ? model.sockets.size : 1;
  const views: SocketView[] = useMemo(() => {
    if (socket !== null) return [model.sockets.get(socket)].filter((v) => v !== undefined);
    const first: SocketView[] = [];
    for (const view of model.sockets.values()) if (first.push(view) >= MAX_LANES) break;
    return first;
  }, [model.sockets, model.socketsVersion, socket]);
  const end = now ?? Date.now();

  const { lanes, start, stop } = useMemo(() => {
    let start = Infinity;
    let stop = -Infinity;
    const lastOf = (v: SocketView) => {
      const events = log.eventsOf(v.id);
      const frames = log.framesOf(v.id);
      const lastEvent = events.length ? events[events.length - 1]!.t : v.createdAt;
      const lastFrame = frames.length ? log.frames[frames[frames.length - 1]!]!.t : v.createdAt;
      // A socket that is still there runs to now; a closed or imported one ends with its last event.
      return v.origin === "live" && v.state !== "closed" ? end : Math.max(lastEvent, lastFrame, v.lastActivity);
    };
    const lanes: { view: SocketView; lane: Lane }[] = views.map((view) => {
      const laneEnd = lastOf(view);
      start = Math.min(start, view.createdAt);
      stop = Math.max(stop, laneEnd);
      const indices = log.framesOf(view.id);
      const frameTimes = indices.map((i) => log.frames[i]!.t);
      // seq counts from 1: a first frame held past 1 (or none held of a socket that had some) means
      // the log lost its older frames, and silence cannot be told before what it still holds.
      const first = indices.length ? log.frames[indices[0]!]! : undefined;
      const knownFrom = first ? (first.seq > 1 ? first.t : -Infinity) : view.lastSeq > 0 ? Infinity : -Infinity;
      return { view, lane: laneOf(view, log.eventsOf(view.id), laneEnd, frameTimes, knownFrom) };
    });
    if (!Number.isFinite(start)) start = end - 1000;
    if (!Number.isFinite(stop) || stop <= start) stop = start + 1000;
    return { lanes, start, stop };
  }, [model.socketsVersion, model.logVersion, socket, end]);

  // The chart counts every socket's frames, drawn or not.
  const series = useMemo(() => {
    const indices: number[] = [];
    const events = [];
    for (const v of socket === null ? model.sockets.values() : views) {
      for (const i of log.framesOf(v.id)) indices.push(i);
      // A loop, not push(...list): a socket may hold 100,000 events, past what a call takes as arguments.
      for (const e of log.eventsOf(v.id)) events.push(e);
    }
    return rateSeries(log.frames, indices, events, start, stop);
  }, [model.logVersion, socket, start, stop]);

  const ticks = useMemo(() => timeTicks(start, stop, track), [start, stop, track]);

  const span = stop - start;
  const pos = (t: number) => `${(((t - start) / span) * 100).toFixed(3)}%`;
  const extent = (from: number, to: number) => `${Math.max(0.2, ((to - from) / span) * 100).toFixed(3)}%`;
  const px = (from: number, to: number) => ((to - from) / span) * track;

  return (
    <div
      class="timeline"
      ref={root}
      data-testid="timeline"
      style={{ "--timeline-left": `${geometry.left}px`, "--timeline-right": `${geometry.right}px` }}
    >
      <TimelineAxis ticks={ticks} pos={pos} />
      {checkBands && <ResilienceTimelineBands bands={checkBands} start={start} stop={stop} pos={pos} extent={extent} px={px} />}
      <div class="timeline-lanes">
        {lanes.map(({ view, lane }) => (
          <div class="timeline-row timeline-lane" key={view.id} data-testid="timeline-lane" data-socket-id={view.id}>
            <span class="timeline-label" title={clip(view.url, 4096)}>
              {clip(view.url, 120)}
            </span>
            <div class="timeline-track">
              {lane.segments.map((s, i) => {
                const full = spanText(s.label, s.from, s.to);
                return (
                  <span
                    key={`s${i}`}
                    class={`timeline-segment timeline-state-${segmentLook(s)}`}
                    data-testid="timeline-segment"
                    data-state={segmentLook(s)}
                    role="img"
                    aria-label={full}
                    style={{ left: pos(s.from), width: extent(s.from, s.to) }}
                    title={full}
                  >
                    {labelFits(s.label, px(s.from, s.to)) ? s.label : null}
                  </span>
                );
              })}
              {lane.silences.slice(-MAX_MARKS).map((s, i) => {
                const full = spanText(s.label, s.from, s.to);
                return (
                  <span
                    key={`q${i}`}
                    class="timeline-silence"
                    data-testid="timeline-silence"
                    role="img"
                    aria-label={full}
                    style={{ left: pos(s.from), width: extent(s.from, s.to) }}
                    title={full}
                  />
                );
              })}
              {lane.marks.slice(-MAX_MARKS).map((m, i) => {
                const full = `${m.label}, ${formatClock(m.t)}`;
                return (
                  <span
                    key={`m${i}`}
                    class={`timeline-glyph timeline-mark-${m.kind}`}
                    data-testid="timeline-mark"
                    data-kind={m.kind}
                    role="img"
                    aria-label={full}
                    style={{ left: pos(m.t) }}
                    title={full}
                  >
                    {MARK_LOOKS[m.kind].glyph}
                  </span>
                );
              })}
            </div>
          </div>
        ))}
      </div>
      {all > views.length && (
        <p class="timeline-more" data-testid="timeline-more">
          {t("panelTimelineMoreLanes", [String(all - views.length)])}
        </p>
      )}
      <TimelineLegend />
      <RateChart series={series} geometry={geometry} start={start} stop={stop} ticks={ticks} readColor={readColor} onPlot={onPlot} />
    </div>
  );
}
