import { describe, expect, it, vi } from "vitest";
import { BATCH_MS, MAX_BINARY_PREVIEW, MAX_PENDING_CHARS, MAX_SNAPSHOT_CHARS, PREVIEW_SLAB, Recorder, describePayload, frameMark, toHex } from "../../src/page/recorder";
import { utf8Length } from "../../src/shared/settings";
import { LIMITS, envelope, isPageToPanel, type PageToPanel, type RecorderEvent, type SocketInfo, type SocketSnapshot } from "../../src/shared/protocol";
import { FRAME_BUDGET } from "../../src/shared/budget";

const info = (id: string): SocketInfo => ({ id, url: `ws://x/${id}`, protocols: [], frameUrl: "http://x/", topFrame: true, createdAt: 1 });

function setup() {
  vi.useFakeTimers();
  const rec = new Recorder({ now: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms) });
  const batches: RecorderEvent[][] = [];
  /** Each batch's event numbers, [from, to]. */
  const numbers: [number, number][] = [];
  rec.connect((events, from, to) => {
    batches.push(events);
    numbers.push([from, to]);
  });
  rec.setListening(true);
  return { rec, batches, numbers };
}

/** A snapshot part as the page world sends it. */
const snapshotOf = (sockets: SocketSnapshot[]) =>
  envelope<PageToPanel, "snapshot">("lifeguard-page", "snapshot", { stream: "s", upTo: 0, part: 0, parts: 1, frameUrl: "", sockets });

/** One more frame of socket s:1 goes in a batch of its own, BATCH_MS later and not sooner. */
function nextFrameWaitsForTheTimer(rec: Recorder, batches: RecorderEvent[][]): void {
  const before = batches.length;
  rec.frame("s:1", "out", "again");
  vi.advanceTimersByTime(BATCH_MS - 1);
  expect(batches).toHaveLength(before);
  vi.advanceTimersByTime(1);
  expect(batches).toHaveLength(before + 1);
  expect(batches.at(-1)).toHaveLength(1);
}

