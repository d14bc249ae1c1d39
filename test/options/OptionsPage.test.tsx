// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from "vitest";
import { render } from "preact";
import { act } from "preact/test-utils";
import { OptionsPage } from "../../src/options/OptionsPage";
import { storageSettingsStore, type StorageApi } from "../../src/options/settings-store";
import { flush } from "../support/fake-ports";

let container: HTMLElement;

afterEach(() => {
  render(null, container);
  container.remove();
});

/** `browser.storage` in memory, with onChanged like the real one. */
function fakeStorage(initial: Record<string, unknown> = {}) {
  const data = structuredClone(initial);
  const listeners = new Set<Parameters<StorageApi["onChanged"]["addListener"]>[0]>();
  const sets: Record<string, unknown>[] = [];
  const storage: StorageApi = {
    local: {
      get: async (key) => (key in data ? { [key]: structuredClone(data[key]) } : {}),
      set: async (items) => {
        sets.push(items);
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

async function mount(initial?: Record<string, unknown>) {
  const fake = fakeStorage(initial);
  container = document.createElement("div");
  document.body.append(container);
  await act(async () => {
    render(<OptionsPage store={storageSettingsStore(fake.storage)} />, container);
  });
  // Effects run when the first act ends; the load they start settles in the second.
  await act(flush);
  return fake;
}

const editor = () => container.querySelector<HTMLTextAreaElement>('[data-testid="settings-json"]')!;
const status = () => container.querySelector('[data-testid="status"]')?.textContent ?? "";

async function type(text: string) {
  await act(async () => {
    editor().value = text;
    editor().dispatchEvent(new Event("input", { bubbles: true }));
    await flush();
  });
}

async function clickSave() {
  await act(async () => {
    container.querySelector<HTMLButtonElement>('[data-testid="save"]')!.click();
    await flush();
  });
}

describe("options page", () => {
  it("shows the stored settings as formatted JSON", async () => {
    await mount({ settings: { enabled: false } });
    expect(editor().value).toBe('{\n  "enabled": false\n}');
  });

  it("shows {} when nothing is stored", async () => {
    await mount();
    expect(editor().value).toBe("{}");
  });

  it("saves valid JSON", async () => {
    const { data } = await mount();
    await type('{ "rules": [{ "match": "wss://*.example.com/*" }] }');
    await clickSave();
    expect(data.settings).toEqual({ rules: [{ match: "wss://*.example.com/*" }] });
    expect(status()).toBe("Saved.");
  });

  it("shows the parse error of invalid JSON and saves nothing", async () => {
    const { sets } = await mount({ settings: { enabled: true } });
    await type('{ "enabled": tru }');
    await clickSave();
    expect(sets).toEqual([]);
    expect(status()).toContain("Not valid JSON");
  });

  it("shows the validator's errors and saves nothing", async () => {
    const { sets } = await mount();
    await type('{ "enabled": "yes", "colour": 1 }');
    await clickSave();
    expect(sets).toEqual([]);
    expect(status()).toContain("enabled");
    expect(status()).toContain("colour");
  });

  it("reflects a change made elsewhere", async () => {
    const { storage } = await mount({ settings: { enabled: true } });
    await act(async () => {
      await storage.local.set({ settings: { enabled: false } });
      await flush();
    });
    expect(editor().value).toBe('{\n  "enabled": false\n}');
  });

  it("ignores `settings` changes in other storage areas", async () => {
    const { changeArea } = await mount({ settings: { enabled: true } });
    await act(async () => {
      changeArea("sync", { enabled: false });
      await flush();
    });
    expect(editor().value).toBe('{\n  "enabled": true\n}');
  });

  it("does not overwrite unsaved edits with a change made elsewhere, but offers it", async () => {
    const { storage } = await mount({ settings: { enabled: true } });
    await type('{ "enabled": true, "rules": [] }');
    await act(async () => {
      await storage.local.set({ settings: { enabled: false } });
      await flush();
    });
    expect(editor().value).toBe('{ "enabled": true, "rules": [] }');
    const offer = container.querySelector('[data-testid="changed-elsewhere"]')!;
    await act(async () => {
      offer.querySelector("button")!.click();
      await flush();
    });
    expect(editor().value).toBe('{\n  "enabled": false\n}');
  });

  it("does not mistake its own save for a change made elsewhere", async () => {
    await mount({ settings: { enabled: true } });
    await type('{ "enabled": false }');
    await clickSave();
    expect(container.querySelector('[data-testid="changed-elsewhere"]')).toBeNull();
  });
});
