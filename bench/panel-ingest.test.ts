/**
 * The panel with 100,000 frames: how long ingesting them in 50 ms-sized batches and the first render
 * take, how long filters over all of them take, and what the batch messages cost on the wire.
 * Prints figures; asserts only that the work was done, never a time.
 */
import { expect, it } from "vitest";
import { h, render } from "preact";
import { act } from "preact/test-utils";
import { FramesView } from "../src/panel/FramesView";
import { createModel, reduce } from "../src/panel/model";
import { NO_FILTER, compileFilter, FilteredFrames } from "../src/panel/frame-filter";
import { envelope, type FrameRecord, type PageToPanel, type RecorderEvent } from "../src/shared/protocol";

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

it("ingest, first render and filter of 100,000 frames", async () => {
  const all = frames();
  const batches: ReturnType<typeof envelope<PageToPanel, "events">>[] = [];
  for (let i = 0; i < N; i += BATCH) {
    const events: RecorderEvent[] = all.slice(i, i + BATCH).map((frame) => ({ kind: "frame", frame }));
    batches.push(envelope<PageToPanel, "events">("lifeguard-page", "events", { events }));
  }
  const wire = batches.reduce((n, b) => n + JSON.stringify(b).length, 0);
  console.log(`batch messages: ${(wire / N).toFixed(1)} bytes per frame (JSON.stringify length, ${BATCH} frames a batch)`);

  let model = reduce(createModel(), {
    ...envelope<PageToPanel, "snapshot">("lifeguard-page", "snapshot", {
      frameUrl: "https://app.test/",
      sockets: [{ info: { id: "a:1", url: "wss://app.test/ws", protocols: [], frameUrl: "https://app.test/", topFrame: true, createdAt: 1_700_000_000_000 }, state: "open", protected: false, framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0, lastSeq: 0, events: [] }],
    }),
  });
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
  model = reduce(model, envelope<PageToPanel, "events">("lifeguard-page", "events", { events: extra }));
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
