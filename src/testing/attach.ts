/**
 * What attaching means for any driver, once it can evaluate in Lifeguard's service worker: wait until
 * pages loaded from now on get the WebSocket hook, then answer for pages by their tabs.
 */
import { LifeguardNotLoadedError } from "./errors";
import { createLifeguard, type Lifeguard, type LifeguardDriver } from "./lifeguard";
import { tabOfPage, type DriverPage } from "./page-tab";
import { probeInWorker, tabsShowingInWorker } from "./worker-calls";

export type Evaluate = LifeguardDriver<never>["evaluate"];

export async function attachThrough<P extends DriverPage & object>(evaluate: Evaluate, timeoutMs: number): Promise<Lifeguard<P>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await evaluate(probeInWorker, undefined);
    // With Lifeguard off the background registers no page world at all: nothing to wait for.
    if (state.pageWorld || !state.enabled) break;
    if (Date.now() > deadline) throw new LifeguardNotLoadedError("its page-world script was never registered");
    await new Promise((r) => setTimeout(r, 25));
  }
  const tabs = new WeakMap<P, number>();
  return createLifeguard<P>({
    evaluate,
    isClosed: (page) => page.isClosed(),
    async tabIdOf(page) {
      const known = tabs.get(page);
      if (known !== undefined) return known;
      const id = await tabOfPage(page, (url) => evaluate(tabsShowingInWorker, url));
      tabs.set(page, id);
      return id;
    },
  });
}
