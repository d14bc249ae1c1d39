// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import { render } from "preact";
import { act } from "preact/test-utils";
import { OptionsPage } from "../../src/options/OptionsPage";
import { storageSettingsStore } from "../../src/options/settings-store";
import { flush } from "../support/fake-ports";
import { fakeStorage } from "./fake-storage";

let container: HTMLElement;

afterEach(() => {
  render(null, container);
  container.remove();
  vi.restoreAllMocks();
});

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

const $ = <T extends Element = HTMLElement>(selector: string) => container.querySelector<T>(selector);
const byTestId = <T extends Element = HTMLElement>(id: string) => $<T>(`[data-testid="${id}"]`)!;
const editor = () => byTestId<HTMLTextAreaElement>("json-editor");
const json = () => JSON.parse(editor().value) as Record<string, unknown>;
const saveButton = () => byTestId<HTMLButtonElement>("save");
const status = () => byTestId("save-status").textContent ?? "";
const field = <T extends HTMLElement = HTMLInputElement>(path: string) => $<T>(`[data-path="${path}"]`)!;
/** The messages shown beside the field at `path` (inside its label). */
const errorsBeside = (path: string) =>
  [...field(path).closest("label")!.querySelectorAll('[data-testid="field-error"]')].map((e) => e.textContent);
const allErrors = () => [...container.querySelectorAll('[data-testid="field-error"]')].map((e) => e.textContent);
const rows = () => [...container.querySelectorAll<HTMLElement>('[data-testid="rule-row"]')];

async function input(el: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, value: string, event = "input") {
  await act(async () => {
    el.value = value;
    el.dispatchEvent(new Event(event, { bubbles: true }));
    await flush();
  });
}
const typeJson = (text: string) => input(editor(), text);

async function click(el: HTMLElement) {
  await act(async () => {
    el.click();
    await flush();
  });
}

describe("options page: JSON view", () => {
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
    await typeJson('{ "rules": [{ "match": "wss://*.example.com/*" }] }');
    await click(saveButton());
    expect(data.settings).toEqual({ rules: [{ match: "wss://*.example.com/*" }] });
    expect(status()).toBe("Saved.");
  });

  it("invalid JSON: says why, disables save and the form, saves nothing", async () => {
    const { sets } = await mount({ settings: { enabled: true } });
    await typeJson('{ "enabled": tru }');
    expect(byTestId("json-error").textContent).toContain("Not valid JSON");
    expect(saveButton().disabled).toBe(true);
    expect(byTestId<HTMLFieldSetElement>("settings-form").disabled).toBe(true);
    await click(saveButton());
    expect(sets).toEqual([]);
    expect(status()).toContain("not valid");
  });

  it("shows the validator's messages beside the JSON for what the form has no field for, and saves nothing", async () => {
    const { sets } = await mount();
    await typeJson('{ "enabled": "yes", "colour": 1 }');
    expect(errorsBeside("enabled")).toEqual(['enabled: expected true or false, got "yes"']);
    const besideJson = [...editor().parentElement!.querySelectorAll('[data-testid="field-error"]')].map((e) => e.textContent);
    expect(besideJson).toEqual(["colour: unknown key"]);
    expect(saveButton().disabled).toBe(true);
    expect(status()).toBe("2 problems: fix them to save (shown beside their fields).");
    await click(saveButton());
    expect(sets).toEqual([]);
  });

  it("keeps delivery and resume editable through the JSON, with their messages on the rule's row", async () => {
    const { data } = await mount();
    await typeJson('{ "rules": [{ "match": "wss://a/*", "delivery": { "enabled": true, "idPath": "id" } }] }');
    const rowErrors = [...rows()[0]!.querySelectorAll('[data-testid="field-error"]')].map((e) => e.textContent);
    expect(rowErrors).toEqual(['rules[0].delivery.idPath: expected a JSON path like "$.a.b" or "$.items[0]", got "id"']);
    await typeJson('{ "rules": [{ "match": "wss://a/*", "delivery": { "enabled": true, "idPath": "$.id" }, "resume": { "enabled": true } }] }');
    await click(saveButton());
    expect(data.settings).toEqual({
      rules: [{ match: "wss://a/*", delivery: { enabled: true, idPath: "$.id" }, resume: { enabled: true } }],
    });
  });
});

