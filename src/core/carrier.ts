/**
 * Which native socket carries one page-facing connection: the page's own (`initial`, whose events the
 * facade routes to the engine) or a replacement the engine dialled and listens to itself.
 */
import type { SocketLike } from "./types";

/** What becomes of the page's own socket's events: the engine's to route, swallowed, or straight to the page. */
export type InitialRoute = "live" | "absorbed" | "native";

const SOCKET_EVENTS = ["open", "message", "error", "close"] as const;
const CONNECTING = 0;
const OPEN = 1;

/** Keeps an abandoned socket's late errors from surfacing as unhandled anywhere. */
function errorSink(): void {}

export class Carrier {
  /** The socket that carries the connection now, if any. */
  live: SocketLike | null;
  route: InitialRoute = "live";
  private detach: (() => void) | null = null;

  constructor(readonly initial: SocketLike) {
    this.live = initial;
  }

  /** A replacement carries the connection from now on: `onEvent` hears its events while it does, `onStale` after. */
  carry(sock: SocketLike, onEvent: (ev: Event) => void, onStale: (ev: Event) => void): void {
    this.live = sock;
    const listener = (ev: Event): void => {
      if (this.live === sock) onEvent(ev);
      else onStale(ev);
    };
    for (const type of SOCKET_EVENTS) sock.addEventListener(type, listener);
    this.detach = () => {
      for (const type of SOCKET_EVENTS) sock.removeEventListener(type, listener);
    };
  }

  /**
   * Forgets the live socket after its close: nothing more will come from it. Unless the page's object
   * `ends` with it, the page's own socket's later events are absorbed.
   */
  release(ends: boolean): void {
    this.detach?.();
    this.detach = null;
    if (this.live === this.initial && this.route === "live" && !ends) this.route = "absorbed";
    this.live = null;
  }

  /** Leaves the live socket for good: its later events are ignored, and it is closed if it can be. */
  abandon(): void {
    const sock = this.live;
    if (!sock) return;
    if (sock === this.initial) this.route = "absorbed";
    this.detach?.();
    this.detach = null;
    this.live = null;
    if (sock !== this.initial) sock.addEventListener("error", errorSink);
    if (sock.readyState === CONNECTING || sock.readyState === OPEN) {
      try {
        sock.close();
      } catch {
        // Already failing: nothing to do.
      }
    }
  }
}
