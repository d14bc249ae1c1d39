import { useCallback, useMemo, useRef } from "preact/hooks";
import { observeElementRect } from "@tanstack/virtual-core";
import type { SocketId } from "../shared/protocol";
import { socketsByFrame, type FrameGroup, type PanelModel } from "./model";
import { SocketRow } from "./SocketRow";
import { useVirtualizer } from "./use-virtualizer";
import { clip } from "./format";
import { useColumnWidths, type ColumnSpec } from "./layout-memory";
import { Splitter } from "./Splitter";
import { stateColumnMin } from "./SocketRow";
import { textWidth } from "./text-width";
import "./SocketList.css";
import { t, type MessageKey } from "../shared/i18n";

/** Heights the CSS gives a group's title and column heads, and a socket's row: the list is laid out from them. */
export const GROUP_HEAD_HEIGHT = 42;
export const SOCKET_ROW_HEIGHT = 20;

/** Until the list is laid out (first paint, a DOM without layout) it shows what fits in this. */
const UNMEASURED = { width: 640, height: 480 };

export interface SocketListProps {
  model: PanelModel;
  /** null: "All sockets". */
  selected?: SocketId | null;
  onSelect?(socket: SocketId | null): void;
  /** Size of the scroll box before it is laid out. */
  initialRect?: { width: number; height: number };
}

/** A column: its head, the head's tooltip, and its width before the user drags it. */
interface Column {
  id: string;
  head: MessageKey;
  title?: MessageKey;
  width: number;
}

const COLUMNS: readonly Column[] = [
  { id: "url", head: "panelColUrl", width: 200 },
  { id: "state", head: "panelColState", width: 0 },
  { id: "protected", head: "panelColProtected", title: "panelColProtectedTitle", width: 56 },
  { id: "frames", head: "panelColFrames", title: "panelColFramesTitle", width: 80 },
  { id: "bytes", head: "panelColBytes", title: "panelColBytesTitle", width: 120 },
  { id: "reconnects", head: "panelColReconnects", title: "panelColReconnectsTitle", width: 64 },
  { id: "delivery", head: "panelColDelivery", title: "panelColDeliveryTitle", width: 88 },
  { id: "last", head: "panelColLast", title: "panelColLastTitle", width: 96 },
];
/** A cell's padding and border, px (SocketRow.css). */
const CELL_EXTRA = 17;
const COLUMN_MIN = 36;

/** The heads fit at first; the state column always fits the longest state (in the UI's language). */
function columnSpecs(): ColumnSpec[] {
  const stateMin = stateColumnMin() + CELL_EXTRA;
  return COLUMNS.map((c) => {
    const head = textWidth(t(c.head)) + CELL_EXTRA;
    if (c.id === "state") return { id: c.id, width: Math.max(stateMin, head), min: stateMin };
    return { id: c.id, width: Math.max(c.width, head), min: COLUMN_MIN };
  });
}

/** A line of the list: one of a frame group's sockets, or (`row` -1) the group's title and column heads. */
interface Entry {
  group: number;
  row: number;
}

function groupTitle(group: FrameGroup): string {
  const frame = group.topFrame ? t("panelTopFrame") : t("panelFrame");
  if (group.origin === "imported") return t("panelImported");
  if (group.origin === "previous-page") return t("panelPreviousPage", [frame]);
  return frame;
}

/**
 * The sockets grouped by frame, virtualized: only the lines in view (and a few more) are in the DOM,
 * so a page that declares thousands of sockets costs what one screenful does. Each group in view is
 * positioned where it starts, with a spacer for its rows above the view.
 */