describe("options page: form", () => {
  const oneRule = { settings: { rules: [{ match: "wss://a.test/*" }] } };

  it("an invalid number shows the field's message beside it and disables save; fixing it re-enables", async () => {
    const { sets, data } = await mount(oneRule);
    const path = "rules[0].reconnect.minDelayMs";
    await input(field(path), "-5");
    expect(errorsBeside(path)).toEqual([`${path}: expected a non-negative number, got -5`]);
    expect(field(path).getAttribute("aria-invalid")).toBe("true");
    expect(saveButton().disabled).toBe(true);
    expect(status()).toBe("1 problem: fix it to save (shown beside its field).");

    await input(field(path), "12a");
    expect(errorsBeside(path)).toEqual([`${path}: expected a non-negative number, got "12a"`]);

    await input(field(path), "250");
    expect(errorsBeside(path)).toEqual([]);
    expect(allErrors()).toEqual([]);
    expect(saveButton().disabled).toBe(false);
    await click(saveButton());
    expect(sets).toHaveLength(1);
    expect(data.settings).toEqual({ rules: [{ match: "wss://a.test/*", reconnect: { minDelayMs: 250 } }] });
  });

  it("an emptied number field is not set: the default applies and shows as the placeholder", async () => {
    await mount({ settings: { rules: [{ match: "wss://a.test/*", heartbeat: { intervalMs: 1000 } }] } });
    const f = field("rules[0].heartbeat.intervalMs");
    expect(f.value).toBe("1000");
    expect(f.placeholder).toBe("30000");
    await input(f, "");
    expect(json()).toEqual({ rules: [{ match: "wss://a.test/*", heartbeat: {} }] });
  });

  it("JSON and form stay in sync, both ways", async () => {
    await mount(oneRule);
    await typeJson('{ "rules": [{ "match": "wss://b.test/*", "heartbeat": { "intervalMs": 1500, "message": "ping" } }] }');
    expect(byTestId<HTMLInputElement>("rule-match").value).toBe("wss://b.test/*");
    expect(field("rules[0].heartbeat.intervalMs").value).toBe("1500");
    expect(field("rules[0].heartbeat.message").value).toBe("ping");

    await input(field("rules[0].queue.maxMessages"), "10");
    await input(byTestId<HTMLInputElement>("rule-match"), "wss://c.test/*");
    await input(field<HTMLSelectElement>("rules[0].reconnect.strategy"), "surface", "change");
    await click(field("rules[0].heartbeat.hideReplies"));
    expect(json()).toEqual({
      rules: [
        {
          match: "wss://c.test/*",
          heartbeat: { intervalMs: 1500, message: "ping", hideReplies: false },
          queue: { maxMessages: 10 },
          reconnect: { strategy: "surface" },
        },
      ],
    });
  });

  it("the global switch and the record limits edit the draft", async () => {
    await mount();
    const toggle = byTestId<HTMLInputElement>("enabled-toggle");
    expect(toggle.checked).toBe(true);
    await click(toggle);
    await input(field("record.maxPreviewBytes"), "1024");
    expect(json()).toEqual({ enabled: false, record: { maxPreviewBytes: 1024 } });
    await typeJson('{ "enabled": true }');
    expect(byTestId<HTMLInputElement>("enabled-toggle").checked).toBe(true);
  });

  it("close codes as a comma list; a bad code is named by its index", async () => {
    await mount(oneRule);
    const path = "rules[0].reconnect.stopOnCodes";
    expect(field(path).placeholder).toBe("1000, 1002, 1003, 1007, 1008, 1009, 1010");
    await input(field(path), "1000, 4001");
    expect((json().rules as { reconnect: unknown }[])[0]!.reconnect).toEqual({ stopOnCodes: [1000, 4001] });
    await input(field(path), "1000, abc");
    expect(errorsBeside(path)).toEqual([`${path}[1]: expected a close code (an integer 1000-4999), got "abc"`]);
    expect(saveButton().disabled).toBe(true);
  });

  it("adds, reorders and removes rules; a new rule's empty match is named beside it", async () => {
    await mount(oneRule);
    await click(byTestId("add-rule"));
    expect(rows()).toHaveLength(2);
    expect(errorsBeside("rules[1].match")).toEqual(["rules[1].match: expected a non-empty glob; rule dropped"]);
    expect(saveButton().disabled).toBe(true);
    await input(field("rules[1].match"), "wss://*");
    expect(saveButton().disabled).toBe(false);

    await click(rows()[1]!.querySelector<HTMLButtonElement>('[aria-label="Move rule 2 up"]')!);
    expect((json().rules as { match: string }[]).map((r) => r.match)).toEqual(["wss://*", "wss://a.test/*"]);
    expect(rows()[0]!.querySelector<HTMLInputElement>('[data-testid="rule-match"]')!.value).toBe("wss://*");

    await click(rows()[0]!.querySelector<HTMLButtonElement>('[data-testid="rule-remove"]')!);
    expect((json().rules as { match: string }[]).map((r) => r.match)).toEqual(["wss://a.test/*"]);
    expect(rows()).toHaveLength(1);
  });
});

