import type { SocketId } from "../shared/protocol";
import { socketsByFrame, type FrameGroup, type PanelModel } from "./model";
import { SocketRow } from "./SocketRow";
import { clip } from "./format";
import "./SocketList.css";

export interface SocketListProps {
  model: PanelModel;
  /** null: "All sockets". */
  selected?: SocketId | null;
  onSelect?(socket: SocketId | null): void;
}

function groupTitle(group: FrameGroup): string {
  const frame = group.topFrame ? "Top frame" : "Frame";
  if (group.origin === "imported") return "Imported";
  if (group.origin === "previous-page") return `Previous page · ${frame}`;
  return frame;
}

export function SocketList({ model, selected = null, onSelect }: SocketListProps) {
  let frames = 0;
  for (const s of model.sockets.values()) frames += s.framesIn + s.framesOut;
  return (
    <div class="socket-list" role="listbox" aria-label="Sockets">
      <div
        class={selected === null ? "socket-all socket-selected" : "socket-all"}
        role="option"
        aria-selected={selected === null}
        tabIndex={0}
        data-testid="socket-all"
        onClick={() => onSelect?.(null)}
        onKeyDown={(e) => (e.key === "Enter" || e.key === " ") && onSelect?.(null)}
      >
        All sockets <span class="socket-all-count">({frames} frames)</span>
      </div>
      {socketsByFrame(model).map((group) => (
        <section
          class="socket-group"
          key={group.key}
          data-testid="frame-group"
          data-top-frame={String(group.topFrame)}
          data-origin={group.origin}
        >
          <h2 class="socket-group-title" title={clip(group.frameUrl, 4096)}>
            {groupTitle(group)} <span class="socket-group-url">{clip(group.frameUrl)}</span>
          </h2>
          <table class="socket-table">
            <thead>
              <tr>
                <th class="socket-col-url">URL</th>
                <th>State</th>
                <th title="Protected by a rule">Prot.</th>
                <th title="Frames in / out">Frames</th>
                <th title="Bytes in / out">Bytes</th>
                <th title="Reconnects">Reconn.</th>
                <th title="Delivery: frames resent / lost">Resent/lost</th>
                <th title="Last activity">Last</th>
              </tr>
            </thead>
            <tbody>
              {group.sockets.map((socket) => (
                <SocketRow key={socket.id} socket={socket} selected={socket.id === selected} onSelect={onSelect} />
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </div>
  );
}
