/**
 * What the popup needs of the tab's sockets: how many, how many open, how many protected. Folded from
 * the same messages the panel gets on its `panel:<tabId>` port (snapshots, then events), without the
 * panel's frame log: the popup shows counts only.
 *
 * A hostile page may flood the port, so the fold costs what the message holds and no more: the sockets
 * are one Map changed in place (no copy per message), at most the panel's cap of them (past it they are
 * not counted: the popup says "at least"), each with its origin worked out once.
 */
import type { PanelAction } from "../panel/model";
import { PANEL_LIMITS } from "../panel/limits";
import type { SocketId, SocketInfo, SocketState } from "../shared/protocol";

export interface TalliedSocket {
  state: SocketState;
  protected: boolean;
  /** `wss://host/`: what "protect this site" would cover; null when the URL is not a socket's. */
  origin: string | null;
}

export interface SocketTally {
  /** False until a page world answered: the tab has no Lifeguard there (chrome://, disabled, not loaded yet). */
  known: boolean;
  sockets: ReadonlyMap<SocketId, TalliedSocket>;
  /** Sockets the page declared past the cap, not in `sockets`. */
  overflow: number;
}

export const emptyTally: SocketTally = { known: false, sockets: new Map(), overflow: 0 };

/** The tally's Map to change in place; never the shared empty one's. */
function writable(tally: SocketTally): Map<SocketId, TalliedSocket> {
  return tally.sockets === emptyTally.sockets ? new Map() : (tally.sockets as Map<SocketId, TalliedSocket>);
}

function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === "ws:" || u.protocol === "wss:" ? `${u.protocol}//${u.host}/` : null;
  } catch {
    return null;
  }
}

/** Adds a socket unless the tally is full; returns whether it is (now) there. */
function admit(sockets: Map<SocketId, TalliedSocket>, info: SocketInfo, socket: Omit<TalliedSocket, "origin">): boolean {
  const before = sockets.get(info.id);
  if (before) {
    sockets.set(info.id, { ...before, ...socket });
    return true;
  }
  if (sockets.size >= PANEL_LIMITS.sockets) return false;
  sockets.set(info.id, { ...socket, origin: originOf(info.url) });
  return true;
}

export function foldTally(tally: SocketTally, action: PanelAction): SocketTally {
  switch (action.type) {
    case "snapshot": {
      const sockets = writable(tally);
      let overflow = tally.overflow;
      for (const s of action.sockets) if (!admit(sockets, s.info, { state: s.state, protected: s.protected })) overflow++;
      return { known: true, sockets, overflow };
    }
    case "events": {
      let sockets: Map<SocketId, TalliedSocket> | null = null;
      let overflow = tally.overflow;
      for (const event of action.events) {
        if (event.kind === "created") {
          sockets ??= writable(tally);
          if (!sockets.has(event.socket.id) && !admit(sockets, event.socket, { state: "connecting", protected: false })) overflow++;
        } else if (event.kind === "state" || event.kind === "protection") {
          const current = (sockets ?? tally.sockets).get(event.socket);
          if (!current) continue; // The snapshot the popup asked for brings it.
          sockets ??= writable(tally);
          sockets.set(event.socket, event.kind === "state" ? { ...current, state: event.state } : { ...current, protected: event.protected });
        }
      }
      return sockets ? { known: true, sockets, overflow } : tally;
    }
    case "frame-disconnected":
      // The top document went away: its sockets with it. The port asks the next document for a snapshot.
      return action.frameId === 0 ? emptyTally : tally;
    default:
      // Budgets and refused pairings are the panel's to show.
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
  for (const s of tally.sockets.values()) if (s.state !== "closed" && s.origin !== null) out.add(s.origin);
  return [...out];
}
