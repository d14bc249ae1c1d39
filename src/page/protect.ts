/**
 * Protection in the page world: settings arrive from the relay, each socket whose URL a rule matches
 * gets a `ResilientConnection` (src/core/) as its controller, and the engine speaks to the page through
 * synthetic events on the page's own object. Sockets already open when settings arrive (or change)
 * become protected then.
 */
import { ResilientConnection, type PageEvent } from "../core/connection";
import type { SocketLike } from "../core/types";
import { DEFAULTS, findRule, type Settings } from "../shared/settings";
import type { SocketController, TrackedSocket } from "./hook";
import { apply, NO_ARGS, getter, type Natives } from "./natives";
import type { Recorder } from "./recorder";
import type { Faults } from "./faults";

const CONNECTING = 0;
const CLOSED = 3;

/** The browser's own socket, seen only through the captured natives (never the patched prototype). */
export function nativeSocket(ws: WebSocket, n: Natives): SocketLike {
  const binaryTypeSet = Reflect.getOwnPropertyDescriptor(n.wsProto, "binaryType")!.set!;
  return {
    get readyState() {
      return apply(n.readyState, ws, NO_ARGS);
    },
    get bufferedAmount() {
      return apply(n.bufferedAmount, ws, NO_ARGS);
    },
    get protocol() {
      return apply(n.protocol, ws, NO_ARGS);
    },
    get extensions() {
      return apply(n.extensions, ws, NO_ARGS);
    },
    get url() {
      return apply(n.url, ws, NO_ARGS);
    },
    get binaryType() {
      return apply(n.binaryType, ws, NO_ARGS);
    },
    set binaryType(value: BinaryType) {
      apply(binaryTypeSet, ws, [value]);
    },
    send: (data) => apply(n.send, ws, [data]),
    close: (...args: [number?, string?]) => apply(n.close, ws, args),
    addEventListener: (type, listener) => apply(n.addEventListener, ws, [type, listener]),
    removeEventListener: (type, listener) => apply(n.removeEventListener, ws, [type, listener]),
  };
}

/** The DOMException a browser throws for `send()` on a CONNECTING socket, for the cases the engine must make up. */
function invalidStateError(n: Natives): Error {
  const gecko = "mozInnerScreenX" in n.win;
  const message = gecko
    ? "An attempt was made to use an object that is not, or is no longer, usable"
    : "Failed to execute 'send' on 'WebSocket': Still in CONNECTING state.";
  return new n.win.DOMException(message, "InvalidStateError");
}

/** Engine events become events on the page's own socket object, made in that socket's realm. */
function pageSink(socket: TrackedSocket, recorder: Recorder, faults?: Faults): { dispatch(ev: PageEvent): void } {
  const n = socket.natives;
  const dispatch = (ev: Event): void => void apply(n.dispatchEvent, socket.ws, [ev]);
  return {
    dispatch(ev) {
      switch (ev.type) {
        case "open":
        case "error":
          return dispatch(new n.Event(ev.type));
        case "message":
          // A frame injected from the panel was recorded as such when it was injected.
          if (!faults?.injecting && socket.log) recorder.frameOf(socket.log, false, ev.data);
          return dispatch(new n.MessageEvent("message", { data: ev.data, origin: ev.origin }));
        case "close":
          return dispatch(new n.CloseEvent("close", { code: ev.code, reason: ev.reason, wasClean: ev.wasClean }));
        case "reconnecting":
        case "reconnected":
          return dispatch(new n.CustomEvent(ev.type, { detail: ev.detail }));
      }
    },
  };
}

/** A controller the hook can call, over the engine, with the browser's own errors where it can have them. */
function controllerFor(socket: TrackedSocket, conn: ResilientConnection): SocketController {
  const n = socket.natives;
  return {
    handleInitialEvent: (ev) => conn.handleInitialEvent(ev),
    get readyState() {
      return conn.readyState;
    },
    get bufferedAmount() {
      return conn.bufferedAmount;
    },
    get protocol() {
      return conn.protocol;
    },
    get extensions() {
      return conn.extensions;
    },
    send(data) {
      // Still the first connection: the browser's own InvalidStateError, message and all.
      if (apply(n.readyState, socket.ws, NO_ARGS) === CONNECTING) return void apply(n.send, socket.ws, [data]);
      conn.send(data as Parameters<WebSocket["send"]>[0]);
    },
    close: (code, reason) => conn.close(code, reason),
  };
}

