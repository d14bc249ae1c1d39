import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { FrameRecord, SocketId } from "../shared/protocol";
import { createModel, type PanelModel, type SocketView } from "./model";
import { PanelInbox, type InboxOptions } from "./inbox";
import type { PanelLimits } from "./limits";
import { openPanelPort, type ConnectPort, type PanelPort } from "./panel-port";
import type { Decoder } from "./frame-decoding";
import { exportHar, importHar } from "./har";
import { Header } from "./Header";
import type { PageInfoSource } from "./page-title";
import { Splitter } from "./Splitter";
import { useStoredSize } from "./layout-memory";
import { VersionBanner } from "./VersionBanner";
import { OverflowBanner } from "./OverflowBanner";
import { BridgeAlert } from "./BridgeAlert";
import { EmptyState } from "./EmptyState";
import type { Presence } from "./presence";
import { SocketList } from "./SocketList";
import { Toolbar, type PanelView } from "./Toolbar";
import { PauseBanner } from "./PauseBanner";
import { FramesView, framesViewMemory } from "./FramesView";
import { Timeline } from "./Timeline";
import { FaultBar } from "./FaultBar";
import { SiteProtect } from "./SiteProtect";
import { Resilience, resilienceMemory } from "./Resilience";
import { CheckSession } from "./resilience-session";
import { checkBands } from "./resilience-bands";
import type { FaultInForce } from "./fault-state";
import type { SettingsStore } from "../options/settings-store";
import { BreakpointStrip } from "./BreakpointStrip";
import { ResendEditor } from "./ResendEditor";
import { FrameRuleActions } from "./FrameRuleActions";
import { MockFromRecording } from "./MockFromRecording";
import { MocksInForce } from "./MocksInForce";
import type { StoredValue } from "./stored-value";
import type { SocketLog } from "./socket-log";
import "./App.css";
import { t } from "../shared/i18n";

