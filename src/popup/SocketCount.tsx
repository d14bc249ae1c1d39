import type { Translate } from "../shared/i18n";
import { countTally, type SocketTally } from "./socket-tally";
import "./SocketCount.css";

/** How many sockets the tab's page holds (as the panel counts them); "—" when no page world answered. */
export function SocketCount({ t, tally }: { t: Translate; tally: SocketTally }) {
  const counts = countTally(tally);
  return (
    <section class="socket-count">
      <span class="socket-count-number" data-testid="socket-count" data-count={tally.known ? counts.total : ""}>
        {/* Past the cap the page declared more than the popup counts. */}
        {tally.known ? `${counts.total}${tally.overflow > 0 ? "+" : ""}` : "—"}
      </span>
      <span class="socket-count-label">
        {t("popupSockets")}
        <span class="socket-count-detail" data-testid="socket-detail">
          {tally.known
            ? t("popupSocketsDetail", [String(counts.open), String(counts.protected)])
            : t("popupNoLifeguard")}
        </span>
      </span>
    </section>
  );
}
