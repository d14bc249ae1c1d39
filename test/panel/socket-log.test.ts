import { describe, expect, it } from "vitest";
import { SocketLog } from "../../src/panel/socket-log";
import { createModel, reduce } from "../../src/panel/model";
import { eventsMessage, snapshotMessage, socketSnapshot } from "../support/messages";
import { frame, frameEvents } from "./frames-support";
import type { FrameRecord } from "../../src/shared/protocol";

describe("SocketLog: 100k frames cheaply", () => {
  it("keeps the records it is given (no copies), appended in place", () => {
    const log = new SocketLog();
    const records = Array.from({ length: 100_000 }, (_, i) => frame("a:1", i + 1));
    const array = log.frames;
    for (const r of records) log.appendFrame(r);
    expect(log.frames).toBe(array);
    expect(log.frames).toHaveLength(100_000);
    expect(log.frames[12_345]).toBe(records[12_345]);
    expect(log.framesOf("a:1")).toHaveLength(100_000);
    expect(log.version).toBe(100_000);
  });

  it("the reducer appends a batch without copying the frames before it", () => {
    let model = reduce(createModel(), snapshotMessage([socketSnapshot("a:1")]));
    model = reduce(model, eventsMessage(frameEvents(Array.from({ length: 100_000 }, (_, i) => frame("a:1", i + 1)))));
    const frames = model.log.frames;
    const first = frames[0];
    const batch = frameEvents([frame("a:1", 100_001), frame("a:1", 100_002)]);
    const next = reduce(model, eventsMessage(batch));
    expect(next).not.toBe(model);
    expect(next.log).toBe(model.log);
    expect(next.log.frames).toBe(frames);
    expect(next.log.frames[0]).toBe(first);
    expect(next.log.frames.at(-1)).toBe((batch[1] as { frame: unknown }).frame);
    expect(next.logVersion).toBeGreaterThan(model.logVersion);
    expect(next.sockets.get("a:1")!.framesOut + next.sockets.get("a:1")!.framesIn).toBe(100_002);
  });

  it("is idempotent by (socket, seq): a snapshot that repeats events adds only what is new", () => {
    let model = reduce(createModel(), snapshotMessage([socketSnapshot("a:1")]));
    model = reduce(model, eventsMessage(frameEvents([frame("a:1", 1), frame("a:1", 2)])));
    model = reduce(model, snapshotMessage([socketSnapshot("a:1", { lastSeq: 3, framesOut: 2, framesIn: 1, events: frameEvents([frame("a:1", 1), frame("a:1", 2), frame("a:1", 3)]) })]));
    expect(model.log.frames.map((f) => f.seq)).toEqual([1, 2, 3]);
  });

  it("takes a snapshot's frames that fill a gap the live batches left (a port that went down), only those", () => {
    const log = new SocketLog();
    for (const seq of [1, 2, 6, 7]) expect(log.appendFrame(frame("a:1", seq))).toBe(true);
    // 3..5 never came; a snapshot brings 2..7: only the missing ones are new.
    const added = [2, 3, 4, 5, 6, 7].filter((seq) => log.appendFrame(frame("a:1", seq)));
    expect(added).toEqual([3, 4, 5]);
    expect(log.appendFrame(frame("a:1", 4))).toBe(false);
    log.sortFramesByTime();
    expect(log.frames.map((f) => f.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // A socket first heard mid-stream (its ring older than the panel) takes its older frames later too.
    expect(log.appendFrame(frame("b:1", 50))).toBe(true);
    expect(log.appendFrame(frame("b:1", 10))).toBe(true);
    // After a clear, nothing from before it comes back, missing or not.
    expect(log.appendFrame(frame("b:1", 60))).toBe(true);
    log.clear();
    expect(log.appendFrame(frame("b:1", 55))).toBe(false);
    expect(log.appendFrame(frame("b:1", 11))).toBe(false);
  });

  it("dedupes lifecycle events and keeps them in time order", () => {
    const log = new SocketLog();
    log.appendEvent({ kind: "state", t: 20, socket: "a:1", state: "open" });
    expect(log.appendEvent({ kind: "state", t: 20, socket: "a:1", state: "open" })).toBe(false);
    log.appendEvent({ kind: "state", t: 10, socket: "a:1", state: "connecting" });
    expect(log.eventsOf("a:1").map((e) => e.t)).toEqual([10, 20]);
  });

  it("a snapshot of several sockets, and one per page frame, reads in time order across sockets", () => {
    // Two page frames answer in turn; each lists its sockets' rings one after the other.
    const top = [frame("a:1", 1, { t: 10 }), frame("a:1", 2, { t: 30 }), frame("a:2", 1, { t: 20 })];
    const child = [frame("b:1", 1, { t: 5 }), frame("b:1", 2, { t: 25 })];
    let model = reduce(createModel(), snapshotMessage([socketSnapshot("a:1", { lastSeq: 2, events: frameEvents(top.slice(0, 2)) }), socketSnapshot("a:2", { lastSeq: 1, events: frameEvents(top.slice(2)) })]));
    model = reduce(model, snapshotMessage([socketSnapshot("b:1", { lastSeq: 2, events: frameEvents(child) })]));
    const log = model.log;
    expect(log.frames.map((f) => `${f.socket}#${f.seq}@${f.t}`)).toEqual(["b:1#1@5", "a:1#1@10", "a:2#1@20", "b:1#2@25", "a:1#2@30"]);
    // Every socket's own list still points at its frames, in seq order.
    for (const id of ["a:1", "a:2", "b:1"]) {
      const seqs = log.framesOf(id).map((i) => log.frames[i]!);
      expect(seqs.every((f) => f.socket === id)).toBe(true);
      expect(seqs.map((f) => f.seq)).toEqual([...seqs.map((f) => f.seq)].sort((x, y) => x - y));
    }
    // Already in order: nothing moves, and indices the views hold stay valid.
    const epoch = log.epoch;
    log.sortFramesByTime();
    expect(log.epoch).toBe(epoch);
  });

  it("clear drops everything but remembers each socket's last seq; removeSockets reindexes", () => {
    const log = new SocketLog();
    for (const f of [frame("a:1", 1), frame("b:1", 1), frame("a:1", 2)]) log.appendFrame(f);
    log.removeSockets((id) => id === "b:1");
    expect(log.frames.map((f) => `${f.socket}#${f.seq}`)).toEqual(["a:1#1", "a:1#2"]);
    expect(log.framesOf("a:1")).toEqual([0, 1]);
    const epoch = log.epoch;
    log.clear();
    expect(log.frames).toHaveLength(0);
    expect(log.epoch).toBeGreaterThan(epoch);
    expect(log.appendFrame(frame("a:1", 2))).toBe(false);
    expect(log.appendFrame(frame("a:1", 3))).toBe(true);
  });
});

describe("SocketLog: the sort a slice at a time", () => {
  /** Rings of `sockets` sockets, one after the other, times interleaved across them, some ties. */
  function rings(sockets: number, each: number, seed: number): FrameRecord[] {
    let x = seed;
    const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const out: FrameRecord[] = [];
    for (let s = 0; s < sockets; s++) {
      let t = Math.floor(next() * 50);
      for (let k = 1; k <= each; k++) out.push(frame(`s:${s}`, k, { t: (t += Math.floor(next() * 3)) }));
    }
    return out;
  }

  it("gives what a stable sort by time gives, each socket's indices rebuilt", () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const log = new SocketLog();
      const given = [frame("early", 1, { t: 0 }), ...rings(7, 40, seed)];
      for (const f of given) log.appendFrame(f);
      expect(log.unsorted).toBe(true);
      log.sortFramesByTime();
      expect(log.frames).toEqual([...given].sort((a, b) => a.t - b.t));
      expect(log.unsorted).toBe(false);
      for (let s = 0; s < 7; s++) expect(log.framesOf(`s:${s}`).map((i) => log.frames[i]!.seq)).toEqual(Array.from({ length: 40 }, (_, k) => k + 1));
    }
  });

  it("changes nothing the views see until its last step, and gives up if the log changes meanwhile", () => {
    const log = new SocketLog();
    for (const f of rings(20, 500, 9)) log.appendFrame(f);
    const frames = log.frames;
    const order = frames.map((f) => f.t);
    const { epoch, version } = log;
    const steps = log.sortSteps();
    let n = 0;
    while (!steps.next().done && ++n < 5);
    expect(n).toBe(5);
    expect(log.frames).toBe(frames);
    expect(log.frames.map((f) => f.t)).toEqual(order);
    expect([log.epoch, log.version]).toEqual([epoch, version]);
    log.appendFrame(frame("late", 1, { t: 1 }));
    while (!steps.next().done);
    expect(log.frames.slice(0, -1).map((f) => f.t)).toEqual(order);
    expect(log.unsorted).toBe(true);
  });

  it("leaves the frames before the earliest one out of order where they are", () => {
    const log = new SocketLog();
    for (let seq = 1; seq <= 1000; seq++) log.appendFrame(frame("a:1", seq, { t: seq }));
    const first = log.frames.slice(0, 990);
    log.appendFrame(frame("b:1", 1, { t: 995 }));
    log.appendFrame(frame("b:2", 1, { t: 990.5 }));
    let steps = 0;
    for (const n of log.sortSteps()) steps += n;
    expect(log.frames.slice(0, 990)).toEqual(first);
    expect(log.frames.slice(989, 993).map((f) => f.t)).toEqual([990, 990.5, 991, 992]);
    // Only the tail was worked on, not the 1,000 frames.
    expect(steps).toBeLessThan(200);
  });
});
