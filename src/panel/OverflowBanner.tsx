import type { BudgetDrops } from "../shared/protocol";
import "./OverflowBanner.css";
import { t } from "../shared/i18n";

export interface OverflowBannerProps {
  /** Everything dropped for this tab, by the relays, the router and the panel. */
  drops: BudgetDrops;
}

/** The page sent more than Lifeguard keeps: say how much never made it to this view. */
export function OverflowBanner({ drops }: OverflowBannerProps) {
  const dropped = drops.events + drops.sockets;
  return (
    <div
      class="overflow-banner"
      role="status"
      data-testid="overflow-banner"
      data-dropped={dropped}
      title={t("panelOverflowDetail", [String(drops.events), String(drops.sockets), String(drops.messages)])}
    >
      {t("panelOverflow", [String(dropped)])}
    </div>
  );
}
