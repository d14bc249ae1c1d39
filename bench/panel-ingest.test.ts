/**
 * The panel with 100,000 frames: how long ingesting them in 50 ms-sized batches and the first render
 * take, how long filters over all of them take, and what the batch messages cost on the wire. Then a
 * flood from a hostile page (tens of thousands of sockets, thousands of batches, snapshots of many
 * parts) through the panel's inbox: the cost of a work unit, and how long each slice takes, the model
 * alone and with the panel rendering after every slice (happy-dom: no layout, slower DOM than Chrome's).
 * Prints figures; asserts only that the work was done, never a time.
 */
import { expect, it } from "vitest";
import { h, render } from "preact";
import { act } from "preact/test-utils";
import { FramesView } from "../src/panel/FramesView";
import { App } from "../src/panel/App";
import { PanelInbox } from "../src/panel/inbox";
import { SLICE_UNITS } from "../src/panel/limits";
import { createModel, reduce, type PanelAction } from "../src/panel/model";
import { SocketLog } from "../src/panel/socket-log";
import { NO_FILTER, compileFilter, FilteredFrames } from "../src/panel/frame-filter";
import { envelope, type FrameRecord, type PageToPanel, type RecorderEvent, type SocketSnapshot } from "../src/shared/protocol";
import type { PortLike } from "../src/shared/transports";
import { fakePortPair, flush, type FakePort } from "../test/support/fake-ports";

const N = 100_000;
const BATCH = 500;

function frames(): FrameRecord[] {
  return Array.from({ length: N }, (_, i) => {
    const preview =
      i % 10 === 0
        ? "ping"
        : i % 3 === 0
          ? "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
          : JSON.stringify({ type: "tick", seq: i, sym: "ACME", px: 100 + (i % 50) / 10 });
    return { socket: "a:1", seq: i + 1, t: 1_700_000_000_000 + i * 5, dir: i % 2 ? "in" : "out", opcode: i % 3 === 0 && i % 10 ? "binary" : "text", size: preview.length, preview, truncated: false };
  });
}

const ms = (t0: number) => `${(performance.now() - t0).toFixed(1)} ms`;

function eventsOf(events: RecorderEvent[], from: number, stream = "a") {
  return envelope<PageToPanel, "events">("lifeguard-page", "events", { stream, from, to: from + events.length - 1, events });
}

function snapshotOf(sockets: SocketSnapshot[], part = 0, parts = 1, stream = "a") {
  return envelope<PageToPanel, "snapshot">("lifeguard-page", "snapshot", { stream, upTo: 0, part, parts, frameUrl: "https://app.test/", sockets });
}

function socketSnapshot(id: string, events: RecorderEvent[] = []): SocketSnapshot {
  const info = { id, url: `wss://app.test/${id}`, protocols: [], frameUrl: "https://app.test/", topFrame: true, createdAt: 1_700_000_000_000 };
  return { info, state: "open", protected: false, framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0, lastSeq: 0, events };
}

const frameEvent = (socket: string, seq: number, t: number, preview = "x".repeat(20)): RecorderEvent => ({
  kind: "frame",
  frame: { socket, seq, t, dir: seq % 2 ? "in" : "out", opcode: "text", size: preview.length, preview, truncated: false },
});

it("ingest, first render and filter of 100,000 frames", async () => {
  const all = frames();
  const batches: ReturnType<typeof eventsOf>[] = [];
  for (let i = 0; i < N; i += BATCH) {
    const events: RecorderEvent[] = all.slice(i, i + BATCH).map((frame) => ({ kind: "frame", frame }));
    batches.push(eventsOf(events, i + 1));
  }
  const wire = batches.reduce((n, b) => n + JSON.stringify(b).length, 0);
  console.log(`batch messages: ${(wire / N).toFixed(1)} bytes per frame (JSON.stringify length, ${BATCH} frames a batch)`);

  let model = reduce(createModel(), snapshotOf([socketSnapshot("a:1")]));
  let t0 = performance.now();
  for (const b of batches) model = reduce(model, b);
  console.log(`reduce ${N} frames in ${batches.length} batches: ${ms(t0)}`);

  const container = document.createElement("div");
  document.body.append(container);
  t0 = performance.now();
  await act(async () => {
    render(h(FramesView, { model, socket: null, initialRect: { width: 1000, height: 600 } }), container);
  });
  console.log(`first render of the table: ${ms(t0)}, ${container.querySelectorAll('[data-testid="frame-row"]').length} rows in the DOM`);

  // One more batch on top of 100k: the incremental path the panel takes 20 times a second.
  const extra: RecorderEvent[] = Array.from({ length: 50 }, (_, i) => ({ kind: "frame", frame: { ...all[0]!, seq: N + i + 1 } }));
  t0 = performance.now();
  model = reduce(model, eventsOf(extra, N + 1));
  await act(async () => {
    render(h(FramesView, { model, socket: null, initialRect: { width: 1000, height: 600 } }), container);
  });
  console.log(`one 50-frame batch on top of ${N} (reduce + render): ${ms(t0)}`);

  const typeOf = (f: FrameRecord) => f.opcode;
  for (const [label, filter] of [
    ["direction in", { ...NO_FILTER, dir: "in" as const }],
    ["text 'ACME'", { ...NO_FILTER, text: "acme" }],
    ["regex px\":10[0-4]", { ...NO_FILTER, text: 'px":10[0-4]', regex: true }],
    ["type binary", { ...NO_FILTER, type: "binary" as const }],
  ] as const) {
    const matcher = compileFilter(filter, typeOf);
    if (typeof matcher !== "function") throw new Error(matcher.error);
    t0 = performance.now();
    const shown = new FilteredFrames().update(model.log, null, matcher).length;
    console.log(`filter ${label} over ${model.log.frames.length}: ${ms(t0)} (${shown} match)`);
  }
  render(null, container);
  expect(model.log.frames.length).toBe(N + 50);
});