describe("page recorder", () => {
  it("sends events in batches, at most one message per BATCH_MS, never one per frame", () => {
    const { rec, batches } = setup();
    rec.created(info("s:1"));
    for (let i = 0; i < 1000; i++) rec.frame("s:1", "in", `m${i}`);
    expect(batches).toHaveLength(0);
    vi.advanceTimersByTime(BATCH_MS);
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(1001);
    nextFrameWaitsForTheTimer(rec, batches);
    vi.useRealTimers();
  });

  it("sends a batch early once its previews reach MAX_PENDING_CHARS, so one message stays a few MiB", () => {
    const { rec, batches } = setup();
    rec.created(info("s:1"));
    // Text counts its characters; binary its hex preview, two characters a byte (8 KiB kept a frame).
    for (const [data, chars] of [
      ["x".repeat(65_536), 65_536],
      [new Uint8Array(MAX_BINARY_PREVIEW * 2).buffer, MAX_BINARY_PREVIEW * 2],
    ] as const) {
      const n = MAX_PENDING_CHARS / chars;
      const before = batches.length;
      for (let i = 0; i < n - 1; i++) rec.frame("s:1", "in", data);
      expect(batches).toHaveLength(before);
      rec.frame("s:1", "in", data);
      // Sent at once, without waiting for the timer.
      expect(batches).toHaveLength(before + 1);
      expect(batches.at(-1)!.filter((e) => e.kind === "frame")).toHaveLength(n);
    }
    // The count starts again.
    nextFrameWaitsForTheTimer(rec, batches);
    vi.useRealTimers();
  });

  it("gives its snapshot in parts of at most MAX_SNAPSHOT_CHARS: Chrome drops a message past 64 MiB whole", () => {
    const { rec } = setup();
    rec.setListening(false);
    rec.setLimits({ maxFramesPerSocket: 100, maxPreviewBytes: 16 << 20 });
    expect(rec.takeSnapshotParts().parts).toEqual([[]]);
    rec.created(info("s:1"));
    rec.created(info("s:2"));
    rec.created(info("s:3"));
    const chunk = "z".repeat(MAX_SNAPSHOT_CHARS / 4);
    for (let i = 0; i < 10; i++) rec.frame("s:1", i % 2 ? "out" : "in", chunk + i);
    rec.frame("s:2", "in", "small");
    const whole = rec.takeSnapshot();
    const { parts } = rec.takeSnapshotParts();
    expect(parts.length).toBeGreaterThan(2);
    for (const part of parts) {
      const chars = part.flatMap((s) => s.events).reduce((n, e) => n + (e.kind === "frame" ? e.frame.preview.length : 0), 0);
      expect(chars).toBeLessThanOrEqual(MAX_SNAPSHOT_CHARS);
      expect(isPageToPanel(snapshotOf(part))).toBe(true);
    }
    // Each socket's counters in every part it is in; its events, run after run, are all of it, in order.
    for (const snap of whole) {
      const pieces = parts.flat().filter((s) => s.info.id === snap.info.id);
      expect(pieces.length).toBeGreaterThan(0);
      for (const piece of pieces) expect({ ...piece, events: [] }).toEqual({ ...snap, events: [] });
      expect(pieces.flatMap((p) => p.events)).toEqual(snap.events);
    }
    expect(parts.flat().filter((s) => s.info.id === "s:1").length).toBeGreaterThan(2);
    // One frame bigger than a part goes alone.
    rec.frame("s:3", "in", "w".repeat(2000));
    const alone = rec.takeSnapshotParts(1000).parts.find((part) => part.some((s) => s.events.some((e) => e.kind === "frame" && e.frame.preview.length === 2000)))!;
    expect(alone.flatMap((s) => s.events).filter((e) => e.kind === "frame")).toHaveLength(1);
  });

  it("gives a ring of more events than the guard takes per snapshot in parts the guard takes, in order", () => {
    const { rec } = setup();
    rec.setListening(false);
    rec.setLimits({ maxFramesPerSocket: 4 * LIMITS.eventsPerBatch, maxPreviewBytes: 65_536 });
    rec.created(info("s:1"));
    rec.created(info("s:2"));
    const n = 3 * LIMITS.eventsPerBatch + 10;
    for (let i = 0; i < n; i++) rec.frame("s:1", "in", `m${i}`);
    rec.frame("s:2", "in", "other");
    const whole = rec.takeSnapshot();
    expect(isPageToPanel(snapshotOf(whole))).toBe(false);
    const { parts } = rec.takeSnapshotParts();
    expect(parts.length).toBe(4);
    for (const sockets of parts) expect(isPageToPanel(snapshotOf(sockets))).toBe(true);
    expect(parts.flat().filter((s) => s.info.id === "s:1").flatMap((s) => s.events)).toEqual(whole[0]!.events);
    // Any bound on events: parts of at most that many, each socket in a part counting as one, the runs in order.
    const small = rec.takeSnapshotParts(MAX_SNAPSHOT_CHARS, 700).parts;
    for (const part of small) expect(part.reduce((k, s) => k + s.events.length + 1, 0)).toBeLessThanOrEqual(700);
    expect(small.flat().flatMap((s) => s.events)).toEqual(whole.flatMap((s) => s.events));
  });

  it("numbers every event it records, heard or not: batches say which, a snapshot up to which", () => {
    const { rec, batches, numbers } = setup();
    rec.created(info("s:1"));
    rec.frame("s:1", "in", "a");
    vi.advanceTimersByTime(BATCH_MS);
    expect(numbers).toEqual([[1, 2]]);
    // Unheard: kept in the ring (columns for frames, objects for others), numbered all the same.
    rec.setListening(false);
    rec.frame("s:1", "in", "b");
    rec.state("s:1", "open");
    rec.setListening(true);
    rec.frame("s:1", "out", "c");
    rec.frame("s:1", "out", "d");
    vi.advanceTimersByTime(BATCH_MS);
    // The panel sees 3 and 4 missing: the batch starts at 5.
    expect(numbers.at(-1)).toEqual([5, 6]);
    expect(batches.at(-1)).toHaveLength(2);
    rec.frame("s:1", "in", "e");
    const { upTo } = rec.takeSnapshotParts();
    expect(upTo).toBe(7);
    // What was pending is in the snapshot; the next batch goes on from there.
    rec.frame("s:1", "in", "f");
    vi.advanceTimersByTime(BATCH_MS);
    expect(numbers.at(-1)).toEqual([8, 8]);
    vi.useRealTimers();
  });

  it("cuts a preview to what may cross as the frame leaves the page, and keeps its true size", () => {
    const { rec, batches } = setup();
    rec.setLimits({ maxFramesPerSocket: 10, maxPreviewBytes: 4 << 20 });
    rec.created(info("s:1"));
    const big = "q".repeat(LIMITS.previewLength + 5);
    rec.frame("s:1", "in", big);
    vi.advanceTimersByTime(BATCH_MS);
    const live = batches.flat().find((e) => e.kind === "frame")!;
    expect(live).toMatchObject({ frame: { size: big.length, truncated: true } });
    expect((live as Extract<RecorderEvent, { kind: "frame" }>).frame.preview).toHaveLength(LIMITS.previewLength);
    // Unheard, the ring keeps what the settings say; the snapshot cuts it too.
    rec.setListening(false);
    rec.frame("s:1", "in", big);
    const frames = rec.takeSnapshot()[0]!.events.filter((e) => e.kind === "frame");
    for (const e of frames) expect(e.frame.preview).toHaveLength(LIMITS.previewLength);
    expect(frames.every((e) => e.frame.truncated)).toBe(true);
    vi.useRealTimers();
  });

  it("keeps a snapshot within what one answer may carry: the oldest frames go, counters stay", () => {
    const { rec } = setup();
    rec.setListening(false);
    const room = Math.floor(FRAME_BUDGET.answer.events * 0.9);
    rec.setLimits({ maxFramesPerSocket: room + 1000, maxPreviewBytes: 65_536 });
    rec.created(info("s:1"));
    rec.created(info("s:2"));
    for (let i = 0; i < room / 2 + 500; i++) {
      rec.frame("s:1", "in", `a${i}`);
      rec.frame("s:2", "in", `b${i}`);
    }
    const { parts } = rec.takeSnapshotParts();
    const sent = parts.flat();
    // As the relay weighs it: each part a socket is in counts it once more.
    const events = sent.reduce((k, s) => k + s.events.length, 0) + sent.length;
    expect(events).toBeLessThanOrEqual(FRAME_BUDGET.answer.events);
    expect(events).toBeGreaterThan(room - 10);
    // The newest of each socket are there; the counters are the whole.
    const frames = (id: string) => sent.filter((s) => s.info.id === id).flatMap((s) => s.events).filter((e) => e.kind === "frame");
    expect(frames("s:1").at(-1)!.frame.preview).toBe(`a${room / 2 + 499}`);
    expect(frames("s:2").at(-1)!.frame.preview).toBe(`b${room / 2 + 499}`);
    expect(frames("s:1")[0]!.frame.preview).not.toBe("a0");
    expect(sent.find((s) => s.info.id === "s:1")!.framesIn).toBe(room / 2 + 500);
    // The lifecycle is kept whole.
    expect(sent.filter((s) => s.info.id === "s:1").flatMap((s) => s.events).filter((e) => e.kind === "created")).toHaveLength(1);
  });

  it("posts nothing while no panel listens, yet keeps everything for the snapshot a panel asks for", () => {
    const { rec, batches } = setup();
    rec.setListening(false);
    rec.created(info("s:1"));
    for (let i = 0; i < 100; i++) rec.frame("s:1", "in", `m${i}`);
    vi.advanceTimersByTime(BATCH_MS * 3);
    expect(batches).toHaveLength(0);
    expect(rec.takeSnapshot()[0]!.events).toHaveLength(101);
    rec.setListening(true);
    rec.frame("s:1", "out", "now");
    vi.advanceTimersByTime(BATCH_MS);
    expect(batches).toEqual([[expect.objectContaining({ kind: "frame" })]]);
    vi.useRealTimers();
  });

  it("counts UTF-8 bytes exactly, for frames the ring forgot, frames still in it and frames a panel got", () => {
    const { rec, batches } = setup();
    rec.setListening(false);
    rec.setLimits({ maxFramesPerSocket: 5, maxPreviewBytes: 65_536 });
    rec.created(info("s:1"));
    const inbound = ["a", "é", "€", "😀", "x".repeat(300), "ü€", "lone \ud800", ""];
    const outbound = ["hi", "日本語", "✓✓"];
    for (const m of inbound) rec.frame("s:1", "in", m);
    for (const m of outbound) rec.frame("s:1", "out", m);
    rec.setListening(true);
    rec.frame("s:1", "out", "ß");
    vi.advanceTimersByTime(BATCH_MS);
    const sum = (xs: string[]) => xs.reduce((n, m) => n + utf8Length(m), 0);
    const [snap] = rec.takeSnapshot();
    expect(snap).toMatchObject({ framesIn: 8, framesOut: 4, bytesIn: sum(inbound), bytesOut: sum([...outbound, "ß"]) });
    expect(sum(inbound)).toBe(1 + 2 + 3 + 4 + 300 + 5 + 8 + 0);
    // Every frame that leaves the page carries its measured size.
    for (const e of [...snap!.events, ...batches.flat()]) if (e.kind === "frame") expect(e.frame.size).toBe(utf8Length(e.frame.preview));
    // A second snapshot counts nothing twice.
    expect(rec.takeSnapshot()[0]).toMatchObject({ bytesIn: sum(inbound), bytesOut: sum([...outbound, "ß"]) });
    // Nor does shrinking the ring.
    rec.setLimits({ maxFramesPerSocket: 1, maxPreviewBytes: 65_536 });
    expect(rec.takeSnapshot()[0]).toMatchObject({ bytesIn: sum(inbound), bytesOut: sum([...outbound, "ß"]) });
    vi.useRealTimers();
  });

  it("keeps the same history whether or not a panel listens: a late snapshot equals the batches a panel got", () => {
    const script = (rec: Recorder) => {
      rec.created(info("s:1"));
      rec.state("s:1", "open");
      for (let i = 0; i < 30; i++) {
        rec.frame("s:1", i % 2 ? "out" : "in", i % 3 === 0 ? `text ${i} é` : new Uint8Array([i, 255 - i]).buffer);
        if (i % 7 === 0) rec.record({ kind: "note", t: Date.now(), socket: "s:1", text: `note ${i}` });
      }
      rec.frame("s:1", "in", "x".repeat(50)); // truncated at 16
      rec.frame("s:1", "in", "injected!", frameMark("injected", "delivered"));
      rec.frame("s:1", "out", "ping", frameMark("heartbeat", "held"));
      rec.frame("s:1", "in", new Blob(["abc"]));
      rec.state("s:1", "closed", { code: 1000, reason: "bye", wasClean: true });
    };
    const limits = { maxFramesPerSocket: 100, maxPreviewBytes: 16 };
    vi.useFakeTimers();
    const quiet = new Recorder({ now: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms) });
    quiet.setLimits(limits);
    script(quiet);
    vi.useRealTimers();
    const { rec, batches } = setup();
    rec.setLimits(limits);
    vi.setSystemTime(0);
    script(rec);
    vi.advanceTimersByTime(BATCH_MS);
    vi.useRealTimers();
    const heard = batches.flat();
    const [snap] = quiet.takeSnapshot();
    expect(snap!.events.map((e) => ({ ...e, t: 0, ...(e.kind === "frame" ? { frame: { ...e.frame, t: 0 } } : {}) }))).toEqual(
      heard.map((e) => ({ ...e, t: 0, ...(e.kind === "frame" ? { frame: { ...e.frame, t: 0 } } : {}) })),
    );
    expect(heard.length).toBe(1 + 1 + 30 + 5 + 4 + 1);
    const [other] = rec.takeSnapshot();
    expect({ ...snap, events: [] }).toEqual({ ...other, events: [] });
    // A second snapshot of the quiet one is the same again.
    expect(quiet.takeSnapshot()[0]).toEqual(snap);
  });

  it("drops the oldest events past the ring's size, in order, frames and other events alike", () => {
    const { rec } = setup();
    rec.setListening(false);
    rec.setLimits({ maxFramesPerSocket: 7, maxPreviewBytes: 1000 });
    rec.created(info("s:1"));
    for (let i = 1; i <= 40; i++) {
      if (i % 5 === 0) rec.record({ kind: "note", t: i, socket: "s:1", text: `n${i}` });
      else rec.frame("s:1", "in", `f${i}`);
    }
    const names = rec.takeSnapshot()[0]!.events.map((e) => (e.kind === "frame" ? e.frame.preview : e.kind === "note" ? e.text : e.kind));
    expect(names).toEqual(["f34", "n35", "f36", "f37", "f38", "f39", "n40"]);
    rec.setLimits({ maxFramesPerSocket: 3, maxPreviewBytes: 1000 });
    rec.frame("s:1", "out", "last");
    const after = rec.takeSnapshot()[0]!;
    expect(after.events.map((e) => (e.kind === "frame" ? e.frame.preview : e.kind === "note" ? e.text : e.kind))).toEqual(["f39", "n40", "last"]);
    expect(after).toMatchObject({ framesIn: 32, framesOut: 1, bytesIn: 8 * 2 + 24 * 3, bytesOut: 4, lastSeq: 33 });
    vi.useRealTimers();
  });

  it("takes a ring of 0 frames per socket without failing, and still counts", () => {
    const { rec } = setup();
    rec.setListening(false);
    rec.setLimits({ maxFramesPerSocket: 0, maxPreviewBytes: 1000 });
    rec.created(info("s:1"));
    for (let i = 0; i < 5; i++) rec.frame("s:1", "in", `é${i}`);
    const [snap] = rec.takeSnapshot();
    expect(snap).toMatchObject({ framesIn: 5, bytesIn: 15, lastSeq: 5 });
    expect(snap!.events).toHaveLength(1);
    vi.useRealTimers();
  });

  it("hexes a binary preview only when a panel gets the frame, and caps it", () => {
    const { rec, batches } = setup();
    rec.created(info("s:1"));
    rec.frame("s:1", "in", new Uint8Array([1, 255, 16]).buffer);
    rec.frame("s:1", "in", new Uint8Array(1 << 20));
    vi.advanceTimersByTime(BATCH_MS);
    const frames = batches.flat().flatMap((e) => (e.kind === "frame" ? [e.frame] : []));
    expect(frames[0]).toMatchObject({ preview: "01ff10", size: 3, truncated: false });
    expect(frames[1]).toMatchObject({ size: 1 << 20, truncated: true });
    expect(frames[1]!.preview).toHaveLength(MAX_BINARY_PREVIEW * 2);
    vi.useRealTimers();
  });

  it("copies a binary preview when it records the frame: a buffer the page reuses afterwards changes nothing", () => {
    const { rec, batches } = setup();
    rec.setListening(false);
    rec.created(info("s:1"));
    const buf = new Uint8Array([1, 2, 3, 4]);
    rec.frame("s:1", "out", buf.buffer);
    rec.frame("s:1", "out", buf.subarray(1, 3));
    buf.fill(9);
    rec.frame("s:1", "out", buf.buffer);
    const frames = rec.snapshot()[0]!.events.flatMap((e) => (e.kind === "frame" ? [e.frame] : []));
    expect(frames.map((f) => [f.preview, f.size, f.truncated])).toEqual([
      ["01020304", 4, false],
      ["0203", 2, false],
      ["09090909", 4, false],
    ]);
    // The same while a panel listens.
    rec.setListening(true);
    buf.fill(1);
    rec.frame("s:1", "in", buf.buffer);
    buf.fill(2);
    vi.advanceTimersByTime(BATCH_MS);
    const live = batches.flat().flatMap((e) => (e.kind === "frame" ? [e.frame] : []));
    expect(live.map((f) => f.preview)).toEqual(["01010101"]);
    vi.useRealTimers();
  });

  it("keeps the newest binary previews of each socket up to PREVIEW_SLAB bytes, and the size of every frame", () => {
    const { rec } = setup();
    rec.setListening(false);
    rec.setLimits({ maxFramesPerSocket: 100_000, maxPreviewBytes: 65_536 });
    rec.created(info("s:1"));
    rec.created(info("s:2"));
    // Frames of every preview length, each filled with its own index, so a preview read from the wrong
    // place, or half overwritten, shows.
    const sent: Uint8Array[] = [];
    let previewBytes = 0;
    let n = 0;
    while (previewBytes < PREVIEW_SLAB * 2.5) {
      const len = (n * 7919) % (MAX_BINARY_PREVIEW + 100);
      const frame = new Uint8Array(len).fill(n % 251);
      sent.push(frame);
      rec.frame("s:1", "in", frame.buffer);
      previewBytes += Math.min(len, MAX_BINARY_PREVIEW);
      n++;
    }
    rec.frame("s:2", "in", new Uint8Array([7]).buffer);
    const [one, two] = rec.snapshot();
    const frames = one!.events.flatMap((e) => (e.kind === "frame" ? [e.frame] : []));
    expect(frames).toHaveLength(sent.length);
    let kept = 0;
    let keptBytes = 0;
    frames.forEach((f, i) => {
      expect(f.size).toBe(sent[i]!.length);
      const preview = toHex(sent[i]!.subarray(0, MAX_BINARY_PREVIEW));
      if (f.preview === "" && f.truncated) {
        // Lost: only ever older than every frame that kept its preview.
        expect(kept, `frame ${i} lost its preview after a newer one kept it`).toBe(0);
      } else {
        expect(f.preview).toBe(preview);
        expect(f.truncated).toBe(sent[i]!.length > MAX_BINARY_PREVIEW);
        kept++;
        keptBytes += preview.length / 2;
      }
    });
    expect(kept).toBeLessThan(frames.length);
    // What is kept fills the slab but for a record or two (one does not fit before the buffer's end).
    expect(keptBytes).toBeGreaterThan(PREVIEW_SLAB - 2 * (MAX_BINARY_PREVIEW + 2) - 2 * kept);
    expect(keptBytes).toBeLessThanOrEqual(PREVIEW_SLAB);
    // Another socket has its own.
    expect(two!.events.flatMap((e) => (e.kind === "frame" ? [e.frame.preview] : []))).toEqual(["07"]);
    vi.useRealTimers();
  });

  it("keeps a bounded ring per socket but true totals", () => {
    const { rec } = setup();
    rec.setLimits({ maxFramesPerSocket: 100, maxPreviewBytes: 16 });
    rec.created(info("s:1"));
    for (let i = 0; i < 1000; i++) rec.frame("s:1", "in", "x".repeat(40));
    const [snap] = rec.snapshot();
    expect(snap!.events).toHaveLength(100);
    expect(snap!.framesIn).toBe(1000);
    expect(snap!.bytesIn).toBe(40_000);
    expect(snap!.lastSeq).toBe(1000);
    const last = snap!.events.at(-1)!;
    expect(last.kind === "frame" && last.frame).toMatchObject({ seq: 1000, size: 40, preview: "x".repeat(16), truncated: true });
    vi.useRealTimers();
  });

  it("a snapshot taken for the channel drops the pending batch it already contains", () => {
    const { rec, batches } = setup();
    rec.created(info("s:1"));
    rec.frame("s:1", "in", "a");
    const snap = rec.takeSnapshot();
    expect(snap[0]!.framesIn).toBe(1);
    vi.advanceTimersByTime(BATCH_MS);
    expect(batches).toHaveLength(0);
    vi.useRealTimers();
  });

  it("describes payloads as bounded text; binary as hex", () => {
    expect(describePayload("héllo", 100)).toEqual({ opcode: "text", size: 6, preview: "héllo", truncated: false });
    const small = describePayload(new Uint8Array([1, 255, 16]).buffer, 100);
    expect(small).toMatchObject({ opcode: "binary", size: 3, truncated: false });
    expect(toHex(small.bytes!)).toBe("01ff10");
    const big = new Uint8Array(16 * 1024 * 1024);
    const d = describePayload(big, 64);
    expect(d).toMatchObject({ opcode: "binary", size: 16 * 1024 * 1024, truncated: true });
    expect(d.bytes).toHaveLength(32);
    // A truncated text preview is its own string, not a slice that keeps a huge frame alive.
    const text = describePayload("x".repeat(1 << 20), 10);
    expect(text).toMatchObject({ opcode: "text", size: 1 << 20, preview: "x".repeat(10), truncated: true });
    expect(describePayload(new Blob(["abc"]), 64)).toMatchObject({ opcode: "binary", size: 3 });
    expect(describePayload(42, 64)).toMatchObject({ opcode: "text", size: 2, preview: "42" });
  });

  it("counts UTF-8 bytes without encoding", () => {
    for (const s of ["", "abc", "é", "€", "😀", "a😀é€", "\uD800x", "x\uDC00", "\x7f", "\x80", "\uffff", "a".repeat(5000) + "\x80"]) {
      expect(utf8Length(s), JSON.stringify(s)).toBe(new TextEncoder().encode(s).length);
    }
    // Random strings over every range of code units, lone surrogates included.
    let seed = 7;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const ranges = [[0, 0x80], [0x80, 0x800], [0x800, 0xd800], [0xd800, 0xe000], [0xe000, 0x10000]] as const;
    for (let k = 0; k < 500; k++) {
      const units = Array.from({ length: rand(40) }, () => {
        const [lo, hi] = ranges[rand(k % 3 === 0 ? 1 : ranges.length)]!;
        return lo + rand(hi - lo);
      });
      const s = String.fromCharCode(...units);
      expect(utf8Length(s), JSON.stringify(s)).toBe(new TextEncoder().encode(s).length);
    }
  });
});

