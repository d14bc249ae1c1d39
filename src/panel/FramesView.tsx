import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { ComponentChildren } from "preact";
import type { FrameRecord, SocketId } from "../shared/protocol";
import type { PanelModel } from "./model";
import type { SocketLog } from "./socket-log";
import { DecodeCache, defaultDecoder, type DecodeContext, type Decoder } from "./frame-decoding";
import { RECOGNISE_FRAMES, recognitionFrames } from "./decoders";
import { NO_FILTER, compileFilter, compileLifecycleFilter, type EventMatcher, type FrameFilter, type FrameMatcher, type FrameType } from "./frame-filter";
import { FrameRows } from "./frame-rows";
import { frameType, previewLine } from "./frame-info";
import { frameMarks } from "./frame-marks";
import { LIFECYCLE_ROWS } from "./lifecycle-rows";
import { FrameFilters } from "./FrameFilters";
import { FramesTable, tableScroll, type FrameRowInfo, type TableScroll } from "./FramesTable";
import { FrameDetail } from "./FrameDetail";
import { Splitter } from "./Splitter";
import { useStoredSize } from "./layout-memory";
import "./FramesView.css";
import { t } from "../shared/i18n";

/** Lowest the frame detail is dragged, px: its bar and a few lines. */
const DETAIL_MIN = 80;

/**
 * What the frames view keeps while another tab is shown: its filter, time mode, selection and where
 * the table was scrolled. The App holds one; a view without it keeps its own.
 */
export interface FramesViewMemory {
  filter: FrameFilter;
  timeMode: "absolute" | "relative";
  selected: { index: number; epoch: number } | null;
  scroll: TableScroll;
}

export function framesViewMemory(): FramesViewMemory {
  return { filter: NO_FILTER, timeMode: "absolute", selected: null, scroll: tableScroll() };
}

export interface FramesViewProps {
  model: PanelModel;
  /** null: frames of every socket. */
  socket: SocketId | null;
  decoder?: Decoder;
  initialRect?: { width: number; height: number };
  memory?: FramesViewMemory;
  /** What the selected frame's detail offers to do with it (the App's: resend, rules). */
  frameActions?: (frame: FrameRecord) => ComponentChildren;
}

const NO_CONTEXT: DecodeContext = { url: "", protocols: [] };

/**
 * The connection's first frames as the engine's recognisers saw them (`recognitionFrames`), and the
 * first sent one (the handshake a decoder may need), if the log still has them near the start.
 */
function firstFramesOf(log: SocketLog, socket: SocketId): Pick<DecodeContext, "firstFrames" | "firstOutbound"> {
  const own = log.framesOf(socket);
  const head: FrameRecord[] = [];
  for (let k = 0; k < Math.min(own.length, 2 * RECOGNISE_FRAMES); k++) head.push(log.frames[own[k]!]!);
  const out = head.find((f) => f.dir === "out");
  return { firstFrames: recognitionFrames(head), firstOutbound: out && out.seq <= RECOGNISE_FRAMES ? out : undefined };
}

/**
 * The subprotocol the server chose, from the socket's latest `open` event (the page world records it),
 * remembered per socket until its events change: a type filter decodes every frame.
 */
class NegotiatedProtocols {
  private readonly known = new Map<SocketId, { events: readonly unknown[]; length: number; protocol: string | undefined }>();

  of(log: SocketLog, socket: SocketId): string | undefined {
    const events = log.eventsOf(socket);
    const hit = this.known.get(socket);
    if (hit && hit.events === events && hit.length === events.length) return hit.protocol;
    let protocol: string | undefined;
    for (let i = events.length - 1; i >= 0; i--) {
      const e = events[i]!;
      if (e.kind === "state" && e.state === "open") {
        protocol = e.protocol || undefined;
        break;
      }
    }
    this.known.set(socket, { events, length: events.length, protocol });
    return protocol;
  }
}

