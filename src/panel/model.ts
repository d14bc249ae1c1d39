/**
 * The panel's model of the inspected tab, and the reducer that folds protocol messages into it.
 *
 * The page recorder is the source of truth: a `snapshot` replaces what the panel knew of each socket it
 * carries (so a repeated snapshot, after a reconnect, never counts a frame twice); `events` apply on
 * top. Events for a socket the panel has not seen yet are skipped: the snapshot the panel asked for on
 * connect brings it.
 *
 * What a page sends can be large and hostile, so nothing here is copied per message: the sockets
 * (`SocketStore`), the frames and lifecycle events (`SocketLog`), the faults in force (`FaultTracker`),
 * the page errors (`PageErrorLog`) and the drop counts are changed in place, each with a version; the
 * model object itself is a small shell, made anew when something changed, whose `*Version` fields the
 * views compare (and whose `pageErrors` is a copy made then). Both stores are bounded
 * (src/panel/limits.ts) and what they drop is counted. The inbox (inbox.ts) applies messages a
 * slice at a time through `applyEvent` and the snapshot steps below; `reduce` applies one whole.
 */
import type {
  BackgroundToPanel,
  FrameRecord,
  PageToPanel,
  RecorderEvent,
  RelayToPanel,
  RelayToPanelMessage,
  SocketEvent,
  SocketId,
  SocketSnapshot,
  StreamId,
  ToPanel,
} from "../shared/protocol";
import { isSocketEvent, socketOfEvent } from "../shared/protocol";
import type { PageError } from "../shared/resilience/types";
import { PageErrorLog } from "./page-errors";
import { SocketLog, type LifecycleEvent } from "./socket-log";
import { SocketStore } from "./socket-store";
import { DropLedger } from "./drop-ledger";
import { BridgeRefusals } from "./bridge-refusals";
import { FaultTracker } from "./fault-state";
import { BreakpointTracker } from "./breakpoints";
import { PANEL_LIMITS, type PanelLimits } from "./limits";
import { applyEvent as nextView, foldSnapshotEvent, settleSnapshot, viewOfSnapshot, type SocketView } from "./socket-view";

export type { SocketView } from "./socket-view";

/** A socket read from a HAR file, with its frames and lifecycle. */
export interface ImportedSocket {
  view: SocketView;
  frames: FrameRecord[];
  events: LifecycleEvent[];
  /**
   * Per event, the `seq` of the frame it came after (what Lifeguard's export says); absent or
   * undefined: it stands after the frames recorded before its time.
   */
  anchors?: readonly (number | undefined)[];
}

export interface PanelModel {
  /** Sockets in the order the panel first saw them; changed in place (see the module comment). */
  sockets: SocketStore;
  /** `sockets.version` when this model was made. */
  socketsVersion: number;
  /**
   * Relays connected per frame id (from the background). A count, not a flag: during a navigation the
   * new document's relay may connect before the old one's disconnect arrives.
   */
  frames: ReadonlyMap<number, number>;
  /** Set when some part of the extension speaks another protocol version. */
  versionMismatch: { expected: number; got: unknown } | null;
  /** Whether the panel's port to the background is up. */
  connected: boolean;
  /** Frames and lifecycle events, appended in place. */
  log: SocketLog;
  /** `log.version` when this model was made: a new value means the log changed. */
  logVersion: number;
  /** Faults in force, per socket and for the tab, as the `fault` events said. */
  faults: FaultTracker;
  /** Frames paused at a frame rule's breakpoint, waiting for an answer, as the `pause` events and records said. */
  breakpoints: BreakpointTracker;
  /** Page errors recorded while a resilience check watched, changed in place; `pageErrors` is what views read. */
  pageErrorLog: PageErrorLog;
  /** The newest page errors (at most 500), oldest first, with their stream: a new array when they change. */
  pageErrors: readonly PageError[];
  /** `pageErrorLog.version` when this model was made. */
  pageErrorsVersion: number;
  /** What relays, the router and the panel dropped for this tab; pairings the relays refused. */
  drops: DropLedger;
  refusals: BridgeRefusals;
  /** `drops.version + refusals.version` when this model was made. */
  alertsVersion: number;
  /** Panel-side pause: page messages are not applied; the panel asks for a snapshot on resume. */
  paused: boolean;
  /** Keep sockets across a top-frame navigation, marked as from a previous page. */
  preserveLog: boolean;
}

