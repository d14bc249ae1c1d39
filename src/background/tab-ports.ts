import type { PortLike } from "../shared/transports";

/** Open ports by tab id. */
export class TabPorts<T> {
  private readonly byTab = new Map<number, Set<T>>();
  private static readonly NONE: ReadonlySet<never> = new Set();

  of(tabId: number): ReadonlySet<T> {
    return this.byTab.get(tabId) ?? TabPorts.NONE;
  }

  add(tabId: number, value: T): void {
    let set = this.byTab.get(tabId);
    if (!set) this.byTab.set(tabId, (set = new Set()));
    set.add(value);
  }

  remove(tabId: number, value: T): void {
    const set = this.byTab.get(tabId);
    if (set?.delete(value) && set.size === 0) this.byTab.delete(tabId);
  }
}


/** Posts to a port that may be gone (its onDisconnect removes it). */
export function post(port: PortLike, message: unknown): void {
  try {
    port.postMessage(message);
  } catch {
    // Gone: nothing to do.
  }
}
