/**
 * The page-side recorder: the source of truth for a tab's socket history. A bounded ring of events
 * per socket (so a panel opened late sees history, and a killed service worker loses nothing), and
 * batched delivery: at most one message per `BATCH_MS`, never one per frame.
 */
import { utf8Length } from "../shared/settings";
import { FATES, LIMITS, PROVENANCES, socketOfEvent, type Fate, type Provenance } from "../shared/protocol";
import { FRAME_BUDGET } from "../shared/budget";
import type {
  FrameRecord,
  PageErrorKind,
  RecorderEvent,
  SocketEvent,
  SocketId,
  SocketInfo,
  SocketSnapshot,
  SocketState,
} from "../shared/protocol";

export const BATCH_MS = 50;

/** Binary frames whose preview is still bytes: hexed when a panel first gets them (see `settle`). */
const unhexed = new WeakMap<FrameRecord, Uint8Array>();

/** Closed sockets kept for the panel beyond this many are forgotten, oldest first. */
const MAX_CLOSED_SOCKETS = 200;
/**
 * A batch is sent early once it holds this many events (a page sending faster than the batch interval):
 * the guard's bound, which keeps parsing one message a short task in the panel (protocol `LIMITS`).
 */
const MAX_PENDING = LIMITS.eventsPerBatch;
/**
 * ... or once its frame previews (binary: hex) and socket URLs reach this many characters, so that one
 * message stays a few MiB: 20,000 frames of 64 KiB were one 1.3 GB message to clone into the relay and
 * then serialize onto the runtime port (Chrome caps an extension message at 64 MiB), and the relay
 * drops a message past `LIMITS.charsPerMessage`.
 */
export const MAX_PENDING_CHARS = 2 << 20;
/** A snapshot goes in messages of at most this many characters (see `takeSnapshotParts`). */
export const MAX_SNAPSHOT_CHARS = 2 << 20;

export interface RecordLimits {
  maxFramesPerSocket: number;
  maxPreviewBytes: number;
}

export const DEFAULT_LIMITS: RecordLimits = { maxFramesPerSocket: 10_000, maxPreviewBytes: 65_536 };

interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
}

/**
 * Reads up to `max` bytes from the start of a Blob and calls `done` with them (null: unreadable).
 * False when it could not even start. The page's event is never delayed for it: a Blob frame is
 * recorded at once with its size, and its preview filled in when read.
 */
export type BlobReader = (blob: Blob, max: number, done: (bytes: Uint8Array | null) => void) => boolean;

/** A batch waits at most this long for Blob previews being read. */
const BLOB_WAIT_MS = 200;

/** Flags of a slot of `History` that holds a frame in columns (0: the slot holds an event object). */
const COLUMN = 1;
const OUT = 2;
const BINARY = 4;
const TRUNCATED = 8;
/** Bits 4-6: who made the frame (an index into PROVENANCES); bits 7-10: its fate (1 + an index into FATES; 0: the default). */
const MARK_SHIFT = 4;

/**
 * A frame's provenance and fate as one small number for `frameOf` (DESIGN.md, "Records"): 0 is the
 * page's own frame, delivered or sent. Made by table lookup: the hot path allocates nothing.
 */
export function frameMark(from: Provenance, fate: Fate): number {
  const f = fate === "delivered" || fate === "sent" ? 0 : FATE_CODE[fate];
  return PROVENANCE_CODE[from] | (f << 3);
}
const PROVENANCE_CODE = Object.fromEntries(PROVENANCES.map((p, i) => [p, i])) as Record<Provenance, number>;
const FATE_CODE = Object.fromEntries(FATES.map((f, i) => [f, i + 1])) as Record<Fate, number>;

/** A frame as `History` keeps it: columns, no object (see History). */
interface FrameColumns {
  flags: number;
  seq: number;
  t: number;
  size: number;
  /**
   * Text preview; or a binary frame's first bytes, hexed when the frame leaves the page: copied bytes
   * (a frame made for a listening panel), or their place in the socket's `PreviewSlab`.
   */
  data: string | Uint8Array | number;
}

/** Binary previews kept per socket, in bytes: the newest previews of 128 frames of 8 KiB, or more smaller ones. */
export const PREVIEW_SLAB = 1 << 20;

