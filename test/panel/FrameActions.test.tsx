// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from "vitest";
import type { FrameRecord } from "../../src/shared/protocol";
import { eventsMessage, snapshotMessage, socketSnapshot } from "../support/messages";
import { frame, frameEvents } from "./frames-support";
import { fakeStore, mountApp, typeInto, type MountedApp } from "./app-mount";

let app: MountedApp | null = null;
afterEach(() => {
  app?.unmount();
  app = null;
});

const STORED = {
  enabled: true,
  rules: [{ match: "wss://example.test/*" }],
  frameRules: [{ match: "wss://other.test/*", direction: "in", action: "drop" }],
};

/** The panel with socket `a:1` (at `url`) holding `frames`, and the first frame selected. */
async function withFrame(frames: FrameRecord[], opts: { stored?: unknown; url?: string; state?: "open" | "closed" } = {}) {
  const settings = fakeStore("stored" in opts ? opts.stored : STORED);
  app = await mountApp({ settings: settings.store });
  await app.send(
    snapshotMessage([socketSnapshot("a:1", { state: opts.state ?? "open" }, opts.url ? { url: opts.url } : {})]),
    eventsMessage(frameEvents(frames)),
  );
  const a = app;
  await a.act(() => void a.$$("frame-row")[0]!.dispatchEvent(new MouseEvent("mousedown", { bubbles: true })));
  return { a, settings };
}

const faults = (a: MountedApp) => a.posted().filter((m) => m.type === "fault").map((m) => ({ target: m.target, fault: m.fault }));

describe("Block / Pause frames like this", () => {
  it("Block adds a drop rule for the socket's origin and path, the frame's direction and its JSON type; Undo puts back what was stored", async () => {
    const { a, settings } = await withFrame([frame("a:1", 1, { dir: "out", preview: '{"type":"subscribe","channel":"prices"}' })], {
      url: "wss://example.test/feed?token=abc",
    });
    await a.act(() => a.$("rule-block")!.click());
    expect(settings.stored()).toEqual({
      ...STORED,
      frameRules: [
        ...STORED.frameRules,
        { match: "wss://example.test/feed*", direction: "out", when: { path: "$.type", equals: "subscribe" }, action: "drop" },
      ],
    });
    const done = a.$("rule-done")!.textContent!;
    expect(done).toContain("Rule 2 added");
    expect(done).toContain('block ↑ wss://example.test/feed* where $.type = "subscribe"');
    expect(done).toContain("applies to new frames");

    await a.act(() => a.$("rule-undo")!.click());
    expect(settings.stored()).toEqual(STORED);
    expect(a.$("rule-done")!.textContent).toBe("Rule removed.");
  });

  it("Pause on text that is not JSON matches how it starts; on binary, its first four bytes", async () => {
    const text = "LOGIN user=ada; session=0123456789abcdef";
    const { a, settings } = await withFrame([frame("a:1", 2, { dir: "in", preview: text }), frame("a:1", 4, { dir: "in", opcode: "binary", preview: "82a269640102ff", size: 7 })], {
      stored: undefined,
    });
    await a.act(() => a.$("rule-pause")!.click());
    expect(settings.stored()).toEqual({
      frameRules: [{ match: "wss://example.test/a:1*", direction: "in", when: { text: text.slice(0, 24) }, action: "pause" }],
    });

    await a.act(() => void a.$$("frame-row")[1]!.dispatchEvent(new MouseEvent("mousedown", { bubbles: true })));
    await a.act(() => a.$("rule-pause")!.click());
    expect((settings.stored() as { frameRules: unknown[] }).frameRules[1]).toEqual({
      match: "wss://example.test/a:1*",
      direction: "in",
      when: { hexPrefix: "82a26964" },
      action: "pause",
    });
  });

  it("nothing stored: the rule is stored alone, and Undo stores empty settings (the defaults)", async () => {
    const { a, settings } = await withFrame([frame("a:1", 1, { dir: "out", preview: "x" })], { stored: undefined });
    await a.act(() => a.$("rule-block")!.click());
    await a.act(() => a.$("rule-undo")!.click());
    expect(settings.saves.at(-1)).toEqual({});
  });

  it("a rule just like one in force is not added twice", async () => {
    const { a, settings } = await withFrame([frame("a:1", 1, { dir: "out", preview: "hello" })], { stored: {} });
    await a.act(() => a.$("rule-block")!.click());
    await a.act(() => a.$("rule-block")!.click());
    expect(settings.saves).toHaveLength(1);
    expect(a.$("rule-done")!.textContent).toContain("Rule 1 does this already");
  });

  it("a Blob whose bytes were never read gives nothing to match: the buttons say why", async () => {
    const { a } = await withFrame([frame("a:1", 1, { dir: "in", opcode: "binary", preview: "", size: 40 })]);
    expect((a.$("rule-block") as HTMLButtonElement).disabled).toBe(true);
    expect((a.$("rule-pause") as HTMLButtonElement).disabled).toBe(true);
    expect(a.$("frame-rule-actions")!.textContent).toContain("Nothing to tell frames like this by");
  });
});

describe("Edit and resend", () => {
  it("sends an outbound frame again as the page, edited, to its own socket", async () => {
    const { a } = await withFrame([frame("a:1", 1, { dir: "out", preview: '{"type":"ping"}' })]);
    await a.act(() => a.$("resend-open")!.click());
    const box = a.$("resend-payload") as HTMLTextAreaElement;
    expect(box.value).toBe('{"type":"ping"}');
    await a.act(() => typeInto(box, '{"type":"ping","n":2}'));
    await a.act(() => a.$("resend-send")!.click());
    expect(faults(a)).toEqual([{ target: { socket: "a:1" }, fault: { kind: "send", data: '{"type":"ping","n":2}', encoding: "text" } }]);
    expect(a.$("resend-status")!.textContent).toContain("Sent (1)");
  });

  it("delivers an inbound binary frame again as the server, as hex; a bad hex goes nowhere", async () => {
    const { a } = await withFrame([frame("a:1", 2, { dir: "in", opcode: "binary", preview: "0102ab", size: 3 })]);
    await a.act(() => a.$("resend-open")!.click());
    const box = a.$("resend-payload") as HTMLTextAreaElement;
    expect(box.value).toBe("01 02 ab");
    await a.act(() => typeInto(box, "01 02 a"));
    await a.act(() => a.$("resend-send")!.click());
    expect(faults(a)).toEqual([]);
    await a.act(() => typeInto(box, "01 02 AB cd"));
    await a.act(() => a.$("resend-send")!.click());
    expect(faults(a)).toEqual([{ target: { socket: "a:1" }, fault: { kind: "inject", data: "0102abcd", encoding: "hex" } }]);
  });

  it("is off, with the reason, when the frame's socket is closed", async () => {
    const { a } = await withFrame([frame("a:1", 1, { dir: "out" })], { state: "closed" });
    expect((a.$("resend-open") as HTMLButtonElement).disabled).toBe(true);
    expect(a.$("resend-why")!.textContent).toBe("Its socket is closed: nothing can be sent on it.");
  });
});