export function SocketList({ model, selected = null, onSelect, initialRect }: SocketListProps) {
  // Laid out again only when sockets come, go or move group; a row reads its socket's latest view.
  const { groups, entries, starts } = useMemo(() => layout(model), [model.sockets, model.sockets.membership]);
  const { sockets } = model;
  const scrollRef = useRef<HTMLDivElement>(null);
  const specs = useMemo(columnSpecs, []);
  const [widths, resize] = useColumnWidths("columns.sockets", specs);
  const tableWidth = widths.reduce((a, b) => a + b, 0);
  // A new key function when the lines change is what tells the virtualizer to lay them out again.
  const getItemKey = useCallback(
    (i: number) => {
      const e = entries[i]!;
      return e.row < 0 ? `g ${groups[e.group]!.key}` : `s ${groups[e.group]!.sockets[e.row]!.id}`;
    },
    [entries, groups],
  );
  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (entries[i]!.row < 0 ? GROUP_HEAD_HEIGHT : SOCKET_ROW_HEIGHT),
    getItemKey,
    overscan: 10,
    initialRect: initialRect ?? UNMEASURED,
    observeElementRect: (instance, cb) => observeElementRect(instance, (rect) => cb(rect.height === 0 ? (initialRect ?? UNMEASURED) : rect)),
  });

  // The groups in view, each with the range of its rows in view.
  const shown = new Map<number, { first: number; last: number }>();
  for (const item of virtualizer.getVirtualItems()) {
    const { group, row } = entries[item.index]!;
    const range = shown.get(group);
    if (!range) shown.set(group, { first: Math.max(row, 0), last: row });
    else range.last = row;
  }

  return (
    <div class="socket-list" role="region" aria-label={t("panelSockets")}>
      <div
        class={selected === null ? "socket-all socket-selected" : "socket-all"}
        role="button"
        aria-pressed={selected === null}
        tabIndex={0}
        data-testid="socket-all"
        onClick={() => onSelect?.(null)}
        onKeyDown={(e) => (e.key === "Enter" || e.key === " ") && onSelect?.(null)}
      >
        {t("panelAllSockets")} <span class="socket-all-count">{t("panelFramesInParens", [String(sockets.frames)])}</span>
      </div>
      <div class="socket-list-scroll" ref={scrollRef}>
        <div class="socket-list-spacer" style={{ height: `${virtualizer.getTotalSize()}px`, minWidth: `${tableWidth}px` }}>
          {[...shown].map(([index, range]) => {
            const group = groups[index]!;
            return (
              <section
                class="socket-group"
                key={group.key}
                data-testid="frame-group"
                data-top-frame={String(group.topFrame)}
                data-origin={group.origin}
                style={{ transform: `translateY(${starts[index]}px)` }}
              >
                <h2 class="socket-group-title" title={clip(group.frameUrl, 4096)}>
                  {groupTitle(group)} <span class="socket-group-url">{clip(group.frameUrl)}</span>
                </h2>
                <table class="socket-table">
                  <colgroup>
                    {widths.map((w, i) => (
                      <col key={COLUMNS[i]!.id} style={{ width: `${w}px` }} />
                    ))}
                    {/* Takes what the columns leave, so each keeps the width it was given. */}
                    <col />
                  </colgroup>
                  <thead>
                    <tr>
                      {COLUMNS.map((c, i) => (
                        <th key={c.id} class={`socket-col-${c.id}`} title={c.title && t(c.title)}>
                          {t(c.head)}
                          <Splitter
                            class="column-resizer"
                            label={t("panelResizeColumn", [t(c.head)])}
                            orientation="vertical"
                            value={widths[i]!}
                            min={specs[i]!.min}
                            onChange={(w) => resize(i, w)}
                            testId={`resize-${c.id}`}
                          />
                        </th>
                      ))}
                      <th class="socket-col-fill" aria-hidden="true" />
                    </tr>
                  </thead>
                  <tbody>
                    {range.first > 0 && (
                      <tr class="socket-spacer" aria-hidden="true">
                        <td colSpan={COLUMNS.length + 1} style={{ height: `${range.first * SOCKET_ROW_HEIGHT}px` }} />
                      </tr>
                    )}
                    {group.sockets.slice(range.first, range.last + 1).map(({ id }) => {
                      const socket = sockets.get(id);
                      return socket && <SocketRow key={id} socket={socket} selected={id === selected} onSelect={onSelect} />;
                    })}
                  </tbody>
                </table>
              </section>
            );
          })}
        </div>
      </div>
    </div>
  );
}

/** Groups, their lines in order, and where each group starts. */
function layout(model: PanelModel): { groups: FrameGroup[]; entries: Entry[]; starts: number[] } {
  const groups = socketsByFrame(model);
  const entries: Entry[] = [];
  const starts: number[] = [];
  let at = 0;
  groups.forEach((group, g) => {
    starts.push(at);
    entries.push({ group: g, row: -1 });
    for (let r = 0; r < group.sockets.length; r++) entries.push({ group: g, row: r });
    at += GROUP_HEAD_HEIGHT + group.sockets.length * SOCKET_ROW_HEIGHT;
  });
  return { groups, entries, starts };
}