/**
 * A socket's binary previews, copied into one buffer that wraps around, instead of an ArrayBuffer per
 * frame. Each of those was an allocation V8 counts as external memory; 10,000 of 8 KiB in a ring made
 * it collect again and again, and a 64 KiB binary echo cost 5 % more page CPU than without previews
 * (docs/benchmark-rounds.md, the third round). The buffer keeps the newest `PREVIEW_SLAB` bytes;
 * a frame older than that keeps its size and loses its preview, like a `Blob` frame.
 */
class PreviewSlab {
  private buf = new Uint8Array(0);
  /** Bytes ever written, as positions on an endless tape; the buffer holds the last `buf.length` of it. */
  private end = 0;

  /** Copies `bytes` (at most 65,535) in, behind a 2-byte length; returns where, for `read`. */
  write(bytes: Uint8Array): number {
    const need = bytes.length + 2;
    if (this.end + need > this.buf.length && this.buf.length < PREVIEW_SLAB) this.grow(this.end + need);
    const cap = this.buf.length;
    let at = this.end % cap;
    // A record that does not fit before the end of the buffer starts the next lap.
    if (at + need > cap) {
      this.end += cap - at;
      at = 0;
    }
    const pos = this.end;
    this.buf[at] = bytes.length & 0xff;
    this.buf[at + 1] = bytes.length >> 8;
    this.buf.set(bytes, at + 2);
    this.end += need;
    return pos;
  }

  /** A copy of what `write` put at `pos`, or null once newer previews have overwritten it. */
  read(pos: number): Uint8Array | null {
    const cap = this.buf.length;
    if (pos < this.end - cap) return null;
    const at = pos % cap;
    const length = this.buf[at]! | (this.buf[at + 1]! << 8);
    return this.buf.slice(at + 2, at + 2 + length);
  }

  /** Only before the buffer first wraps (it grows up to PREVIEW_SLAB first), so positions are offsets. */
  private grow(min: number): void {
    let n = Math.max(4096, this.buf.length * 2);
    while (n < min && n < PREVIEW_SLAB) n *= 2;
    const next = new Uint8Array(Math.min(n, PREVIEW_SLAB));
    next.set(this.buf);
    this.buf = next;
  }
}

/**
 * One socket's ring of recorded events. Frames recorded while no panel listens (nearly all of them)
 * are kept in columns: no object per frame, which the garbage collector would have to promote and
 * then trace for as long as the ring keeps it. An object is made when the frame leaves the page.
 * Other events, and frames already made into objects for a listening panel, are kept as they are.
 */
class History {
  private flags = new Uint16Array(0);
  private seq = new Float64Array(0);
  private t = new Float64Array(0);
  private size = new Float64Array(0);
  private data: unknown[] = [];
  private start = 0;
  private length = 0;

  private capacity: number;

  constructor(capacity: number) {
    // `record.maxFramesPerSocket: 0` keeps the latest event only, as a resize to 0 does.
    this.capacity = Math.max(1, capacity);
  }

  pushEvent(event: RecorderEvent): void {
    this.data[this.slot()] = event;
  }

  pushFrame(flags: number, seq: number, t: number, size: number, data: string | number): void {
    const i = this.slot();
    this.flags[i] = flags | COLUMN;
    this.seq[i] = seq;
    this.t[i] = t;
    this.size[i] = size;
    this.data[i] = data;
  }

  /** A frame's preview read later (a Blob): the slot of frame `seq`, if the ring still holds it, gets it. */
  fillPreview(seq: number, data: number, whole: boolean): void {
    for (let k = this.length - 1; k >= 0; k--) {
      const i = (this.start + k) % this.capacity;
      if (!(this.flags[i]! & COLUMN) || this.seq[i] !== seq) continue;
      this.data[i] = data;
      if (whole) this.flags[i] = this.flags[i]! & ~TRUNCATED;
      return;
    }
  }

  /** Every slot, oldest first. */
  entries(): (FrameColumns | RecorderEvent)[] {
    const out: (FrameColumns | RecorderEvent)[] = [];
    for (let k = 0; k < this.length; k++) out.push(this.read((this.start + k) % this.capacity));
    return out;
  }

  resize(capacity: number): void {
    const all = this.entries();
    this.capacity = Math.max(1, capacity);
    this.flags = new Uint16Array(0);
    this.seq = new Float64Array(0);
    this.t = new Float64Array(0);
    this.size = new Float64Array(0);
    this.data = [];
    this.start = 0;
    this.length = 0;
    for (const e of all) {
      if ("kind" in e) this.pushEvent(e);
      else this.pushFrame(e.flags, e.seq, e.t, e.size, e.data as string | number);
    }
  }

