/**
 * In-memory `runtime.Port` pairs with Chrome's semantics: messages are cloned and delivered
 * asynchronously; `disconnect()` fires `onDisconnect` on the other end only; a disconnected port
 * throws on `postMessage`.
 */
import type { PortLike, PortSender } from "../../src/shared/transports";

export interface FakePort extends PortLike {
  readonly disconnected: boolean;
  /** Every message this end received, in order. */
  readonly received: unknown[];
}

export function fakePortPair(name: string, sender?: PortSender): { client: FakePort; server: FakePort } {
  const client = makeEnd(name, undefined);
  const server = makeEnd(name, sender);
  client.peer = server;
  server.peer = client;
  return { client, server };
}

type End = FakePort & {
  peer?: End;
  deliver(m: unknown): void;
  drop(): void;
};

function makeEnd(name: string, sender: PortSender | undefined): End {
  const messageListeners = new Set<(m: unknown) => void>();
  const disconnectListeners = new Set<() => void>();
  const end: End = {
    name,
    sender,
    disconnected: false,
    received: [],
    postMessage(message) {
      if (end.disconnected) throw new Error("Attempting to use a disconnected port object");
      const copy = structuredClone(message);
      const peer = end.peer;
      queueMicrotask(() => peer?.deliver(copy));
    },
    onMessage: {
      addListener: (l) => void messageListeners.add(l),
      removeListener: (l) => void messageListeners.delete(l),
    },
    onDisconnect: { addListener: (l) => void disconnectListeners.add(l) },
    disconnect() {
      if (end.disconnected) return;
      (end as { disconnected: boolean }).disconnected = true;
      end.peer?.drop();
    },
    deliver(m) {
      if (end.disconnected) return;
      end.received.push(m);
      for (const l of [...messageListeners]) l(m);
    },
    drop() {
      if (end.disconnected) return;
      (end as { disconnected: boolean }).disconnected = true;
      queueMicrotask(() => {
        for (const l of [...disconnectListeners]) l();
      });
    },
  };
  return end;
}

/** Lets queued deliveries run (a few hops of microtasks); works under fake timers too. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}
