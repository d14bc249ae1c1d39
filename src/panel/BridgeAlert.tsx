import { clip } from "./format";
import "./BridgeAlert.css";
import { t } from "../shared/i18n";

export interface BridgeAlertProps {
  /** Pairings refused, over every frame of the tab. */
  count: number;
  /** The frame of the latest refusal: the page's text, shown as text and clipped. */
  frameUrl: string;
  /**
   * Why the latest was refused. `late`: a hand-over after the page's own scripts could run. Lifeguard's
   * own page script does that on the first load after an install (Firefox registers it a moment late),
   * so the alert says what it means (this page is not recorded; reload) rather than accuse the page.
   */
  reason?: "second" | "late" | "malformed";
}

/** Someone in the page tried to take over Lifeguard's private channel; the relay refused. */
export function BridgeAlert({ count, frameUrl, reason = "second" }: BridgeAlertProps) {
  const url = clip(frameUrl, 200);
  const text =
    reason === "late"
      ? t("panelBridgeRefusedLate", [url, String(count)])
      : count === 1
        ? t("panelBridgeRefusedOne", [url])
        : t("panelBridgeRefusedMany", [url, String(count)]);
  return (
    <div class="bridge-alert" role="alert" data-testid="bridge-alert" data-count={count} data-reason={reason} title={clip(frameUrl, 4096)}>
      {text}
    </div>
  );
}