  private read(i: number): FrameColumns | RecorderEvent {
    if (!(this.flags[i]! & COLUMN)) return this.data[i] as RecorderEvent;
    return { flags: this.flags[i]!, seq: this.seq[i]!, t: this.t[i]!, size: this.size[i]!, data: this.data[i] as string | number };
  }

  /** The index to write next: the ring grows (doubling) up to its capacity, then overwrites the oldest. */
  private slot(): number {
    if (this.length < this.capacity) {
      if (this.length === this.flags.length) this.grow();
      // Not yet full: `start` is still 0 (see grow).
      const i = this.length++;
      this.flags[i] = 0;
      return i;
    }
    const i = this.start;
    this.flags[i] = 0;
    this.start = i + 1 === this.capacity ? 0 : i + 1;
    return i;
  }

  /** Only while not yet full, so the slots are 0..length-1 from `start` 0. */
  private grow(): void {
    const n = Math.min(this.capacity, Math.max(16, this.flags.length * 2));
    const flags = new Uint16Array(n);
    flags.set(this.flags);
    const seq = new Float64Array(n);
    seq.set(this.seq);
    const t = new Float64Array(n);
    t.set(this.t);
    const size = new Float64Array(n);
    size.set(this.size);
    this.flags = flags;
    this.seq = seq;
    this.t = t;
    this.size = size;
  }
}

interface SocketRecord {
  info: SocketInfo;
  state: SocketState;
  protected: boolean;
  seq: number;
  framesIn: number;
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
  events: History;
  /** Made with the socket's first binary frame recorded while no panel listens. */
  previews: PreviewSlab | null;
}

/** A socket's byte totals, by direction. */
function addBytes(rec: SocketRecord, out: boolean, size: number): void {
  if (out) rec.bytesOut += size;
  else rec.bytesIn += size;
}

/** A socket's entry in the recorder, handed out by `created` so that the hot path needs no lookup. */
export type SocketLog = SocketRecord;

/** A batch for the panel: the stream's events numbered `from` to `to`, every one of them. */
export type Post = (events: RecorderEvent[], from: number, to: number) => void;

/** A snapshot for the channel: the stream's state after its event `upTo`, in parts. */
export interface SnapshotParts {
  upTo: number;
  parts: SocketSnapshot[][];
}

export class Recorder {
  private readonly sockets = new Map<SocketId, SocketRecord>();
  /** Events recorded so far: each one's number in the stream (see protocol `StreamId`). */
  private count = 0;
  private pending: RecorderEvent[] = [];
  /** The number of `pending[0]`. */
  private pendingFrom = 1;
  /** Preview characters in `pending` (see MAX_PENDING_CHARS). */
  private pendingChars = 0;
  private listening = false;
  private flushScheduled = false;
  private post: Post | null = null;
  /** Set while the panel asked to pause: counters still count, nothing is posted. */
  limits: RecordLimits = DEFAULT_LIMITS;

  /** Blob frames being read for their preview; batches wait for them a little (see `flush`). */
  private blobsReading = 0;
  private flushWaitedSince = 0;

  constructor(
    private readonly timers: Timers,
    /** Reads a Blob's first bytes with the browser's own methods (captured at install), or null: sizes only. */
    private readonly blobs: BlobReader | null = null,
  ) {}

  created(info: SocketInfo): SocketLog {
    const rec: SocketRecord = {
      info,
      state: "connecting",
      protected: false,
      seq: 0,
      framesIn: 0,
      framesOut: 0,
      bytesIn: 0,
      bytesOut: 0,
      events: new History(this.limits.maxFramesPerSocket),
      previews: null,
    };
    this.sockets.set(info.id, rec);
    this.push({ kind: "created", t: info.createdAt, socket: info }, rec);
    this.forgetOldClosed();
    return rec;
  }

  state(socket: SocketId, state: SocketState, extra?: Partial<Extract<RecorderEvent, { kind: "state" }>>): void {
    this.record({ ...extra, kind: "state", t: this.timers.now(), socket, state });
  }

  setProtected(socket: SocketId, value: boolean, detail: { rule?: string; strategy?: string; reason?: string; protocol?: string } = {}): void {
    const rec = this.sockets.get(socket);
    if (!rec || rec.protected === value) return;
    rec.protected = value;
    this.record({ kind: "protection", t: this.timers.now(), socket, protected: value, ...detail });
  }

