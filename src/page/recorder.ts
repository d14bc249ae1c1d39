/**
 * The page-side recorder: the source of truth for a tab's socket history. A bounded ring of events
 * per socket (so a panel opened late sees history, and a killed service worker loses nothing), and
 * batched delivery: at most one message per `BATCH_MS`, never one per frame.
 */
import { utf8Length } from "../shared/settings";
import type {
  FrameRecord,
  RecorderEvent,
  SocketId,
  SocketInfo,
  SocketSnapshot,
  SocketState,
} from "../shared/protocol";

export const BATCH_MS = 50;

/** Binary frames whose preview is still bytes: hexed when a panel first gets them (see `settle`). */
const unhexed = new WeakMap<FrameRecord, Uint8Array>();

/**
 * `size` of a text frame whose preview is the whole payload, until someone needs it: measuring UTF-8
 * is a scan of every character, and most frames are never looked at (no panel open, and the ring
 * forgets them). Measured when the frame leaves the page or the ring, whichever comes first.
 */
const UNMEASURED = -1;

/** Closed sockets kept for the panel beyond this many are forgotten, oldest first. */
const MAX_CLOSED_SOCKETS = 200;
/** A batch is sent early once it holds this many events (a page sending faster than the batch interval). */
const MAX_PENDING = 20_000;

export interface RecordLimits {
  maxFramesPerSocket: number;
  maxPreviewBytes: number;
}

export const DEFAULT_LIMITS: RecordLimits = { maxFramesPerSocket: 10_000, maxPreviewBytes: 65_536 };

interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
}

class Ring<T> {
  private items: T[] = [];
  private start = 0;
  constructor(private capacity: number) {}
  /** Returns the item it overwrote, if the ring was full. */
  push(item: T): T | undefined {
    if (this.items.length < this.capacity) {
      this.items.push(item);
      return undefined;
    }
    const old = this.items[this.start];
    this.items[this.start] = item;
    this.start = (this.start + 1) % this.capacity;
    return old;
  }
  toArray(): T[] {
    return this.items.slice(this.start).concat(this.items.slice(0, this.start));
  }
  /** Returns the items that no longer fit. */
  resize(capacity: number): T[] {
    const all = this.toArray();
    this.capacity = Math.max(1, capacity);
    this.items = all.slice(-this.capacity);
    this.start = 0;
    return all.slice(0, all.length - this.items.length);
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
  events: Ring<RecorderEvent>;
}

export type Post = (events: RecorderEvent[]) => void;

export class Recorder {
  private readonly sockets = new Map<SocketId, SocketRecord>();
  private pending: RecorderEvent[] = [];
  private listening = false;
  private flushScheduled = false;
  private post: Post | null = null;
  /** Set while the panel asked to pause: counters still count, nothing is posted. */
  limits: RecordLimits = DEFAULT_LIMITS;

  constructor(private readonly timers: Timers) {}