export function createModel(over: Partial<Pick<PanelModel, "preserveLog">> & { limits?: Partial<PanelLimits> } = {}): PanelModel {
  const { limits: given, ...rest } = over;
  const limits = { ...PANEL_LIMITS, ...given };
  const drops = new DropLedger();
  const log = new SocketLog(limits, drops.panel);
  const sockets = new SocketStore(limits.sockets);
  const refusals = new BridgeRefusals();
  const pageErrorLog = new PageErrorLog();
  return {
    sockets,
    socketsVersion: sockets.version,
    frames: new Map(),
    versionMismatch: null,
    connected: false,
    log,
    logVersion: log.version,
    faults: new FaultTracker(),
    breakpoints: new BreakpointTracker(),
    pageErrorLog,
    pageErrors: [],
    pageErrorsVersion: pageErrorLog.version,
    drops,
    refusals,
    alertsVersion: drops.version + refusals.version,
    paused: false,
    preserveLog: false,
    ...rest,
  };
}

/** The model with its versions brought up to date: a new object if anything changed in place, else the same. */
export function touch(model: PanelModel): PanelModel {
  const socketsVersion = model.sockets.version;
  const logVersion = model.log.version;
  const alertsVersion = model.drops.version + model.refusals.version;
  const pageErrorsVersion = model.pageErrorLog.version;
  if (
    socketsVersion === model.socketsVersion &&
    logVersion === model.logVersion &&
    alertsVersion === model.alertsVersion &&
    pageErrorsVersion === model.pageErrorsVersion
  )
    return model;
  const pageErrors = pageErrorsVersion === model.pageErrorsVersion ? model.pageErrors : model.pageErrorLog.all();
  return { ...model, socketsVersion, logVersion, alertsVersion, pageErrorsVersion, pageErrors };
}

/** What the panel itself decides (not protocol messages). */
export type PanelAction =
  | ToPanel
  | { type: "port"; connected: boolean }
  | { type: "pause"; paused: boolean }
  | { type: "preserve-log"; preserve: boolean }
  | { type: "clear" }
  | { type: "import"; sockets: ImportedSocket[] };

/**
 * Folds one live event of `stream` in. Changes the stores in place; `touch` makes the model the views
 * see. An event of a socket the panel does not hold is skipped; counted as dropped when the store is
 * full (the socket was most likely one past the cap). A page error is the stream's, not a socket's.
 */
export function applyEvent(model: PanelModel, event: RecorderEvent, stream: StreamId): void {
  if (!isSocketEvent(event)) return model.pageErrorLog.add(event, stream);
  const { sockets, log } = model;
  const id = socketOfEvent(event);
  const current = sockets.get(id);
  if (!current) {
    if (!sockets.full) {
      if (event.kind !== "created") return;
    } else {
      if (event.kind === "created") model.drops.dropSocket();
      else model.drops.dropEvent();
      return;
    }
  }
  const updated = nextView(current, event);
  if (!updated || updated.origin === "imported") return;
  const added = log.append(event);
  if (added) track(model, event);
  // A delivery event the log already holds (a snapshot crossed this batch) was counted then.
  if (updated === current || (!added && event.kind === "delivery")) return;
  sockets.set(id, updated);
}

/** A socket of a snapshot part being merged, its events folded in a few at a time (`mergeSnapshotEvent`). */
export interface SnapshotMerge {
  snap: SocketSnapshot;
  /** What the panel knew of the socket before this part. */
  before: SocketView | undefined;
  /** The view so far, before `settleSnapshot`. */
  view: SocketView;
}

/** Starts merging a snapshot's socket; null when it is not taken (an imported id; one past the cap, counted). */
export function beginSnapshotSocket(model: PanelModel, snap: SocketSnapshot): SnapshotMerge | null {
  const before = model.sockets.get(snap.info.id);
  // An imported socket is read-only; a page never reuses its ids, but do not let one overwrite it.
  if (before?.origin === "imported") return null;
  if (!before && model.sockets.full) {
    model.drops.dropSocket(snap.events.length);
    return null;
  }
  model.log.beginStream(snap.info.id, ringStart(snap));
  return { snap, before, view: viewOfSnapshot(snap) };
}