  frame(socket: SocketId, dir: "in" | "out", data: unknown, mark = 0, rule?: number, pause?: number): void {
    const rec = this.sockets.get(socket);
    if (rec) this.frameOf(rec, dir === "out", data, mark, rule, pause);
  }

  /**
   * `frame`, for the page world's hot path: every frame of every socket comes here. `mark`: see
   * `frameMark`; `rule`, `pause`: the frame rule that touched it and its breakpoint (protocol
   * `FrameRecord`). A frame a rule touched is kept as an object rather than in columns: such frames
   * are few, and the columns stay as small as they were for every other frame.
   */
  frameOf(rec: SocketLog, out: boolean, data: unknown, mark = 0, rule?: number, pause?: number): void {
    const max = this.limits.maxPreviewBytes;
    let flags = (out ? OUT : 0) | (mark << MARK_SHIFT);
    let size: number;
    let preview: string | Uint8Array;
    let blob: Blob | null = null;
    if (typeof data === "string" && data.length <= max) {
      // The common case: the payload is its own preview. Measured now, while the string is in the CPU's
      // cache: measured when the ring dropped it, 10,000 frames later, the scan was a cache miss per
      // 64 bytes and cost an echo of 1 KiB 1-3 us (docs/benchmark-rounds.md, the third round).
      size = utf8Length(data);
      preview = data;
    } else {
      const d = describePayload(data, max);
      size = d.size;
      preview = d.bytes ?? d.preview;
      if (d.opcode === "binary") flags |= BINARY;
      if (d.truncated) flags |= TRUNCATED;
      if (d.blob && size > 0 && this.blobs) blob = data as Blob;
    }
    if (out) rec.framesOut++;
    else rec.framesIn++;
    addBytes(rec, out, size);
    const seq = ++rec.seq;
    const t = this.timers.now();
    if (!this.listening && rule === undefined) {
      this.count++;
      // Binary: `preview` is a view of the payload, which the page may reuse; its bytes are copied.
      rec.events.pushFrame(flags, seq, t, size, typeof preview === "string" ? preview : (rec.previews ??= new PreviewSlab()).write(preview));
      if (blob) this.readBlob(blob, size, (bytes) => rec.events.fillPreview(seq, (rec.previews ??= new PreviewSlab()).write(bytes), bytes.length >= size));
      return;
    }
    let kept = typeof preview === "string" ? preview : preview.slice();
    if (typeof kept === "string" && kept.length > LIMITS.previewLength) {
      kept = wirePreview(kept);
      flags |= TRUNCATED;
    }
    const chars = typeof kept === "string" ? kept.length : kept.length * 2;
    const frame = this.frameRecord(rec, { flags, seq, t, size, data: kept });
    if (rule !== undefined) frame.rule = rule;
    if (pause !== undefined) frame.pause = pause;
    this.push({ kind: "frame", frame }, rec, chars);
    if (blob) {
      this.readBlob(blob, size, (bytes) => {
        // Too late for its batch (it waited BLOB_WAIT_MS): a snapshot still has it.
        if (frame.preview !== "") return;
        unhexed.set(frame, bytes);
        frame.truncated = bytes.length < size;
      });
    }
  }

  /** Starts reading a Blob frame's preview; `fill` runs when the bytes are there. */
  private readBlob(blob: Blob, size: number, fill: (bytes: Uint8Array) => void): void {
    const max = Math.min(this.limits.maxPreviewBytes >> 1, MAX_BINARY_PREVIEW, size);
    this.blobsReading++;
    const started = this.blobs!(blob, max, (bytes) => {
      this.blobsReading--;
      if (bytes) fill(bytes);
    });
    if (!started) this.blobsReading--;
  }

