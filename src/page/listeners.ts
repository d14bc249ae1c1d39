/**
 * The page's `message` listeners on its sockets, routed through Lifeguard (DESIGN.md: "listener
 * registration routed through Lifeguard").
 *
 * Why: Lifeguard must see every message before the page does (to record it, and on a protected socket
 * to hide a heartbeat reply). A listener of its own next to the page's costs the browser one more
 * listener call per message, most of what Lifeguard cost per message (docs/benchmark-rounds.md, the
 * fourth round). Instead, each `message` listener the page adds goes to the browser as a wrapper that asks
 * Lifeguard first (once per event, the answer cached on the socket) and then calls the page's listener
 * with the browser's own event and `this`. Lifeguard's own listener is registered only while the page
 * has no `message` listener, so the browser calls as many listeners per message as it would without
 * Lifeguard.
 *
 * What stays native: each registration is the browser's (its order among the page's listeners and
 * `onmessage`, `capture`, `passive`, `signal`, duplicates, removal during dispatch, a
 * microtask checkpoint after each listener, an exception reported and the next listener still called);
 * the options are read once, in the browser's order; `onmessage` reads back what the page set. One
 * thing is Lifeguard's: `once` is done by the wrapper, which removes its registration when it calls the
 * page's listener, so a message Lifeguard hides (a heartbeat reply) does not use it up. What a page can
 * see: the wrapper's frame in a stack trace taken inside its listener (DESIGN.md, "Known limits of
 * fidelity").
 */
import { apply, NO_ARGS, getter, type Natives } from "./natives";

// The page may replace this global once it runs: keep our own.
const reflectGet = Reflect.get;

interface Registration {
  w: (this: unknown, ev: Event) => unknown;
  live: boolean;
  /** `once`, done by the wrapper (see above). */
  once: boolean;
}

/** One socket's routing state (on its TrackedSocket). */
export interface MessageRoute {
  /** The page's listener -> its registration without and with `capture` (distinct to the browser). */
  readonly regs: Map<unknown, [Registration | undefined, Registration | undefined]>;
  /** The page's registrations the browser holds, `onmessage` included. */
  count: number;
  /** Lifeguard's own listener, registered while `count` is 0. */
  readonly own: (ev: Event) => void;
  ownOn: boolean;
  /** What the page set `onmessage` to (the browser holds `handlerW` instead). */
  handler: unknown;
  handlerW: ((this: unknown, ev: Event) => unknown) | null;
  /** The last event asked about, and the answer (each wrapper of one dispatch asks). */
  lastEv: Event | null;
  lastOk: boolean;
  /**
   * Lets go of `lastEv` a second later, a task after its dispatch: an idle socket must not keep its
   * last message (16 MiB, say) alive. Pending while `releasing`.
   */
  readonly release: () => void;
  releasing: boolean;
}

/** Whether a `message` event may reach the page's listeners; records it the first time it is asked. */
export type Verdict = (ev: Event) => boolean;

export interface Routed {
  readonly ws: WebSocket;
  readonly route: MessageRoute;
  readonly verdict: Verdict;
}

/** A socket's route, with Lifeguard's own listener registered (the page has none yet). */
export function newRoute(ws: WebSocket, n: Natives, verdict: Verdict): MessageRoute {
  const route: MessageRoute = {
    regs: new Map(),
    count: 0,
    own: (ev) => {
      if (!verdict(ev)) apply(n.stopImmediatePropagation, ev, NO_ARGS);
    },
    ownOn: true,
    handler: null,
    handlerW: null,
    lastEv: null,
    lastOk: true,
    release: () => {
      route.lastEv = null;
      route.releasing = false;
    },
    releasing: false,
  };
  apply(n.addEventListener, ws, ["message", route.own]);
  return route;
}

function count(s: Routed, n: Natives, delta: 1 | -1): void {
  const r = s.route;
  r.count += delta;
  if (r.count > 0 && r.ownOn) {
    r.ownOn = false;
    apply(n.removeEventListener, s.ws, ["message", r.own]);
  } else if (r.count === 0 && !r.ownOn) {
    r.ownOn = true;
    apply(n.addEventListener, s.ws, ["message", r.own]);
  }
}

const isObject = (v: unknown): v is object => (typeof v === "object" && v !== null) || typeof v === "function";

