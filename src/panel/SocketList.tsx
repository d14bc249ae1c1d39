import { socketsByFrame, type PanelModel } from "./model";
import { SocketRow } from "./SocketRow";
import { clip } from "./format";
import "./SocketList.css";

export interface SocketListProps {
  model: PanelModel;
}

export function SocketList({ model }: SocketListProps) {
  return (
    <div class="socket-list">
      {socketsByFrame(model).map((group) => (
        <section class="socket-group" key={group.key} data-testid="frame-group" data-top-frame={String(group.topFrame)}>
          <h2 class="socket-group-title" title={clip(group.frameUrl, 4096)}>
            {group.topFrame ? "Top frame" : "Frame"} <span class="socket-group-url">{clip(group.frameUrl)}</span>
          </h2>
          <table class="socket-table">
            <thead>
              <tr>
                <th>URL</th>
                <th>State</th>
                <th>Protected</th>
                <th>Frames in / out</th>
                <th>Bytes in / out</th>
                <th>Last activity</th>
              </tr>
            </thead>
            <tbody>
              {group.sockets.map((socket) => (
                <SocketRow key={socket.id} socket={socket} />
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </div>
  );
}
