/**
 * The testing API's way in (src/testing/, docs/testing-api.md): a property of the service worker's own
 * global that opens a panel's connection to a tab without a runtime port. A test driver reaches it by
 * evaluating in the service worker over the browser's automation channel (Playwright's
 * `context.serviceWorkers()`, Puppeteer's `target.worker()`); no page, frame or content script can,
 * because none of them runs in this global, and nothing here listens to any message.
 *
 * The connection is an in-memory port handed to the router, which treats it as it treats a panel:
 * the same guards, the same fan-out to every frame of the tab, the same `listening` notices. It keeps
 * no history (a restarted worker loses it, and the driver asks again): it only collects what the tab
 * answers, bounded.
 */
import { PROTOCOL_VERSION, envelope, isPageToPanel, panelPortName, type PanelToPage, type SocketSnapshot } from "../shared/protocol";
import type { PortLike } from "../shared/transports";
import type { TabAnswer } from "./testing-answer";

export type { TabAnswer } from "./testing-answer";

/** Where the hook lives on the service worker's global. */
export const TESTING_GLOBAL = "lifeguardTesting";
export const TESTING_HOOK_VERSION = 1;

/** Messages kept for `take()` before the oldest go (events batches arrive while a test runs). */
export const INBOX_MAX = 2_000;


export interface TestingConnection {
  readonly tabId: number;
  /**
   * Posts `command` (a panel-to-page message; anything else is refused, as the router would) and then
   * asks every frame for a snapshot. Messages travel in order, so the answer shows the page after it
   * handled the command: the caller's proof that a fault is in force.
   */
  request(command: unknown, timeoutMs: number): Promise<TabAnswer>;
  /** What arrived since the last `take` (events batches, background notices), oldest first, and how many were let go. */
  take(): { messages: unknown[]; lost: number };
  close(): void;
}

export interface TestingHook {
  readonly version: number;
  /** The tab's open connection, or a new one. */
  connect(tabId: number): TestingConnection;
  /** Closes every connection (their tabs' page worlds stop posting batches). */
  closeAll(): void;
}

export interface RouterLike {
  connect(port: PortLike): void;
}

export function testingHook(router: RouterLike, extensionOrigin: string, inboxMax = INBOX_MAX): TestingHook {
  const open = new Map<number, TestingConnection>();
  return {
    version: TESTING_HOOK_VERSION,
    connect(tabId) {
      if (!Number.isSafeInteger(tabId) || tabId < 0) throw new TypeError(`not a tab id: ${String(tabId)}`);
      const existing = open.get(tabId);
      if (existing) return existing;
      const connection = connectTab(router, extensionOrigin, tabId, inboxMax, () => open.delete(tabId));
      open.set(tabId, connection);
      return connection;
    },
    closeAll() {
      for (const connection of [...open.values()]) connection.close();
    },
  };
}

/** Installs the hook where a driver finds it; not enumerable, and only on the worker's own global. */
export function installTestingHook(global: object, hook: TestingHook): void {
  Object.defineProperty(global, TESTING_GLOBAL, { value: hook, configurable: true, enumerable: false, writable: false });
}

function connectTab(router: RouterLike, extensionOrigin: string, tabId: number, inboxMax: number, onClose: () => void): TestingConnection {
  const toRouter = new Set<(message: unknown) => void>();
  const onDisconnect = new Set<() => void>();
  const relays = new Set<number>();
  let inbox: unknown[] = [];
  let lost = 0;
  let closed = false;
  /** The request in progress sees every message too (snapshots never wait in the inbox). */
  let watcher: ((message: unknown) => void) | null = null;
  /** One request at a time: answers to two would mix. */
  let queue: Promise<unknown> = Promise.resolve();

  const port: PortLike = {
    name: panelPortName(tabId),
    // The router lets a panel port in only from an extension page; this one is the worker itself.
    sender: { url: `${extensionOrigin}testing` },
    postMessage(message) {
      if (closed) return;
      const type = (message as { type?: unknown } | null)?.type;
      if (type === "frame-connected") relays.add((message as { frameId: number }).frameId);
      if (type === "frame-disconnected") relays.delete((message as { frameId: number }).frameId);
      watcher?.(message);
      if (type === "snapshot") return;
      inbox.push(message);
      if (inbox.length > inboxMax) {
        lost += inbox.length - inboxMax;
        inbox = inbox.slice(-inboxMax);
      }
    },
    onMessage: {
      addListener: (listener) => void toRouter.add(listener),
      removeListener: (listener) => void toRouter.delete(listener),
    },
    onDisconnect: { addListener: (listener) => void onDisconnect.add(listener) },
    disconnect: () => connection.close(),
  };

  const send = (message: unknown): void => {
    for (const listener of [...toRouter]) listener(message);
  };

  const ask = (command: unknown, timeoutMs: number): Promise<TabAnswer> =>
    new Promise((resolve) => {
      const parts = new Map<string, { frameUrl: string; upTo: number; parts: number; got: Map<number, SocketSnapshot[]> }>();
      const answer = (complete: boolean): TabAnswer => ({
        frames: [...parts]
          .filter(([, p]) => p.got.size === p.parts)
          .map(([stream, p]) => ({ stream, frameUrl: p.frameUrl, upTo: p.upTo, sockets: [...p.got.keys()].sort((a, b) => a - b).flatMap((k) => p.got.get(k)!) })),
        relays: relays.size,
        complete,
      });
      const finish = (complete: boolean): void => {
        clearTimeout(timer);
        watcher = null;
        resolve(answer(complete));
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      watcher = (message) => {
        if (!isPageToPanel(message) || message.type !== "snapshot") return;
        let p = parts.get(message.stream);
        // A later snapshot of the same stream (a reload's, a second request's) replaces an older one.
        if (!p || p.upTo !== message.upTo) parts.set(message.stream, (p = { frameUrl: message.frameUrl, upTo: message.upTo, parts: message.parts, got: new Map() }));
        p.got.set(message.part, message.sockets);
        const done = [...parts.values()].filter((x) => x.got.size === x.parts).length;
        if (done >= relays.size) finish(true);
      };
      if (command !== null && command !== undefined) send(command);
      send(envelope<PanelToPage, "snapshot-request">("lifeguard-panel", "snapshot-request", {}));
      // A tab without a relay has nobody to answer.
      if (relays.size === 0) finish(true);
    });

  const connection: TestingConnection = {
    tabId,
    request(command, timeoutMs) {
      if (closed) return Promise.reject(new Error("this testing connection is closed"));
      if (command !== null && command !== undefined) {
        const c = command as { source?: unknown; v?: unknown };
        if (c.source !== "lifeguard-panel" || c.v !== PROTOCOL_VERSION) return Promise.reject(new TypeError("not a panel command of this protocol version"));
      }
      const next = queue.then(() => ask(command, Math.max(0, Math.min(timeoutMs, 30_000))));
      queue = next.catch(() => undefined);
      return next;
    },
    take() {
      const out = { messages: inbox, lost };
      inbox = [];
      lost = 0;
      return out;
    },
    close() {
      if (closed) return;
      closed = true;
      watcher = null;
      inbox = [];
      onClose();
      for (const listener of [...onDisconnect]) listener();
    },
  };
  router.connect(port);
  return connection;
}
