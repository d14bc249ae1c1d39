/** Protocol messages as the page world would send them. */
import {
  envelope,
  type PageToPanel,
  type PanelToPage,
  type RecorderEvent,
  type SocketInfo,
  type SocketSnapshot,
  type SocketState,
} from "../../src/shared/protocol";

export function socketInfo(id: string, over: Partial<SocketInfo> = {}): SocketInfo {
  return {
    id,
    url: `wss://example.test/${id}`,
    protocols: [],
    frameUrl: "https://app.test/",
    topFrame: true,
    createdAt: 1000,
    ...over,
  };
}

export function socketSnapshot(id: string, over: Partial<SocketSnapshot> = {}, info: Partial<SocketInfo> = {}): SocketSnapshot {
  return {
    info: socketInfo(id, info),
    state: "open",
    protected: false,
    framesIn: 0,
    framesOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    lastSeq: 0,
    events: [],
    ...over,
  };
}

/** A whole snapshot in one part, of stream `page` as of its event `upTo`. */
export function snapshotMessage(
  sockets: SocketSnapshot[],
  frameUrl = "https://app.test/",
  over: Partial<Pick<PageToPanel["snapshot"], "stream" | "upTo" | "part" | "parts">> = {},
) {
  return envelope<PageToPanel, "snapshot">("lifeguard-page", "snapshot", { stream: "page", upTo: 0, part: 0, parts: 1, ...over, frameUrl, sockets });
}

/** A batch of stream `page` (or `stream`), its events numbered from `from`. */
export function eventsMessage(events: RecorderEvent[], from = 1, stream = "page") {
  return envelope<PageToPanel, "events">("lifeguard-page", "events", { stream, from, to: from + events.length - 1, events });
}

export function snapshotRequest(stream?: string) {
  return envelope<PanelToPage, "snapshot-request">("lifeguard-panel", "snapshot-request", stream === undefined ? {} : { stream });
}

export function stateEvent(socket: string, state: SocketState, t: number, extra: Partial<RecorderEvent> = {}): RecorderEvent {
  return { kind: "state", t, socket, state, ...extra } as RecorderEvent;
}

export function frameEvent(socket: string, dir: "in" | "out", size: number, t: number, seq = 1): RecorderEvent {
  return {
    kind: "frame",
    frame: { socket, seq, t, dir, opcode: "text", size, preview: "x".repeat(Math.min(size, 8)), truncated: false },
  };
}