export interface AppProps {
  /** The inspected tab, or null when the page was opened without a usable `?tabId=`. */
  tabId: number | null;
  connect: ConnectPort;
  /** Tests shorten the reconnect backoff. */
  reconnectDelay?: (attempt: number) => number;
  /** Protocol decoders for the frames table and detail (none: raw previews). */
  decoder?: Decoder;
  /** Size of the frames table and of the socket list before layout (component tests, where nothing is laid out). */
  tableRect?: { width: number; height: number };
  listRect?: { width: number; height: number };
  /** How messages are taken in (tests run the slices themselves, and lower the caps). */
  ingest?: InboxOptions & { limits?: Partial<PanelLimits> };
  /** Saves an exported HAR or resilience report (tests capture it; the default downloads a file). */
  saveFile?: (name: string, text: string) => void;
  /** Where "Protect this site" and the frame rule actions write the settings (`storage.local`); absent: no such buttons. */
  settings?: SettingsStore;
  /** The mocks in force (`storage.local` `mocks`); absent: no "Serve as mock". */
  mocks?: StoredValue;
  /** Whether Lifeguard records the tab's top document (presence.ts); absent: not asked. */
  presence?: () => Promise<Presence>;
  /** Reloads the inspected page (the way to record a page loaded before Lifeguard). */
  reloadPage?: () => void;
  /** The inspected page's title and URL for the header (page-title.ts); absent: the tab's id. */
  pageInfo?: PageInfoSource;
}

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: name.endsWith(".md") ? "text/markdown" : "application/json" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function App({ tabId, connect, reconnectDelay, decoder, tableRect, listRect, ingest, saveFile = download, settings, mocks, presence, reloadPage, pageInfo }: AppProps) {
  // The model lives in the inbox, which applies what the port brings a slice at a time and hands each
  // result here; what the user does goes through it too, so it keeps its place among the messages.
  const [model, setModel] = useState<PanelModel>(() => createModel({ limits: ingest?.limits }));
  const [inbox] = useState(() => new PanelInbox(model, setModel, ingest));
  const dispatch = inbox.command;
  useEffect(() => () => inbox.close(), [inbox]);
  const [view, setView] = useState<PanelView>("frames");
  // The frames view comes back as it was (filter, selection, scroll) after the Timeline tab.
  const [framesMemory] = useState(framesViewMemory);
  const [selected, setSelected] = useState<SocketId | null>(null);
  const [importError, setImportError] = useState<string | null>(null);
  const imports = useRef(0);
  const port = useRef<PanelPort | null>(null);
  // Re-renders on a timer while a countdown runs; the time shown is read at render.
  const [, setTick] = useState(0);
  // The resilience check outlives its view (the user may watch the timeline) and a comparison's reloads.
  const [session] = useState(() => new CheckSession({ model: () => inbox.current, port: () => port.current, settings, reloadPage }));
  const [check, setCheck] = useState(session.state);
  const [checkMemory] = useState(resilienceMemory);
  useEffect(() => {
    const unsubscribe = session.subscribe(setCheck);
    // Closing DevTools mid-check: the page world ends the check's faults itself; the settings a
    // comparison changed are saved back from here.
    const leave = (): void => session.stop();
    window.addEventListener("pagehide", leave);
    return () => {
      unsubscribe();
      window.removeEventListener("pagehide", leave);
      session.dispose();
    };
  }, [session]);
  // The socket list's width, as the user dragged it (null: the CSS default).
  const [listWidth, setListWidth] = useStoredSize("split.sockets", SOCKET_LIST_MIN);
  const listRef = useRef<HTMLElement>(null);

  useEffect(() => {
    if (tabId === null) return;
    const opened = openPanelPort(tabId, connect, inbox.receive, { reconnectDelay });
    port.current = opened;
    return () => {
      opened.close();
      port.current = null;
    };
  }, [tabId, connect, reconnectDelay, inbox]);

  // With no socket to show, ask whether the page is recorded at all: again whenever its top document
  // changes (a reload brings a relay and a page world that were not there).
  const [recorded, setRecorded] = useState<Presence>("unknown");
  const empty = model.sockets.size === 0;
  const topFrames = model.frames.get(0) ?? 0;
  useEffect(() => {
    if (!empty || !presence) return;
    let live = true;
    void presence().then((p) => live && setRecorded(p));
    return () => {
      live = false;
    };
  }, [empty, presence, topFrames]);

  // Countdowns tick while a fault that ends by itself is in force.
  const ticking = model.faults.ticking(Date.now());
  useEffect(() => {
    if (!ticking) return;
    const timer = setInterval(() => setTick((n) => n + 1), 250);
    return () => clearInterval(timer);
  }, [ticking]);

  // Paused frames of the page's open sockets: one of a closed socket or an old document has no one to answer it.
  const breakpoints = useMemo(
    () =>
      model.breakpoints.list().filter((bp) => {
        const view = model.sockets.get(bp.socket);
        return view !== undefined && view.origin === "live" && view.state !== "closed";
      }),
    [model.breakpoints, model.breakpoints.version, model.socketsVersion],
  );

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
  const now = Date.now();
  const faults = faultsInForce(model, now);
  const drops = model.drops.total();
  const refused = model.refusals.total();

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
        setImportError(t("panelImportFailed", [file.name, e instanceof Error ? e.message : String(e)]));
      }
    });
  };

  return (
    <main class="app">
      <Header tabId={tabId} count={model.sockets.size} connected={model.connected} pageInfo={pageInfo} navigation={topFrames} />
      {model.versionMismatch && <VersionBanner mismatch={model.versionMismatch} />}
      {refused > 0 && <BridgeAlert count={refused} frameUrl={model.refusals.frameUrl} reason={model.refusals.reason} />}
      {drops.events + drops.sockets > 0 && <OverflowBanner drops={drops} />}
      <Toolbar
        view={view}
        onView={setView}
        preserveLog={model.preserveLog}
        onPreserveLog={(preserve) => dispatch({ type: "preserve-log", preserve })}
        paused={model.paused}
        onPause={onPause}
        onClear={() => dispatch({ type: "clear" })}
        exportLabel={socket === null ? t("panelExportAll") : t("panelExportSelected")}
        onExport={onExport}
        onImport={onImport}
        importError={importError}
      />
      {model.paused && <PauseBanner onResume={() => onPause(false)} />}
      {model.sockets.size > 0 && (
        <FaultBar
          socket={socket === null ? null : model.sockets.get(socket)!}
          inForce={faults.inForce}
          live={faults.live}
          now={now}
          onFault={(target, fault) => port.current?.fault(target, fault)}
        />
      )}
      {socket !== null && settings && model.sockets.get(socket)!.origin === "live" && (
        <SiteProtect key={socket} socket={model.sockets.get(socket)!} store={settings} reloadPage={reloadPage} />
      )}
      {mocks && <MocksInForce store={mocks} reloadPage={reloadPage} />}
      {socket !== null && mocks && model.sockets.get(socket)!.origin === "imported" && (
        <MockFromRecording
          key={socket}
          socket={model.sockets.get(socket)!}
          frames={() => framesOf(inbox.current.log, socket)}
          {...openingOf(model.log, model.sockets.get(socket)!)}
          store={mocks}
          reloadPage={reloadPage}
        />
      )}
      <BreakpointStrip breakpoints={breakpoints} url={(id) => model.sockets.get(id)?.url} onAnswer={(answer) => port.current?.pause(answer)} />
      {model.sockets.size === 0 && !session.busy ? (
        <EmptyState presence={recorded} onReload={reloadPage} />
      ) : (
        <div class="workspace" style={listWidth === null ? undefined : { "--sockets-width": `${listWidth}px` }}>
          <aside class="workspace-sockets" ref={listRef}>
            <SocketList model={model} selected={socket} onSelect={setSelected} initialRect={listRect} />
          </aside>
          <Splitter
            class="pane-splitter workspace-splitter"
            label={t("panelResizeSocketList")}
            orientation="vertical"
            value={listWidth}
            measure={() => listRef.current?.getBoundingClientRect().width ?? 0}
            min={SOCKET_LIST_MIN}
            onChange={setListWidth}
            testId="sockets-splitter"
          />
          <section class="workspace-main">
            {view === "frames" ? (
              <FramesView
                model={model}
                socket={socket}
                decoder={decoder}
                initialRect={tableRect}
                memory={framesMemory}
                frameActions={(frame) => (
                  <>
                    <ResendEditor frame={frame} socket={model.sockets.get(frame.socket)} onFault={(target, fault) => port.current?.fault(target, fault)} />
                    {settings && <FrameRuleActions frame={frame} socketUrl={model.sockets.get(frame.socket)?.url ?? ""} store={settings} />}
                  </>
                )}
              />
            ) : view === "timeline" ? (
              <Timeline model={model} socket={socket} checkBands={checkBands(check, now)} />
            ) : (
              <Resilience
                session={session}
                state={check}
                model={model}
                selected={socket === null ? null : model.sockets.get(socket)!}
                saveFile={saveFile}
                memory={checkMemory}
              />
            )}
          </section>
        </div>
      )}
    </main>
  );
}

