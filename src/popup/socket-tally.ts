/**
 * What the popup needs of the tab's sockets: how many, how many open, how many protected. Folded from
 * the same messages the panel gets on its `panel:<tabId>` port (snapshots, then events), without the
 * panel's frame log: the popup shows counts only.
 */
import type { PanelAction } from "../panel/model";
import type { SocketId, SocketState } from "../shared/protocol";

export interface SocketTally {
  /** False until a page world answered: the tab has no Lifeguard there (chrome://, disabled, not loaded yet). */
  known: boolean;
  sockets: ReadonlyMap<SocketId, { state: SocketState; protected: boolean; url: string }>;
}

export const emptyTally: SocketTally = { known: false, sockets: new Map() };

export function foldTally(tally: SocketTally, action: PanelAction): SocketTally {
  switch (action.type) {
    case "snapshot": {
      const sockets = new Map(tally.sockets);
      for (const s of action.sockets) sockets.set(s.info.id, { state: s.state, protected: s.protected, url: s.info.url });
      return { known: true, sockets };
    }
    case "events": {
      let sockets: Map<SocketId, { state: SocketState; protected: boolean; url: string }> | null = null;
      for (const event of action.events) {
        if (event.kind === "created") {
          sockets ??= new Map(tally.sockets);
          if (!sockets.has(event.socket.id)) sockets.set(event.socket.id, { state: "connecting", protected: false, url: event.socket.url });
        } else if (event.kind === "state" || event.kind === "protection") {
          const current = (sockets ?? tally.sockets).get(event.socket);
          if (!current) continue; // The snapshot the popup asked for brings it.
          sockets ??= new Map(tally.sockets);
          sockets.set(
            event.socket,
            event.kind === "state" ? { ...current, state: event.state } : { ...current, protected: event.protected },
          );
        }
      }
      return sockets ? { known: true, sockets } : tally;
    }
    case "frame-disconnected":
      // The top document went away: its sockets with it. The port asks the next document for a snapshot.
      return action.frameId === 0 ? emptyTally : tally;
    default:
      return tally;
  }
}

export function countTally(tally: SocketTally): { total: number; open: number; protected: number } {
  let open = 0;
  let protectedCount = 0;
  for (const s of tally.sockets.values()) {
    if (s.state !== "closed") {
      open += s.state === "open" ? 1 : 0;
      protectedCount += s.protected ? 1 : 0;
    }
  }
  return { total: tally.sockets.size, open, protected: protectedCount };
}

/**
 * The distinct socket origins of the tab's sockets still in use (`wss://a.test/`), in first-seen
 * order: what "protect this site" means in the popup when the page's sockets go elsewhere than the
 * page's own origin (an API host, another port).
 */
export function socketOrigins(tally: SocketTally): string[] {
  const out = new Set<string>();
  for (const s of tally.sockets.values()) {
    if (s.state === "closed") continue;
    try {
      const u = new URL(s.url);
      if (u.protocol === "ws:" || u.protocol === "wss:") out.add(`${u.protocol}//${u.host}/`);
    } catch {
      // Not a URL we can protect.
    }
  }
  return [...out];
}
