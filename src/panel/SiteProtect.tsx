import type { SocketView } from "./model";
import { t } from "../shared/i18n";

export interface SiteProtectProps {
  socket: SocketView;
  /** Adds (true) or takes away (false) protection for the socket's origin. */
  onProtect(socket: SocketView, protect: boolean): void;
}

/** "Protect this site" / "Unprotect" for the selected live socket's origin. */
export function SiteProtect({ socket, onProtect }: SiteProtectProps) {
  return (
    <div class="site-protect" data-testid="site-protect">
      <button
        type="button"
        data-testid={socket.protected ? "unprotect" : "protect"}
        title={socket.protected ? t("panelProtectedByRule", [socket.rule ?? `(${t("panelUnknown")})`]) : t("panelProtectTitle")}
        onClick={() => onProtect(socket, !socket.protected)}
      >
        {socket.protected ? t("panelUnprotect") : t("panelProtect")}
      </button>
    </div>
  );
}
