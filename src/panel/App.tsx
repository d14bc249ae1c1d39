import { useEffect, useReducer, useRef, useState } from "preact/hooks";
import type { SocketId } from "../shared/protocol";
import { createModel, reduce } from "./model";
import { openPanelPort, type ConnectPort, type PanelPort } from "./panel-port";
import type { Decoder } from "./frame-decoding";
import { exportHar, importHar } from "./har";
import { Header } from "./Header";
import { VersionBanner } from "./VersionBanner";
import { EmptyState } from "./EmptyState";
import { SocketList } from "./SocketList";
import { Toolbar, type PanelView } from "./Toolbar";
import { PauseBanner } from "./PauseBanner";
import { FramesView } from "./FramesView";
import { Timeline } from "./Timeline";
import "./App.css";

export interface AppProps {
  /** The inspected tab, or null when the page was opened without a usable `?tabId=`. */
  tabId: number | null;
  connect: ConnectPort;
  /** Tests shorten the reconnect backoff. */
  reconnectDelay?: (attempt: number) => number;
  /** Protocol decoders for the frames table and detail (none: raw previews). */
  decoder?: Decoder;
  /** Size of the frames table before layout (component tests, where nothing is laid out). */
  tableRect?: { width: number; height: number };
  /** Saves an exported HAR (tests capture it; the default downloads a file). */
  saveFile?: (name: string, text: string) => void;
}

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function App({ tabId, connect, reconnectDelay, decoder, tableRect, saveFile = download }: AppProps) {
  const [model, dispatch] = useReducer(reduce, undefined, () => createModel());
  const [view, setView] = useState<PanelView>("frames");
  const [selected, setSelected] = useState<SocketId | null>(null);
  const [importError, setImportError] = useState<string | null>(null);
  const imports = useRef(0);
  const port = useRef<PanelPort | null>(null);

  useEffect(() => {
    if (tabId === null) return;
    const opened = openPanelPort(tabId, connect, dispatch, { reconnectDelay });
    port.current = opened;
    return () => {
      opened.close();
      port.current = null;
    };
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

  // A socket that went (clear, navigation) is no longer a selection.
  const socket = selected !== null && model.sockets.has(selected) ? selected : null;

  const onPause = (paused: boolean): void => {
    dispatch({ type: "pause", paused });
    // What happened meanwhile comes with a snapshot of the page's ring buffers.
    if (!paused) port.current?.requestSnapshot();
  };
  const onExport = (): void => {
    const sockets = socket === null ? [...model.sockets.values()] : [model.sockets.get(socket)!];
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    saveFile(`lifeguard-${socket === null ? "all" : "socket"}-${stamp}.har`, exportHar(sockets, model.log));
  };
  const onImport = (file: File): void => {
    void file.text().then((text) => {
      try {
        const sockets = importHar(text, ++imports.current, file.name);
        dispatch({ type: "import", sockets });
        setImportError(null);
      } catch (e) {
        setImportError(`Could not import ${file.name}: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
  };

  return (
    <main class="app">
      <Header tabId={tabId} count={model.sockets.size} connected={model.connected} />
      {model.versionMismatch && <VersionBanner mismatch={model.versionMismatch} />}
      <Toolbar
        view={view}
        onView={setView}
        preserveLog={model.preserveLog}
        onPreserveLog={(preserve) => dispatch({ type: "preserve-log", preserve })}
        paused={model.paused}
        onPause={onPause}
        onClear={() => dispatch({ type: "clear" })}
        exportLabel={socket === null ? "all sockets" : "the selected socket"}
        onExport={onExport}
        onImport={onImport}
        importError={importError}
      />
      {model.paused && <PauseBanner onResume={() => onPause(false)} />}
      {model.sockets.size === 0 ? (
        <EmptyState />
      ) : (
        <div class="workspace">
          <aside class="workspace-sockets">
            <SocketList model={model} selected={socket} onSelect={setSelected} />
          </aside>
          <section class="workspace-main">
            {view === "frames" ? (
              <FramesView model={model} socket={socket} decoder={decoder} initialRect={tableRect} />
            ) : (
              <Timeline model={model} socket={socket} />
            )}
          </section>
        </div>
      )}
    </main>
  );
}