describe("options page: rule test box", () => {
  it("says which rule wins for a URL, and why the others do not", async () => {
    await mount({ settings: { rules: [{ match: "wss://b.test/*" }, { match: "wss://*.test/*" }, { match: "wss://a.test/*" }] } });
    await input(byTestId<HTMLInputElement>("test-url"), "wss://a.test/ws");
    const result = byTestId("test-result");
    expect(result.dataset.winner).toBe("1");
    expect(result.textContent).toContain("Rule 2 wins");
    expect(result.textContent).toContain('"wss://a.test/ws" does not start with "wss://b.test/"');
    expect(result.textContent).toContain("also matches, but an earlier rule wins");

    await input(byTestId<HTMLInputElement>("test-url"), "ws://c.example/");
    expect(byTestId("test-result").textContent).toContain("No rule matches");
  });

  it("tests the draft, not what is stored", async () => {
    await mount();
    await input(byTestId<HTMLInputElement>("test-url"), "wss://x.test/");
    expect(byTestId("test-result").textContent).toContain("There are no rules");
    await typeJson('{ "rules": [{ "match": "wss://x.test/*" }] }');
    expect(byTestId("test-result").textContent).toContain("Rule 1 wins");
  });
});

describe("options page: import and export", () => {
  async function choose(text: string, name = "settings.json") {
    const inputEl = byTestId<HTMLInputElement>("import");
    Object.defineProperty(inputEl, "files", { configurable: true, value: [new File([text], name, { type: "application/json" })] });
    await act(async () => {
      inputEl.dispatchEvent(new Event("change", { bubbles: true }));
      await flush();
      await new Promise((r) => setTimeout(r, 0));
      await flush();
    });
  }

  it("a bad file shows its errors and changes nothing", async () => {
    const { sets } = await mount({ settings: { enabled: false } });
    await choose('{ "rules": [{ "match": "" }], "enabled": 3 }', "bad.json");
    const status = byTestId("import-status").textContent!;
    expect(status).toContain("Nothing imported from bad.json");
    expect(status).toContain("rules[0].match: expected a non-empty glob; rule dropped");
    expect(status).toContain("enabled: expected true or false, got 3");
    expect(editor().value).toBe('{\n  "enabled": false\n}');
    expect(sets).toEqual([]);

    await choose("{ nope", "broken.json");
    expect(byTestId("import-status").textContent).toContain("not valid JSON");
    expect(editor().value).toBe('{\n  "enabled": false\n}');
  });

  it("a good file replaces the draft, and is stored only by Save", async () => {
    const { sets, data } = await mount({ settings: { enabled: false } });
    await choose('{ "rules": [{ "match": "wss://imported/*" }] }');
    expect(json()).toEqual({ rules: [{ match: "wss://imported/*" }] });
    expect(byTestId<HTMLInputElement>("rule-match").value).toBe("wss://imported/*");
    expect(sets).toEqual([]);
    await click(saveButton());
    expect(data.settings).toEqual({ rules: [{ match: "wss://imported/*" }] });
  });

  it("exports the draft as a JSON file through <a download>; not while it is invalid", async () => {
    await mount({ settings: { rules: [{ match: "wss://a/*" }] } });
    const blobs: Blob[] = [];
    vi.spyOn(URL, "createObjectURL").mockImplementation((b) => {
      blobs.push(b as Blob);
      return "blob:lifeguard-test";
    });
    vi.spyOn(URL, "revokeObjectURL").mockImplementation(() => {});
    const clicked: HTMLAnchorElement[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this);
    });
    await click(byTestId("export"));
    expect(clicked).toHaveLength(1);
    expect(clicked[0]!.download).toBe("lifeguard-settings.json");
    expect(clicked[0]!.href).toBe("blob:lifeguard-test");
    expect(JSON.parse(await blobs[0]!.text())).toEqual({ rules: [{ match: "wss://a/*" }] });

    await typeJson('{ "enabled": 1 }');
    expect(byTestId<HTMLButtonElement>("export").disabled).toBe(true);
  });
});

