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
import { routeMessageListeners, type MessageRoute } from "./listeners";

type Accessor = "readyState" | "bufferedAmount" | "protocol" | "extensions";

/**
 * A page socket as the hook sees it: it asks, and knows no feature (recording, faults, protection are
 * behind it, in the socket's owner: page-socket.ts).
 */
export interface HookedSocket {
  /** The page's `message` listeners, routed through Lifeguard (listeners.ts). */
  readonly route: MessageRoute;
  /** Whether a `message` event may reach the page's listeners (asked once per event). */
  readonly verdict: (ev: Event) => boolean;
  /** A trusted `open`, `error` or `close`, before any page listener: false hides it from the page. */
  onEvent(ev: Event): boolean;
  /** What the page reads, given what the browser says. */
  read<K extends Accessor>(name: K, native: WebSocket[K]): WebSocket[K];
  /** The URL the page asked for (the object may be connected elsewhere: see `HookHost.connectUrl`). */
  readonly url: string;
  send(args: unknown[]): void;
  close(args: unknown[]): void;
}

/** What the hook reports to; implemented by the page world's entry. */
export interface HookHost {
  disguise: Disguise;
  /** Whether `connectUrl` may send a new socket elsewhere now (asked first: the common path converts no URL itself). */
  redirecting(): boolean;
  /**
   * Where a new socket's native connection goes, given the page's URL resolved: null for there, or a
   * URL that fails at once without reaching the network (an "offline" fault).
   */
  connectUrl(url: string): string | null;
  /**
   * A socket the page just created (`url`: the page's, resolved); `adopted`: made by another's
   * WebSocket and adopted once open or connecting (see `adoptSocket`): recorded, never protected.
   */
  created(ws: WebSocket, win: Window, n: Natives, url: string, protocols: string[], adopted?: boolean): HookedSocket;
}

const tracked = new WeakMap<object, HookedSocket>();
const hookedWindows = new WeakSet<object>();

export function hookedSocket(ws: object): HookedSocket | undefined {
  return tracked.get(ws);
}

/** From now on `ws` is `socket`'s (a mock taking over a socket the page made before the mocks arrived). */
export function retrack(ws: object, socket: HookedSocket): void {
  if (tracked.has(ws)) tracked.set(ws, socket);
}

/**
 * Installs the hook into `win` (a same-origin window of this page). Idempotent. `behind`: the page's
 * `WebSocket` is another's (behind-mock.ts): the prototype is hooked, but the page keeps its
 * constructor, and sockets are adopted with `adoptSocket` as they turn up.
 */
