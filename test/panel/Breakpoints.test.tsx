// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import { render } from "preact";
import { act } from "preact/test-utils";
import type { FrameRecord, RecorderEvent } from "../../src/shared/protocol";
import { BreakpointStrip } from "../../src/panel/BreakpointStrip";
import type { Breakpoint } from "../../src/panel/breakpoints";
import { eventsMessage, snapshotMessage, socketSnapshot, stateEvent } from "../support/messages";
import { frame } from "./frames-support";
import { mountApp, typeInto, type MountedApp } from "./app-mount";

let app: MountedApp | null = null;
let container: HTMLElement | null = null;
afterEach(() => {
  app?.unmount();
  app = null;
  if (container) {
    render(null, container);
    container.remove();
    container = null;
  }
  vi.useRealTimers();
});

const UNTIL = () => Date.now() + 30_000;

function pauseEvent(socket: string, id: number, phase: "paused" | "forwarded" | "dropped" | "timed-out", over: Partial<RecorderEvent> = {}): RecorderEvent {
  return { kind: "pause", t: 2000 + id, socket, id, dir: "out", rule: 0, phase, ...(phase === "paused" ? { untilT: UNTIL() } : {}), ...over } as RecorderEvent;
}

function pausedFrame(socket: string, seq: number, id: number, over: Partial<FrameRecord> = {}): RecorderEvent {
  return { kind: "frame", frame: frame(socket, seq, { dir: "out", fate: "paused", rule: 0, pause: id, ...over }) };
}

let batch = 1;
/** A batch of the page world's stream, numbered after the previous one. */
function events(list: RecorderEvent[]) {
  const message = eventsMessage(list, batch);
  batch += list.length;
  return message;
}

async function withPaused(list: RecorderEvent[], sockets = ["a:1"]): Promise<MountedApp> {
  batch = 1;
  app = await mountApp();
  await app.send(snapshotMessage(sockets.map((id) => socketSnapshot(id))), events(list));
  return app;
}

const pauses = (a: MountedApp) => a.posted().filter((m) => m.type === "pause");
/** A pause command as it went, without its envelope. */
const answer = (m: Record<string, unknown> | undefined) => {
  if (!m) return m;
  const { source: _s, v: _v, type: _t, ...rest } = m;
  return rest;
};

