/**
 * The panel's model of the inspected tab, and the pure reducer that folds protocol messages into it.
 *
 * The page recorder is the source of truth: a `snapshot` replaces what the panel knew of each socket it
 * carries (so a repeated snapshot, after a reconnect, never counts a frame twice); `events` apply on
 * top. Events for a socket the panel has not seen yet are skipped: the snapshot the panel asked for on
 * connect brings it.
 */
import type {
  BackgroundToPanel,
  PageToPanel,
  RecorderEvent,
  SocketId,
  SocketSnapshot,
  SocketState,
  ToPanel,
} from "../shared/protocol";


export interface SocketView {
  id: SocketId;
  url: string;
  protocols: string[];
  frameUrl: string;
  topFrame: boolean;
  state: SocketState;
  /** Whether a rule protects it: from the snapshot, then from the recorder's protection notes. */
  protected: boolean;
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
}

export const initialModel: PanelModel = {
  sockets: new Map(),
  frames: new Map(),
  versionMismatch: null,
  connected: false,
};

/** What the panel itself knows about its port (not a protocol message). */
export type PanelAction = ToPanel | { type: "port"; connected: boolean };

type Handler<M, K extends keyof M> = (model: PanelModel, message: M[K]) => PanelModel;

/** One handler per page -> panel message type (conventions.test.ts checks the list). */
export const pageMessageHandlers: { [K in keyof PageToPanel]: Handler<PageToPanel, K> } = {
  snapshot: (model, { sockets }) => {
    const next = new Map(model.sockets);
    for (const snap of sockets) next.set(snap.info.id, fromSnapshot(snap));
    return { ...model, sockets: next };
  },
  events: (model, { events }) => {
    let next: Map<SocketId, SocketView> | null = null;
    for (const event of events) {
      const current = (next ?? model.sockets).get(socketOf(event));
      const updated = applyEvent(current, event);
      if (updated === current || !updated) continue;
      next ??= new Map(model.sockets);
      next.set(updated.id, updated);
    }
    return next ? { ...model, sockets: next } : model;
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
    // The top document went away (navigation, reload): like DevTools' Network panel, start afresh. The
    // new document's sockets come with its events, or with the snapshot the panel asks for.
    if (frameId === 0) return { ...model, frames, sockets: new Map() };
    return { ...model, frames };
  },
  "version-mismatch": (model, { expected, got }) => ({ ...model, versionMismatch: { expected, got } }),
};

export function reduce(model: PanelModel, action: PanelAction): PanelModel {
  // On (re)connect the background tells again which frames are there.
  if (action.type === "port") return { ...model, connected: action.connected, frames: new Map() };
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
    state: snap.state,
    protected: snap.protected,
    framesIn: snap.framesIn,
    framesOut: snap.framesOut,
    bytesIn: snap.bytesIn,
    bytesOut: snap.bytesOut,
    lastSeq: snap.lastSeq,
    createdAt: snap.info.createdAt,
    lastActivity: snap.info.createdAt,
  };
  // Counters come from the snapshot's totals (the ring buffer may have dropped old frames); the
  // buffered events only give the last activity and the details of the latest state.
  for (const event of snap.events) {
    view = { ...view, lastActivity: Math.max(view.lastActivity, timeOf(event)) };
    if (event.kind === "state") view = withStateDetails(view, event);
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
    };
  }
  if (!view) return view;
  const lastActivity = Math.max(view.lastActivity, timeOf(event));
  switch (event.kind) {
    case "state":
      return withStateDetails({ ...view, state: event.state, lastActivity }, event);
    case "frame": {
      // A batch that crossed a snapshot on the way carries frames the snapshot already counted.
      if (event.frame.seq <= view.lastSeq) return view;
      const lastSeq = event.frame.seq;
      return event.frame.dir === "in"
        ? { ...view, framesIn: view.framesIn + 1, bytesIn: view.bytesIn + event.frame.size, lastSeq, lastActivity }
        : { ...view, framesOut: view.framesOut + 1, bytesOut: view.bytesOut + event.frame.size, lastSeq, lastActivity };
    }
    case "protection":
      return { ...view, protected: event.protected, lastActivity };
    case "heartbeat":
    case "queue":
    case "note":
      return { ...view, lastActivity };
  }
}

function withStateDetails(view: SocketView, event: Extract<RecorderEvent, { kind: "state" }>): SocketView {
  if (event.state === "closed") return { ...view, closeCode: event.code, attempt: undefined };
  if (event.state === "reconnecting") return { ...view, attempt: event.attempt };
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

/** Sockets grouped by the frame that created them: the top frame first, then frames as first seen. */
export function socketsByFrame(model: PanelModel): { key: string; topFrame: boolean; frameUrl: string; sockets: SocketView[] }[] {
  const groups = new Map<string, { key: string; topFrame: boolean; frameUrl: string; sockets: SocketView[] }>();
  for (const socket of model.sockets.values()) {
    const key = `${socket.topFrame ? "top" : "sub"} ${socket.frameUrl}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { key, topFrame: socket.topFrame, frameUrl: socket.frameUrl, sockets: [] }));
    group.sockets.push(socket);
  }
  return [...groups.values()].sort((a, b) => Number(b.topFrame) - Number(a.topFrame));
}