/** Microseconds per item of `count`, best of three runs of `work` on a fresh model each. */
function perItem(count: number, work: (model: ReturnType<typeof createModel>) => void): number {
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const model = reduce(createModel(), snapshotOf([socketSnapshot("a:1")]));
    const t0 = performance.now();
    work(model);
    best = Math.min(best, performance.now() - t0);
  }
  return (best * 1000) / count;
}

it("the cost of a work unit (what SLICE_UNITS is chosen from)", () => {
  const n = 50_000;
  const chunk = <T>(xs: T[]) => Array.from({ length: Math.ceil(xs.length / 5000) }, (_, i) => xs.slice(i * 5000, i * 5000 + 5000));
  const frameBatches = chunk(Array.from({ length: n }, (_, i) => frameEvent("a:1", i + 1, 1000 + i))).map((b, i) => eventsOf(b, i * 5000 + 1));
  console.log(`a frame event: ${perItem(n, (m) => frameBatches.reduce(reduce, m)).toFixed(2)} us`);
  // Texts as they come off a port: flat strings (JSON.parse), not the ropes string concatenation makes.
  const note = (count: number, size: number) =>
    chunk<RecorderEvent>(JSON.parse(JSON.stringify(Array.from({ length: count }, (_, i): RecorderEvent => ({ kind: "note", t: 1000 + i, socket: "a:1", text: `note ${i}`.padEnd(size, "k") })))));
  const notes = note(n, 10).map((b, i) => eventsOf(b, i * 5000 + 1));
  console.log(`a lifecycle event (a short note): ${perItem(n, (m) => notes.reduce(reduce, m)).toFixed(2)} us`);
  // 2,000 notes of 8 KiB: within the log's bound on lifecycle text, so nothing is dropped on the way.
  const big = note(2000, 8192).map((b, i) => eventsOf(b, i * 5000 + 1));
  console.log(`a KiB of a lifecycle event's text (8 KiB notes): ${(perItem(2000, (m) => big.reduce(reduce, m)) / 8).toFixed(2)} us`);
  const sockets = chunk(Array.from({ length: n }, (_, i) => socketSnapshot(`s:${i}`))).map((part) => snapshotOf(part.slice(0, 1000)));
  console.log(
    `a snapshot's socket (cap raised to hold them): ${perItem(sockets.length * 1000, () => sockets.reduce(reduce, createModel({ limits: { sockets: n } }))).toFixed(2)} us`,
  );
  // The sort after a snapshot: 500 sockets' rings of 1,000 frames, one after the other.
  const log = new SocketLog();
  for (let s = 0; s < 500; s++) for (let k = 0; k < 1000; k++) log.appendFrame({ ...(frameEvent(`r:${s}`, k + 1, 1000 + k * 5 + s) as { frame: FrameRecord }).frame });
  let steps = 0;
  const t0 = performance.now();
  for (const step of log.sortSteps()) steps += step;
  const took = performance.now() - t0;
  console.log(`sort of 500 runs x 1,000 frames: ${took.toFixed(1)} ms in slices, ${((took * 1e6) / steps).toFixed(1)} ns a step (${steps} steps)`);
  expect(log.unsorted).toBe(false);
});

