import { useEffect, useReducer } from "preact/hooks";
import { initialModel, reduce } from "./model";
import { openPanelPort, type ConnectPort } from "./panel-port";
import { Header } from "./Header";
import { VersionBanner } from "./VersionBanner";
import { EmptyState } from "./EmptyState";
import { SocketList } from "./SocketList";
import "./App.css";

export interface AppProps {
  /** The inspected tab, or null when the page was opened without a usable `?tabId=`. */
  tabId: number | null;
  connect: ConnectPort;
  /** Tests shorten the reconnect backoff. */
  reconnectDelay?: (attempt: number) => number;
}

export function App({ tabId, connect, reconnectDelay }: AppProps) {
  const [model, dispatch] = useReducer(reduce, initialModel);

  useEffect(() => {
    if (tabId === null) return;
    const port = openPanelPort(tabId, connect, dispatch, { reconnectDelay });
    return () => port.close();
  }, [tabId, connect, reconnectDelay]);

  if (tabId === null) {
    return (
      <main class="app">
        <p class="app-error" role="alert">
          No tab to inspect: open this page from DevTools, or with <code>?tabId=N</code>.
        </p>
      </main>
    );
  }

  return (
    <main class="app">
      <Header tabId={tabId} count={model.sockets.size} connected={model.connected} />
      {model.versionMismatch && <VersionBanner mismatch={model.versionMismatch} />}
      {model.sockets.size === 0 ? <EmptyState /> : <SocketList model={model} />}
    </main>
  );
}