export class Protection {
  private settings: Settings | null = null;
  private readonly live = new Set<TrackedSocket>();
  private readonly connections = new WeakMap<TrackedSocket, ResilientConnection>();

  constructor(
    private readonly recorder: Recorder,
    private readonly n: Natives,
    /** Faults from the panel reach the engine's replacement connections too. */
    private readonly faults?: Faults,
  ) {
    // Probes: a browser that comes back online, a tab that becomes visible or resumes.
    const on = (target: EventTarget, type: string, ev: "online" | "offline" | "visible" | "resume", when?: () => boolean) =>
      apply(n.addEventListener, target, [type, () => (!when || when()) && this.environment(ev)]);
    on(n.win, "online", "online");
    on(n.win, "offline", "offline");
    on(n.win, "pageshow", "resume");
    on(n.win.document, "resume", "resume");
    const hidden = getter<Document>(n.win.Document.prototype, "hidden");
    on(n.win.document, "visibilitychange", "visible", () => !apply(hidden, n.win.document, NO_ARGS));
  }

  get enabled(): boolean {
    return this.settings?.enabled !== false;
  }

  /**
   * Settings, already validated by the relay (the validator stays out of the page-world bundle; the
   * private channel cannot be forged by the page). A settings object this code cannot use leaves
   * every socket as it is.
   */
  applySettings(settings: Settings): void {
    try {
      this.settings = settings;
      this.recorder.setLimits(settings.record ?? DEFAULTS.record);
      for (const socket of this.live) this.reconsider(socket);
    } catch {
      this.settings = null;
    }
  }

  track(socket: TrackedSocket): void {
    this.live.add(socket);
    this.reconsider(socket);
  }

  private reconsider(socket: TrackedSocket): void {
    const conn = this.connections.get(socket);
    if (!conn && apply(this.n.readyState, socket.ws, NO_ARGS) === CLOSED) {
      this.live.delete(socket);
      return;
    }
    if (conn && conn.state === "closed") {
      conn.dispose();
      this.live.delete(socket);
      return;
    }
    const rule = this.settings && this.enabled ? findRule(this.settings, socket.url) : null;
    if (conn) {
      conn.updateRule(rule);
      this.recorder.setProtected(socket.id, rule !== null, rule ? { rule: rule.match, ...conn.strategyChoice } : {});
      return;
    }
    if (!rule) return;
    const n = socket.natives;
    const negotiated = apply(n.protocol, socket.ws, NO_ARGS) as string;
    const created = new ResilientConnection({
      socketId: socket.id,
      url: socket.url,
      protocols: socket.protocols.length ? socket.protocols : negotiated ? [negotiated] : [],
      initial: nativeSocket(socket.ws, n),
      rule,
      createSocket: (url, protocols) => {
        const ws = new n.WebSocket(url, protocols);
        return this.faults ? this.faults.replacement(socket, nativeSocket(ws, n), ws) : nativeSocket(ws, n);
      },
      clock: { now: n.now, setTimeout: (fn, ms) => n.setTimeout(fn, ms), clearTimeout: (h) => n.clearTimeout(h as number) },
      random: n.random,
      sink: pageSink(socket, this.recorder, this.faults),
      recorder: this.recorder,
      invalidStateError: () => invalidStateError(n),
      // Only called once the page's own socket is no longer the live one: after validation, close()
      // on a closing or closed socket does nothing.
      validateClose: (...args) => void apply(n.close, socket.ws, args),
      binaryType: () => apply(n.binaryType, socket.ws, NO_ARGS),
    });
    this.connections.set(socket, created);
    socket.controller = controllerFor(socket, created);
    this.recorder.setProtected(socket.id, true, { rule: rule.match, ...created.strategyChoice });
  }

  /** A socket the page can no longer use is forgotten (only unprotected ones get here). */
  closed(socket: TrackedSocket): void {
    if (!this.connections.has(socket)) this.live.delete(socket);
  }

  /** One socket's engine hears of an environment change (a fault from the panel, or "reconnect now"). */
  environmentOf(socket: TrackedSocket, ev: "online" | "offline" | "visible"): void {
    this.connections.get(socket)?.environment(ev);
  }

  private environment(ev: "online" | "offline" | "visible" | "resume"): void {
    for (const socket of this.live) {
      const conn = this.connections.get(socket);
      if (!conn) continue;
      if (conn.state === "closed") {
        conn.dispose();
        this.live.delete(socket);
        continue;
      }
      conn.environment(ev);
    }
  }
}
