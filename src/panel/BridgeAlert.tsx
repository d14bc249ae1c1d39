import { clip } from "./format";
import "./BridgeAlert.css";
import { t } from "../shared/i18n";

export interface BridgeAlertProps {
  /** Pairings refused, over every frame of the tab. */
  count: number;
  /** The frame of the latest refusal: the page's text, shown as text and clipped. */
  frameUrl: string;
}

/** Someone in the page tried to take over Lifeguard's private channel; the relay refused. */
export function BridgeAlert({ count, frameUrl }: BridgeAlertProps) {
  const url = clip(frameUrl, 200);
  return (
    <div class="bridge-alert" role="alert" data-testid="bridge-alert" data-count={count} title={clip(frameUrl, 4096)}>
      {count === 1 ? t("panelBridgeRefusedOne", [url]) : t("panelBridgeRefusedMany", [url, String(count)])}
    </div>
  );
}