  /** A frame as the panel gets it, from its columns; its binary preview waits to be hexed (see `settle`). */
  private frameRecord(rec: SocketRecord, c: FrameColumns): FrameRecord {
    const binary = (c.flags & BINARY) !== 0;
    const bytes = typeof c.data === "number" ? (rec.previews?.read(c.data) ?? null) : c.data;
    const frame: FrameRecord = {
      socket: rec.info.id,
      seq: c.seq,
      t: c.t,
      dir: c.flags & OUT ? "out" : "in",
      opcode: binary ? "binary" : "text",
      size: c.size,
      preview: typeof c.data === "string" ? wirePreview(c.data) : "",
      // A preview the slab no longer holds is gone, as for a Blob: the size stays.
      truncated: (c.flags & TRUNCATED) !== 0 || bytes === null || (typeof c.data === "string" && c.data.length > LIMITS.previewLength),
    };
    const mark = c.flags >> MARK_SHIFT;
    if (mark !== 0) {
      if (mark & 7) frame.from = PROVENANCES[mark & 7];
      if (mark >> 3) frame.fate = FATES[(mark >> 3) - 1];
    }
    if (bytes !== null && typeof bytes !== "string") unhexed.set(frame, bytes);
    return frame;
  }

  /** A ring slot as an event (a frame in columns becomes its object), settled to leave the page. */
  private eventOf(rec: SocketRecord, slot: FrameColumns | RecorderEvent): RecorderEvent {
    if ("kind" in slot) return this.settle(slot);
    return this.settle({ kind: "frame", frame: this.frameRecord(rec, slot) });
  }

  /** The core's RecorderSink. */
  record(event: SocketEvent): void {
    const rec = this.sockets.get(socketOfEvent(event));
    if (rec && event.kind === "state") rec.state = event.state;
    this.push(event, rec);
  }

  /**
   * A page error (protocol `PageErrorEvent`): numbered in the stream and batched like any event, but
   * kept in no ring. The page world records them only while a check watches, for the panel that runs
   * it; nothing later would ask for them.
   */
  pageError(what: PageErrorKind, message: string): void {
    this.push({ kind: "page-error", t: this.timers.now(), what, message }, undefined, message.length);
  }

  snapshot(): SocketSnapshot[] {
    return [...this.sockets.values()].map((r) => {
      const events = r.events.entries().map((slot) => this.eventOf(r, slot));
      return {
        info: r.info,
        state: r.state,
        protected: r.protected,
        framesIn: r.framesIn,
        framesOut: r.framesOut,
        bytesIn: r.bytesIn,
        bytesOut: r.bytesOut,
        lastSeq: r.seq,
        events,
      };
    });
  }

  /** A recorder event as it leaves the page: a binary frame's preview hexed, once per frame. */
  private settle(event: RecorderEvent): RecorderEvent {
    if (event.kind !== "frame") return event;
    const frame = event.frame;
    const bytes = unhexed.get(frame);
    if (bytes) {
      frame.preview = toHex(bytes);
      unhexed.delete(frame);
    }
    return event;
  }

  /** A snapshot for the channel: what is pending is in it, so it is not sent again as events. */
  takeSnapshot(): SocketSnapshot[] {
    this.dropPending();
    return this.snapshot();
  }

  /** The number of the last event recorded: a snapshot taken now is the stream's state after it. */
  get lastEvent(): number {
    return this.count;
  }

  /**
   * `takeSnapshot` in parts, one message each, that the protocol's guards, the relay and Chrome all take:
   * at most `maxChars` characters of previews and socket URLs (one event bigger than that makes a part
   * alone), and at most `LIMITS.eventsPerBatch` events and sockets and `LIMITS.socketsPerSnapshot`
   * sockets. Chrome drops an extension message past 64 MiB whole (a ring of 4,000 frames of 20 KB made a
   * panel opened late show nothing at all), and the guard a snapshot past its bounds. A socket that does
   * not fit one part is in several, each with the socket's counters and the next run of its events; the
   * panel takes them as repeated snapshots. At least one part, empty when there are no sockets.
   */
  takeSnapshotParts(maxChars = MAX_SNAPSHOT_CHARS, maxEvents: number = LIMITS.eventsPerBatch): SnapshotParts {
    const parts: SocketSnapshot[][] = [];
    let part: SocketSnapshot[] = [];
    let chars = 0;
    let count = 0;
    const next = (): void => {
      parts.push(part);
      part = [];
      chars = 0;
      count = 0;
    };
    const snapshot = fitAnswer(this.takeSnapshot());
    const upTo = this.count;
    for (const snap of snapshot) {
      const infoChars = infoLength(snap.info);
      if (part.length >= LIMITS.socketsPerSnapshot || count + 1 > maxEvents || (chars + infoChars > maxChars && chars > 0)) next();
      // Each part a socket is in repeats its info and counts as one event.
      chars += infoChars;
      count += 1;
      const events = snap.events;
      let from = 0;
      for (let i = 0; i < events.length; i++) {
        const weight = charsOf(events[i]!);
        // Split before an event that does not fit, unless the part holds nothing else to send first.
        if ((chars + weight > maxChars && (part.length > 0 || i > from)) || count + 1 > maxEvents) {
          if (i > from) part.push({ ...snap, events: events.slice(from, i) });
          from = i;
          next();
          chars = infoChars;
          count = 1;
        }
        chars += weight;
        count++;
      }
      part.push(from === 0 ? snap : { ...snap, events: events.slice(from) });
    }
    parts.push(part);
    return { upTo, parts };
  }