describe("provenance and fate (DESIGN.md, Records)", () => {
  it("keeps each frame's maker and fate, in the ring and in batches alike, and leaves the defaults out", () => {
    const kinds: [Parameters<typeof frameMark>[0], Parameters<typeof frameMark>[1], "in" | "out"][] = [
      ["page", "delivered", "in"],
      ["page", "sent", "out"],
      ["heartbeat", "sent", "out"],
      ["heartbeat", "hidden-reply", "in"],
      ["resume", "sent", "out"],
      ["resend", "sent", "out"],
      ["injected", "delivered", "in"],
      ["panel", "queued", "out"],
      ["page", "hidden-ack", "in"],
      ["page", "hidden-duplicate", "in"],
      ["page", "held", "in"],
      ["page", "delayed", "out"],
      ["mock", "dropped", "out"],
    ];
    const run = (listening: boolean) => {
      const posted: RecorderEvent[] = [];
      const rec = new Recorder({ now: () => 1, setTimeout: (fn) => (fn(), 0) });
      rec.connect((events) => posted.push(...events));
      rec.setListening(listening);
      rec.created(info("s:1"));
      for (const [from, fate, dir] of kinds) rec.frame("s:1", dir, `${from}/${fate}`, frameMark(from, fate));
      const frames = rec.takeSnapshot()[0]!.events.flatMap((e) => (e.kind === "frame" ? [e.frame] : []));
      return { frames, posted: posted.flatMap((e) => (e.kind === "frame" ? [e.frame] : [])) };
    };
    for (const listening of [false, true]) {
      const { frames, posted } = run(listening);
      expect(frames.map((f) => [f.from ?? "page", f.fate ?? (f.dir === "in" ? "delivered" : "sent"), f.dir])).toEqual(kinds);
      // Defaults are left out: a page's own frame carries neither.
      expect(frames[0]).not.toHaveProperty("from");
      expect(frames[0]).not.toHaveProperty("fate");
      expect(frames[2]).toMatchObject({ from: "heartbeat" });
      expect(frames[2]).not.toHaveProperty("fate");
      if (listening) expect(posted).toEqual(frames);
    }
  });

  it("reads a Blob frame's bytes later, with the reader it was given, and fills its preview in ring and batch", async () => {
    const reads: number[] = [];
    const reader = (blob: Blob, max: number, done: (b: Uint8Array | null) => void) => {
      reads.push(max);
      void blob.slice(0, max).arrayBuffer().then((b) => done(new Uint8Array(b)));
      return true;
    };
    for (const listening of [false, true]) {
      const posted: RecorderEvent[] = [];
      const rec = new Recorder({ now: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms) }, reader);
      rec.connect((events) => posted.push(...events));
      rec.setListening(listening);
      rec.created(info("s:1"));
      rec.frame("s:1", "in", new Blob([new Uint8Array([0xde, 0xad, 0xbe, 0xef])]));
      await new Promise((r) => setTimeout(r, 120));
      const frame = rec.takeSnapshot()[0]!.events.find((e) => e.kind === "frame");
      expect(frame).toMatchObject({ frame: { opcode: "binary", size: 4, preview: "deadbeef", truncated: false } });
      if (listening) expect(posted.find((e) => e.kind === "frame")).toMatchObject({ frame: { preview: "deadbeef" } });
    }
    expect(reads).toEqual([4, 4]);
  });
});

