/** The whole panel on fake ports, for tests of what a click sends to the page and writes to storage. */
import { render } from "preact";
import { act } from "preact/test-utils";
import { App, type AppProps } from "../../src/panel/App";
import type { SettingsStore } from "../../src/options/settings-store";
import type { PortLike } from "../../src/shared/transports";
import { fakePortPair, flush as flushPorts, type FakePort } from "../support/fake-ports";
import { manualSlices } from "./slices";
import { RECT } from "./frames-support";

/** A store as `storage.local` behaves: what was saved is what loads, as a copy; `watch` hears every save. */
export function fakeStore(initial: unknown) {
  let stored: unknown = structuredClone(initial);
  const saves: unknown[] = [];
  const listeners = new Set<(value: unknown) => void>();
  const store: SettingsStore = {
    load: async () => structuredClone(stored),
    save: async (value) => {
      saves.push(structuredClone(value));
      stored = structuredClone(value);
      for (const l of listeners) l(structuredClone(value));
    },
    watch: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return { store, stored: () => stored, saves };
}

export interface MountedApp {
  container: HTMLElement;
  /** Messages from the page world (or the background) to the panel, applied. */
  send(...messages: unknown[]): Promise<void>;
  /** What the panel posted to the page, newest last. */
  posted(): Record<string, unknown>[];
  /** Runs a DOM action and everything it set off (ports, the inbox, storage promises). */
  act(fn: () => void | Promise<void>): Promise<void>;
  $(testId: string): HTMLElement | null;
  $$(testId: string): HTMLElement[];
  unmount(): void;
}

export async function mountApp(props: Partial<AppProps> = {}): Promise<MountedApp> {
  const slices = manualSlices();
  const flush = async (): Promise<void> => {
    for (let i = 0; i < 3; i++) {
      await flushPorts();
      slices.runAll();
    }
    await flushPorts();
  };
  const servers: FakePort[] = [];
  const connect = (name: string): PortLike => {
    const { client, server } = fakePortPair(name);
    servers.push(server);
    return client;
  };
  const container = document.createElement("div");
  document.body.append(container);
  await act(async () => {
    render(
      <App ingest={{ schedule: (task) => slices.schedule(task) }} tabId={7} connect={connect} reconnectDelay={() => 0} tableRect={RECT} listRect={RECT} {...props} />,
      container,
    );
    await flush();
  });
  const run = async (fn: () => void | Promise<void>): Promise<void> => {
    await act(async () => {
      await fn();
      await flush();
    });
  };
  return {
    container,
    send: (...messages) =>
      run(() => {
        for (const m of messages) servers.at(-1)!.postMessage(m);
      }),
    posted: () => servers.at(-1)!.received as Record<string, unknown>[],
    act: run,
    $: (id) => container.querySelector<HTMLElement>(`[data-testid="${id}"]`),
    $$: (id) => [...container.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`)],
    unmount: () => {
      render(null, container);
      container.remove();
    },
  };
}

/** Types into a text box as a user does (an input event). */
export function typeInto(el: HTMLElement, value: string): void {
  (el as HTMLInputElement | HTMLTextAreaElement).value = value;
  el.dispatchEvent(new Event("input", { bubbles: true }));
}
