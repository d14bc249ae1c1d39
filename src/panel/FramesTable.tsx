import { useEffect, useLayoutEffect, useReducer, useRef, useState } from "preact/hooks";
import type { TargetedKeyboardEvent } from "preact";
import type { FrameRecord, SocketId } from "../shared/protocol";
import { socketOfEvent } from "../shared/protocol";
import type { FrameType } from "./frame-filter";
import type { FrameRows } from "./frame-rows";
import type { FrameMark } from "./frame-marks";
import { categoryName, lifecycleRow } from "./lifecycle-rows";
import { observeElementRect } from "@tanstack/virtual-core";
import { useVirtualizer } from "./use-virtualizer";
import { FrameMarkTags } from "./FrameMarkTags";
import { clip, formatBytes, formatClock } from "./format";
import { useColumnWidths, type ColumnSpec } from "./layout-memory";
import { Splitter } from "./Splitter";
import "./FramesTable.css";
import { t, type MessageKey } from "../shared/i18n";

export const ROW_HEIGHT = 20;
/** Within this many px of the end, the table counts as at the bottom (zoom makes scroll offsets fractional). */
const AT_END_SLACK = ROW_HEIGHT / 2;

/** The columns one can resize; the direction arrow keeps its 18px and the data takes the rest. */
const COLUMNS: readonly ColumnSpec[] = [
  { id: "time", width: 96, min: 48 },
  { id: "size", width: 64, min: 36 },
  { id: "type", width: 80, min: 36 },
];
const [TIME, SIZE, TYPE] = [0, 1, 2];

export interface FrameRowInfo {
  type: FrameType;
  preview: string;
  protocol?: string;
  /** Provenance and fate, as the record gives them. */
  marks: FrameMark[];
}

/**
 * Where the table was scrolled, kept by its owner so a table mounted again (after the Timeline tab)
 * comes back where it was. `pinned`: at the bottom, following what comes (null: not known yet, the
 * table decides when first laid out). `seenT`: time of the newest row the user saw at the bottom; rows
 * after it are the "N new".
 */
export interface TableScroll {
  offset: number;
  pinned: boolean | null;
  seenT: number;
}

export function tableScroll(): TableScroll {
  return { offset: 0, pinned: null, seenT: -Infinity };
}

export interface FramesTableProps {
  frames: readonly FrameRecord[];
  /** The rows to show: frames (log indices) and lifecycle events, in order. */
  rows: FrameRows;
  /** The selected frame's log index. */
  selected: number | null;
  onSelect(index: number): void;
  timeMode: "absolute" | "relative";
  /** When a socket was created, for relative times. */
  createdAt(socket: SocketId): number | undefined;
  describe(index: number): FrameRowInfo;
  /** Kept across mounts (the App's); absent: the table's own. */
  scroll?: TableScroll;
  /** Size of the scroll box before it is laid out (tests; the first paint). */
  initialRect?: { width: number; height: number };
}

/** Position of frame row `index` in `codes` (frame codes ascend; lifecycle codes, < 0, sit among them), or -1. */
function positionOf(codes: readonly number[], index: number | null): number {
  if (index === null) return -1;
  let lo = 0;
  let hi = codes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    let m = mid;
    while (m < hi && codes[m]! < 0) m++;
    if (m === hi || codes[m]! > index) hi = mid;
    else if (codes[m]! < index) lo = m + 1;
    else return m;
  }
  return -1;
}

/** The first frame row from `from` on in direction `step`, or -1. */
function frameRowFrom(codes: readonly number[], from: number, step: 1 | -1): number {
  for (let p = from; p >= 0 && p < codes.length; p += step) if (codes[p]! >= 0) return p;
  return -1;
}

/** How many rows came after time `seenT` (rows are in time order): the "N new". */
function rowsAfter(rows: FrameRows, frames: readonly FrameRecord[], seenT: number): number {
  const { codes } = rows;
  let lo = 0;
  let hi = codes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows.timeOf(codes[mid]!, frames) <= seenT) lo = mid + 1;
    else hi = mid;
  }
  return codes.length - lo;
}

/**
 * The frames and, among them, the lifecycle rows, virtualized: only the rows in view (and a few more)
 * are in the DOM, so 500,000 frames cost what 40 do. Every cell is a text node: a payload is never
 * parsed as HTML.
 *
 * At the bottom, the table follows what comes (as DevTools does). The virtualizer's `followOnAppend`
 * does nothing unless the list is anchored to its end, which would make it search the rows for its
 * anchor on every append: the table scrolls to the end itself after the rows grew. Scrolled up, it stays
 * put, and a button says how many rows came since and jumps to the newest.
 */