describe("page errors (the stream's own events)", () => {
  it("go in the stream's batches, numbered with the rest, and in no socket's ring nor snapshot", () => {
    const { rec, batches, numbers } = setup();
    rec.created(info("s:1"));
    const t = Date.now();
    rec.pageError("console", "socket lost");
    rec.frame("s:1", "in", "after");
    vi.advanceTimersByTime(BATCH_MS);
    expect(batches[0]!.map((e) => e.kind)).toEqual(["created", "page-error", "frame"]);
    expect(batches[0]![1]).toEqual({ kind: "page-error", t, what: "console", message: "socket lost" });
    expect(numbers).toEqual([[1, 3]]);
    const snapshot = rec.takeSnapshot();
    expect(snapshot[0]!.events.map((e) => e.kind)).toEqual(["created", "frame"]);
    expect(isPageToPanel(snapshotOf(snapshot))).toBe(true);
    // Not heard: counted in the stream all the same, so the next batch says what it missed.
    rec.setListening(false);
    rec.pageError("error", "unheard");
    rec.setListening(true);
    rec.pageError("error", "heard");
    vi.advanceTimersByTime(BATCH_MS);
    expect(numbers.at(-1)).toEqual([5, 5]);
    expect(rec.lastEvent).toBe(5);
    vi.useRealTimers();
  });

  it("count toward a batch's characters, so a flood of long ones is sent early, within bounds", () => {
    const { rec, batches } = setup();
    const n = Math.ceil(MAX_PENDING_CHARS / 1000);
    for (let i = 0; i < n; i++) rec.pageError("console", "x".repeat(1000));
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(n);
    vi.useRealTimers();
  });
});
