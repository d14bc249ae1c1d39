import { Component } from "preact";
import type { SocketId } from "../shared/protocol";
import type { SocketView } from "./model";
import { clip, formatBytes, formatClock } from "./format";
import "./SocketRow.css";
import { t, type MessageKey } from "../shared/i18n";

export interface SocketRowProps {
  socket: SocketView;
  selected?: boolean;
  onSelect?(socket: SocketId): void;
}

/**
 * One socket's row, drawn again only when its view, selection or handler changed: a batch re-renders
 * the rows of the sockets it changed (a view is a new object only then), not every row in view.
 */
export class SocketRow extends Component<SocketRowProps> {
  override shouldComponentUpdate(next: SocketRowProps): boolean {
    const now = this.props;
    return next.socket !== now.socket || next.selected !== now.selected || next.onSelect !== now.onSelect;
  }

  override render(props: SocketRowProps) {
    return <SocketLine {...props} />;
  }
}

/** One socket. Everything shown came from the page: rendered as text only, and clipped. */
function SocketLine({ socket, selected = false, onSelect }: SocketRowProps) {
  return (
    <tr
      class={selected ? "socket-row socket-selected" : "socket-row"}
      data-testid="socket-row"
      data-socket-id={socket.id}
      data-state={socket.state}
      data-origin={socket.origin}
      aria-selected={selected}
      tabIndex={0}
      onClick={() => onSelect?.(socket.id)}
      onKeyDown={(e) => (e.key === "Enter" || e.key === " ") && onSelect?.(socket.id)}
    >
      <td class="socket-url" title={clip(socket.url, 4096)}>
        {socket.origin === "imported" && <span class="socket-tag">{t("panelTagImported")}</span>}
        {socket.origin === "previous-page" && <span class="socket-tag">{t("panelTagPreviousPage")}</span>}
        {clip(socket.url)}
        {socket.protocols.length > 0 && <span class="socket-protocols"> ({clip(socket.protocols.join(", "), 100)})</span>}
      </td>
      <td class={`socket-state socket-state-${socket.state}`}>{stateLabel(socket)}</td>
      <td>{socket.protected ? t("panelYes") : t("panelNo")}</td>
      <td>
        {socket.framesIn} / {socket.framesOut}
      </td>
      <td>
        {formatBytes(socket.bytesIn)} / {formatBytes(socket.bytesOut)}
      </td>
      <td data-testid="socket-reconnects">{socket.reconnects}</td>
      <td data-testid="socket-delivery" title={t("panelDeliveryTitle")}>
        {socket.resent || socket.lost ? `${socket.resent ?? 0} / ${socket.lost ?? 0}` : "–"}
      </td>
      <td>{formatClock(socket.lastActivity)}</td>
    </tr>
  );
}

function stateLabel(socket: SocketView): string {
  if (socket.state === "reconnecting" && socket.attempt !== undefined) return t("panelStateReconnectingAttempt", [String(socket.attempt)]);
  if (socket.state === "closed" && socket.closeCode !== undefined) return t("panelStateClosedCode", [String(socket.closeCode)]);
  return t(STATE_LABELS[socket.state]);
}

const STATE_LABELS: Record<SocketView["state"], MessageKey> = {
  connecting: "panelStateConnecting",
  open: "panelStateOpen",
  closing: "panelStateClosing",
  closed: "panelStateClosed",
  reconnecting: "panelStateReconnecting",
};
