import { useCallback, useMemo, useRef, useState } from "preact/hooks";
import type { FrameRecord, SocketId } from "../shared/protocol";
import type { PanelModel } from "./model";
import type { SocketLog } from "./socket-log";
import { DecodeCache, defaultDecoder, type DecodeContext, type Decoder } from "./frame-decoding";
import { FilteredFrames, NO_FILTER, compileFilter, type FrameFilter, type FrameMatcher, type FrameType } from "./frame-filter";
import { frameType, previewLine } from "./frame-info";
import { FrameFilters } from "./FrameFilters";
import { FramesTable, type FrameRowInfo } from "./FramesTable";
import { FrameDetail } from "./FrameDetail";
import "./FramesView.css";

export interface FramesViewProps {
  model: PanelModel;
  /** null: frames of every socket. */
  socket: SocketId | null;
  decoder?: Decoder;
  initialRect?: { width: number; height: number };
}

const NO_CONTEXT: DecodeContext = { url: "", protocols: [] };

/** The socket's first sent frame, if the log still has it near the start (the handshake a decoder may need). */
function firstOutbound(log: SocketLog, socket: SocketId): FrameRecord | undefined {
  const own = log.framesOf(socket);
  for (let k = 0; k < Math.min(own.length, 8); k++) {
    const f = log.frames[own[k]!]!;
    if (f.dir === "out") return f.seq <= 8 ? f : undefined;
  }
  return undefined;
}

/** Filters, the virtualized frames table, and the selected frame's detail. */
export function FramesView({ model, socket, decoder = defaultDecoder, initialRect }: FramesViewProps) {
  const { log } = model;
  const [filter, setFilter] = useState<FrameFilter>(NO_FILTER);
  const [timeMode, setTimeMode] = useState<"absolute" | "relative">("absolute");
  const [selected, setSelected] = useState<{ index: number; epoch: number } | null>(null);
  const cache = useMemo(() => new DecodeCache(decoder), [decoder]);
  const filtered = useRef(new FilteredFrames());
  const lastGood = useRef<FrameMatcher | null>(null);

  // The matcher must outlive batches (a new matcher rescans every frame), so it reads the model here.
  const current = useRef(model);
  current.current = model;
  const decode = useCallback(
    (index: number, frame: FrameRecord) => {
      const view = current.current.sockets.get(frame.socket);
      const ctx = view ? { url: view.url, protocols: view.protocols, firstOutbound: firstOutbound(current.current.log, frame.socket) } : NO_CONTEXT;
      return cache.get(index, frame, ctx, current.current.log.epoch);
    },
    [cache],
  );
  const compiled = useMemo(
    () => compileFilter(filter, (frame, index): FrameType => frameType(frame, decode(index, frame), current.current.log)),
    [filter, decode],
  );
  const error = typeof compiled === "function" ? null : compiled.error;
  if (typeof compiled === "function") lastGood.current = compiled;
  // An invalid regex keeps the previous result on screen, with the error beside the input.
  const matcher = lastGood.current ?? (() => true);
  const indices = filtered.current.update(log, socket, matcher);
  const total = socket === null ? log.frames.length : log.framesOf(socket).length;

  const describe = useCallback(
    (index: number): FrameRowInfo => {
      const frame = log.frames[index]!;
      const decoded = decode(index, frame);
      return {
        type: frameType(frame, decoded, log),
        preview: previewLine(frame, decoded),
        protocol: decoded && !decoded.error ? decoded.protocol : undefined,
        // Parsed for the rows in view only: cheap whatever the log holds.
        delivery: log.deliveryOf(frame),
      };
    },
    // The log is appended in place: its version says when rows may read differently.
    [log, model.logVersion, cache],
  );
  const createdAt = (frame: FrameRecord) => model.sockets.get(frame.socket)?.createdAt ?? frame.t;

  const selectedIndex = selected && selected.epoch === log.epoch && log.frames[selected.index] ? selected.index : null;
  const selectedFrame = selectedIndex === null ? null : log.frames[selectedIndex]!;
  const decoded = selectedFrame && selectedIndex !== null ? decode(selectedIndex, selectedFrame) : null;

  return (
    <div class="frames-view">
      <FrameFilters
        filter={filter}
        onChange={setFilter}
        error={error}
        timeMode={timeMode}
        onTimeMode={setTimeMode}
        shown={indices.length}
        total={total}
      />
      <FramesTable
        frames={log.frames}
        indices={indices}
        selected={selectedIndex}
        onSelect={(index) => setSelected({ index, epoch: log.epoch })}
        timeMode={timeMode}
        createdAt={createdAt}
        describe={describe}
        initialRect={initialRect}
      />
      {selectedFrame && selectedIndex !== null && (
        <FrameDetail
          frame={selectedFrame}
          decoded={decoded}
          type={frameType(selectedFrame, decoded, log)}
          onClose={() => setSelected(null)}
        />
      )}
    </div>
  );
}
