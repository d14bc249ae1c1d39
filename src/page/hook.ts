/**
 * Hooks a window's WebSocket so that every socket the page creates is observed (and, where a rule
 * protects it, steered) while the page keeps the browser's own object.
 *
 * - The constructor is a Proxy of the native one: `new`, subclassing, statics, `prototype`, `length`
 *   and `name` behave natively; its `toString` reads native (see disguise.ts).
 * - On each new socket Lifeguard registers its own `open`/`error`/`close` listeners first, before the
 *   page can add any, so it sees every trusted event and, for a protected socket, can stop one from
 *   reaching the page. `message` listeners, one per message, are the page's own, routed through
 *   Lifeguard (listeners.ts): the first to hear a message asks Lifeguard, which records it.
 * - Prototype accessors and methods are replaced by functions that call the native ones first (so
 *   brand checks and argument errors are the browser's own) and then consult the socket's controller.
 * - Per-socket state lives in a WeakMap: no own property on the instance, no marker in the page.
 * - Same-origin child frames are hooked the moment the page reaches into them (`contentWindow`), so a
 *   frame created by script and used at once never hands out an unpatched WebSocket.
 */
import { apply, NO_ARGS, captureNatives, type Natives } from "./natives";
import type { Disguise } from "./disguise";
import type { SocketFaults } from "./faults";
import type { SocketLog } from "./recorder";
import { newRoute, routeMessageListeners, type MessageRoute } from "./listeners";

/** What the page world does with a socket; the facade only observes and asks. */
export interface SocketController {
  /** For each trusted event on the page's socket, before any page listener: false hides it. */
  handleInitialEvent(ev: Event): boolean;
  readonly readyState: number;
  readonly bufferedAmount: number;
  readonly protocol: string;
  readonly extensions: string;
  send(data: unknown): void;
  close(code?: number, reason?: string): void;
}

export interface TrackedSocket {
  id: string;
  ws: WebSocket;
  natives: Natives;
  url: string;
  /** The subprotocols the page asked for, when they could be read without side effects. */
  protocols: string[];
  controller: SocketController | null;
  /** Set once a fault from the panel concerns this socket. */
  faults: SocketFaults | null;
  /** The recorder's entry for this socket, once the host records it (every frame goes there directly). */
  log: SocketLog | null;
  /** The page's `message` listeners, routed through Lifeguard (listeners.ts). */
  route: MessageRoute;
  /**
   * Whether a `message` event may reach the page's listeners. The first ask of an event records it
   * (and lets a fault or the engine hold it back); the page's other listeners get the same answer.
   */
  verdict(ev: Event): boolean;
  /** The page-facing `send` (Lifeguard's), as the page would call it. */
  pageSend(data: unknown): void;
}

/** What the hook reports to; implemented by the page world's entry. */
export interface HookHost {
  disguise: Disguise;
  created(socket: TrackedSocket, win: Window): void;
  /**
   * A trusted `message` event, before any page listener hears it. Messages come by their own path
   * (`TrackedSocket.verdict`), so the hot path never reads `ev.type`, a call into the browser.
   */
  message(socket: TrackedSocket, ev: MessageEvent): void;
  /** A trusted `open`, `error` or `close` event. */
  event(socket: TrackedSocket, ev: Event): void;
  sent(socket: TrackedSocket, data: unknown): void;
}

const tracked = new WeakMap<object, TrackedSocket>();
const hookedWindows = new WeakSet<object>();

export function trackedSocket(ws: object): TrackedSocket | undefined {
  return tracked.get(ws);
}

/**
 * Delivers a copy of an event of the page's own socket (held back by a fault) the way a native one
 * goes: recorder, engine, then the page's listeners.
 */
export function redeliver(host: HookHost, socket: TrackedSocket, ev: Event): void {
  const n = socket.natives;
  if (ev.type === "message") host.message(socket, ev as MessageEvent);
  else host.event(socket, ev);
  if (socket.controller && !socket.controller.handleInitialEvent(ev)) return;
  apply(n.dispatchEvent, socket.ws, [ev]);
}

