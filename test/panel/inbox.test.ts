import { describe, expect, it } from "vitest";
import { PanelInbox, unitsOf, type InboxOptions } from "../../src/panel/inbox";
import { createModel, type PanelAction, type PanelModel } from "../../src/panel/model";
import type { PanelLimits } from "../../src/panel/limits";
import { PROTOCOL_VERSION, type RecorderEvent } from "../../src/shared/protocol";
import { eventsMessage, frameEvent, snapshotMessage, socketInfo, socketSnapshot, stateEvent } from "../support/messages";
import { manualSlices } from "./slices";

const bg = (type: string, payload: object) => ({ source: "lifeguard-background", v: PROTOCOL_VERSION, type, ...payload }) as unknown as PanelAction;
const created = (id: string, t = 1): RecorderEvent => ({ kind: "created", t, socket: socketInfo(id) });
const frames = (socket: string, from: number, count: number, t = 1000) => Array.from({ length: count }, (_, i) => frameEvent(socket, "in", 4, t + from + i, from + i));

/** An inbox on a fresh model whose slices run when the test says; what each one applied is recorded. */
function setup(options: InboxOptions = {}, limits: Partial<PanelLimits> = {}) {
  const slices = manualSlices();
  const models: PanelModel[] = [];
  const units: number[] = [];
  const inbox = new PanelInbox(createModel({ limits }), (m) => models.push(m), {
    schedule: slices.schedule,
    onSlice: (n) => units.push(n),
    ...options,
  });
  return { inbox, slices, models, units, model: () => inbox.current };
}

/** The slices one after the other, with what each changed in the model: frames appended, sockets added. */
function runCounting(slices: ReturnType<typeof manualSlices>, model: () => PanelModel): number[] {
  const work: number[] = [];
  for (;;) {
    const frames = model().log.frames.length;
    const sockets = model().sockets.size;
    if (!slices.runOne()) return work;
    work.push(model().log.frames.length - frames + model().sockets.size - sockets);
  }
}