describe("breakpoints strip", () => {
  it("shows a paused frame with its direction, rule, socket and payload; Forward answers it, and it goes when the page says so", async () => {
    const a = await withPaused([pausedFrame("a:1", 1, 1, { preview: '{"type":"chat","text":"hi"}' }), pauseEvent("a:1", 1, "paused", { rule: 2 })]);
    const [item] = a.$$("breakpoint");
    expect(item).toBeDefined();
    expect(item!.textContent).toContain("to the server");
    expect(item!.textContent).toContain("rule 3");
    expect(item!.textContent).toContain("example.test/a:1");
    expect((a.$("breakpoint-payload") as HTMLTextAreaElement).value).toBe('{"type":"chat","text":"hi"}');
    expect(a.$("breakpoint-left")!.textContent).toMatch(/in (30|29) s/);
    // The table marks the record too.
    expect(a.$$("frame-row")[0]!.dataset.fate).toBe("paused");

    await a.act(() => a.$("breakpoint-forward")!.click());
    expect(pauses(a).map(answer)).toEqual([{ socket: "a:1", id: 1, action: "forward" }]);
    // Answered: it waits for the page's word, its buttons off.
    expect((a.$("breakpoint-forward") as HTMLButtonElement).disabled).toBe(true);
    expect(a.$("breakpoint")!.textContent).toContain("waiting for the page");

    await a.send(events([pauseEvent("a:1", 1, "forwarded", { edited: true }), { kind: "frame", frame: frame("a:1", 2, { dir: "out", from: "panel", rule: 2, pause: 1 }) }]));
    expect(a.$("breakpoints")).toBeNull();
    // The table tells the breakpoint's story among the frames.
    expect(a.$$("lifecycle-row").map((r) => [r.dataset.kind, r.textContent])).toEqual([
      ["breakpoint-paused", expect.stringContaining("paused frame 1 (rule 3)")],
      ["breakpoint-forwarded", expect.stringContaining("paused frame 1 forwarded, edited")],
    ]);
  });

  it("an edited text payload goes as text; Drop and Forward all answer theirs; each goes when its phase comes", async () => {
    const a = await withPaused(
      [
        pausedFrame("a:1", 1, 1, { preview: "hello" }),
        pauseEvent("a:1", 1, "paused"),
        pausedFrame("a:1", 2, 2, { preview: "second" }),
        pauseEvent("a:1", 2, "paused"),
        { kind: "frame", frame: frame("b:1", 1, { dir: "in", fate: "paused", rule: 1, pause: 1, preview: "from server" }) },
        pauseEvent("b:1", 1, "paused", { dir: "in", rule: 1 }),
      ],
      ["a:1", "b:1"],
    );
    const items = () => a.$$("breakpoint").map((el) => `${el.dataset.socketId}#${el.dataset.pauseId}`);
    expect(items()).toEqual(["a:1#1", "a:1#2", "b:1#1"]);
    expect(a.$$("breakpoint")[2]!.textContent).toContain("to the page");

    const first = a.$$("breakpoint")[0]!;
    await a.act(() => typeInto(first.querySelector('[data-testid="breakpoint-payload"]')!, "hello, edited"));
    expect(first.querySelector('[data-testid="breakpoint-forward"]')!.textContent).toBe("Forward edited");
    await a.act(() => (first.querySelector('[data-testid="breakpoint-forward"]') as HTMLElement).click());
    await a.act(() => (a.$$("breakpoint")[2]!.querySelector('[data-testid="breakpoint-drop"]') as HTMLElement).click());
    await a.act(() => (a.$$("breakpoint")[1]!.querySelector('[data-testid="breakpoint-forward-all"]') as HTMLElement).click());
    expect(pauses(a).map(answer)).toEqual([
      { socket: "a:1", id: 1, action: "forward", data: "hello, edited", encoding: "text" },
      { socket: "b:1", id: 1, action: "drop" },
      { socket: "a:1", id: 2, action: "forward-all" },
    ]);

    await a.send(events([pauseEvent("b:1", 1, "dropped", { dir: "in", rule: 1 }), pauseEvent("a:1", 1, "forwarded", { edited: true })]));
    expect(items()).toEqual(["a:1#2"]);
    await a.send(events([pauseEvent("a:1", 2, "timed-out")]));
    expect(a.$("breakpoints")).toBeNull();
  });

  it("a binary payload is edited as hex and goes as hex; bad hex is named and nothing goes; respaced bytes are no edit", async () => {
    const a = await withPaused([pausedFrame("a:1", 1, 1, { opcode: "binary", preview: "0a0b0c0d", size: 4 }), pauseEvent("a:1", 1, "paused")]);
    const box = () => a.$("breakpoint-payload") as HTMLTextAreaElement;
    expect(box().value).toBe("0a 0b 0c 0d");
    expect(a.$("breakpoint")!.textContent).toContain("hex");

    await a.act(() => typeInto(box(), "0a 0b 0"));
    await a.act(() => a.$("breakpoint-forward")!.click());
    expect(pauses(a)).toEqual([]);
    expect(box().getAttribute("aria-invalid")).toBe("true");
    expect(a.$("breakpoint")!.querySelector('[role="alert"]')!.textContent).toContain("Not hex");

    await a.act(() => typeInto(box(), "0A0B0C0D"));
    await a.act(() => a.$("breakpoint-forward")!.click());
    expect(pauses(a).map(answer)).toEqual([{ socket: "a:1", id: 1, action: "forward" }]);
  });

  it("sends edited bytes as hex", async () => {
    const a = await withPaused([pausedFrame("a:1", 1, 1, { opcode: "binary", preview: "0a0b0c0d", size: 4 }), pauseEvent("a:1", 1, "paused")]);
    await a.act(() => typeInto(a.$("breakpoint-payload")!, "0a 0b ff\n00"));
    await a.act(() => a.$("breakpoint-forward")!.click());
    expect(pauses(a).map(answer)).toEqual([{ socket: "a:1", id: 1, action: "forward", data: "0a0bff00", encoding: "hex" }]);
  });

  it("a payload recorded in part cannot be edited; Forward and Drop still answer it", async () => {
    const a = await withPaused([pausedFrame("a:1", 1, 1, { preview: "x".repeat(10), size: 5000, truncated: true }), pauseEvent("a:1", 1, "paused")]);
    const box = a.$("breakpoint-payload") as HTMLTextAreaElement;
    expect(box.readOnly).toBe(true);
    expect(a.$("breakpoint")!.textContent).toContain("Only part of its 5000 bytes");
    await a.act(() => typeInto(box, "changed anyway"));
    await a.act(() => a.$("breakpoint-forward")!.click());
    expect(pauses(a).map(answer)).toEqual([{ socket: "a:1", id: 1, action: "forward" }]);
  });

  it("a pause event before its record opens it, and the record fills the editor when it comes", async () => {
    const a = await withPaused([pauseEvent("a:1", 1, "paused")]);
    expect((a.$("breakpoint-payload") as HTMLTextAreaElement).readOnly).toBe(true);
    await a.send(events([pausedFrame("a:1", 1, 1, { preview: "late record" })]));
    expect((a.$("breakpoint-payload") as HTMLTextAreaElement).value).toBe("late record");
    expect((a.$("breakpoint-payload") as HTMLTextAreaElement).readOnly).toBe(false);
  });

  it("answered from the keyboard, the next paused frame takes the focus when the page says the first went", async () => {
    const a = await withPaused([pausedFrame("a:1", 1, 1), pauseEvent("a:1", 1, "paused"), pausedFrame("a:1", 2, 2), pauseEvent("a:1", 2, "paused")]);
    const forward = () => a.$$("breakpoint-forward");
    await a.act(() => forward()[0]!.focus());
    await a.act(() => forward()[0]!.click());
    await a.send(events([pauseEvent("a:1", 1, "forwarded")]));
    expect(forward()).toHaveLength(1);
    expect(document.activeElement).toBe(forward()[0]);
  });

  it("only open breakpoints show; a closed socket's paused frames leave the strip", async () => {
    const a = await withPaused([pausedFrame("a:1", 1, 1), pauseEvent("a:1", 1, "paused"), pauseEvent("a:1", 1, "dropped"), pauseEvent("a:1", 2, "paused")]);
    expect(a.$$("breakpoint").map((el) => el.dataset.pauseId)).toEqual(["2"]);
    await a.send(events([stateEvent("a:1", "closed", 3000, { code: 1006 })]));
    expect(a.$("breakpoints")).toBeNull();
  });
});

describe("breakpoint countdown", () => {
  const bp = (untilT: number): Breakpoint => ({ socket: "a:1", id: 1, dir: "in", rule: 0, t: 0, untilT, frame: frame("a:1", 1, { dir: "in", fate: "paused", pause: 1 }) });

  it("counts down to the time the page world gave, then says it is going on", async () => {
    vi.useFakeTimers({ now: 100_000 });
    container = document.createElement("div");
    document.body.append(container);
    const left = () => container!.querySelector('[data-testid="breakpoint-left"]')!.textContent;
    await act(async () => {
      render(<BreakpointStrip breakpoints={[bp(105_000)]} url={() => "wss://example.test/a"} onAnswer={() => {}} />, container!);
    });
    expect(left()).toBe("goes on by itself in 5 s");
    await act(async () => {
      vi.advanceTimersByTime(2_000);
    });
    expect(left()).toBe("goes on by itself in 3 s");
    await act(async () => {
      vi.advanceTimersByTime(2_600);
    });
    expect(left()).toBe("goes on by itself in 1 s");
    await act(async () => {
      vi.advanceTimersByTime(500);
    });
    expect(left()).toBe("going on by itself…");
  });
});
