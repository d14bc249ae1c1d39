import { pluralKey, tParts, uiLanguage, type Translate } from "../shared/i18n";
import { countTally, type SocketTally } from "./socket-tally";
import "./SocketCount.css";

/** How many sockets the tab's page holds (as the panel counts them); "—" when no page world answered. */
export function SocketCount({ t, tally, language = uiLanguage() }: { t: Translate; tally: SocketTally; language?: string }) {
  const counts = countTally(tally);
  const number = (
    <span key="n" class="socket-count-number" data-testid="socket-count" data-count={tally.known ? counts.total : ""}>
      {/* Past the cap the page declared more than the popup counts. */}
      {tally.known ? `${counts.total}${tally.overflow > 0 ? "+" : ""}` : "—"}
    </span>
  );
  // Unknown reads as "— sockets": the plural form, as for any count that is not one.
  const key = pluralKey("popupSocketCount", tally.known ? counts.total : Number.NaN, language);
  return (
    <section class="socket-count">
      <p class="socket-count-line" data-testid="socket-count-line">
        {tParts(key, [number], t)}
      </p>
      <p class="socket-count-detail" data-testid="socket-detail">
        {tally.known ? t("popupSocketsDetail", [String(counts.open), String(counts.protected)]) : t("popupNoLifeguard")}
      </p>
    </section>
  );
}
