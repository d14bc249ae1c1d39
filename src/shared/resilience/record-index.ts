/**
 * A check's record made ready to measure: the sockets' events in time order (page errors apart: they
 * are `CheckRecord.errors`), each socket with what its `created` event said, and the sockets grouped
 * into logical connections: the same endpoint from the same frame (document) is one connection, so a
 * socket and whatever replaced it (the page's own reconnect, or its library's) are measured together.
 */
import type { RecorderEvent, SocketEvent, SocketId, SocketInfo } from "../protocol";
import { PROTOCOLS, recogniseSocket } from "../../core/protocols/registry";
import { endpointOf } from "./endpoint";

export interface TrackedSocket {
  info: SocketInfo;
  endpoint: string;
  /** The logical connection it belongs to: endpoint and frame. */
  key: string;
  /** Where its `created` event stands in `RecordIndex.events`. */
  createdAt: number;
}

export interface RecordIndex {
  /** Socket events of sockets whose creation the record holds, by time (equal times: the record's order). */
  events: SocketEvent[];
  sockets: Map<SocketId, TrackedSocket>;
  /** The sockets of each logical connection, in the order they were created. */
  connections: Map<string, TrackedSocket[]>;
}

export function timeOf(event: SocketEvent): number {
  return event.kind === "frame" ? event.frame.t : event.t;
}

export function socketOf(event: SocketEvent): SocketId {
  return event.kind === "created" ? event.socket.id : event.kind === "frame" ? event.frame.socket : event.socket;
}

function isSocketEvent(event: RecorderEvent): event is SocketEvent {
  // Page errors belong to no socket; the record carries them apart, in `errors`.
  return (event as { kind: string }).kind !== "page-error";
}

export function connectionKey(info: Pick<SocketInfo, "url" | "frameUrl">): string {
  return `${endpointOf(info.url)}\n${info.frameUrl}`;
}

export function indexRecord(recorded: readonly RecorderEvent[]): RecordIndex {
  const sockets = new Map<SocketId, TrackedSocket>();
  const connections = new Map<string, TrackedSocket[]>();
  // A stable sort: the record's own order stands for events of the same millisecond.
  const sorted = recorded
    .filter(isSocketEvent)
    .map((event, at) => ({ event, at, t: timeOf(event) }))
    .sort((a, b) => a.t - b.t || a.at - b.at);
  const events: SocketEvent[] = [];
  for (const { event } of sorted) {
    if (event.kind === "created") {
      if (sockets.has(event.socket.id)) continue;
      const tracked: TrackedSocket = {
        info: event.socket,
        endpoint: endpointOf(event.socket.url),
        key: connectionKey(event.socket),
        createdAt: events.length,
      };
      sockets.set(event.socket.id, tracked);
      const list = connections.get(tracked.key);
      if (list) list.push(tracked);
      else connections.set(tracked.key, [tracked]);
    } else if (!sockets.has(socketOf(event))) {
      // A socket whose creation the record does not hold has no URL: it cannot be put in a connection.
      continue;
    }
    events.push(event);
  }
  return { events, sockets, connections };
}

/** The first index whose event is at or after `t` (the events' length when none is). */
export function firstAtOrAfter(index: RecordIndex, t: number): number {
  const { events } = index;
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (timeOf(events[mid]!) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index whose event is after `t`. */
export function firstAfter(index: RecordIndex, t: number): number {
  const { events } = index;
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (timeOf(events[mid]!) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Whether a socket could still carry the connection just before `at`: created, and not closed. */
export function usableBefore(index: RecordIndex, socket: TrackedSocket, at: number): boolean {
  if (socket.createdAt >= at) return false;
  const id = socket.info.id;
  for (let i = at - 1; i > socket.createdAt; i--) {
    const e = index.events[i]!;
    if (e.kind === "state" && e.socket === id) return e.state !== "closed";
  }
  return true;
}

/**
 * The client-library protocol a socket speaks, by name, as far as the record says: a `protection`
 * event naming one (the page world recognised it, by URL, subprotocol or frames), or the catalogue's
 * own recognisers on the URL and subprotocols the page gave (what the page world runs first).
 */
export function protocolOf(index: RecordIndex, socket: TrackedSocket): { id: string | null; name: string } | null {
  const id = socket.info.id;
  for (let i = socket.createdAt; i < index.events.length; i++) {
    const e = index.events[i]!;
    if (e.kind === "protection" && e.socket === id && typeof e.protocol === "string" && e.protocol !== "") {
      return { id: PROTOCOLS.find((p) => p.name === e.protocol)?.id ?? null, name: e.protocol };
    }
  }
  const known = recogniseSocket(socket.info.url, socket.info.protocols);
  return known ? { id: known.protocol.id, name: known.protocol.name } : null;
}