/** The `seq` of the frame just before the ring's first (the ring's events before any of its frames came after it). */
function ringStart(snap: SocketSnapshot): number {
  for (const event of snap.events) if (event.kind === "frame") return event.frame.seq - 1;
  return snap.lastSeq;
}

export function mergeSnapshotEvent(model: PanelModel, merge: SnapshotMerge, event: RecorderEvent): void {
  // The guard lets no page error into a snapshot; a socket's events are all it folds.
  if (!isSocketEvent(event)) return;
  merge.view = foldSnapshotEvent(merge.view, event);
  if (model.log.append(event)) track(model, event);
}

/** What a live socket's event, new to the log, changes beyond the log: faults in force, breakpoints. */
function track(model: PanelModel, event: SocketEvent): void {
  if (event.kind === "fault") model.faults.apply(event);
  else if (event.kind === "pause") model.breakpoints.applyEvent(event);
  else if (event.kind === "frame" && event.frame.pause !== undefined) model.breakpoints.applyFrame(event.frame);
}

/** Shows the socket as merged so far (called after every few events, so a long merge shows progress). */
export function settleSnapshotSocket(model: PanelModel, merge: SnapshotMerge): void {
  model.sockets.set(merge.snap.info.id, settleSnapshot(merge.view, merge.snap, merge.before));
}

type Handler<M, K extends keyof M> = (model: PanelModel, message: M[K]) => PanelModel;

/** One handler per page -> panel message type (conventions.test.ts checks the list). */
export const pageMessageHandlers: { [K in keyof PageToPanel]: Handler<PageToPanel, K> } = {
  snapshot: (model, { sockets }) => {
    if (model.paused) return model;
    for (const snap of sockets) {
      const merge = beginSnapshotSocket(model, snap);
      if (!merge) continue;
      for (const event of snap.events) mergeSnapshotEvent(model, merge, event);
      settleSnapshotSocket(model, merge);
    }
    // All at once here; the inbox sorts a slice at a time, once a burst of snapshot parts is in.
    model.log.sortFramesByTime();
    return touch(model);
  },
  events: (model, { stream, events }) => {
    if (model.paused) return model;
    for (const event of events) applyEvent(model, event, stream);
    return touch(model);
  },
};

/** One handler per background -> panel message type. */
export const backgroundMessageHandlers: { [K in keyof BackgroundToPanel]: Handler<BackgroundToPanel, K> } = {
  "frame-connected": (model, { frameId }) => ({
    ...model,
    frames: new Map(model.frames).set(frameId, (model.frames.get(frameId) ?? 0) + 1),
  }),
  "frame-disconnected": (model, { frameId }) => {
    const frames = new Map(model.frames);
    const left = (frames.get(frameId) ?? 0) - 1;
    if (left > 0) frames.set(frameId, left);
    else frames.delete(frameId);
    if (frameId === 0) return { ...leavePage(model), frames };
    return { ...model, frames };
  },
  "version-mismatch": (model, { expected, got }) => ({ ...model, versionMismatch: { expected, got } }),
  "over-budget": (model, { dropped }) => {
    model.drops.reportRouter(dropped);
    return touch(model);
  },
};

/** One handler per relay -> panel message type. */
export const relayMessageHandlers: { [K in keyof RelayToPanel]: Handler<RelayToPanel, K> } = {
  "bridge-refused": (model, message) => {
    model.refusals.report(message);
    return touch(model);
  },
  "over-budget": (model, { relay, dropped }) => {
    model.drops.reportRelay(relay, dropped);
    return touch(model);
  },
};

/**
 * The top document went away (navigation, reload). Like DevTools' Network panel: start afresh, or with
 * "preserve log" keep the old sockets, marked. The new document's sockets come with its events, or with
 * the snapshot the panel asks for. Imported sockets stay either way.
 */
function leavePage(model: PanelModel): PanelModel {
  const { sockets } = model;
  const gone = new Set<SocketId>();
  for (const [id, view] of sockets) {
    if (view.origin !== "live") continue;
    // A paused frame of the old document is not the new one's to answer.
    model.breakpoints.forget(id);
    if (model.preserveLog) sockets.set(id, { ...view, origin: "previous-page" });
    else gone.add(id);
  }
  for (const id of gone) {
    sockets.delete(id);
    model.faults.forget(id);
  }
  if (!model.preserveLog) {
    model.log.removeSockets((id) => !sockets.has(id));
    // What the old document's relays refused was about that document.
    model.refusals.reset();
  }
  return touch(model);
}

