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
  await act(flush);
  return fake;
}

const $ = <T extends Element = HTMLElement>(selector: string) => container.querySelector<T>(selector);
const byTestId = <T extends Element = HTMLElement>(id: string) => $<T>(`[data-testid="${id}"]`)!;
const editor = () => byTestId<HTMLTextAreaElement>("json-editor");
const json = () => JSON.parse(editor().value) as { frameRules?: Record<string, unknown>[] };
const saveButton = () => byTestId<HTMLButtonElement>("save");
const field = <T extends HTMLElement = HTMLInputElement>(path: string) => $<T>(`[data-path="${path}"]`);
const errorsBeside = (path: string) =>
  [...field(path)!.closest("label")!.querySelectorAll('[data-testid="field-error"]')].map((e) => e.textContent);
const rows = () => [...container.querySelectorAll<HTMLElement>('[data-testid="frame-rule-row"]')];

async function input(el: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, value: string, event = "input") {
  await act(async () => {
    el.value = value;
    el.dispatchEvent(new Event(event, { bubbles: true }));
    await flush();
  });
}
async function click(el: HTMLElement) {
  await act(async () => {
    el.click();
    await flush();
  });
}

const stored = {
  settings: {
    frameRules: [
      { match: "wss://chat.test/*", direction: "in", action: "drop", when: { text: "typing" } },
      { match: "wss://chat.test/*", direction: "out", action: "respond", with: '{"type":"ack","id":{{$.id}}}', forward: false, when: { path: "$.type", equals: "sub" } },
      { match: "wss://*", direction: "both", action: "pause", pauseTimeoutMs: 5000, when: { hexPrefix: "c0 00" }, enabled: false },
    ],
  },
};

