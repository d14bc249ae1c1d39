import { useMemo } from "preact/hooks";
import type { SocketId } from "../shared/protocol";
import type { PanelModel, SocketView } from "./model";
import { laneOf, rateSeries, type Lane } from "./timeline-model";
import { clip, formatClock } from "./format";
import { RateChart } from "./RateChart";
import "./Timeline.css";
import { t } from "../shared/i18n";

export interface TimelineProps {
  model: PanelModel;
  /** null: a lane per socket. */
  socket: SocketId | null;
  /** The right edge for live sockets (tests fix it). */
  now?: number;
}

const TICKS = 5;
/**
 * Lanes drawn for "all sockets", and marks per lane: a page may declare thousands of sockets and
 * flood one with events; past these the timeline would cost every render more than a frame.
 */
export const MAX_LANES = 200;
export const MAX_MARKS = 500;

/** A lane of states and marks per socket over a shared time axis, and the rate/RTT chart under it. */
export function Timeline({ model, socket, now }: TimelineProps) {
  const { log } = model;
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
      return { view, lane: laneOf(view, log.eventsOf(view.id), laneEnd) };
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

  const span = stop - start;
  const pos = (t: number) => `${(((t - start) / span) * 100).toFixed(3)}%`;
  const width = (from: number, to: number) => `${Math.max(0.2, ((to - from) / span) * 100).toFixed(3)}%`;

  return (
    <div class="timeline" data-testid="timeline">
      <div class="timeline-axis">
        <span class="timeline-label" />
        <div class="timeline-track">
          {Array.from({ length: TICKS + 1 }, (_, i) => {
            const t = start + (span * i) / TICKS;
            return (
              <span key={i} class="timeline-tick" style={{ left: pos(t) }}>
                {formatClock(t)}
              </span>
            );
          })}
        </div>
      </div>
      <div class="timeline-lanes">
        {lanes.map(({ view, lane }) => (
          <div class="timeline-lane" key={view.id} data-testid="timeline-lane" data-socket-id={view.id}>
            <span class="timeline-label" title={clip(view.url, 4096)}>
              {clip(view.url, 120)}
            </span>
            <div class="timeline-track">
              {lane.segments.map((s, i) => (
                <span
                  key={`s${i}`}
                  class={`timeline-segment timeline-state-${s.state}`}
                  data-testid="timeline-segment"
                  data-state={s.state}
                  style={{ left: pos(s.from), width: width(s.from, s.to) }}
                  title={`${s.label}, ${formatClock(s.from)}`}
                >
                  {s.label}
                </span>
              ))}
              {lane.marks.slice(-MAX_MARKS).map((m, i) => (
                <span
                  key={`m${i}`}
                  class={`timeline-mark timeline-mark-${m.kind}`}
                  data-testid="timeline-mark"
                  data-kind={m.kind}
                  style={{ left: pos(m.t) }}
                  title={`${m.label}, ${formatClock(m.t)}`}
                />
              ))}
            </div>
          </div>
        ))}
      </div>
      {all > views.length && (
        <p class="timeline-more" data-testid="timeline-more">
          {t("panelTimelineMoreLanes", [String(all - views.length)])}
        </p>
      )}
      <div class="timeline-legend">
        <span><i class="timeline-mark timeline-mark-heartbeat-sent" /> {t("panelLegendHeartbeatSent")}</span>
        <span><i class="timeline-mark timeline-mark-heartbeat-answered" /> {t("panelLegendAnswered")}</span>
        <span><i class="timeline-mark timeline-mark-heartbeat-missed" /> {t("panelLegendMissed")}</span>
        <span><i class="timeline-mark timeline-mark-queue-dropped" /> {t("panelLegendQueueDrop")}</span>
        <span><i class="timeline-mark timeline-mark-protection-on" /> {t("panelLegendProtection")}</span>
        <span><i class="timeline-mark timeline-mark-fault" /> {t("panelLegendFault")}</span>
        <span><i class="timeline-mark timeline-mark-resume" /> {t("panelLegendResume")}</span>
      </div>
      <RateChart series={series} />
    </div>
  );
}
