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
/** How the form names a JSON path: rules counted from 1, `›` between the parts (`Rule 1 › delivery › idPath`). */
const asForm = (path: string) => path.replace(/^rules\[(\d+)\]\./, (_, n: string) => `Rule ${Number(n) + 1}.`).split(".").join(" › ");
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

  it("keeps delivery and resume editable through the JSON, with their messages beside their fields", async () => {
    const { data } = await mount();
    await typeJson('{ "rules": [{ "match": "wss://a/*", "delivery": { "enabled": true, "idPath": "id" } }] }');
    expect(errorsBeside("rules[0].delivery.idPath")).toEqual(['Rule 1 › delivery › idPath: expected a JSON path like "$.a.b" or "$.items[0]", got "id"']);
    expect(allErrors()).toHaveLength(1);
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
    expect(errorsBeside(path)).toEqual(["Rule 1 › reconnect › minDelayMs: expected a non-negative number, got -5"]);
    expect(field(path).getAttribute("aria-invalid")).toBe("true");
    expect(saveButton().disabled).toBe(true);
    expect(status()).toBe("1 problem: fix it to save (shown beside its field).");

    await input(field(path), "12a");
    expect(errorsBeside(path)).toEqual([`${asForm(path)}: expected a non-negative number, got "12a"`]);

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
    expect(f.placeholder).toBe("default: 30000");
    await input(f, "");
    expect(json()).toEqual({ rules: [{ match: "wss://a.test/*", heartbeat: {} }] });
  });

  // initialMaxAttempts is offered as maxAttempts is: a number field where null (no limit) is typed as
  // null and empty is not set, the validator's message beside it. Only their defaults differ.
  for (const { key, placeholder } of [
    { key: "maxAttempts", placeholder: "default: no limit" },
    { key: "initialMaxAttempts", placeholder: "default: 10" },
  ]) {
    it(`reconnect.${key}: a number or null edits the draft, empty is the default, an invalid value is named beside it`, async () => {
      const { data } = await mount(oneRule);
      const path = `rules[0].reconnect.${key}`;
      const reconnect = () => (json().rules as { reconnect?: unknown }[])[0]!.reconnect;
      expect(field(path).placeholder).toBe(placeholder);

      await input(field(path), "3");
      expect(reconnect()).toEqual({ [key]: 3 });
      await input(field(path), "null");
      expect(reconnect()).toEqual({ [key]: null });
      await input(field(path), "");
      expect(reconnect()).toEqual({});

      for (const [typed, shown] of [["2.5", "2.5"], ["-1", "-1"], ["many", '"many"']]) {
        await input(field(path), typed!);
        expect(errorsBeside(path)).toEqual([`${asForm(path)}: expected null or a non-negative integer, got ${shown}`]);
        expect(field(path).getAttribute("aria-invalid")).toBe("true");
        expect(saveButton().disabled).toBe(true);
      }
      await input(field(path), "0");
      expect(allErrors()).toEqual([]);
      await click(saveButton());
      expect(data.settings).toEqual({ rules: [{ match: "wss://a.test/*", reconnect: { [key]: 0 } }] });

      // From the JSON: a number, and null spelled out (for initialMaxAttempts empty would read as 10).
      await typeJson(`{ "rules": [{ "match": "wss://a.test/*", "reconnect": { "${key}": 4 } }] }`);
      expect(field(path).value).toBe("4");
      await typeJson(`{ "rules": [{ "match": "wss://a.test/*", "reconnect": { "${key}": null } }] }`);
      expect(field(path).value).toBe("null");
    });
  }

  it("reconnect.initialMaxAttempts says under it what it bounds, in the page's language", async () => {
    await mount(oneRule);
    expect(byTestId("reconnect-initialMaxAttempts-help").textContent).toBe(
      "Attempts at a first connect that never opened; after them the page gets error, then close 1006. Type null for no limit.",
    );
    expect(field("rules[0].reconnect.initialMaxAttempts").closest("label")!.querySelector(".field-label")!.textContent).toBe("Max attempts, first connect");
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
    expect(field(path).placeholder).toBe("default: 1000, 1002, 1003, 1007, 1008, 1009, 1010");
    await input(field(path), "1000, 4001");
    expect((json().rules as { reconnect: unknown }[])[0]!.reconnect).toEqual({ stopOnCodes: [1000, 4001] });
    await input(field(path), "1000, abc");
    expect(errorsBeside(path)).toEqual(["Rule 1 › reconnect › stopOnCodes › item 2: expected a close code (an integer 1000-4999), got \"abc\""]);
    expect(saveButton().disabled).toBe(true);
  });

  it("adds, reorders and removes rules; a new rule's empty match is named beside it", async () => {
    await mount(oneRule);
    await click(byTestId("add-rule"));
    expect(rows()).toHaveLength(2);
    expect(errorsBeside("rules[1].match")).toEqual(["Rule 2 › match: expected a non-empty glob; rule dropped"]);
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

describe("options page: delivery and resume fields", () => {
  const oneRule = { settings: { rules: [{ match: "wss://a.test/*" }] } };
  const row = () => rows()[0]!;
  const inRow = <T extends HTMLElement = HTMLInputElement>(id: string) => row().querySelector<T>(`[data-testid="${id}"]`)!;
  const rule0 = () => (json().rules as Record<string, unknown>[])[0]!;

  it("shows every field of both sections, with the defaults as placeholders", async () => {
    await mount(oneRule);
    const ids = [
      "delivery-enabled", "delivery-hideAcks", "delivery-idPath", "delivery-ackIdPath", "delivery-ackWhen-path",
      "delivery-ackWhen-equals", "delivery-maxPending", "delivery-maxPendingBytes", "delivery-maxAgeMs",
      "resume-enabled", "resume-dedupe", "resume-seqPath", "resume-queryParam", "resume-message",
    ];
    for (const id of ids) expect(inRow(id), id).not.toBeNull();
    expect(inRow("delivery-enabled").checked).toBe(false);
    expect(inRow("resume-dedupe").checked).toBe(true);
    expect(inRow("delivery-idPath").placeholder).toBe("default: $.id");
    expect(inRow("delivery-ackWhen-path").placeholder).toBe("default: $.type");
    expect(inRow("delivery-ackWhen-equals").placeholder).toBe("default: ack");
    expect(inRow("delivery-ackWhen-equals-parsed").textContent).toBe('compared with the string "ack" (the default)');
    expect(inRow("delivery-maxAgeMs").placeholder).toBe("default: 60000");
    expect(inRow("resume-message").placeholder).toBe('default: {"type":"resume","since":{{lastSeq}}}');
    expect(inRow("resume-queryParam").placeholder).toBe("default: none");
  });

  it("an invalid path shows the validator's message beside its field and disables save; fixed, it saves", async () => {
    const { data, sets } = await mount(oneRule);
    for (const [id, path] of [
      ["delivery-idPath", "rules[0].delivery.idPath"],
      ["delivery-ackWhen-path", "rules[0].delivery.ackWhen.path"],
      ["delivery-ackIdPath", "rules[0].delivery.ackIdPath"],
      ["resume-seqPath", "rules[0].resume.seqPath"],
    ] as const) {
      await input(inRow(id), "$.a..b");
      expect(errorsBeside(path), id).toEqual([`${asForm(path)}: expected a JSON path like "$.a.b" or "$.items[0]", got "$.a..b"`]);
      expect(inRow(id).getAttribute("aria-invalid")).toBe("true");
      expect(saveButton().disabled).toBe(true);
      await click(saveButton());
      expect(sets).toEqual([]);
      await input(inRow(id), "$.msg[0].id");
      expect(errorsBeside(path)).toEqual([]);
      expect(saveButton().disabled).toBe(false);
    }
    await input(inRow("resume-queryParam"), "since now");
    expect(errorsBeside("rules[0].resume.queryParam")).toEqual([
      'Rule 1 › resume › queryParam: expected null or a query parameter name (1-64 of A-Z a-z 0-9 _ . ~ -), got "since now"',
    ]);
    await input(inRow("delivery-maxPending"), "-1");
    expect(errorsBeside("rules[0].delivery.maxPending")).toEqual(["Rule 1 › delivery › maxPending: expected a non-negative integer, got -1"]);
    expect(status()).toBe("2 problems: fix them to save (shown beside their fields).");
    await input(inRow("resume-queryParam"), "since");
    await input(inRow("delivery-maxPending"), "50");
    await click(saveButton());
    expect(data.settings).toEqual({
      rules: [
        {
          match: "wss://a.test/*",
          delivery: { idPath: "$.msg[0].id", ackWhen: { path: "$.msg[0].id" }, ackIdPath: "$.msg[0].id", maxPending: 50 },
          resume: { seqPath: "$.msg[0].id", queryParam: "since" },
        },
      ],
    });
  });

  it("ackWhen.equals reads what is typed as a JSON primitive, and says how", async () => {
    await mount(oneRule);
    const equals = () => inRow("delivery-ackWhen-equals");
    const parsed = () => inRow("delivery-ackWhen-equals-parsed").textContent;
    const stored = () => (rule0().delivery as { ackWhen?: { equals?: unknown } } | undefined)?.ackWhen?.equals;
    const cases: [string, unknown, string][] = [
      ["ack", "ack", 'compared with the string "ack"'],
      ["1", 1, "compared with the number 1"],
      ["-2.5e3", -2500, "compared with the number -2500"],
      ["true", true, "compared with the boolean true"],
      ["false", false, "compared with the boolean false"],
      ["null", null, "compared with null"],
      ['"1"', "1", 'compared with the string "1"'],
      ['"true"', "true", 'compared with the string "true"'],
      ['""', "", 'compared with the string ""'],
      ["01", "01", 'compared with the string "01"'],
      ["done!", "done!", 'compared with the string "done!"'],
    ];
    for (const [text, value, hint] of cases) {
      await input(equals(), text);
      expect(stored(), text).toEqual(value);
      expect(parsed(), text).toBe(hint);
      expect(equals().value, text).toBe(text);
    }
    await input(equals(), "");
    expect(rule0().delivery).toEqual({ ackWhen: {} });
    expect(parsed()).toBe('compared with the string "ack" (the default)');
  });

  it("JSON and form stay in sync for delivery and resume, both ways", async () => {
    await mount(oneRule);
    await typeJson(
      JSON.stringify({
        rules: [
          {
            match: "wss://a.test/*",
            delivery: {
              enabled: true, idPath: "$.m.id", ackWhen: { path: "$.op", equals: "1" }, ackIdPath: "$.ref",
              hideAcks: true, maxPending: 5, maxPendingBytes: 4096, maxAgeMs: 1500,
            },
            resume: { enabled: true, seqPath: "$.n", message: '{"op":"resume","from":{{lastSeq}}}', queryParam: "from", dedupe: false },
          },
        ],
      }),
    );
    expect(allErrors()).toEqual([]);
    expect(inRow("delivery-enabled").checked).toBe(true);
    expect(inRow("delivery-hideAcks").checked).toBe(true);
    expect(inRow("delivery-idPath").value).toBe("$.m.id");
    expect(inRow("delivery-ackWhen-path").value).toBe("$.op");
    // The string "1" shows quoted: unquoted it would be the number.
    expect(inRow("delivery-ackWhen-equals").value).toBe('"1"');
    expect(inRow("delivery-ackWhen-equals-parsed").textContent).toBe('compared with the string "1"');
    expect(inRow("delivery-ackIdPath").value).toBe("$.ref");
    expect(inRow("delivery-maxPending").value).toBe("5");
    expect(inRow("delivery-maxPendingBytes").value).toBe("4096");
    expect(inRow("delivery-maxAgeMs").value).toBe("1500");
    expect(inRow("resume-enabled").checked).toBe(true);
    expect(inRow("resume-dedupe").checked).toBe(false);
    expect(inRow("resume-seqPath").value).toBe("$.n");
    expect(inRow("resume-message").value).toBe('{"op":"resume","from":{{lastSeq}}}');
    expect(inRow("resume-queryParam").value).toBe("from");

    await typeJson('{ "rules": [{ "match": "wss://a.test/*", "delivery": { "ackWhen": { "equals": 1 } } }] }');
    expect(inRow("delivery-ackWhen-equals").value).toBe("1");
    expect(inRow("delivery-idPath").value).toBe("");
    expect(inRow("delivery-enabled").checked).toBe(false);

    await click(inRow("delivery-enabled"));
    await click(inRow("delivery-hideAcks"));
    await input(inRow("delivery-idPath"), "$.id2");
    await input(inRow("delivery-ackWhen-path"), "$.kind");
    await input(inRow("delivery-ackWhen-equals"), "ok");
    await input(inRow("delivery-ackIdPath"), "$.ref");
    await input(inRow("delivery-maxPending"), "10");
    await input(inRow("delivery-maxPendingBytes"), "2048");
    await input(inRow("delivery-maxAgeMs"), "5000");
    await click(inRow("resume-enabled"));
    await click(inRow("resume-dedupe"));
    await input(inRow("resume-seqPath"), "$.s");
    await input(inRow("resume-message"), '{"resume":{{lastSeq}}}');
    await input(inRow("resume-queryParam"), "after");
    expect(rule0()).toEqual({
      match: "wss://a.test/*",
      delivery: {
        ackWhen: { equals: "ok", path: "$.kind" }, enabled: true, hideAcks: true, idPath: "$.id2", ackIdPath: "$.ref",
        maxPending: 10, maxPendingBytes: 2048, maxAgeMs: 5000,
      },
      resume: { enabled: true, dedupe: false, seqPath: "$.s", message: '{"resume":{{lastSeq}}}', queryParam: "after" },
    });
    expect(allErrors()).toEqual([]);
    // Emptied, a text field is not set again: the default applies.
    await input(inRow("resume-queryParam"), "");
    expect(rule0().resume).toEqual({ enabled: true, dedupe: false, seqPath: "$.s", message: '{"resume":{{lastSeq}}}' });
  });

  it("a non-object ackWhen from the JSON is named on the delivery section", async () => {
    await mount();
    await typeJson('{ "rules": [{ "match": "wss://a/*", "delivery": { "ackWhen": "ack" } }] }');
    const section = inRow("delivery-idPath").closest("fieldset")!;
    const messages = [...section.querySelectorAll('[data-testid="field-error"]')].map((e) => e.textContent);
    expect(messages).toEqual(['Rule 1 › delivery › ackWhen: expected an object, got "ack"']);
    expect(saveButton().disabled).toBe(true);
  });
});

describe("options page: sample frames", () => {
  const on = { delivery: { enabled: true }, resume: { enabled: true } };
  const withRule = (rule: Record<string, unknown>) => ({ settings: { rules: [{ match: "wss://a.test/*", ...on, ...rule }] } });
  const sample = (id: string) => rows()[0]!.querySelector<HTMLTextAreaElement>(`[data-testid="${id}"]`)!;
  const line = (kind: string) => [...rows()[0]!.querySelectorAll(`[data-testid="sample-result"] [data-testid="sample-${kind}"]`)].map((e) => e.textContent);
  const result = () => rows()[0]!.querySelector('[data-testid="sample-result"]')!.textContent;

  async function frames(outbound: string, inbound: string) {
    await input(sample("sample-outbound"), outbound);
    await input(sample("sample-inbound"), inbound);
  }

  it("shows the id, that the inbound frame acks it (ids compared as strings), the sequence and the resume message", async () => {
    await mount(withRule({}));
    expect(result()).toBe("Paste a frame to see what this rule reads from it.");
    await frames('{"id":7,"text":"hi"}', '{"type":"ack","id":"7","seq":41}');
    expect(line("id")).toEqual(["Id at $.id: 7, pending until an ack for it arrives."]);
    expect(line("ack")).toEqual(['An ack for id "7": the outbound frame is acknowledged.']);
    expect(line("seq")).toEqual(["Sequence at $.seq: 41 (lastSeq, if it is the highest seen)."]);
    expect(line("resume")).toEqual(['After a reconnect, sends: {"type":"resume","since":41}']);
    expect(line("note")).toEqual([]);

    // A string sequence is quoted in the message; a number is not.
    await input(sample("sample-inbound"), '{"type":"event","seq":"000041"}');
    expect(line("ack")).toEqual(['Not an ack: $.type is "event", not "ack".']);
    expect(line("resume")).toEqual(['After a reconnect, sends: {"type":"resume","since":"000041"}']);

    await input(sample("sample-inbound"), '{"type":"ack","id":"8"}');
    expect(line("ack")).toEqual(['An ack for id "8", not "7": the outbound frame stays pending.']);
    expect(line("seq")).toEqual(["No sequence at $.seq: lastSeq would not change (nothing is sent before a sequence was seen)."]);
    expect(line("resume")).toEqual([]);

    await input(sample("sample-inbound"), '{"type":"ack"}');
    expect(line("ack")).toEqual(["An ack, but with no id at $.id: it acknowledges nothing."]);
  });

  it("follows the rule as edited: paths, ackWhen.equals compared strictly, the template, hideAcks", async () => {
    await mount(withRule({}));
    await frames('{"msg":{"ref":"x1"}}', '{"op":1,"ref":"x1","meta":{"n":[5,9]}}');
    expect(line("id")).toEqual(["No id at $.id: this frame would not be tracked."]);
    await input(field("rules[0].delivery.idPath"), "$.msg.ref");
    expect(line("id")).toEqual(['Id at $.msg.ref: "x1", pending until an ack for it arrives.']);
    await input(field("rules[0].delivery.ackWhen.path"), "$.op");
    expect(line("ack")).toEqual(['Not an ack: $.op is 1, not "ack".']);
    await input(field("rules[0].delivery.ackWhen.equals"), '"1"');
    expect(line("ack")).toEqual(['Not an ack: $.op is 1, not "1".']);
    await input(field("rules[0].delivery.ackWhen.equals"), "1");
    await input(field("rules[0].delivery.ackIdPath"), "$.ref");
    expect(line("ack")).toEqual(['An ack for id "x1": the outbound frame is acknowledged.']);
    await input(field("rules[0].resume.seqPath"), "$.meta.n[1]");
    await input(field("rules[0].resume.message"), "RESUME {{lastSeq}} {{lastSeq}}");
    expect(line("seq")).toEqual(["Sequence at $.meta.n[1]: 9 (lastSeq, if it is the highest seen)."]);
    expect(line("resume")).toEqual(["After a reconnect, sends: RESUME 9 9"]);

    await click(field("rules[0].delivery.hideAcks"));
    expect(line("note")).toEqual(["The page would not see this ack (hideAcks)."]);
    expect(line("seq")).toEqual(["A hidden ack is not read for a sequence."]);
  });

  it("with queryParam: the reconnect URL instead of a message", async () => {
    await mount(withRule({ resume: { enabled: true, queryParam: "since" } }));
    await frames("", '{"type":"event","seq":41}');
    expect(line("resume")).toEqual(["After a loss, reconnects to the socket's URL with ?since=41 (no message is sent)."]);
    await input(rows()[0]!.querySelector<HTMLInputElement>('[data-testid="sample-url"]')!, "wss://a.test/ws?room=2&since=3");
    expect(line("resume")).toEqual(["After a loss, reconnects to wss://a.test/ws?room=2&since=41 (no message is sent)."]);
    await input(rows()[0]!.querySelector<HTMLInputElement>('[data-testid="sample-url"]')!, "not a url");
    expect(line("resume")).toEqual(["Not a URL: not a url"]);
  });

  it("errors from the matcher show as text: a frame that is not a JSON object, invalid JSON, too large, a bad path", async () => {
    await mount(withRule({}));
    await frames("hello", '{"type":"ack",}');
    expect(line("id")).toEqual(["Outbound frame: not matched: not a JSON object"]);
    expect(line("ack")).toEqual(["Inbound frame: not matched: invalid JSON (SyntaxError)"]);
    expect(line("seq")).toEqual([]);

    await frames("[1,2]", `{"type":"ack","pad":"${"x".repeat(1 << 20)}"}`);
    expect(line("id")).toEqual(["Outbound frame: not matched: not a JSON object"]);
    expect(line("ack")).toEqual([`Inbound frame: not matched: too large (${(1 << 20) + 23} characters > 1048576)`]);

    await frames('{"id":1}', '{"type":"ack","id":1,"seq":2}');
    await input(field("rules[0].delivery.idPath"), "id");
    expect(line("id")).toEqual(['idPath cannot be used: JSON path must start with "$": "id"']);
    await input(field("rules[0].resume.seqPath"), "$.a[01]");
    expect(line("seq")).toEqual(['seqPath cannot be used: JSON path "$.a[01]": unexpected "[01]" at 3']);
    // The same paths are the validator's to name beside their fields, and block saving.
    expect(errorsBeside("rules[0].delivery.idPath")).toHaveLength(1);
    expect(saveButton().disabled).toBe(true);

    await frames('{"id":{"nested":true}}', "");
    await input(field("rules[0].delivery.idPath"), "$.id");
    expect(line("id")).toEqual(['The value at $.id is {"nested":true}, not a string or number: this frame would not be tracked.']);
  });

  it("says when the rule would not use what it found: delivery or resume off, the surface strategy", async () => {
    await mount({ settings: { rules: [{ match: "wss://a.test/*", reconnect: { strategy: "surface" } }] } });
    await frames('{"id":1}', '{"type":"ack","id":1,"seq":2}');
    expect(line("note")).toEqual([
      "This rule's strategy is surface: delivery and resume do not apply under it.",
      "Delivery is off for this rule: nothing would be tracked.",
      "Resume is off for this rule: nothing would be sent after a reconnect.",
    ]);
    // What the paths find is still shown.
    expect(line("ack")).toEqual(['An ack for id "1": the outbound frame is acknowledged.']);
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
    expect(status).toContain("rules[0].match (rule 1): expected a non-empty glob; rule dropped");
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

describe("options page: JSON syntax errors say where", () => {
  it("line and column of the first character that is not JSON, as this engine reports it or as the scan finds it", async () => {
    await mount({ settings: { enabled: true } });
    // V8 names no position for "Unexpected token": the scan finds it.
    await typeJson('{\n  "enabled": tru\n}');
    expect(byTestId("json-error").textContent).toMatch(/^Not valid JSON at line 2, column 17: /);
    // V8 names an offset here ("at position 13"): line 3, column 1.
    await typeJson('{\n  "a": 1,\n}');
    expect(byTestId("json-error").textContent).toMatch(/^Not valid JSON at line 3, column 1: /);
  });

  it("a SpiderMonkey-shaped message gives its own line and column", async () => {
    await mount({ settings: { enabled: true } });
    const parse = JSON.parse;
    vi.spyOn(JSON, "parse").mockImplementation((text: string) => {
      if (text.startsWith("{ oops")) throw new SyntaxError("JSON.parse: expected property name or '}' at line 4 column 9 of the JSON data");
      return parse(text) as unknown;
    });
    await typeJson("{ oops");
    expect(byTestId("json-error").textContent).toBe(
      "Not valid JSON at line 4, column 9: JSON.parse: expected property name or '}' at line 4 column 9 of the JSON data",
    );
  });
});

describe("options page: Unsaved changes", () => {
  it("goes away when an edit is undone by hand, and a reformatted JSON is no change", async () => {
    await mount({ settings: { enabled: true, rules: [{ match: "wss://a.test/*" }] } });
    expect(status()).toBe("");
    await click(byTestId("enabled-toggle"));
    expect(status()).toBe("Unsaved changes.");
    await click(byTestId("enabled-toggle"));
    expect(status()).toBe("");
    await input(byTestId<HTMLInputElement>("rule-match"), "wss://b.test/*");
    expect(status()).toBe("Unsaved changes.");
    await input(byTestId<HTMLInputElement>("rule-match"), "wss://a.test/*");
    expect(status()).toBe("");
    await typeJson('{"rules":[{"match":"wss://a.test/*"}],"enabled":true}');
    expect(status()).toBe("");
  });

  it("after Save, the saved value is the one to compare with", async () => {
    await mount({ settings: { enabled: true } });
    await click(byTestId("enabled-toggle"));
    await click(saveButton());
    expect(status()).toBe("Saved.");
    await click(byTestId("enabled-toggle"));
    expect(status()).toBe("Unsaved changes.");
    await click(byTestId("enabled-toggle"));
    expect(status()).toBe("");
  });
});

describe("options page: a rule's Active checkbox", () => {
  it("shows a paused rule unchecked and dimmed, and round-trips enabled: false", async () => {
    const { data } = await mount({ settings: { rules: [{ match: "wss://a.test/*", enabled: false, heartbeat: { message: "ping" } }] } });
    const active = () => byTestId<HTMLInputElement>("rule-active");
    expect(active().checked).toBe(false);
    expect(rows()[0]!.dataset.paused).toBe("true");
    expect(rows()[0]!.classList.contains("rule-paused")).toBe(true);
    expect(byTestId("rule-paused").textContent).toBe("paused");

    await click(active());
    expect(json().rules).toEqual([{ match: "wss://a.test/*", heartbeat: { message: "ping" } }]);
    expect(rows()[0]!.dataset.paused).toBe("false");
    expect($('[data-testid="rule-paused"]')).toBeNull();
    await click(saveButton());
    expect(data.settings).toEqual({ rules: [{ match: "wss://a.test/*", heartbeat: { message: "ping" } }] });

    await click(active());
    await click(saveButton());
    expect(data.settings).toEqual({ rules: [{ match: "wss://a.test/*", heartbeat: { message: "ping" }, enabled: false }] });
    expect(active().checked).toBe(false);
  });

  it("the test box skips a paused rule, as the page world does", async () => {
    await mount({ settings: { rules: [{ match: "wss://a.test/*", enabled: false }, { match: "wss://*" }] } });
    await input(byTestId<HTMLInputElement>("test-url"), "wss://a.test/ws");
    expect(byTestId("test-result").dataset.winner).toBe("1");
    expect(byTestId("test-result").textContent).toContain('"wss://a.test/*" is paused (Active is off): skipped');
  });

  it("a non-boolean enabled from the JSON is named beside the rule", async () => {
    await mount();
    await typeJson('{ "rules": [{ "match": "wss://a/*", "enabled": "no" }] }');
    expect(allErrors()).toEqual(['Rule 1 › enabled: expected true or false, got "no"']);
  });
});

describe("options page: the test box takes a URL as new WebSocket() does", () => {
  const rules = { settings: { rules: [{ match: "ws://127.0.0.1:8080/*" }, { match: "wss://chat.example.com/*" }] } };
  const tested = () => byTestId("test-normalised");

  it("adds the path a bare origin gets, and says which URL it tested", async () => {
    await mount(rules);
    await input(byTestId<HTMLInputElement>("test-url"), "ws://127.0.0.1:8080");
    expect(byTestId("test-result").dataset.winner).toBe("0");
    expect(byTestId("test-result").textContent).toContain("Rule 1 wins");
    expect(tested().dataset.url).toBe("ws://127.0.0.1:8080/");
    expect(tested().textContent).toBe("Tested as ws://127.0.0.1:8080/, the URL new WebSocket() makes of it.");
    // Case and default ports as the URL parser has them.
    await input(byTestId<HTMLInputElement>("test-url"), "WSS://Chat.Example.com:443/room");
    expect(tested().dataset.url).toBe("wss://chat.example.com/room");
    expect(byTestId("test-result").dataset.winner).toBe("1");
  });

  it("http(s) becomes ws(s), as browsers do since Chrome 125 and Firefox 124", async () => {
    await mount(rules);
    await input(byTestId<HTMLInputElement>("test-url"), "https://chat.example.com/live?x=1");
    expect(tested().dataset.url).toBe("wss://chat.example.com/live?x=1");
    expect(tested().textContent).toContain("http:// and https:// become ws:// and wss://");
    expect(byTestId("test-result").dataset.winner).toBe("1");
  });

  it("refuses what new WebSocket() refuses: a fragment, another scheme, a relative URL", async () => {
    await mount(rules);
    for (const [url, says] of [
      ["ws://127.0.0.1:8080/#top", "cannot have a fragment"],
      ["ws://127.0.0.1:8080/#", "cannot have a fragment"],
      ["ftp://127.0.0.1:8080/", "ws://, wss://, http:// or https://"],
      ["/socket", "Not an absolute URL"],
    ] as const) {
      await input(byTestId<HTMLInputElement>("test-url"), url);
      expect(byTestId("test-refused").textContent, url).toContain(says);
      expect($('[data-testid="test-normalised"]'), url).toBeNull();
    }
  });
});

describe("options page: in Chinese", () => {
  it("the validator's messages, the paths, the plural status and the test box", async () => {
    const { translator } = await import("../popup/i18n");
    const zh = translator("zh_CN");
    const g = globalThis as { chrome?: unknown };
    const saved = g.chrome;
    g.chrome = { i18n: { getMessage: (key: string, subs?: string[]) => zh(key, subs), getUILanguage: () => "zh-CN" } };
    try {
      await mount({ settings: { rules: [{ match: "wss://a.test/*" }] } });
      await input(field("rules[0].heartbeat.intervalMs"), "50");
      expect(errorsBeside("rules[0].heartbeat.intervalMs")).toEqual(["规则 1 › heartbeat › intervalMs：不能小于 100，实际为 50"]);
      expect(status()).toBe("1 个问题：修正后才能保存（显示在对应字段旁）。");
      expect(field("rules[0].heartbeat.timeoutMs").placeholder).toBe("默认：10000");
      await input(field("rules[0].heartbeat.intervalMs"), "");
      await input(byTestId<HTMLInputElement>("test-url"), "ws://b.test");
      expect(byTestId("test-result").textContent).toContain('"ws://b.test/" 不以 "wss://a.test/" 开头');
      await typeJson('{ "colour": 1 }');
      const besideJson = [...editor().parentElement!.querySelectorAll('[data-testid="field-error"]')].map((e) => e.textContent);
      expect(besideJson).toEqual(["colour：未知的键"]);
    } finally {
      g.chrome = saved;
    }
  });
});
