import type { SocketView } from "./model";
import { clip, formatBytes, formatClock } from "./format";
import "./SocketRow.css";

export interface SocketRowProps {
  socket: SocketView;
}

/** One socket. Everything shown came from the page: rendered as text only, and clipped. */
export function SocketRow({ socket }: SocketRowProps) {
  return (
    <tr class="socket-row" data-testid="socket-row" data-socket-id={socket.id} data-state={socket.state}>
      <td class="socket-url" title={clip(socket.url, 4096)}>
        {clip(socket.url)}
        {socket.protocols.length > 0 && <span class="socket-protocols"> ({clip(socket.protocols.join(", "), 100)})</span>}
      </td>
      <td class={`socket-state socket-state-${socket.state}`}>{stateLabel(socket)}</td>
      <td>{socket.protected ? "yes" : "no"}</td>
      <td>
        {socket.framesIn} / {socket.framesOut}
      </td>
      <td>
        {formatBytes(socket.bytesIn)} / {formatBytes(socket.bytesOut)}
      </td>
      <td>{formatClock(socket.lastActivity)}</td>
    </tr>
  );
}

function stateLabel(socket: SocketView): string {
  if (socket.state === "reconnecting" && socket.attempt !== undefined) return `reconnecting (attempt ${socket.attempt})`;
  if (socket.state === "closed" && socket.closeCode !== undefined) return `closed (${socket.closeCode})`;
  return socket.state;
}