/** What a hostile page sends: the snapshot of a flood of sockets, then batches small and big, then a snapshot of many frames. */
function flood(): PanelAction[] {
  const out: PanelAction[] = [];
  const parts = 50;
  for (let p = 0; p < parts; p++) {
    const sockets = Array.from({ length: 1000 }, (_, i) => socketSnapshot(`f:${p * 1000 + i}`, [frameEvent(`f:${p * 1000 + i}`, 1, 1000 + i)]));
    out.push(snapshotOf(sockets, p, parts));
  }
  let from = 1;
  for (let b = 0; b < 1000; b++) {
    const events = Array.from({ length: 5 }, (_, i) => frameEvent(`f:${b % 2000}`, 2 + Math.floor(b / 2000) * 5 + i, 2000 + b));
    out.push(eventsOf(events, from));
    from += events.length;
  }
  for (let b = 0; b < 20; b++) {
    const events = Array.from({ length: 5000 }, (_, i): RecorderEvent => (i % 2 ? frameEvent(`f:${i % 2000}`, 1000 + b * 5000 + i, 3000 + i) : { kind: "note", t: 3000 + i, socket: `f:${i % 2000}`, text: `note ${b}:${i}` }));
    out.push(eventsOf(events, from));
    from += events.length;
  }
  // Many sockets' rings in many parts, each ring older than the live frames above: they must be sorted in.
  const ringParts = 40;
  for (let p = 0; p < ringParts; p++) {
    const sockets = Array.from({ length: 5 }, (_, i) => {
      const id = `f:${p * 5 + i}`;
      return socketSnapshot(id, Array.from({ length: 1000 }, (_, k) => frameEvent(id, 200_000 + k, 500 + k * 3 + i)));
    });
    out.push(snapshotOf(sockets, p, ringParts, "b"));
  }
  return out;
}

function stats(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  return `worst ${sorted.at(-1)!.toFixed(1)} ms, p95 ${q(0.95).toFixed(1)} ms, median ${q(0.5).toFixed(2)} ms over ${samples.length} slices`;
}

it("a flood through the inbox: the longest slice, model alone", () => {
  const actions = flood();
  const tasks: (() => void)[] = [];
  const units: number[] = [];
  const inbox = new PanelInbox(createModel(), () => {}, { schedule: (task) => void tasks.push(task), onSlice: (n) => units.push(n) });
  for (const a of actions) inbox.receive(a);
  const took: number[] = [];
  const t0 = performance.now();
  for (let task = tasks.shift(); task; task = tasks.shift()) {
    const t = performance.now();
    task();
    took.push(performance.now() - t);
  }
  console.log(`flood of ${actions.length} messages, model only: ${stats(took)}; ${ms(t0)} in all; at most ${Math.max(...units)} units a slice (SLICE_UNITS ${SLICE_UNITS})`);
  const model = inbox.current;
  console.log(`  kept ${model.sockets.size} sockets, ${model.log.frames.length} frames; dropped ${JSON.stringify(model.drops.total())}`);
  expect(model.log.unsorted).toBe(false);
  expect(model.sockets.size).toBe(2000);
});

it("a flood through the panel: the longest slice, with the render after each", async () => {
  const servers: FakePort[] = [];
  const connect = (name: string): PortLike => {
    const { client, server } = fakePortPair(name);
    servers.push(server);
    return client;
  };
  const tasks: (() => void)[] = [];
  // The slice itself, timed apart from the render that act() runs after it.
  let applied = 0;
  const timed = (task: () => void) => () => {
    const t = performance.now();
    task();
    applied = performance.now() - t;
  };
  const container = document.createElement("div");
  document.body.append(container);
  await act(async () => {
    render(h(App, { tabId: 7, connect, tableRect: { width: 1000, height: 600 }, listRect: { width: 600, height: 600 }, ingest: { schedule: (task: () => void) => void tasks.push(timed(task)) } }), container);
    await flush();
  });
  const actions = flood();
  await act(async () => {
    for (const a of actions) servers.at(-1)!.postMessage(a);
    await flush();
  });
  const took: number[] = [];
  const renders: number[] = [];
  const t0 = performance.now();
  for (let task = tasks.shift(); task; task = tasks.shift()) {
    const t = performance.now();
    // act() renders what the slice changed before it returns: the task as the browser runs it.
    act(() => task());
    took.push(performance.now() - t);
    renders.push(took.at(-1)! - applied);
  }
  console.log(`flood of ${actions.length} messages, with the render: ${stats(took)}; ${ms(t0)} in all`);
  console.log(`  the render alone: ${stats(renders)} (the first mounts the list and the table)`);
  const dropped = container.querySelector<HTMLElement>('[data-testid="overflow-banner"]')?.dataset.dropped;
  console.log(`  ${container.querySelectorAll('[data-testid="socket-row"]').length} socket rows in the DOM; the banner says ${dropped} dropped`);
  expect(Number(dropped)).toBeGreaterThan(0);
  render(null, container);
});