  /** The channel to the extension is up: batches go there while a panel listens. */
  connect(post: Post): void {
    this.post = post;
    this.dropPending();
  }

  /**
   * Whether a panel is attached. Until one is, events only go into the rings (a panel asks for a
   * snapshot when it attaches), so a page nobody inspects pays for no cross-context traffic.
   */
  setListening(on: boolean): void {
    this.listening = on;
    if (!on) this.dropPending();
  }

  setLimits(limits: RecordLimits): void {
    this.limits = limits;
    for (const rec of this.sockets.values()) rec.events.resize(limits.maxFramesPerSocket);
  }

  private push(event: RecorderEvent, rec: SocketRecord | undefined, chars = 0): void {
    // A page error comes with no socket's record: it goes in no ring (see `pageError`).
    rec?.events.pushEvent(event);
    this.count++;
    if (!this.listening) return;
    if (this.pending.length === 0) this.pendingFrom = this.count;
    this.pending.push(event);
    this.pendingChars += event.kind === "created" ? infoLength(event.socket) : chars;
    // A page faster than the batch interval: send what is there rather than drop events.
    if (this.pending.length >= MAX_PENDING || this.pendingChars >= MAX_PENDING_CHARS) return this.flush();
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      this.timers.setTimeout(() => this.flush(), BATCH_MS);
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    if (!this.post || this.pending.length === 0) return;
    // Blob previews being read (a task or two): the batch waits for them, a little.
    if (this.blobsReading > 0) {
      const now = this.timers.now();
      if (this.flushWaitedSince === 0) this.flushWaitedSince = now;
      if (now - this.flushWaitedSince < BLOB_WAIT_MS) {
        this.flushScheduled = true;
        this.timers.setTimeout(() => this.flush(), 5);
        return;
      }
    }
    this.flushWaitedSince = 0;
    const batch = this.pending;
    const from = this.pendingFrom;
    this.dropPending();
    this.post(batch.map((e) => this.settle(e)), from, from + batch.length - 1);
  }

  private dropPending(): void {
    this.pending = [];
    this.pendingChars = 0;
  }

  private forgetOldClosed(): void {
    let closed = 0;
    for (const rec of this.sockets.values()) if (rec.state === "closed") closed++;
    if (closed <= MAX_CLOSED_SOCKETS) return;
    for (const [id, rec] of this.sockets) {
      if (closed <= MAX_CLOSED_SOCKETS) break;
      if (rec.state === "closed") {
        this.sockets.delete(id);
        closed--;
      }
    }
  }
}

/**
 * A snapshot within what the relay lets one answer carry (src/shared/budget.ts), with a margin: past it,
 * the oldest frames go (the ring's counters stay), so the panel gets the newest history whole rather
 * than a relay's cut through the middle of it.
 */
function fitAnswer(snapshot: SocketSnapshot[]): SocketSnapshot[] {
  const maxChars = FRAME_BUDGET.answer.chars * 0.9;
  const maxEvents = FRAME_BUDGET.answer.events * 0.9;
  const maxSockets = FRAME_BUDGET.answer.sockets;
  // The newest sockets, if a page ever holds more than an answer may name.
  if (snapshot.length > maxSockets) snapshot = snapshot.slice(snapshot.length - maxSockets);
  let chars = 0;
  let events = 0;
  for (const snap of snapshot) {
    chars += infoLength(snap.info);
    events += snap.events.length + 1;
    for (const e of snap.events) chars += charsOf(e);
  }
  if (chars <= maxChars && events <= maxEvents) return snapshot;
  const frames: { t: number; chars: number; event: RecorderEvent }[] = [];
  for (const snap of snapshot) for (const e of snap.events) if (e.kind === "frame") frames.push({ t: e.frame.t, chars: e.frame.preview.length, event: e });
  frames.sort((a, b) => a.t - b.t);
  const gone = new Set<RecorderEvent>();
  for (const f of frames) {
    if (chars <= maxChars && events <= maxEvents) break;
    gone.add(f.event);
    chars -= f.chars;
    events -= 1;
  }
  return snapshot.map((snap) => ({ ...snap, events: snap.events.filter((e) => !gone.has(e)) }));
}