  created(info: SocketInfo): void {
    this.sockets.set(info.id, {
      info,
      state: "connecting",
      protected: false,
      seq: 0,
      framesIn: 0,
      framesOut: 0,
      bytesIn: 0,
      bytesOut: 0,
      events: new Ring(this.limits.maxFramesPerSocket),
    });
    this.push(info.id, { kind: "created", t: info.createdAt, socket: info });
    this.forgetOldClosed();
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

  frame(socket: SocketId, dir: "in" | "out", data: unknown, injected = false): void {
    const rec = this.sockets.get(socket);
    if (!rec) return;
    let frame: FrameRecord;
    const max = this.limits.maxPreviewBytes;
    if (typeof data === "string" && data.length <= max) {
      // The common case, without the intermediate description; its size is measured later (see UNMEASURED).
      frame = { socket, seq: ++rec.seq, t: this.timers.now(), dir, opcode: "text", size: UNMEASURED, preview: data, truncated: false };
    } else {
      const { opcode, size, preview, truncated, bytes } = describePayload(data, max);
      frame = { socket, seq: ++rec.seq, t: this.timers.now(), dir, opcode, size, preview, truncated };
      if (bytes) unhexed.set(frame, bytes);
    }
    if (injected) frame.injected = true;
    if (dir === "in") rec.framesIn++;
    else rec.framesOut++;
    if (frame.size !== UNMEASURED) this.countBytes(rec, frame);
    this.push(socket, { kind: "frame", frame }, rec);
  }

  /** The core's RecorderSink. */
  record(event: RecorderEvent): void {
    const id = event.kind === "created" ? event.socket.id : event.kind === "frame" ? event.frame.socket : event.socket;
    const rec = this.sockets.get(id);
    if (rec && event.kind === "state") rec.state = event.state;
    this.push(id, event);
  }

  snapshot(): SocketSnapshot[] {
    return [...this.sockets.values()].map((r) => {
      // First: settling the frames still in the ring completes the byte counts.
      const events = r.events.toArray().map((e) => this.settle(e));
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

  /**
   * A recorder event as it leaves the page: a text frame measured (and counted in its socket's
   * bytes), a binary frame's preview hexed. Each happens once per frame.
   */
  private settle(event: RecorderEvent): RecorderEvent {
    if (event.kind !== "frame") return event;
    const frame = event.frame;
    this.measure(frame);
    const bytes = unhexed.get(frame);
    if (bytes) {
      frame.preview = toHex(bytes);
      unhexed.delete(frame);
    }
    return event;
  }

  /** A text frame's size, measured and counted once (see UNMEASURED). */
  private measure(frame: FrameRecord): void {
    if (frame.size !== UNMEASURED) return;
    frame.size = utf8Length(frame.preview);
    const rec = this.sockets.get(frame.socket);
    if (rec) this.countBytes(rec, frame);
  }

  private countBytes(rec: SocketRecord, frame: FrameRecord): void {
    if (frame.dir === "in") rec.bytesIn += frame.size;
    else rec.bytesOut += frame.size;
  }

  /** A snapshot for the channel: what is pending is in it, so it is not sent again as events. */
  takeSnapshot(): SocketSnapshot[] {
    this.pending = [];
    return this.snapshot();
  }

  /** The channel to the extension is up: batches go there while a panel listens. */
  connect(post: Post): void {
    this.post = post;
    this.pending = [];
  }

  /**
   * Whether a panel is attached. Until one is, events only go into the rings (a panel asks for a
   * snapshot when it attaches), so a page nobody inspects pays for no cross-context traffic.
   */
  setListening(on: boolean): void {
    this.listening = on;
    if (!on) this.pending = [];
  }

  setLimits(limits: RecordLimits): void {
    this.limits = limits;
    for (const rec of this.sockets.values()) for (const old of rec.events.resize(limits.maxFramesPerSocket)) if (old.kind === "frame") this.measure(old.frame);
  }

  private push(socket: SocketId, event: RecorderEvent, rec = this.sockets.get(socket)): void {
    const evicted = rec?.events.push(event);
    if (evicted?.kind === "frame") this.measure(evicted.frame);
    if (!this.listening) return;
    this.pending.push(event);
    // A page faster than the batch interval: send what is there rather than drop events.
    if (this.pending.length >= MAX_PENDING) return this.flush();
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      this.timers.setTimeout(() => this.flush(), BATCH_MS);
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    if (!this.post || this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.post(batch.map((e) => this.settle(e)));
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

const objectTag = (x: object): string => Object.prototype.toString.call(x);

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** Binary previews stop here whatever `maxPreviewBytes` says: the panel's hex dump and decoders need no more. */
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
  /** Binary: the first bytes, copied; hexed into `preview` only when a panel gets the frame. */
  bytes?: Uint8Array;
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
    const bytes = new Uint8Array(data as ArrayBuffer, 0, Math.min(size, cap)).slice();
    return { opcode: "binary", size, preview: "", truncated: bytes.length < size, bytes };
  }
  if (ArrayBuffer.isView(data)) {
    const size = data.byteLength;
    const bytes = new Uint8Array(data.buffer, data.byteOffset, Math.min(size, cap)).slice();
    return { opcode: "binary", size, preview: "", truncated: bytes.length < size, bytes };
  }
  if (data !== null && typeof data === "object" && typeof (data as Blob).size === "number") {
    // A Blob cannot be read synchronously; its size is what we know.
    const size = (data as Blob).size;
    return { opcode: "binary", size, preview: "", truncated: size > 0 };
  }
  // Anything else was converted to a string by the browser; numbers and booleans read the same.
  if (typeof data === "number" || typeof data === "boolean") return describePayload(String(data), maxPreviewBytes);
  return { opcode: "text", size: 0, preview: "", truncated: true };
}

export function toHex(bytes: Uint8Array): string {
  const parts = new Array<string>(bytes.length);
  for (let i = 0; i < bytes.length; i++) parts[i] = HEX[bytes[i]!]!;
  return parts.join("");
}
