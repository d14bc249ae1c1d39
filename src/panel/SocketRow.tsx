import { Component } from "preact";
import type { SocketId } from "../shared/protocol";
import type { SocketView } from "./model";
import { clip, formatBytes, formatClock } from "./format";
import { textWidth } from "./text-width";
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

/**
 * One socket. Everything shown came from the page: rendered as text only, and clipped. A socket from a
 * file or from a previous page is a recording: its state is the last one recorded, in a neutral colour,
 * and it makes no claim about protection now.
 */
function SocketLine({ socket, selected = false, onSelect }: SocketRowProps) {
  const recorded = socket.origin !== "live";
  const state = stateLabel(socket);
  return (
    <tr
      class={`socket-row${recorded ? " socket-recorded" : ""}${selected ? " socket-selected" : ""}`}
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
        {socket.origin === "imported" && (
          <span class="socket-tag" data-testid="recording-badge" title={t("panelTagRecordingTitle")}>
            {t("panelTagRecording")}
          </span>
        )}
        {socket.origin === "previous-page" && <span class="socket-tag">{t("panelTagPreviousPage")}</span>}
        {clip(socket.url)}
        {socket.protocols.length > 0 && <span class="socket-protocols"> ({clip(socket.protocols.join(", "), 100)})</span>}
      </td>
      <td
        class={`socket-state ${recorded ? "socket-state-recorded" : `socket-state-${socket.state}`}`}
        data-testid="socket-state"
        title={recorded ? t("panelStateRecordedTitle", [state]) : state}
      >
        {state}
      </td>
      <td data-testid="socket-protected" title={recorded ? t("panelProtectedRecordedTitle") : undefined}>
        {recorded ? "—" : socket.protected ? t("panelYes") : t("panelNo")}
      </td>
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
      <td class="socket-fill" />
    </tr>
  );
}

/** Width of the longest state the column can show (attempts and close codes at their widest), px. */
export function stateColumnMin(): number {
  const labels = [
    ...Object.values(STATE_LABELS).map((key) => t(key)),
    t("panelStateReconnectingAttempt", ["999"]),
    t("panelStateClosedCode", ["4999"]),
  ];
  return Math.max(...labels.map(textWidth));
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
