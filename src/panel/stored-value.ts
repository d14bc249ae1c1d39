/**
 * One `storage.local` key as the panel reads and writes it (the `mocks` key; the settings have their
 * own store, src/options/settings-store.ts, of the same shape, so tests use one fake for both).
 */
import type { SettingsStore, StorageApi } from "../options/settings-store";

export type StoredValue = SettingsStore;

export function storedValue(storage: StorageApi, key: string): StoredValue {
  return {
    load: async () => (await storage.local.get(key))[key],
    save: (value) => storage.local.set({ [key]: value }),
    watch(listener) {
      const onChanged = (changes: Record<string, { newValue?: unknown }>, areaName: string): void => {
        const change = changes[key];
        if (areaName === "local" && change) listener(change.newValue);
      };
      storage.onChanged.addListener(onChanged);
      return () => storage.onChanged.removeListener(onChanged);
    },
  };
}
