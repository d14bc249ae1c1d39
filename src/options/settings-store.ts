import { SETTINGS_KEY } from "../shared/settings";
/** Where the options page reads and writes `settings`: `storage.local` in the extension, a fake in tests. */
export interface SettingsStore {
  /** The stored value, or undefined when nothing is stored (defaults apply). */
  load(): Promise<unknown>;
  save(settings: unknown): Promise<void>;
  /** Calls `listener` with the new value whenever `settings` changes (also from elsewhere); returns unsubscribe. */
  watch(listener: (settings: unknown) => void): () => void;
}


interface StorageChange {
  newValue?: unknown;
}

/** The parts of `browser.storage` the store uses. */
export interface StorageApi {
  local: {
    get(key: string): Promise<Record<string, unknown>>;
    set(items: Record<string, unknown>): Promise<void>;
  };
  onChanged: {
    addListener(listener: (changes: Record<string, StorageChange>, areaName: string) => void): void;
    removeListener(listener: (changes: Record<string, StorageChange>, areaName: string) => void): void;
  };
}

export function storageSettingsStore(storage: StorageApi): SettingsStore {
  return {
    load: async () => (await storage.local.get(SETTINGS_KEY))[SETTINGS_KEY],
    save: (settings) => storage.local.set({ [SETTINGS_KEY]: settings }),
    watch(listener) {
      const onChanged = (changes: Record<string, StorageChange>, areaName: string): void => {
        const change = changes[SETTINGS_KEY];
        if (areaName === "local" && change) listener(change.newValue);
      };
      storage.onChanged.addListener(onChanged);
      return () => storage.onChanged.removeListener(onChanged);
    },
  };
}