export function FramesTable(props: FramesTableProps) {
  const { frames, rows, selected, onSelect, timeMode, createdAt, describe } = props;
  const { codes } = rows;
  const count = codes.length;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [own] = useState(tableScroll);
  const memory = props.scroll ?? own;
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  const viewport = (): number => scrollRef.current?.clientHeight || props.initialRect?.height || 0;
  const newestT = count ? rows.timeOf(codes[count - 1]!, frames) : -Infinity;
  // What the scroll listener reads: the rows as last rendered.
  const latest = useRef({ newestT, count });
  latest.current = { newestT, count };

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    initialRect: props.initialRect,
    // Back where it was (another tab was shown meanwhile), or at the end when it was following: the
    // virtualizer writes it to the element when it attaches (the browser clamps it to the end).
    initialOffset: () => (memory.pinned ? Math.max(0, count * ROW_HEIGHT - viewport()) : memory.offset),
    // A box not laid out yet (or a DOM without layout) reports 0 x 0: use the initial size until it is.
    observeElementRect: (instance, cb) =>
      observeElementRect(instance, (rect) => cb(rect.height === 0 && props.initialRect ? props.initialRect : rect)),
  });
  const [widths, resize] = useColumnWidths("columns.frames", COLUMNS);
  const columns = `${widths[TIME]}px 18px ${widths[SIZE]}px ${widths[TYPE]}px minmax(0, 1fr)`;
  const resizer = (column: number, head: MessageKey) => (
    <Splitter
      class="column-resizer"
      label={t("panelResizeColumn", [t(head)])}
      orientation="vertical"
      value={widths[column]!}
      min={COLUMNS[column]!.min}
      onChange={(w) => resize(column, w)}
      testId={`resize-${COLUMNS[column]!.id}`}
    />
  );
  const position = positionOf(codes, selected);
  const toEnd = (): void => {
    if (count > 0) virtualizer.scrollToIndex(count - 1, { align: "end" });
  };

  // The user's scrolling decides whether the table follows: at the bottom it does, anywhere else not.
  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const onScroll = (): void => {
      const offset = el.scrollTop;
      const pinned = offset + viewport() >= latest.current.count * ROW_HEIGHT - AT_END_SLACK;
      memory.offset = offset;
      if (pinned) memory.seenT = latest.current.newestT;
      if (pinned !== memory.pinned) {
        memory.pinned = pinned;
        redraw(0);
      }
    };
    el.addEventListener("scroll", onScroll, { passive: true });
    return () => el.removeEventListener("scroll", onScroll);
  }, [memory]);

  const last = useRef<{ count: number; generation: number; selected: number | null; position: number } | null>(null);
  useLayoutEffect(() => {
    const before = last.current;
    last.current = { count, generation: rows.generation, selected, position };
    if (!before) {
      // A new table opens at the newest row and follows, as DevTools' message views do: a live
      // inspector's news is at the end. (One mounted again is back where it was: `initialOffset`.)
      if (memory.pinned === null) {
        memory.pinned = true;
        memory.seenT = newestT;
        toEnd();
        redraw(0);
      }
      return;
    }
    // The selection moved (keyboard, click): keep it in view.
    if (selected !== before.selected && position >= 0) {
      virtualizer.scrollToIndex(position, { align: "auto" });
      return;
    }
    if (memory.pinned) {
      memory.seenT = newestT;
      if (count !== before.count || rows.generation !== before.generation) toEnd();
      return;
    }
    // The list changed under the selection (a filter): keep it in view.
    if (position >= 0 && position !== before.position) virtualizer.scrollToIndex(position, { align: "auto" });
  });

  const onKeyDown = (e: TargetedKeyboardEvent<HTMLDivElement>): void => {
    if (count === 0) return;
    const page = Math.max(1, Math.floor(viewport() / ROW_HEIGHT) - 1);
    const from = position;
    let to: number;
    let step: 1 | -1 = 1;
    switch (e.key) {
      case "ArrowDown":
        to = from < 0 ? 0 : from + 1;
        break;
      case "ArrowUp":
        to = from < 0 ? count - 1 : from - 1;
        step = -1;
        break;
      case "PageDown":
        to = from < 0 ? page : from + page;
        break;
      case "PageUp":
        to = from - page;
        step = -1;
        break;
      case "Home":
        to = 0;
        break;
      case "End":
        to = count - 1;
        step = -1;
        break;
      default:
        return;
    }
    e.preventDefault();
    to = Math.max(0, Math.min(count - 1, to));
    // Lifecycle rows are not selected: the move lands on the nearest frame that way (or the other way).
    let at = frameRowFrom(codes, to, step);
    if (at < 0) at = frameRowFrom(codes, to, step === 1 ? -1 : 1);
    if (at >= 0) onSelect(codes[at]!);
  };

  const jumpToNewest = (): void => {
    memory.pinned = true;
    memory.seenT = newestT;
    toEnd();
    redraw(0);
  };

  const time = (t: number, socket: SocketId): string =>
    timeMode === "absolute" ? formatClock(t) : `+${((t - (createdAt(socket) ?? t)) / 1000).toFixed(3)} s`;
  const fresh = memory.pinned === false ? rowsAfter(rows, frames, memory.seenT) : 0;
  const items = virtualizer.getVirtualItems();
  return (
    <div class="frames" role="grid" aria-rowcount={count} aria-label={t("panelViewFrames")} style={{ "--frames-columns": columns }}>
      <div class="frames-head" role="row">
        <span role="columnheader" class="frames-time">
          {timeMode === "absolute" ? t("panelColTime") : t("panelColSinceOpen")}
          {resizer(TIME, timeMode === "absolute" ? "panelColTime" : "panelColSinceOpen")}
        </span>
        <span role="columnheader" class="frames-dir" title={t("panelDirection")} />
        <span role="columnheader" class="frames-size">
          {t("panelColSize")}
          {resizer(SIZE, "panelColSize")}
        </span>
        <span role="columnheader" class="frames-type">
          {t("panelType")}
          {resizer(TYPE, "panelType")}
        </span>
        <span role="columnheader" class="frames-preview">
          {t("panelColData")}
        </span>
      </div>
      <div
        class="frames-scroll"
        role="rowgroup"
        ref={scrollRef}
        tabIndex={0}
        onKeyDown={onKeyDown}
        data-testid="frames-table"
        data-pinned={memory.pinned ? "true" : "false"}
      >
        <div class="frames-spacer" role="none" style={{ height: `${virtualizer.getTotalSize()}px` }}>
          {items.map((item) => {
            const code = codes[item.index]!;
            const style = { transform: `translateY(${item.start}px)`, height: `${ROW_HEIGHT}px` };
            if (code < 0) {
              const event = rows.eventOf(code);
              const row = lifecycleRow(event);
              if (!row) return null;
              const socket = socketOfEvent(event);
              return (
                <div
                  key={code}
                  class={`frame-row lifecycle-row lifecycle-${row.tone}`}
                  role="row"
                  data-testid="lifecycle-row"
                  data-kind={row.kind}
                  data-socket-id={socket}
                  style={style}
                >
                  <span role="gridcell" class="frames-time">
                    {time(event.t, socket)}
                  </span>
                  <span role="gridcell" class="frames-dir lifecycle-glyph" aria-hidden="true">
                    {row.glyph}
                  </span>
                  <span role="gridcell" class="frames-size" />
                  <span role="gridcell" class="frames-type">
                    {categoryName(row.category)}
                  </span>
                  <span role="gridcell" class="frames-preview lifecycle-text" title={clip(row.text, 4096)}>
                    {clip(row.text)}
                  </span>
                </div>
              );
            }
            const frame = frames[code];
            if (!frame) return null;
            const info = describe(code);
            const fate = frame.fate ?? (frame.dir === "out" ? "sent" : "delivered");
            const cls = `frame-row frame-${frame.dir} frame-type-${info.type} frame-fate-${fate}${code === selected ? " frame-selected" : ""}`;
            return (
              <div
                key={code}
                class={cls}
                role="row"
                aria-selected={code === selected}
                data-testid="frame-row"
                data-dir={frame.dir}
                data-seq={frame.seq}
                data-socket-id={frame.socket}
                data-type={info.type}
                data-from={frame.from ?? "page"}
                data-fate={fate}
                style={style}
                onMouseDown={() => onSelect(code)}
              >
                <span role="gridcell" class="frames-time">
                  {time(frame.t, frame.socket)}
                </span>
                <span role="gridcell" class="frames-dir" title={frame.dir === "out" ? t("panelSent") : t("panelReceived")}>
                  {frame.dir === "out" ? "↑" : "↓"}
                </span>
                <span role="gridcell" class="frames-size">
                  {formatBytes(frame.size)}
                </span>
                <span role="gridcell" class="frames-type">
                  {info.type}
                </span>
                <span role="gridcell" class="frames-preview">
                  <FrameMarkTags marks={info.marks} testId="frame-mark" />
                  {info.protocol && <span class="frame-protocol">{info.protocol}</span>}
                  {info.preview}
                </span>
              </div>
            );
          })}
        </div>
      </div>
      {fresh > 0 && (
        <button type="button" class="frames-new" data-testid="frames-new" data-count={fresh} title={t("panelNewRowsTitle")} onClick={jumpToNewest}>
          {t("panelNewRows", [String(fresh)])}
        </button>
      )}
    </div>
  );
}
