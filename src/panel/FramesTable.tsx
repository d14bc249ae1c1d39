import { useEffect, useRef } from "preact/hooks";
import type { TargetedKeyboardEvent } from "preact";
import type { FrameRecord } from "../shared/protocol";
import type { FrameType } from "./frame-filter";
import { observeElementRect } from "@tanstack/virtual-core";
import { useVirtualizer } from "./use-virtualizer";
import { formatBytes, formatClock } from "./format";
import { deliveryLabel } from "./frame-info";
import type { DeliveryMark } from "./socket-log";
import "./FramesTable.css";
import { t } from "../shared/i18n";

export const ROW_HEIGHT = 20;

export interface FrameRowInfo {
  type: FrameType;
  preview: string;
  protocol?: string;
  /** An outbound frame's delivery (a rule's `delivery`), when it has an id the engine tracked. */
  delivery?: DeliveryMark | null;
}

export interface FramesTableProps {
  frames: readonly FrameRecord[];
  /** Log indices of the frames to show, in order. */
  indices: readonly number[];
  /** The selected frame's log index. */
  selected: number | null;
  onSelect(index: number): void;
  timeMode: "absolute" | "relative";
  /** When each socket was created, for relative times. */
  createdAt(frame: FrameRecord): number;
  describe(index: number): FrameRowInfo;
  /** Size of the scroll box before it is laid out (tests; the first paint). */
  initialRect?: { width: number; height: number };
}

/** The row's state: `resent` while a resent frame still waits for its ack. */
function deliveryState(mark: DeliveryMark): "pending" | "acked" | "resent" | "lost" {
  return mark.status === "pending" && mark.resent > 0 ? "resent" : mark.status;
}

/** Position of a log index in the sorted `indices`, or -1. */
function positionOf(indices: readonly number[], index: number | null): number {
  if (index === null) return -1;
  let lo = 0;
  let hi = indices.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (indices[mid]! < index) lo = mid + 1;
    else hi = mid;
  }
  return indices[lo] === index ? lo : -1;
}

/**
 * The frames, virtualized: only the rows in view (and a few more) are in the DOM, so 100,000 frames
 * cost what 40 do. Every cell is a text node: a payload is never parsed as HTML.
 */
export function FramesTable(props: FramesTableProps) {
  const { frames, indices, selected, onSelect, timeMode, createdAt, describe } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: indices.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    initialRect: props.initialRect,
    // A box not laid out yet (or a DOM without layout) reports 0 x 0: use the initial size until it is.
    observeElementRect: (instance, cb) =>
      observeElementRect(instance, (rect) => cb(rect.height === 0 && props.initialRect ? props.initialRect : rect)),
    // At the bottom, new frames keep the newest in view (as DevTools does); scrolled up, nothing moves.
    followOnAppend: true,
  });
  const position = positionOf(indices, selected);

  // The selection moved by keyboard (or the list changed under it): keep it in view.
  useEffect(() => {
    if (position >= 0) virtualizer.scrollToIndex(position, { align: "auto" });
  }, [position, virtualizer]);

  const onKeyDown = (e: TargetedKeyboardEvent<HTMLDivElement>): void => {
    if (indices.length === 0) return;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight || props.initialRect?.height || 200) / ROW_HEIGHT) - 1);
    const from = position;
    let to: number;
    switch (e.key) {
      case "ArrowDown":
        to = from < 0 ? 0 : from + 1;
        break;
      case "ArrowUp":
        to = from < 0 ? indices.length - 1 : from - 1;
        break;
      case "PageDown":
        to = from < 0 ? page : from + page;
        break;
      case "PageUp":
        to = from - page;
        break;
      case "Home":
        to = 0;
        break;
      case "End":
        to = indices.length - 1;
        break;
      default:
        return;
    }
    e.preventDefault();
    to = Math.max(0, Math.min(indices.length - 1, to));
    onSelect(indices[to]!);
  };

  const items = virtualizer.getVirtualItems();
  return (
    <div class="frames" role="grid" aria-rowcount={indices.length} aria-label={t("panelViewFrames")}>
      <div class="frames-head" role="row">
        <span role="columnheader" class="frames-time">
          {timeMode === "absolute" ? t("panelColTime") : t("panelColSinceOpen")}
        </span>
        <span role="columnheader" class="frames-dir" title={t("panelDirection")} />
        <span role="columnheader" class="frames-size">
          {t("panelColSize")}
        </span>
        <span role="columnheader" class="frames-type">
          {t("panelType")}
        </span>
        <span role="columnheader" class="frames-preview">
          {t("panelColData")}
        </span>
      </div>
      <div class="frames-scroll" ref={scrollRef} tabIndex={0} onKeyDown={onKeyDown} data-testid="frames-table">
        <div class="frames-spacer" style={{ height: `${virtualizer.getTotalSize()}px` }}>
          {items.map((item) => {
            const index = indices[item.index]!;
            const frame = frames[index];
            if (!frame) return null;
            const info = describe(index);
            const time =
              timeMode === "absolute" ? formatClock(frame.t) : `+${((frame.t - createdAt(frame)) / 1000).toFixed(3)} s`;
            const cls = `frame-row frame-${frame.dir} frame-type-${info.type}${index === selected ? " frame-selected" : ""}`;
            return (
              <div
                key={index}
                class={cls}
                role="row"
                aria-selected={index === selected}
                data-testid="frame-row"
                data-dir={frame.dir}
                data-seq={frame.seq}
                data-socket-id={frame.socket}
                data-type={info.type}
                data-delivery={info.delivery ? deliveryState(info.delivery) : undefined}
                style={{ transform: `translateY(${item.start}px)`, height: `${ROW_HEIGHT}px` }}
                onMouseDown={() => onSelect(index)}
              >
                <span role="gridcell" class="frames-time">
                  {time}
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
                  {info.delivery && (
                    <span class={`frame-delivery frame-delivery-${deliveryState(info.delivery)}`} data-testid="frame-delivery">
                      {deliveryLabel(info.delivery)}
                    </span>
                  )}
                  {info.protocol && <span class="frame-protocol">{info.protocol}</span>}
                  {info.preview}
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
