/**
 * The panel's model of the inspected tab, and the reducer that folds protocol messages into it.
 *
 * The page recorder is the source of truth: a `snapshot` replaces what the panel knew of each socket it
 * carries (so a repeated snapshot, after a reconnect, never counts a frame twice); `events` apply on
 * top. Events for a socket the panel has not seen yet are skipped: the snapshot the panel asked for on
 * connect brings it.
 *
 * Socket views are immutable. The frames and lifecycle events live in a `SocketLog` that is appended
 * to in place (copying a 100,000-frame array on every 50 ms batch is what this avoids); the model's
 * `logVersion` says when it changed. Appending is idempotent, so the reducer stays safe to repeat.
 */
import type {
  BackgroundToPanel,
  FrameRecord,
  PageToPanel,
  RecorderEvent,
  SocketId,
  SocketSnapshot,
  SocketState,
  ToPanel,
} from "../shared/protocol";
import { SocketLog, type LifecycleEvent } from "./socket-log";

export interface SocketView {
  id: SocketId;
  url: string;
  protocols: string[];
  frameUrl: string;
  topFrame: boolean;
  state: SocketState;
  /** Whether a rule protects it: from the snapshot, then from the recorder's protection events. */
  protected: boolean;
  /** The `match` of the rule that protects it, and the strategy chosen, when known. */
  rule?: string;
  strategy?: string;
  framesIn: number;
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
  createdAt: number;
  /** `seq` of the last frame in the counters: a frame event at or below it was counted already. */
  lastSeq: number;
  /** Time of the last event of this socket (creation, state change, frame, note). */
  lastActivity: number;
  /** Close code of the last `closed` state, and attempt of the last `reconnecting` state. */
  closeCode?: number;
  attempt?: number;
  /** Outages so far: times the socket went into `reconnecting` from another state. */
  reconnects: number;
  /** Frames sent again after a reconnect, and frames lost past a delivery bound (a rule's `delivery`). */
  resent?: number;
  lost?: number;
  /**
   * `live`: of the page now. `previous-page`: kept by "preserve log" across a navigation.
   * `imported`: from a HAR file, read-only.
   */
  origin: "live" | "previous-page" | "imported";
}

/** A socket read from a HAR file, with its frames and lifecycle. */
export interface ImportedSocket {
  view: SocketView;
  frames: FrameRecord[];
  events: LifecycleEvent[];
}

export interface PanelModel {
  /** Sockets in the order the panel first saw them. */
  sockets: ReadonlyMap<SocketId, SocketView>;
  /**
   * Relays connected per frame id (from the background). A count, not a flag: during a navigation the
   * new document's relay may connect before the old one's disconnect arrives.
   */
  frames: ReadonlyMap<number, number>;
  /** Set when some part of the extension speaks another protocol version. */
  versionMismatch: { expected: number; got: unknown } | null;
  /** Whether the panel's port to the background is up. */
  connected: boolean;
  /** Frames and lifecycle events, appended in place (see the module comment). */
  log: SocketLog;
  /** `log.version` when this model was made: a new value means the log changed. */
  logVersion: number;
  /** Panel-side pause: page messages are not applied; the panel asks for a snapshot on resume. */
  paused: boolean;
  /** Keep sockets across a top-frame navigation, marked as from a previous page. */
  preserveLog: boolean;
}

export function createModel(over: Partial<Pick<PanelModel, "preserveLog">> = {}): PanelModel {
  const log = new SocketLog();
  return {
    sockets: new Map(),
    frames: new Map(),
    versionMismatch: null,
    connected: false,
    log,
    logVersion: log.version,
    paused: false,
    preserveLog: false,
    ...over,
  };
}

/** What the panel itself decides (not protocol messages). */
export type PanelAction =
  | ToPanel
  | { type: "port"; connected: boolean }
  | { type: "pause"; paused: boolean }
  | { type: "preserve-log"; preserve: boolean }
  | { type: "clear" }
  | { type: "import"; sockets: ImportedSocket[] };

type Handler<M, K extends keyof M> = (model: PanelModel, message: M[K]) => PanelModel;

