import type { SocketId } from "../shared/protocol";
import { socketsByFrame, type FrameGroup, type PanelModel } from "./model";
import { SocketRow } from "./SocketRow";
import { clip } from "./format";
import "./SocketList.css";
import { t } from "../shared/i18n";

export interface SocketListProps {
  model: PanelModel;
  /** null: "All sockets". */
  selected?: SocketId | null;
  onSelect?(socket: SocketId | null): void;
}

function groupTitle(group: FrameGroup): string {
  const frame = group.topFrame ? t("panelTopFrame") : t("panelFrame");
  if (group.origin === "imported") return t("panelImported");
  if (group.origin === "previous-page") return t("panelPreviousPage", [frame]);
  return frame;
}

export function SocketList({ model, selected = null, onSelect }: SocketListProps) {
  let frames = 0;
  for (const s of model.sockets.values()) frames += s.framesIn + s.framesOut;
  return (
    <div class="socket-list" role="listbox" aria-label={t("panelSockets")}>
      <div
        class={selected === null ? "socket-all socket-selected" : "socket-all"}
        role="option"
        aria-selected={selected === null}
        tabIndex={0}
        data-testid="socket-all"
        onClick={() => onSelect?.(null)}
        onKeyDown={(e) => (e.key === "Enter" || e.key === " ") && onSelect?.(null)}
      >
        {t("panelAllSockets")} <span class="socket-all-count">{t("panelFramesInParens", [String(frames)])}</span>
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
                <th class="socket-col-url">{t("panelColUrl")}</th>
                <th>{t("panelColState")}</th>
                <th title={t("panelColProtectedTitle")}>{t("panelColProtected")}</th>
                <th title={t("panelColFramesTitle")}>{t("panelColFrames")}</th>
                <th title={t("panelColBytesTitle")}>{t("panelColBytes")}</th>
                <th title={t("panelColReconnectsTitle")}>{t("panelColReconnects")}</th>
                <th title={t("panelColDeliveryTitle")}>{t("panelColDelivery")}</th>
                <th title={t("panelColLastTitle")}>{t("panelColLast")}</th>
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
