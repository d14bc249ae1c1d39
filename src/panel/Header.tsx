import "./Header.css";

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
        {count} {count === 1 ? "socket" : "sockets"}
      </span>
      <span class="header-spacer" />
      <span class={connected ? "header-link" : "header-link header-link-down"} data-testid="connection">
        {connected ? `tab ${tabId}` : `reconnecting to tab ${tabId}…`}
      </span>
    </header>
  );
}