/** Characters of a socket's info as it crosses (its URL, its frame's, its subprotocols). */
function infoLength(info: SocketInfo): number {
  let n = info.url.length + info.frameUrl.length + info.id.length;
  for (const p of info.protocols) n += p.length;
  return n;
}

/** Characters an event puts in a message, roughly: previews and URLs, which can be large. */
function charsOf(event: RecorderEvent): number {
  if (event.kind === "frame") return event.frame.preview.length;
  if (event.kind === "created") return infoLength(event.socket);
  return 0;
}

/** A text preview as it may leave the page: `LIMITS.previewLength` characters at most (a copy, see `ownCopy`). */
function wirePreview(text: string): string {
  return text.length > LIMITS.previewLength ? ownCopy(text.slice(0, LIMITS.previewLength)) : text;
}

const objectTag = (x: object): string => Object.prototype.toString.call(x);

/** Byte to two hex digits; made on first use, not at document_start in every frame of every page. */
let hexTable: string[] | null = null;

/**
 * Binary previews stop here whatever `maxPreviewBytes` says: the panel's hex dump and decoders need no
 * more (and PreviewSlab stores a preview's length in 2 bytes).
 */
export const MAX_BINARY_PREVIEW = 8192;

// A copy, not a slice: a V8 sliced string keeps its whole parent (a 16 MiB frame) alive in the ring.
let codec: { encoder: TextEncoder; decoder: TextDecoder } | null = null;
const ownCopy = (s: string): string => {
  codec ??= { encoder: new TextEncoder(), decoder: new TextDecoder() };
  return codec.decoder.decode(codec.encoder.encode(s));
};

export interface Payload {
  opcode: "text" | "binary";
  size: number;
  preview: string;
  truncated: boolean;
  /** Binary: a view of the payload's first bytes (not a copy: copy them to keep them); hexed into `preview` when a panel gets the frame. */
  bytes?: Uint8Array;
  /** A Blob: its bytes can only be read later. */
  blob?: true;
}

/** The bounded, text-only description of a payload the panel gets. Binary previews are hex. */
export function describePayload(data: unknown, maxPreviewBytes: number): Payload {
  if (typeof data === "string") {
    const size = utf8Length(data);
    const truncated = data.length > maxPreviewBytes;
    return { opcode: "text", size, preview: truncated ? ownCopy(data.slice(0, maxPreviewBytes)) : data, truncated };
  }
  const cap = Math.min(maxPreviewBytes >> 1, MAX_BINARY_PREVIEW);
  // Tags, not instanceof: a same-origin child frame's ArrayBuffer is of another realm.
  const tag = typeof data === "object" && data !== null ? objectTag(data) : "";
  if (tag === "[object ArrayBuffer]" || tag === "[object SharedArrayBuffer]") {
    const size = (data as ArrayBuffer).byteLength;
    const bytes = new Uint8Array(data as ArrayBuffer, 0, Math.min(size, cap));
    return { opcode: "binary", size, preview: "", truncated: bytes.length < size, bytes };
  }
  if (ArrayBuffer.isView(data)) {
    const size = data.byteLength;
    const bytes = new Uint8Array(data.buffer, data.byteOffset, Math.min(size, cap));
    return { opcode: "binary", size, preview: "", truncated: bytes.length < size, bytes };
  }
  if (data !== null && typeof data === "object" && typeof (data as Blob).size === "number") {
    // A Blob cannot be read synchronously; its size is what we know.
    const size = (data as Blob).size;
    return { opcode: "binary", size, preview: "", truncated: size > 0, blob: true };
  }
  // Anything else was converted to a string by the browser; numbers and booleans read the same.
  if (typeof data === "number" || typeof data === "boolean") return describePayload(String(data), maxPreviewBytes);
  return { opcode: "text", size: 0, preview: "", truncated: true };
}

export function toHex(bytes: Uint8Array): string {
  const parts = new Array<string>(bytes.length);
  const hex = (hexTable ??= Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0")));
  for (let i = 0; i < bytes.length; i++) parts[i] = hex[bytes[i]!]!;
  return parts.join("");
}