/** "Clear": every frame and event goes, and the counts of what was dropped; so do sockets that will not speak again. */
function clear(model: PanelModel): PanelModel {
  model.log.clear();
  model.faults.clear();
  model.pageErrorLog.clear();
  model.drops.reset();
  model.refusals.reset();
  const { sockets } = model;
  const gone: SocketId[] = [];
  for (const [id, view] of sockets) if (view.origin !== "live" || view.state === "closed") gone.push(id);
  for (const id of gone) sockets.delete(id);
  return touch(model);
}

function importSockets(model: PanelModel, imported: ImportedSocket[]): PanelModel {
  const { sockets, log } = model;
  for (const { view, frames, events, anchors } of imported) {
    if (sockets.has(view.id)) continue;
    sockets.set(view.id, view);
    // Frames and events in the order they were recorded: an event goes before the first frame past its anchor.
    let k = 0;
    const flushBefore = (frame: FrameRecord | null): void => {
      for (; k < events.length; k++) {
        const event = events[k]!;
        const anchor = anchors?.[k];
        if (frame && (anchor !== undefined ? anchor >= frame.seq : event.t >= frame.t)) return;
        if (log.appendEvent(event, anchor) && event.kind === "fault") model.faults.apply(event);
      }
    };
    for (const frame of frames) {
      flushBefore(frame);
      log.appendFrame(frame);
    }
    flushBefore(null);
  }
  return touch(model);
}

/** Whether a message came from a relay (its `over-budget` shares a name with the router's). */
export function isFromRelay(action: PanelAction): action is RelayToPanelMessage {
  return "source" in action && action.source === "lifeguard-relay" && action.type in relayMessageHandlers;
}

export function reduce(model: PanelModel, action: PanelAction): PanelModel {
  switch (action.type) {
    // On (re)connect the background tells again which frames are there.
    case "port":
      return { ...model, connected: action.connected, frames: new Map() };
    case "pause":
      return action.paused === model.paused ? model : { ...model, paused: action.paused };
    case "preserve-log":
      return { ...model, preserveLog: action.preserve };
    case "clear":
      return clear(model);
    case "import":
      return importSockets(model, action.sockets);
  }
  if (isFromRelay(action)) {
    const handler = relayMessageHandlers[action.type] as Handler<RelayToPanel, keyof RelayToPanel>;
    return handler(model, action as RelayToPanel[keyof RelayToPanel]);
  }
  if (action.type in pageMessageHandlers) {
    const handler = pageMessageHandlers[action.type as keyof PageToPanel] as Handler<PageToPanel, keyof PageToPanel>;
    return handler(model, action as PageToPanel[keyof PageToPanel]);
  }
  if (action.type in backgroundMessageHandlers) {
    const handler = backgroundMessageHandlers[action.type as keyof BackgroundToPanel] as Handler<
      BackgroundToPanel,
      keyof BackgroundToPanel
    >;
    return handler(model, action as BackgroundToPanel[keyof BackgroundToPanel]);
  }
  return model;
}

export interface FrameGroup {
  key: string;
  topFrame: boolean;
  frameUrl: string;
  origin: SocketView["origin"];
  sockets: SocketView[];
}

/**
 * Sockets grouped by the frame that created them: the page's own first (top frame first, then frames
 * as first seen), then those kept from previous pages, then imported ones.
 */
export function socketsByFrame(model: Pick<PanelModel, "sockets">): FrameGroup[] {
  const groups = new Map<string, FrameGroup>();
  for (const socket of model.sockets.values()) {
    const key = `${socket.origin} ${socket.topFrame ? "top" : "sub"} ${socket.frameUrl}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { key, topFrame: socket.topFrame, frameUrl: socket.frameUrl, origin: socket.origin, sockets: [] }));
    group.sockets.push(socket);
  }
  const rank = (g: FrameGroup) => ({ live: 0, "previous-page": 2, imported: 4 })[g.origin] + (g.topFrame ? 0 : 1);
  return [...groups.values()].sort((a, b) => rank(a) - rank(b));
}
