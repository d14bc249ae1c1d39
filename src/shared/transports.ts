/**
 * Implementations of `Transport`: a MessagePort (page world <-> relay), a runtime port that reconnects
 * when the background goes away (relay/panel <-> background), and an in-memory pair for tests.
 *
 * No extension API is imported here: callers hand in `connect`, so the same code runs in Node tests
 * with fake ports and in the extension with `browser.runtime.connect`.
 */
import type { Transport } from "./transport";

/** What a port sender looks like: the subset of `runtime.MessageSender` the router reads. */
export interface PortSender {
  tab?: { id?: number };
  frameId?: number;
  url?: string;
}

/**
 * The subset of `runtime.Port` Lifeguard uses. Declared with method syntax on purpose, so that
 * `browser.runtime.Port` and `chrome.runtime.Port` (whose listeners take `(message: any, port)`) fit it.
 */
export interface PortLike {
  readonly name: string;
  readonly sender?: PortSender;
  postMessage(message: unknown): void;
  onMessage: {
    addListener(listener: (message: unknown) => void): void;
    removeListener(listener: (message: unknown) => void): void;
  };
  onDisconnect: {
    addListener(listener: () => void): void;
  };
  disconnect(): void;
}

/** Page world <-> relay. The port is private (see page-channel.ts) but its messages are still untrusted. */
export function messagePortTransport<In = unknown, Out = unknown>(port: MessagePort): Transport<In, Out> {
  const listeners = new Set<(message: In) => void>();
  let closed = false;
  const onMessage = (ev: MessageEvent): void => {
    for (const listener of [...listeners]) listener(ev.data as In);
  };
  port.addEventListener("message", onMessage);
  // addEventListener (unlike `onmessage =`) does not start the port's queue by itself.
  port.start();
  return {
    post(message) {
      if (closed) return;
      try {
        port.postMessage(message);
      } catch {
        // An uncloneable message: dropping it is what a lossy channel does; the snapshot restores history.
      }
    },
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      if (closed) return;
      closed = true;
      listeners.clear();
      port.removeEventListener("message", onMessage);
      port.close();
    },
  };
}

export interface RuntimePortOptions {
  /** Called after the port was connected again following a disconnect (not on the first connect). */
  onReconnect?: () => void;
  /** Called whenever the port goes away, before the reconnect is scheduled. */
  onDisconnect?: () => void;
  /** Delay before reconnect attempt `attempt` (from 0). Default: 50 ms doubling, at most 2 s. */
  reconnectDelay?: (attempt: number) => number;
  /** A connection that stays up this long resets the attempt counter. Default 2000 ms. */
  stableAfterMs?: number;
}

export function defaultReconnectDelay(attempt: number): number {
  return Math.min(2000, 50 * 2 ** attempt);
}

/** A runtime-port transport that also says whether it is connected right now. */
export interface RuntimePortTransport<In = unknown, Out = unknown> extends Transport<In, Out> {
  readonly connected: boolean;
}

/**
 * Relay/panel <-> background over a `runtime.Port` that reconnects.
 *
 * An MV3 service worker may be killed at any moment; its ports then disconnect. We connect again with
 * a short backoff (connecting wakes the worker) and tell the caller, who asks for a snapshot: the page
 * recorder holds the history, so nothing is lost. Messages posted while disconnected are dropped, for
 * the same reason. If `connect` itself throws (the extension was reloaded or removed, and this
 * orphaned script can never reach it again) the transport gives up for good.
 */
export function runtimePortTransport<In = unknown, Out = unknown>(
  connect: () => PortLike,
  opts: RuntimePortOptions = {},
): RuntimePortTransport<In, Out> {
  const listeners = new Set<(message: In) => void>();
  const reconnectDelay = opts.reconnectDelay ?? defaultReconnectDelay;
  const stableAfterMs = opts.stableAfterMs ?? 2000;
  let port: PortLike | null = null;
  let closed = false;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let stableTimer: ReturnType<typeof setTimeout> | undefined;

  const deliver = (message: unknown): void => {
    for (const listener of [...listeners]) listener(message as In);
  };

  const open = (isReconnect: boolean): void => {
    retryTimer = undefined;
    if (closed) return;
    let p: PortLike;
    try {
      p = connect();
    } catch {
      closed = true;
      return;
    }
    port = p;
    p.onMessage.addListener(deliver);
    p.onDisconnect.addListener(() => {
      if (port !== p) return;
      port = null;
      clearTimeout(stableTimer);
      p.onMessage.removeListener(deliver);
      opts.onDisconnect?.();
      if (closed) return;
      retryTimer = setTimeout(() => open(true), reconnectDelay(attempt));
      attempt += 1;
    });
    stableTimer = setTimeout(() => {
      attempt = 0;
    }, stableAfterMs);
    if (isReconnect) opts.onReconnect?.();
  };

  open(false);

  return {
    get connected() {
      return port !== null;
    },
    post(message) {
      if (!port) return;
      try {
        port.postMessage(message);
      } catch {
        // Chrome throws on a port that disconnected but whose onDisconnect has not run yet.
      }
    },
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closed = true;
      clearTimeout(retryTimer);
      clearTimeout(stableTimer);
      listeners.clear();
      const p = port;
      port = null;
      if (p) {
        p.onMessage.removeListener(deliver);
        p.disconnect();
      }
    },
  };
}

/**
 * Two connected in-memory transports: the first receives `A` and posts `B`, the second the reverse. Messages are structured-cloned and delivered on a microtask, as
 * a real channel would: a receiver never shares an object with the sender, nor runs inside `post`.
 */
export function memoryTransportPair<A = unknown, B = unknown>(): [Transport<A, B>, Transport<B, A>] {
  const make = <In, Out>(): Transport<In, Out> & { peer?: { deliver(m: unknown): void }; deliver(m: unknown): void } => {
    const listeners = new Set<(message: In) => void>();
    let closed = false;
    const end = {
      peer: undefined as { deliver(m: unknown): void } | undefined,
      deliver(m: unknown) {
        if (closed) return;
        for (const listener of [...listeners]) listener(m as In);
      },
      post(message: Out) {
        if (closed) return;
        const copy = structuredClone(message);
        const peer = end.peer;
        queueMicrotask(() => peer?.deliver(copy));
      },
      onMessage(listener: (message: In) => void) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      close() {
        closed = true;
        listeners.clear();
      },
    };
    return end;
  };
  const a = make<A, B>();
  const b = make<B, A>();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