/** Installs the hook into `win` (a same-origin window of this page). Idempotent. */
export function hookWindow(
  win: Window & typeof globalThis,
  host: HookHost,
  counter: { next(): string },
  natives?: Natives,
): void {
  if (hookedWindows.has(win)) return;
  hookedWindows.add(win);
  const n = natives ?? captureNatives(win);
  const { disguise } = host;
  const fnProto = win.Function.prototype;
  disguise.installToString(fnProto);

  const fake = <T extends object>(replacement: T, original: object): T => {
    Object.setPrototypeOf(replacement, fnProto);
    disguise.as(replacement, original);
    return replacement;
  };

  /** Whether a trusted event of the page's socket may reach the page (see `TrackedSocket.verdict`). */
  const admit = (socket: TrackedSocket, ev: Event, message: boolean): boolean => {
    // Events the page dispatches itself are its own business (and so are Lifeguard's copies, below).
    if (!ev.isTrusted) return true;
    // A fault holds the event back: a copy comes later through `redeliver`, or never.
    if (socket.faults?.pageWire?.hold(ev)) return false;
    if (message) host.message(socket, ev as MessageEvent);
    else host.event(socket, ev);
    return !socket.controller || socket.controller.handleInitialEvent(ev);
  };
  const onEvent = (socket: TrackedSocket, ev: Event): void => {
    if (!admit(socket, ev, false)) apply(n.stopImmediatePropagation, ev, NO_ARGS);
  };

  const WebSocketHook = new Proxy(n.WebSocket, {
    construct(target, args, newTarget) {
      const ws = Reflect.construct(target, args, newTarget) as WebSocket;
      const socket: TrackedSocket = {
        id: counter.next(),
        ws,
        natives: n,
        url: apply(n.url, ws, NO_ARGS),
        protocols: readProtocols(args[1]),
        controller: null,
        faults: null,
        log: null,
        route: null!,
        verdict: (ev) => {
          const r = socket.route;
          if (ev === r.lastEv) return r.lastOk;
          r.lastEv = ev;
          if (!r.releasing) {
            // At most one timer a second per socket; a timer never runs inside a dispatch.
            r.releasing = true;
            n.setTimeout(r.release, 1000);
          }
          try {
            return (r.lastOk = admit(socket, ev, true));
          } catch {
            // A fault of Lifeguard's must not cost the page its message: the wrapper calls the
            // page's listener whatever happens here.
            return (r.lastOk = true);
          }
        },
        pageSend: (data) => void apply(methods.send, ws, [data]),
      };
      tracked.set(ws, socket);
      const onOther = (ev: Event): void => onEvent(socket, ev);
      apply(n.addEventListener, ws, ["open", onOther]);
      socket.route = newRoute(ws, n, socket.verdict);
      apply(n.addEventListener, ws, ["error", onOther]);
      apply(n.addEventListener, ws, ["close", onOther]);
      host.created(socket, win);
      return ws;
    },
  });
  disguise.as(WebSocketHook, n.WebSocket);

  const proto = n.wsProto;
  const define = (name: string, desc: PropertyDescriptor): void => {
    const old = Reflect.getOwnPropertyDescriptor(proto, name)!;
    Reflect.defineProperty(proto, name, { ...old, ...desc });
  };

  define("constructor", { value: WebSocketHook });

  const accessor = <K extends "readyState" | "bufferedAmount" | "protocol" | "extensions">(name: K): void => {
    const native = Reflect.getOwnPropertyDescriptor(proto, name)!.get!;
    const get = Reflect.getOwnPropertyDescriptor(
      {
        get [name]() {
          // The native getter first: a foreign `this` throws the browser's own TypeError.
          const value = apply(native, this, NO_ARGS);
          const socket = tracked.get(this as object);
          if (socket?.controller) return socket.controller[name];
          // An unprotected socket that a fault ended reads CLOSED even while the native handshake runs.
          if (name === "readyState" && socket?.faults?.readyState != null) return socket.faults.readyState;
          return value;
        },
      },
      name,
    )!.get!;
    define(name, { get: fake(get, native) });
  };
  accessor("readyState");
  accessor("bufferedAmount");
  accessor("protocol");
  accessor("extensions");

  /** The frame went out: a fault in recording it must not become the page's exception. */
  const recordSent = (socket: TrackedSocket, data: unknown): void => {
    try {
      host.sent(socket, data);
    } catch {
      // Only the record of this frame is lost (a page that replaced a built-in the recorder uses).
    }
  };
  const methods = {
    send(this: WebSocket, _data: unknown) {
      const socket = tracked.get(this);
      // eslint-disable-next-line prefer-rest-params
      const args = arguments as unknown as unknown[];
      if (!socket?.controller || args.length === 0) {
        // Native send discards silently once closing; only what really went out is a frame.
        const wasOpen = socket ? apply(n.readyState, this, NO_ARGS) === 1 : false;
        const wire = socket?.faults?.pageWire;
        if (wire && wasOpen && args.length > 0) wire.send(args[0]);
        else apply(n.send, this, args);
        if (socket && wasOpen) recordSent(socket, args[0]);
        return;
      }
      socket.controller.send(args[0]);
      recordSent(socket, args[0]);
    },
    close(this: WebSocket) {
      // eslint-disable-next-line prefer-rest-params
      const args = arguments as unknown as unknown[];
      const controller = tracked.get(this)?.controller;
      if (!controller) return apply(n.close, this, args);
      controller.close(args[0] as number | undefined, args[1] as string | undefined);
    },
  };
  define("send", { value: fake(methods.send, n.send) });
  routeMessageListeners(win, n, fake, (target) => tracked.get(target as object));
  define("close", { value: fake(methods.close, n.close) });

  const winDesc = Reflect.getOwnPropertyDescriptor(win, "WebSocket")!;
  Reflect.defineProperty(win, "WebSocket", { ...winDesc, value: WebSocketHook });

  hookChildFrames(win, n, fake, (child) => {
    if (disguise.isOurs(child.Function.prototype.toString)) {
      hookedWindows.add(child);
      return;
    }
    hookWindow(child, host, counter);
  });
}