/** Filters, the virtualized frames table (with the lifecycle rows among the frames), and the selected frame's detail. */
export function FramesView({ model, socket, decoder = defaultDecoder, initialRect, memory: given, frameActions }: FramesViewProps) {
  const { log } = model;
  const [own] = useState(framesViewMemory);
  const memory = given ?? own;
  const [filter, setFilter] = useState<FrameFilter>(memory.filter);
  const [timeMode, setTimeMode] = useState<"absolute" | "relative">(memory.timeMode);
  const [selected, setSelected] = useState<{ index: number; epoch: number } | null>(memory.selected);
  useEffect(() => {
    memory.filter = filter;
    memory.timeMode = timeMode;
    memory.selected = selected;
  }, [memory, filter, timeMode, selected]);
  const cache = useMemo(() => new DecodeCache(decoder), [decoder]);
  const rows = useRef(new FrameRows());
  // The detail's height, as the user dragged it (null: the CSS default).
  const [detailHeight, setDetailHeight] = useStoredSize("split.detail", DETAIL_MIN);
  const viewRef = useRef<HTMLDivElement>(null);
  const lastGood = useRef<{ frame: FrameMatcher; event: EventMatcher | null } | null>(null);

  // The matcher must outlive batches (a new matcher rescans every frame), so it reads the model here.
  const current = useRef(model);
  current.current = model;
  const negotiated = useMemo(() => new NegotiatedProtocols(), []);
  const decode = useCallback(
    (index: number, frame: FrameRecord) => {
      const { log: now, sockets } = current.current;
      const view = sockets.get(frame.socket);
      const ctx: DecodeContext = view
        ? { url: view.url, protocols: view.protocols, negotiated: negotiated.of(now, frame.socket), ...firstFramesOf(now, frame.socket) }
        : NO_CONTEXT;
      return cache.get(index, frame, ctx, now.epoch);
    },
    [cache],
  );
  const compiled = useMemo(() => {
    const frame = compileFilter(filter, (f, index): FrameType => frameType(f, decode(index, f)));
    return typeof frame === "function" ? { frame, event: compileLifecycleFilter(filter, LIFECYCLE_ROWS) } : frame;
  }, [filter, decode]);
  const error = "error" in compiled ? compiled.error : null;
  if (!("error" in compiled)) lastGood.current = compiled;
  // An invalid regex keeps the previous result on screen, with the error beside the input.
  const matchers = lastGood.current ?? { frame: () => true, event: null };
  const table = rows.current.update(log, socket, matchers.frame, matchers.event);
  const total = socket === null ? log.frames.length : log.framesOf(socket).length;

  const describe = useCallback(
    (index: number): FrameRowInfo => {
      const frame = log.frames[index]!;
      const decoded = decode(index, frame);
      return {
        type: frameType(frame, decoded),
        preview: previewLine(frame, decoded),
        protocol: decoded && !decoded.error ? decoded.protocol : undefined,
        marks: frameMarks(frame),
      };
    },
    // The log is appended in place: its version says when rows may read differently.
    [log, model.logVersion, cache],
  );
  const createdAt = (id: SocketId) => model.sockets.get(id)?.createdAt;

  const selectedIndex = selected && selected.epoch === log.epoch && log.frames[selected.index] ? selected.index : null;
  const selectedFrame = selectedIndex === null ? null : log.frames[selectedIndex]!;
  const decoded = selectedFrame && selectedIndex !== null ? decode(selectedIndex, selectedFrame) : null;

  return (
    <div class="frames-view" ref={viewRef} style={detailHeight === null ? undefined : { "--detail-height": `${detailHeight}px` }}>
      <FrameFilters
        filter={filter}
        onChange={setFilter}
        error={error}
        timeMode={timeMode}
        onTimeMode={setTimeMode}
        shown={table.frameCount}
        total={total}
        lifecycle={table.codes.length - table.frameCount}
      />
      <FramesTable
        frames={log.frames}
        rows={table}
        selected={selectedIndex}
        onSelect={(index) => setSelected({ index, epoch: log.epoch })}
        timeMode={timeMode}
        createdAt={createdAt}
        describe={describe}
        scroll={memory.scroll}
        initialRect={initialRect}
      />
      {selectedFrame && selectedIndex !== null && (
        <>
          <Splitter
            class="pane-splitter"
            label={t("panelResizeFrameDetail")}
            orientation="horizontal"
            after
            value={detailHeight}
            measure={() => viewRef.current?.querySelector(".frame-detail")?.getBoundingClientRect().height ?? 0}
            min={DETAIL_MIN}
            onChange={setDetailHeight}
            testId="detail-splitter"
          />
          <FrameDetail
            frame={selectedFrame}
            decoded={decoded}
            type={frameType(selectedFrame, decoded)}
            onClose={() => setSelected(null)}
            actions={frameActions?.(selectedFrame)}
          />
        </>
      )}
    </div>
  );
}