interface Options {
  capture: boolean;
  once: boolean;
  signal: unknown;
  /** What goes to the browser: the page's primitive, or a plain copy of what was read (no `once`). */
  pass: unknown;
}

/**
 * The page's options, read as the browser reads them (WebIDL: `AddEventListenerOptions or boolean`):
 * an object's members once each, base dictionary first and then by name (capture, once, passive,
 * signal), so each getter of the page runs once, in the browser's order, and what it throws is
 * thrown. The browser then gets a plain copy (it still converts `signal`, and throws its own
 * TypeError for one that is not an AbortSignal). `add` false: `EventListenerOptions` (capture only).
 */
function readOptions(options: unknown, add: boolean): Options {
  if (!isObject(options)) {
    // undefined and null are the empty dictionary; any other primitive is the boolean `capture`.
    return { capture: options == null ? false : !!options, once: false, signal: undefined, pass: options };
  }
  const capture = !!reflectGet(options, "capture");
  if (!add) return { capture, once: false, signal: undefined, pass: { capture } };
  const once = !!reflectGet(options, "once");
  const passive: unknown = reflectGet(options, "passive");
  const signal: unknown = reflectGet(options, "signal");
  // `once` stays out: the wrapper does it.
  const pass: { capture: boolean; passive?: boolean; signal?: unknown } = { capture };
  if (passive !== undefined) pass.passive = !!passive;
  if (signal !== undefined) pass.signal = signal;
  return { capture, once, signal, pass };
}

/**
 * The event type as the browser converts it (once: a page's `toString` runs once), or null where
 * only the browser can say what happens (a Symbol throws its own TypeError).
 */
function typeOf(type: unknown): string | null {
  if (typeof type === "string") return type;
  if (typeof type === "symbol") return null;
  return `${type as string}`;
}

/**
 * Replaces `addEventListener`/`removeEventListener` on `win`'s EventTarget.prototype and the
 * `onmessage` accessor of its WebSocket.prototype. `routed` finds a socket of this page world.
 */