/**
 * The page's subprotocols as an array, read without running page code twice: a string, or a plain
 * array of strings. Anything else (an iterable with side effects, objects with toString) is not read
 * again; the negotiated `protocol` is used for reconnects instead.
 */
function readProtocols(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.length <= 1024) {
    const out: string[] = [];
    for (let i = 0; i < value.length; i++) {
      const d = Reflect.getOwnPropertyDescriptor(value, i);
      if (!d || !("value" in d) || typeof d.value !== "string") return [];
      out.push(d.value);
    }
    return out;
  }
  return [];
}

/** Same-origin children get the hook when the page first reaches their window. */
function hookChildFrames(
  win: Window & typeof globalThis,
  n: Natives,
  fake: <T extends object>(replacement: T, original: object) => T,
  install: (child: Window & typeof globalThis) => void,
): void {
  const ensure = (child: unknown): void => {
    if (!child || hookedWindows.has(child as object)) return;
    try {
      // A cross-origin WindowProxy throws here: its own page-world script hooks it.
      const fn = (child as typeof globalThis).Function;
      if (typeof fn !== "function") return;
    } catch {
      return;
    }
    install(child as Window & typeof globalThis);
  };
  const elements = [win.HTMLIFrameElement, win.HTMLFrameElement, win.HTMLObjectElement];
  for (const ctor of elements) {
    if (!ctor) continue;
    const proto = ctor.prototype;
    const cw = Reflect.getOwnPropertyDescriptor(proto, "contentWindow");
    if (cw?.get) {
      const native = cw.get;
      const get = Reflect.getOwnPropertyDescriptor(
        {
          get contentWindow() {
            const w = apply(native, this, NO_ARGS);
            ensure(w);
            return w;
          },
        },
        "contentWindow",
      )!.get!;
      Reflect.defineProperty(proto, "contentWindow", { ...cw, get: fake(get, native) });
    }
    const cd = Reflect.getOwnPropertyDescriptor(proto, "contentDocument");
    if (cd?.get) {
      const native = cd.get;
      const get = Reflect.getOwnPropertyDescriptor(
        {
          get contentDocument() {
            const d = apply(native, this, NO_ARGS) as Document | null;
            if (d) ensure(d.defaultView);
            return d;
          },
        },
        "contentDocument",
      )!.get!;
      Reflect.defineProperty(proto, "contentDocument", { ...cd, get: fake(get, native) });
    }
  }
  void n;
}