describe("panel inbox", () => {
  it("applies nothing at once: messages wait for a task, and one task applies many small ones (one render)", () => {
    const { inbox, slices, models, model } = setup();
    inbox.receive(snapshotMessage([socketSnapshot("a:1")]));
    for (let i = 0; i < 10; i++) inbox.receive(eventsMessage(frames("a:1", i * 3 + 1, 3), i * 3 + 1));
    expect(model().sockets.size).toBe(0);
    expect(slices.waiting).toBe(1);
    expect(slices.runAll()).toBe(1);
    expect(model().log.frames).toHaveLength(30);
    expect(model().sockets.get("a:1")!.framesIn).toBe(30);
    expect(models).toHaveLength(1);
  });

  it("never applies more than its slice of work in one task, splitting big batches and snapshot parts, even one socket's events", () => {
    const sliceUnits = 1000;
    const { inbox, slices, units, model } = setup({ sliceUnits });
    // 20 parts of 50 sockets with 60 frames each; then one socket whose 5,000 buffered frames come in one part.
    for (let p = 0; p < 20; p++) {
      const sockets = Array.from({ length: 50 }, (_, i) => socketSnapshot(`s:${p * 50 + i}`, { events: frames(`s:${p * 50 + i}`, 1, 60) }));
      inbox.receive(snapshotMessage(sockets, undefined, { part: p, parts: 21 }));
    }
    inbox.receive(snapshotMessage([socketSnapshot("big:1", { events: frames("big:1", 1, 5000) })], undefined, { part: 20, parts: 21 }));
    // Then batches of 5,000 events, and 1,000 small ones.
    for (let b = 0; b < 4; b++) inbox.receive(eventsMessage(frames(`s:${b}`, 100 + b * 5000, 5000, 10_000)));
    for (let b = 0; b < 1000; b++) inbox.receive(eventsMessage(frames(`s:${b % 1000}`, 30_000 + b, 1, 10_000)));
    const work = runCounting(slices, model);
    // What each task changed, counted from the model, and what the inbox says it applied.
    expect(Math.max(...work)).toBeLessThanOrEqual(sliceUnits);
    expect(Math.max(...units)).toBeLessThanOrEqual(sliceUnits);
    // Everything arrived (no cap was reached): 1,001 sockets, 60,000 + 5,000 + 20,000 + 1,000 frames.
    expect(model().sockets.size).toBe(1001);
    expect(model().log.frames).toHaveLength(86_000);
    expect(model().sockets.get("big:1")).toMatchObject({ state: "open" });
    expect(model().log.framesOf("big:1")).toHaveLength(5000);
    expect(work.length).toBeGreaterThanOrEqual(86_000 / sliceUnits);
    expect(model().log.unsorted).toBe(false);
  });

  it("a socket split across tasks reads as if applied whole (its state, counters and events)", () => {
    const events: RecorderEvent[] = [created("a:1"), stateEvent("a:1", "open", 5), ...frames("a:1", 1, 300), stateEvent("a:1", "closed", 9000, { code: 4001 })];
    const snap = socketSnapshot("a:1", { state: "closed", framesIn: 300, lastSeq: 300, events });
    const whole = setup();
    whole.inbox.receive(snapshotMessage([snap]));
    whole.slices.runAll();
    const split = setup({ sliceUnits: 7 });
    split.inbox.receive(snapshotMessage([snap]));
    expect(split.slices.runAll()).toBeGreaterThan(40);
    expect(split.model().sockets.get("a:1")).toEqual(whole.model().sockets.get("a:1"));
    expect(split.model().sockets.get("a:1")).toMatchObject({ state: "closed", closeCode: 4001 });
    expect(split.model().log.eventsOf("a:1")).toEqual(whole.model().log.eventsOf("a:1"));
    expect(split.model().log.frames).toEqual(whole.model().log.frames);
  });

  it("keeps the order of messages: a navigation between two batches drops what came before it only", () => {
    const { inbox, slices, model } = setup({ sliceUnits: 3 });
    inbox.receive(bg("frame-connected", { frameId: 0, url: "https://a.test/" }));
    inbox.receive(eventsMessage([created("old:1"), ...frames("old:1", 1, 10)]));
    inbox.receive(bg("frame-disconnected", { frameId: 0 }));
    inbox.receive(eventsMessage([created("new:1"), ...frames("new:1", 1, 10)]));
    slices.runAll();
    expect([...model().sockets.keys()]).toEqual(["new:1"]);
    expect(model().log.frames.map((f) => f.socket)).toEqual(Array(10).fill("new:1"));
  });

  it("the user's actions apply at once when nothing waits, and after what came before them when something does", () => {
    const { inbox, slices, model } = setup();
    inbox.command({ type: "preserve-log", preserve: true });
    expect(model().preserveLog).toBe(true);
    inbox.receive(eventsMessage([created("a:1"), ...frames("a:1", 1, 5)]));
    inbox.command({ type: "clear" });
    // The clear waits for the batch before it: the frames go, the live socket stays.
    expect(model().sockets.size).toBe(0);
    slices.runAll();
    expect(model().sockets.size).toBe(1);
    expect(model().log.frames).toHaveLength(0);
  });

  it("paused: page messages are not applied, not even those already waiting; the rest is", () => {
    const { inbox, slices, model } = setup();
    inbox.receive(eventsMessage([created("a:1")]));
    slices.runAll();
    inbox.receive(eventsMessage(frames("a:1", 1, 5)));
    inbox.command({ type: "pause", paused: true });
    expect(model().paused).toBe(true);
    inbox.receive(eventsMessage(frames("a:1", 6, 5)));
    inbox.receive(bg("frame-connected", { frameId: 3, url: "https://f.test/" }));
    slices.runAll();
    expect(model().log.frames).toHaveLength(0);
    expect(model().frames.get(3)).toBe(1);
    // Not dropped: the page still holds them, and resuming asks for a snapshot.
    expect(model().drops.dropped()).toBe(0);
    inbox.command({ type: "pause", paused: false });
    inbox.receive(eventsMessage(frames("a:1", 11, 2)));
    slices.runAll();
    expect(model().log.frames.map((f) => f.seq)).toEqual([11, 12]);
  });

  it("a backlog past its bound drops new page messages whole and counts them; what was kept stays in order", () => {
    const batch = (i: number) => eventsMessage([created(`s:${i}`), ...frames(`s:${i}`, 1, 9)]);
    const units = batch(0).events.reduce((n, e) => n + unitsOf(e), 0);
    const { inbox, slices, model, models } = setup({ backlog: { units: units * 3, chars: 1 << 20 } });
    for (let i = 0; i < 5; i++) inbox.receive(batch(i));
    // Non-page messages are never dropped: they are small, and the model's frames depend on them.
    inbox.receive(bg("frame-connected", { frameId: 0, url: "https://a.test/" }));
    slices.runAll();
    expect([...model().sockets.keys()]).toEqual(["s:0", "s:1", "s:2"]);
    expect(model().frames.get(0)).toBe(1);
    expect(model().drops.total()).toMatchObject({ messages: 2, events: 20, sockets: 2 });
    expect(models.at(-1)!.alertsVersion).toBeGreaterThan(0);
    // Drained: there is room again.
    inbox.receive(batch(9));
    slices.runAll();
    expect(model().sockets.has("s:9")).toBe(true);
  });

  it("bounds the backlog by characters too", () => {
    const big = (i: number) => eventsMessage([created(`s:${i}`), { kind: "note", t: 2, socket: `s:${i}`, text: "n".repeat(10_000) }]);
    const { inbox, slices, model } = setup({ backlog: { units: 1_000_000, chars: 25_000 } });
    for (let i = 0; i < 4; i++) inbox.receive(big(i));
    slices.runAll();
    expect(model().sockets.size).toBe(2);
    expect(model().drops.total().messages).toBe(2);
    expect(model().drops.total().chars).toBeGreaterThan(20_000);
  });

  it("sorts the frames a burst of snapshot parts brought once, after the last part, a slice at a time", () => {
    const sliceUnits = 200;
    const { inbox, slices, model, units } = setup({ sliceUnits });
    const calls: number[] = [];
    const log = model().log;
    const sortSteps = log.sortSteps.bind(log);
    log.sortSteps = () => {
      calls.push(log.frames.length);
      return sortSteps();
    };
    // 10 parts of 10 sockets' rings, each ring spanning the same time: out of order across sockets.
    for (let p = 0; p < 10; p++) {
      const sockets = Array.from({ length: 10 }, (_, i) => {
        const id = `s:${p * 10 + i}`;
        return socketSnapshot(id, { events: Array.from({ length: 100 }, (_, k) => frameEvent(id, "in", 1, 1000 + k * 100 + p * 10 + i, k + 1)) });
      });
      inbox.receive(snapshotMessage(sockets, undefined, { part: p, parts: 10 }));
    }
    slices.runAll();
    expect(calls).toEqual([10_000]);
    const times = log.frames.map((f) => f.t);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Math.max(...units)).toBeLessThanOrEqual(sliceUnits);
    // Each socket's own list still points at its frames, in seq order.
    const own = log.framesOf("s:42").map((i) => log.frames[i]!);
    expect(own.map((f) => f.socket)).toEqual(Array(100).fill("s:42"));
    expect(own.map((f) => f.seq)).toEqual(Array.from({ length: 100 }, (_, k) => k + 1));
  });

  it("after close, nothing is applied", () => {
    const { inbox, slices, model } = setup();
    inbox.receive(eventsMessage([created("a:1")]));
    inbox.close();
    slices.runAll();
    inbox.receive(eventsMessage([created("b:1")]));
    slices.runAll();
    expect(model().sockets.size).toBe(0);
  });
});

describe("panel inbox, when applying a message fails", () => {
  it("goes on with the next ones", () => {
    const { inbox, slices, model } = setup();
    const errors: unknown[] = [];
    const error = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      inbox.receive(eventsMessage([created("a:1")]));
      slices.runAll();
      const log = model().log;
      const append = log.append.bind(log);
      log.append = (event) => {
        if (event.kind === "note") throw new Error("boom");
        return append(event);
      };
      inbox.receive(eventsMessage([{ kind: "note", t: 2, socket: "a:1", text: "bad" }]));
      inbox.receive(eventsMessage(frames("a:1", 1, 3)));
      slices.runAll();
      expect(model().log.frames).toHaveLength(3);
      expect(errors).toHaveLength(1);
    } finally {
      console.error = error;
    }
  });
});