describe("options page: changes made elsewhere", () => {
  it("reflects a change made elsewhere, in both views", async () => {
    const { storage } = await mount({ settings: { enabled: true } });
    await act(async () => {
      await storage.local.set({ settings: { enabled: false } });
      await flush();
    });
    expect(editor().value).toBe('{\n  "enabled": false\n}');
    expect(byTestId<HTMLInputElement>("enabled-toggle").checked).toBe(false);
  });

  it("ignores `settings` changes in other storage areas", async () => {
    const { changeArea } = await mount({ settings: { enabled: true } });
    await act(async () => {
      changeArea("sync", { enabled: false });
      await flush();
    });
    expect(editor().value).toBe('{\n  "enabled": true\n}');
  });

  it("does not overwrite unsaved edits (JSON or form) with a change made elsewhere, but offers it", async () => {
    const { storage } = await mount({ settings: { enabled: true } });
    await typeJson('{ "enabled": true, "rules": [] }');
    await act(async () => {
      await storage.local.set({ settings: { enabled: false } });
      await flush();
    });
    expect(editor().value).toBe('{ "enabled": true, "rules": [] }');
    const offer = byTestId("changed-elsewhere");
    await click(offer.querySelector("button")!);
    expect(editor().value).toBe('{\n  "enabled": false\n}');

    await click(byTestId("enabled-toggle"));
    await act(async () => {
      await storage.local.set({ settings: { enabled: false, rules: [] } });
      await flush();
    });
    expect(json()).toEqual({ enabled: true });
    expect(byTestId("changed-elsewhere")).not.toBeNull();
  });

  it("does not mistake its own save for a change made elsewhere", async () => {
    await mount({ settings: { enabled: true } });
    await typeJson('{ "enabled": false }');
    await click(saveButton());
    expect($('[data-testid="changed-elsewhere"]')).toBeNull();
  });

  it("warns about problems in what is stored", async () => {
    await mount({ settings: { enabled: "maybe" } });
    expect(byTestId("stored-problems").textContent).toContain('enabled: expected true or false, got "maybe"');
  });
});
