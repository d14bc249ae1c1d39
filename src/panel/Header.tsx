import "./Header.css";
import { t } from "../shared/i18n";

export interface HeaderProps {
  tabId: number;
  count: number;
  connected: boolean;
}

export function Header({ tabId, count, connected }: HeaderProps) {
  return (
    <header class="header">
      <span class="header-title">Lifeguard</span>
      <span data-testid="socket-count" data-count={count}>
        {t(count === 1 ? "panelSocketCountOne" : "panelSocketCountMany", [String(count)])}
      </span>
      <span class="header-spacer" />
      <span class={connected ? "header-link" : "header-link header-link-down"} data-testid="connection">
        {t(connected ? "panelTab" : "panelReconnectingToTab", [String(tabId)])}
      </span>
    </header>
  );
}