/** One handler per page -> panel message type (conventions.test.ts checks the list). */
export const pageMessageHandlers: { [K in keyof PageToPanel]: Handler<PageToPanel, K> } = {
  snapshot: (model, { sockets }) => {
    if (model.paused) return model;
    const next = new Map(model.sockets);
    for (const snap of sockets) {
      const before = next.get(snap.info.id);
      // An imported socket is read-only; a page never reuses its ids, but do not let one overwrite it.
      if (before?.origin === "imported") continue;
      const view = fromSnapshot(snap);
      next.set(
        snap.info.id,
        before
          ? {
              ...view,
              reconnects: Math.max(view.reconnects, before.reconnects),
              // The ring may have dropped delivery events the panel already counted.
              ...deliveryCounts(Math.max(view.resent ?? 0, before.resent ?? 0), Math.max(view.lost ?? 0, before.lost ?? 0)),
            }
          : view,
      );
      for (const event of snap.events) model.log.append(event);
    }
    model.log.sortFramesByTime();
    return { ...model, sockets: next, logVersion: model.log.version };
  },
  events: (model, { events }) => {
    if (model.paused) return model;
    let next: Map<SocketId, SocketView> | null = null;
    for (const event of events) {
      const current = (next ?? model.sockets).get(socketOf(event));
      const updated = applyEvent(current, event);
      if (!updated || updated.origin === "imported") continue;
      const added = model.log.append(event);
      // A delivery event the log already holds (a snapshot crossed this batch) was counted then.
      if (updated === current || (!added && event.kind === "delivery")) continue;
      next ??= new Map(model.sockets);
      next.set(updated.id, updated);
    }
    if (!next && model.log.version === model.logVersion) return model;
    return { ...model, sockets: next ?? model.sockets, logVersion: model.log.version };
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
};

/**
 * The top document went away (navigation, reload). Like DevTools' Network panel: start afresh, or with
 * "preserve log" keep the old sockets, marked. The new document's sockets come with its events, or with
 * the snapshot the panel asks for. Imported sockets stay either way.
 */
function leavePage(model: PanelModel): PanelModel {
  const sockets = new Map<SocketId, SocketView>();
  for (const [id, view] of model.sockets) {
    if (view.origin !== "live") sockets.set(id, view);
    else if (model.preserveLog) sockets.set(id, { ...view, origin: "previous-page" });
  }
  if (!model.preserveLog) model.log.removeSockets((id) => model.sockets.get(id)?.origin === "live" || !sockets.has(id));
  return { ...model, sockets, logVersion: model.log.version };
}

/** "Clear": every frame and event goes; so do sockets that will not speak again. */
function clear(model: PanelModel): PanelModel {
  model.log.clear();
  const sockets = new Map<SocketId, SocketView>();
  for (const [id, view] of model.sockets) if (view.origin === "live" && view.state !== "closed") sockets.set(id, view);
  return { ...model, sockets, logVersion: model.log.version };
}

function importSockets(model: PanelModel, imported: ImportedSocket[]): PanelModel {
  const sockets = new Map(model.sockets);
  for (const { view, frames, events } of imported) {
    if (sockets.has(view.id)) continue;
    sockets.set(view.id, view);
    for (const event of events) model.log.appendEvent(event);
    for (const frame of frames) model.log.appendFrame(frame);
  }
  return { ...model, sockets, logVersion: model.log.version };
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

function fromSnapshot(snap: SocketSnapshot): SocketView {
  let view: SocketView = {
    id: snap.info.id,
    url: snap.info.url,
    protocols: snap.info.protocols,
    frameUrl: snap.info.frameUrl,
    topFrame: snap.info.topFrame,
    // Walked through the buffered states below (counting outages), then set to the snapshot's.
    state: "connecting",
    protected: snap.protected,
    framesIn: snap.framesIn,
    framesOut: snap.framesOut,
    bytesIn: snap.bytesIn,
    bytesOut: snap.bytesOut,
    lastSeq: snap.lastSeq,
    createdAt: snap.info.createdAt,
    lastActivity: snap.info.createdAt,
    reconnects: 0,
    origin: "live",
  };
  // Counters come from the snapshot's totals (the ring buffer may have dropped old frames); the
  // buffered events only give the last activity and the details of the latest state.
  for (const event of snap.events) {
    view = { ...view, lastActivity: Math.max(view.lastActivity, timeOf(event)) };
    if (event.kind === "state") view = withStateDetails(view, event);
    if (event.kind === "delivery") view = withDelivery(view, event);
  }
  return { ...view, state: snap.state };
}

function applyEvent(view: SocketView | undefined, event: RecorderEvent): SocketView | undefined {
  if (event.kind === "created") {
    // A socket the panel already knows (from a snapshot) keeps its counters.
    if (view) return view;
    const info = event.socket;
    return {
      id: info.id,
      url: info.url,
      protocols: info.protocols,
      frameUrl: info.frameUrl,
      topFrame: info.topFrame,
      state: "connecting",
      // The recorder starts every socket unprotected and notes when that changes.
      protected: false,
      framesIn: 0,
      framesOut: 0,
      bytesIn: 0,
      bytesOut: 0,
      lastSeq: 0,
      createdAt: info.createdAt,
      lastActivity: Math.max(info.createdAt, event.t),
      reconnects: 0,
      origin: "live",
    };
  }
  if (!view) return view;
  const lastActivity = Math.max(view.lastActivity, timeOf(event));
  switch (event.kind) {
    case "state":
      return withStateDetails({ ...view, lastActivity }, event);
    case "frame": {
      // A batch that crossed a snapshot on the way carries frames the snapshot already counted.
      if (event.frame.seq <= view.lastSeq) return view;
      const lastSeq = event.frame.seq;
      return event.frame.dir === "in"
        ? { ...view, framesIn: view.framesIn + 1, bytesIn: view.bytesIn + event.frame.size, lastSeq, lastActivity }
        : { ...view, framesOut: view.framesOut + 1, bytesOut: view.bytesOut + event.frame.size, lastSeq, lastActivity };
    }
    case "protection":
      return { ...view, protected: event.protected, rule: event.rule, strategy: event.strategy, lastActivity };
    case "delivery":
      return withDelivery({ ...view, lastActivity }, event);
    case "heartbeat":
    case "queue":
    case "fault":
    case "note":
    case "resume":
      return { ...view, lastActivity };
    default:
      // A kind this panel does not know (a newer page world): the socket stays as it was.
      return view;
  }
}

function deliveryCounts(resent: number, lost: number): Pick<SocketView, "resent" | "lost"> {
  return resent || lost ? { resent, lost } : {};
}

/** Counts a resend or a loss; pending and acked change no counter. */
function withDelivery(view: SocketView, event: Extract<RecorderEvent, { kind: "delivery" }>): SocketView {
  if (event.status === "resent") return { ...view, ...deliveryCounts((view.resent ?? 0) + 1, view.lost ?? 0) };
  if (event.status === "lost") return { ...view, ...deliveryCounts(view.resent ?? 0, (view.lost ?? 0) + 1) };
  return view;
}

/** `view.state` is the state before the event; the result has the event's state and details. */
function withStateDetails(view: SocketView, event: Extract<RecorderEvent, { kind: "state" }>): SocketView {
  const before = view.state;
  view = { ...view, state: event.state };
  if (event.state === "closed") return { ...view, closeCode: event.code, attempt: undefined };
  if (event.state === "reconnecting") {
    // One outage, many attempts (the engine goes connecting <-> reconnecting per attempt): count the
    // loss of an open socket, or the first retry of a first connect.
    const outage = before === "open" || before === "closing" || (before !== "reconnecting" && event.attempt === 1);
    return { ...view, attempt: event.attempt, reconnects: view.reconnects + (outage ? 1 : 0) };
  }
  if (event.state === "open") return { ...view, attempt: undefined, closeCode: undefined };
  return view;
}

function socketOf(event: RecorderEvent): SocketId {
  switch (event.kind) {
    case "created":
      return event.socket.id;
    case "frame":
      return event.frame.socket;
    default:
      return event.socket;
  }
}

function timeOf(event: RecorderEvent): number {
  return event.kind === "frame" ? event.frame.t : event.t;
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
export function socketsByFrame(model: PanelModel): FrameGroup[] {
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