describe("options page: frame rules", () => {
  it("shows each stored frame rule as a row with the fields its action uses, and saves them unchanged", async () => {
    const { data } = await mount(stored);
    expect(rows()).toHaveLength(3);
    expect(field("frameRules[0].match")!.value).toBe("wss://chat.test/*");
    expect(field<HTMLSelectElement>("frameRules[0].direction")!.value).toBe("in");
    expect(field<HTMLSelectElement>("frameRules[1].action")!.value).toBe("respond");
    expect(field("frameRules[0].when.text")!.value).toBe("typing");
    expect(field("frameRules[1].with")!.value).toBe('{"type":"ack","id":{{$.id}}}');
    expect(field("frameRules[1].forward")!.checked).toBe(false);
    expect(field("frameRules[1].when.equals")!.value).toBe("sub");
    expect(field("frameRules[2].pauseTimeoutMs")!.value).toBe("5000");
    expect(field("frameRules[2].enabled")!.checked).toBe(false);
    // A drop rule has nothing to send: no payload field.
    expect(field("frameRules[0].with")).toBeNull();
    expect(saveButton().disabled).toBe(false);
    await click(saveButton());
    expect(data.settings).toEqual(stored.settings);
  });

  it("adds a rule: its empty match is named beside it as 'Frame rule N'; filled in, it saves", async () => {
    const { data } = await mount();
    await click(byTestId("add-frame-rule"));
    expect(rows()).toHaveLength(1);
    expect(json().frameRules).toEqual([{ match: "", direction: "in", action: "drop" }]);
    expect(errorsBeside("frameRules[0].match")).toEqual(["Frame rule 1 › match: expected a non-empty glob; rule dropped"]);
    expect(saveButton().disabled).toBe(true);
    await input(field("frameRules[0].match")!, "wss://a.test/*");
    await input(field("frameRules[0].when.regex")!, "^ping$");
    expect(saveButton().disabled).toBe(false);
    await click(saveButton());
    expect(data.settings).toEqual({ frameRules: [{ match: "wss://a.test/*", direction: "in", action: "drop", when: { regex: "^ping$" } }] });
  });

  it("switching the action shows what it needs, and says so while it is missing", async () => {
    await mount({ settings: { frameRules: [{ match: "wss://a.test/*", direction: "out", action: "drop" }] } });
    await input(field<HTMLSelectElement>("frameRules[0].action")!, "replace", "change");
    expect(errorsBeside("frameRules[0].with")).toEqual(["Frame rule 1 › with: required when action is replace; rule dropped"]);
    await input(field("frameRules[0].with")!, '{"id":{{$.id}}}');
    expect(field("frameRules[0].with")!.closest("label")!.querySelector('[data-testid="field-error"]')).toBeNull();
    await input(field<HTMLSelectElement>("frameRules[0].action")!, "delay", "change");
    expect(field("frameRules[0].with")).toBeNull();
    expect(errorsBeside("frameRules[0].delayMs")).toEqual(["Frame rule 1 › delayMs: required when action is delay; rule dropped"]);
    await input(field("frameRules[0].delayMs")!, "250");
    expect(json().frameRules![0]).toMatchObject({ action: "delay", delayMs: 250 });
    expect(saveButton().disabled).toBe(false);
  });

  it("a regex that can backtrack for ever is named beside its field, and nothing is saved", async () => {
    const { sets } = await mount({ settings: { frameRules: [{ match: "wss://a.test/*", direction: "in", action: "drop" }] } });
    await input(field("frameRules[0].when.regex")!, "^(a+)+$");
    expect(errorsBeside("frameRules[0].when.regex")).toEqual([
      "Frame rule 1 › when › regex: repeats (a+)+, which repeats inside: this can take exponential time on some frames; repeat only once; rule dropped",
    ]);
    expect(saveButton().disabled).toBe(true);
    await click(saveButton());
    expect(sets).toEqual([]);
  });

  it("equals is typed as JSON: 1 is a number, \"1\" a string, text that is not JSON a string", async () => {
    await mount({ settings: { frameRules: [{ match: "wss://a.test/*", direction: "in", action: "drop", when: { path: "$.n" } }] } });
    const equals = () => json().frameRules![0]!.when as { equals?: unknown };
    await input(field("frameRules[0].when.equals")!, "1");
    expect(equals().equals).toBe(1);
    await input(field("frameRules[0].when.equals")!, '"1"');
    expect(equals().equals).toBe("1");
    await input(field("frameRules[0].when.equals")!, "ack");
    expect(equals().equals).toBe("ack");
    await input(field("frameRules[0].when.equals")!, '{"a":[1,2]}');
    expect(equals().equals).toEqual({ a: [1, 2] });
  });

  it("problems from the JSON view show with their JSON path and the rule's number", async () => {
    await mount();
    await input(editor(), '{ "frameRules": [{ "match": "wss://a/*", "direction": "in", "action": "drop", "when": { "hexPrefix": "xyz" } }] }');
    expect(errorsBeside("frameRules[0].when.hexPrefix")).toEqual([
      'Frame rule 1 › when › hexPrefix: expected bytes in hex (pairs of 0-9 a-f, blanks allowed), got "xyz"; rule dropped',
    ]);
    await input(editor(), '{ "frameRules": [{ "match": "wss://a/*", "direction": "in", "action": "drop", "colour": 1 }] }');
    expect([...rows()[0]!.querySelectorAll('[data-testid="field-error"]')].map((e) => e.textContent)).toEqual([
      "Frame rule 1 › colour: unknown key; rule dropped",
    ]);
  });

  it("reorders, turns off and removes rules", async () => {
    await mount(stored);
    await click(rows()[1]!.querySelector<HTMLButtonElement>('[aria-label="Move frame rule 2 up"]')!);
    expect(json().frameRules!.map((r) => r.action)).toEqual(["respond", "drop", "pause"]);
    await click(field("frameRules[0].enabled")!);
    expect(json().frameRules![0]!.enabled).toBe(false);
    await click(field("frameRules[0].enabled")!);
    expect(json().frameRules![0]).not.toHaveProperty("enabled");
    for (let i = 0; i < 3; i++) await click(rows()[0]!.querySelector<HTMLButtonElement>('[data-testid="frame-rule-remove"]')!);
    expect(rows()).toHaveLength(0);
    expect(json()).not.toHaveProperty("frameRules");
  });
});