export function routeMessageListeners(
  win: Window & typeof globalThis,
  n: Natives,
  fake: <T extends object>(replacement: T, original: object) => T,
  routed: (target: unknown) => Routed | undefined,
): void {
  const etProto = win.EventTarget.prototype;
  const aborted = getter<AbortSignal>(win.AbortSignal.prototype, "aborted");

  const forget = (s: Routed, listener: unknown, slot: 0 | 1, reg: Registration): void => {
    if (!reg.live) return;
    reg.live = false;
    const pair = s.route.regs.get(listener);
    if (pair?.[slot] === reg) {
      pair[slot] = undefined;
      if (!pair[0] && !pair[1]) s.route.regs.delete(listener);
    }
    count(s, n, -1);
  };

  /** A new registration's wrapper (not yet live: the browser has not taken it yet). */
  const registration = (s: Routed, listener: object, slot: 0 | 1): Registration => {
    const reg: Registration = { w: null!, live: false, once: false };
    reg.w = function (this: unknown, ev: Event) {
      if (!s.verdict(ev)) return undefined;
      if (reg.once) {
        // What the browser does for `once` before it calls a listener.
        apply(n.removeEventListener, s.ws, ["message", reg.w, slot === 1]);
        forget(s, listener, slot, reg);
      }
      if (typeof listener === "function") return apply(listener as (ev: Event) => unknown, this, [ev]);
      // A listener object: its handleEvent is looked up at each call, as the browser does.
      const handle = (listener as { handleEvent: unknown }).handleEvent;
      if (typeof handle === "function") return apply(handle as (ev: Event) => unknown, listener, [ev]);
      // Not callable: Firefox reports its own TypeError; Chromium fires no `error` event.
      if ("mozInnerScreenX" in win) throw new win.TypeError("Property 'handleEvent' is not callable.");
      return undefined;
    };
    return reg;
  };

  const methods = {
    addEventListener(this: unknown, type: unknown, listener: unknown) {
      // eslint-disable-next-line prefer-rest-params
      const args = arguments as unknown as unknown[];
      const s = args.length >= 2 && isObject(listener) ? routed(this) : undefined;
      if (!s) return apply(n.addEventListener, this, args);
      const t = typeOf(type);
      if (t !== "message") return apply(n.addEventListener, this, t === null ? args : [t, listener, args[2]]);
      const o = readOptions(args[2], true);
      const slot = o.capture ? 1 : 0;
      const held = s.route.regs.get(listener)?.[slot];
      // Registered already: the browser keeps that one as it was (it still converts `signal`).
      if (held) return apply(n.addEventListener, this, [t, held.w, o.pass]);
      const reg = registration(s, listener as object, slot);
      apply(n.addEventListener, this, [t, reg.w, o.pass]);
      const signal = o.signal as AbortSignal | undefined;
      // An aborted signal: the browser added nothing.
      if (signal !== undefined && apply(aborted, signal, NO_ARGS)) return undefined;
      reg.live = true;
      reg.once = o.once;
      let pair = s.route.regs.get(listener);
      if (!pair) s.route.regs.set(listener, (pair = [undefined, undefined]));
      pair[slot] = reg;
      count(s, n, 1);
      if (signal !== undefined) {
        // The browser removes the registration when the signal aborts; this keeps the count.
        const onAbort = (): void => {
          if (!apply(aborted, signal, NO_ARGS)) return; // a page's own "abort" event
          apply(n.removeEventListener, signal, ["abort", onAbort]);
          forget(s, listener, slot, reg);
        };
        apply(n.addEventListener, signal, ["abort", onAbort]);
      }
      return undefined;
    },
    removeEventListener(this: unknown, type: unknown, listener: unknown) {
      // eslint-disable-next-line prefer-rest-params
      const args = arguments as unknown as unknown[];
      const s = args.length >= 2 && isObject(listener) ? routed(this) : undefined;
      if (!s) return apply(n.removeEventListener, this, args);
      const t = typeOf(type);
      if (t !== "message") return apply(n.removeEventListener, this, t === null ? args : [t, listener, args[2]]);
      const o = readOptions(args[2], false);
      const slot = o.capture ? 1 : 0;
      const reg = s.route.regs.get(listener)?.[slot];
      apply(n.removeEventListener, this, [t, reg ? reg.w : listener, o.pass]);
      if (reg) forget(s, listener, slot, reg);
      return undefined;
    },
  };
  const defineMethod = (name: "addEventListener" | "removeEventListener"): void => {
    const old = Reflect.getOwnPropertyDescriptor(etProto, name)!;
    Reflect.defineProperty(etProto, name, { ...old, value: fake(methods[name], old.value as object) });
  };
  defineMethod("addEventListener");
  defineMethod("removeEventListener");

  // `onmessage`: the browser holds one wrapper per socket where the page set a function or object,
  // so the handler keeps its place among the listeners exactly as the browser keeps it.
  const desc = Reflect.getOwnPropertyDescriptor(n.wsProto, "onmessage")!;
  const nativeGet = desc.get!;
  const nativeSet = desc.set!;
  const accessors = {
    get onmessage() {
      const held: unknown = apply(nativeGet, this, NO_ARGS);
      const s = held === null ? undefined : routed(this);
      return s ? s.route.handler : held;
    },
    set onmessage(value: unknown) {
      const s = routed(this);
      if (!s) {
        apply(nativeSet, this, [value]);
        return;
      }
      const r = s.route;
      // [LegacyTreatNonObjectAsNull]: anything but an object or function is null.
      const next = isObject(value) ? value : null;
      if (next !== null) {
        r.handlerW ??= function (this: unknown, ev: Event) {
          const h = r.handler;
          if (!s.verdict(ev)) return undefined;
          // A handler that is an object but not callable is skipped, as the browser skips it.
          return typeof h === "function" ? apply(h as (ev: Event) => unknown, this, [ev]) : undefined;
        };
      }
      apply(nativeSet, this, [next === null ? null : r.handlerW]);
      const had = r.handler !== null;
      r.handler = next;
      if (had !== (next !== null)) count(s, n, next !== null ? 1 : -1);
    },
  };
  const get = Reflect.getOwnPropertyDescriptor(accessors, "onmessage")!;
  Reflect.defineProperty(n.wsProto, "onmessage", { ...desc, get: fake(get.get!, nativeGet as object), set: fake(get.set!, nativeSet as object) });
}
