/**
 * The panel's check of each page world's stream of events: a batch after a gap asks that page world
 * for a snapshot, once, and a snapshot that covers the gap closes it.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { StreamTracker } from "../../src/panel/panel-port";
import { eventsMessage, snapshotMessage, stateEvent } from "../support/messages";

const batch = (from: number, to: number, stream = "page") =>
  eventsMessage(Array.from({ length: to - from + 1 }, (_, i) => stateEvent(`${stream}:1`, "open", from + i)), from, stream);

function setup() {
  vi.useFakeTimers();
  const asked: string[] = [];
  const tracker = new StreamTracker(() => Date.now(), (stream) => asked.push(stream));
  return { tracker, asked };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("stream tracker", () => {
  it("asks nothing while batches follow each other", () => {
    const { tracker, asked } = setup();
    tracker.take(batch(1, 5));
    tracker.take(batch(6, 6));
    tracker.take(batch(7, 20));
    expect(asked).toEqual([]);
  });

  it("asks a page world first heard after a gap at once, and only it", () => {
    const { tracker, asked } = setup();
    tracker.take(batch(1, 3, "old"));
    tracker.askedAll();
    // A new document, whose first events went unheard while nobody listened.
    tracker.take(batch(40, 41, "new"));
    expect(asked).toEqual(["new"]);
  });

  it("waits for the answers to a request to every frame before asking about a known stream's gap", () => {
    const { tracker, asked } = setup();
    tracker.take(batch(1, 3));
    tracker.askedAll();
    tracker.take(batch(10, 12)); // 4..9 went missing (a port went down)
    expect(asked).toEqual([]);
    vi.advanceTimersByTime(999);
    expect(asked).toEqual([]);
    vi.advanceTimersByTime(1);
    // Nothing closed it: asked, though no further batch came.
    expect(asked).toEqual(["page"]);
  });

  it("asks at once about a gap after the answer to a request to every frame came (events it did not cover)", () => {
    const { tracker, asked } = setup();
    tracker.take(batch(1, 3));
    tracker.askedAll();
    tracker.take(snapshotMessage([], "", { upTo: 5 }));
    tracker.take(batch(9, 9)); // 6..8 were recorded while the page world was told nobody listened
    expect(asked).toEqual(["page"]);
  });

  it("closes a gap with a snapshot that covers it, once its last part is in", () => {
    const { tracker, asked } = setup();
    tracker.take(batch(1, 3));
    tracker.askedAll();
    tracker.take(batch(10, 12));
    tracker.take(snapshotMessage([], "", { upTo: 12, part: 0, parts: 2 }));
    vi.advanceTimersByTime(500);
    tracker.take(snapshotMessage([], "", { upTo: 12, part: 1, parts: 2 }));
    vi.advanceTimersByTime(5000);
    tracker.take(batch(13, 14));
    expect(asked).toEqual([]);
  });

  it("asks one page world again at most once a second while its gap stays open", () => {
    const { tracker, asked } = setup();
    tracker.take(batch(1, 1));
    tracker.take(batch(5, 5));
    expect(asked).toEqual(["page"]);
    tracker.take(batch(9, 9));
    vi.advanceTimersByTime(500);
    tracker.take(batch(10, 10));
    expect(asked).toEqual(["page"]);
    vi.advanceTimersByTime(500);
    expect(asked).toEqual(["page", "page"]);
  });

  it("does not ask about gaps a relay or the router said it made (a page past its budget)", () => {
    const { tracker, asked } = setup();
    tracker.take(batch(1, 1, "a"));
    tracker.take(batch(1, 1, "b"));
    tracker.dropped("a");
    tracker.take(batch(9, 9, "a"));
    tracker.take(batch(9, 9, "b"));
    expect(asked).toEqual(["b"]);
    vi.advanceTimersByTime(1000);
    tracker.dropped();
    tracker.take(batch(20, 20, "b"));
    vi.advanceTimersByTime(5000);
    expect(asked).toEqual(["b"]);
  });
});