/** A socket's recorded frames, in order. */
function framesOf(log: SocketLog, socket: SocketId): FrameRecord[] {
  return log.framesOf(socket).map((i) => log.frames[i]!);
}

/**
 * When a recorded socket opened and the subprotocol it negotiated, from its first `open` event (a HAR
 * of Lifeguard's has it); else its creation, and the one subprotocol it offered, if it offered one.
 */
function openingOf(log: SocketLog, view: SocketView): { openedAt: number; protocol: string } {
  for (const e of log.eventsOf(view.id)) if (e.kind === "state" && e.state === "open") return { openedAt: e.t, protocol: e.protocol ?? "" };
  return { openedAt: view.createdAt, protocol: view.protocols.length === 1 ? view.protocols[0]! : "" };
}

/** Narrowest the socket list is dragged, px: the URL and the state still show. */
const SOCKET_LIST_MIN = 200;

/**
 * Every fault in force in the tab, followed as events come (no socket's events are walked), and how many
 * sockets a fault can act on: walked only while a fault is in force, when an End must know whether a
 * fault is on all of them, and with no fault until the first live socket, when the bar says why not.
 */
function faultsInForce(model: PanelModel, now: number): { inForce: FaultInForce[]; live: number } {
  const inForce = model.faults.inForce(now, (id) => model.sockets.get(id));
  let live = 0;
  for (const view of model.sockets.values()) {
    if (view.origin !== "live" || view.state === "closed") continue;
    live++;
    if (inForce.length === 0) break;
  }
  return { inForce, live };
}