export function hookWindow(win: Window & typeof globalThis, host: HookHost, natives?: Natives, behind = false): void {
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

  const onEvent = (socket: HookedSocket, ev: Event): void => {
    let pass = true;
    try {
      pass = socket.onEvent(ev);
    } catch {
      // A fault of Lifeguard's must not cost the page its event.
    }
    if (!pass) apply(n.stopImmediatePropagation, ev, NO_ARGS);
  };

  const WebSocketHook = new Proxy(n.WebSocket, {
    construct(target, args, newTarget) {
      let pageUrl: string | null = null;
      if (args.length > 0 && host.redirecting()) {
        // The page's URL is converted once, here, as the browser would; one the browser refuses throws
        // the browser's own error below, from the native constructor with the page's own arguments.
        const given = `${args[0]}`;
        const resolved = resolveSocketUrl(given, n);
        const elsewhere = resolved === null ? null : host.connectUrl(resolved);
        args = [...args];
        args[0] = given;
        if (resolved !== null && elsewhere !== null) {
          pageUrl = resolved;
          args[0] = elsewhere;
        }
      }
      const ws = Reflect.construct(target, args, newTarget) as WebSocket;
      const socket = host.created(ws, win, n, pageUrl ?? apply(n.url, ws, NO_ARGS), readProtocols(args[1]));
      tracked.set(ws, socket);
      const onOther = (ev: Event): void => onEvent(socket, ev);
      // Lifeguard's own listeners come first; `message` goes by the route the socket made (listeners.ts).
      apply(n.addEventListener, ws, ["open", onOther]);
      apply(n.addEventListener, ws, ["error", onOther]);
      apply(n.addEventListener, ws, ["close", onOther]);
      return ws;
    },
  });
  disguise.as(WebSocketHook, n.WebSocket);

  const proto = n.wsProto;
  const define = (name: string, desc: PropertyDescriptor): void => {
    const old = Reflect.getOwnPropertyDescriptor(proto, name)!;
    Reflect.defineProperty(proto, name, { ...old, ...desc });
  };

  if (!behind) define("constructor", { value: WebSocketHook });

  const accessor = <K extends Accessor | "url">(name: K): void => {
    const native = Reflect.getOwnPropertyDescriptor(proto, name)!.get!;
    const get = Reflect.getOwnPropertyDescriptor(
      {
        get [name]() {
          // The native getter first: a foreign `this` throws the browser's own TypeError.
          const value = apply(native, this, NO_ARGS);
          const socket = tracked.get(this as object);
          if (!socket) return value;
          return name === "url" ? socket.url : socket.read(name as Accessor, value);
        },
      },
      name,
    )!.get!;
    define(name, { get: fake(get, native) });
  };
  accessor("url");
  accessor("readyState");
  accessor("bufferedAmount");
  accessor("protocol");
  accessor("extensions");

  const methods = {
    send(this: WebSocket, _data: unknown) {
      // eslint-disable-next-line prefer-rest-params
      const args = arguments as unknown as unknown[];
      const socket = tracked.get(this);
      if (!socket) return apply(n.send, this, args);
      socket.send(args);
    },
    close(this: WebSocket) {
      // eslint-disable-next-line prefer-rest-params
      const args = arguments as unknown as unknown[];
      const socket = tracked.get(this);
      if (!socket) return apply(n.close, this, args);
      socket.close(args);
    },
  };
  define("send", { value: fake(methods.send, n.send) });
  routeMessageListeners(win, n, fake, (target) => {
    const socket = tracked.get(target as object);
    return socket ? { ws: target as WebSocket, route: socket.route, verdict: socket.verdict } : undefined;
  });
  define("close", { value: fake(methods.close, n.close) });

  if (!behind) {
    const winDesc = Reflect.getOwnPropertyDescriptor(win, "WebSocket")!;
    Reflect.defineProperty(win, "WebSocket", { ...winDesc, value: WebSocketHook });
  }

  hookChildFrames(win, n, fake, (child) => {
    if (disguise.isOurs(child.Function.prototype.toString)) {
      hookedWindows.add(child);
      return;
    }
    try {
      hookWindow(child, host);
    } catch {
      // The child's WebSocket was replaced before the page reached into it: there is nothing native to
      // hook there, and the page's `contentWindow` read must not throw for it (see startPageWorldOrStandAside).
    }
  });
}

/**
 * A native socket made by someone else's WebSocket (behind-mock.ts) after its handlers were set: from
 * now on Lifeguard records it and its faults act on it. Its owner's listeners were added first, so
 * Lifeguard cannot hold an event back from them (no black-hole or latency on inbound frames); it sees
 * every event through its own listeners, and what a fault makes up reaches them as a real loss would.
 */
export function adoptSocket(ws: WebSocket, win: Window & typeof globalThis, host: HookHost, n: Natives): void {
  if (tracked.has(ws)) return;
  const socket = host.created(ws, win, n, apply(n.url, ws, NO_ARGS), [], true);
  tracked.set(ws, socket);
  const onOther = (ev: Event): void => {
    try {
      socket.onEvent(ev);
    } catch {
      // Only the record of this event is lost.
    }
  };
  apply(n.addEventListener, ws, ["open", onOther]);
  apply(n.addEventListener, ws, ["error", onOther]);
  apply(n.addEventListener, ws, ["close", onOther]);
  // The owner's message listeners are not routed through Lifeguard: its own listener records each frame.
  apply(n.addEventListener, ws, ["message", socket.verdict]);
}

/**
 * A socket URL as the browser resolves it (WHATWG WebSockets: parsed against the document's base URL,
 * http(s) becoming ws(s)), or null when the browser would throw for it (another scheme, a fragment).
 */
export function resolveSocketUrl(url: string, n: Natives): string | null {
  let parsed: URL;
  try {
    parsed = new n.URL(url, apply(n.baseURI, n.win.document, NO_ARGS));
  } catch {
    return null;
  }
  if (parsed.protocol === "http:") parsed.protocol = "ws:";
  else if (parsed.protocol === "https:") parsed.protocol = "wss:";
  if ((parsed.protocol !== "ws:" && parsed.protocol !== "wss:") || parsed.hash !== "" || url.includes("#")) return null;
  return parsed.href;
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
