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

export function snapshotMessage(sockets: SocketSnapshot[], frameUrl = "https://app.test/") {
  return envelope<PageToPanel, "snapshot">("lifeguard-page", "snapshot", { frameUrl, sockets });
}

export function eventsMessage(events: RecorderEvent[]) {
  return envelope<PageToPanel, "events">("lifeguard-page", "events", { events });
}

export function snapshotRequest() {
  return envelope<PanelToPage, "snapshot-request">("lifeguard-panel", "snapshot-request", {});
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
