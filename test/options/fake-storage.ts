/** `browser.storage` in memory, with onChanged like the real one (shared by the options and popup tests). */
import type { StorageApi } from "../../src/options/settings-store";

export function fakeStorage(initial: Record<string, unknown> = {}) {
  const data = structuredClone(initial);
  const listeners = new Set<Parameters<StorageApi["onChanged"]["addListener"]>[0]>();
  const sets: Record<string, unknown>[] = [];
  const storage: StorageApi = {
    local: {
      get: async (key) => (key in data ? { [key]: structuredClone(data[key]) } : {}),
      set: async (items) => {
        sets.push(structuredClone(items));
        const changes: Record<string, { newValue?: unknown; oldValue?: unknown }> = {};
        for (const [k, v] of Object.entries(items)) {
          changes[k] = { oldValue: data[k], newValue: structuredClone(v) };
          data[k] = structuredClone(v);
        }
        queueMicrotask(() => listeners.forEach((l) => l(changes, "local")));
      },
    },
    onChanged: { addListener: (l) => void listeners.add(l), removeListener: (l) => void listeners.delete(l) },
  };
  /** A change in another storage area, which is not ours. */
  const changeArea = (area: string, newValue: unknown) =>
    listeners.forEach((l) => l({ settings: { newValue } }, area));
  return { storage, data, sets, changeArea };
}
