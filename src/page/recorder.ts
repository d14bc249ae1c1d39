/**
 * The page-side recorder: the source of truth for a tab's socket history. A bounded ring of events
 * per socket (so a panel opened late sees history, and a killed service worker loses nothing), and
 * batched delivery: at most one message per `BATCH_MS`, never one per frame.
 */
import type {
  FrameRecord,
  RecorderEvent,
  SocketId,
  SocketInfo,
  SocketSnapshot,
  SocketState,
} from "../shared/protocol";

export const BATCH_MS = 50;
/** Closed sockets kept for the panel beyond this many are forgotten, oldest first. */
const MAX_CLOSED_SOCKETS = 200;
/** Events held for a channel that is not up yet; the snapshot on connect carries everything anyway. */
const MAX_PENDING = 5000;

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
  push(item: T): void {
    if (this.items.length < this.capacity) {
      this.items.push(item);
      return;
    }
    this.items[this.start] = item;
    this.start = (this.start + 1) % this.capacity;
  }
  toArray(): T[] {
    return this.items.slice(this.start).concat(this.items.slice(0, this.start));
  }
  resize(capacity: number): void {
    const all = this.toArray();
    this.capacity = Math.max(1, capacity);
    this.items = all.slice(-this.capacity);
    this.start = 0;
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
    const { opcode, size, preview, truncated } = describePayload(data, this.limits.maxPreviewBytes);
    const frame: FrameRecord = { socket, seq: ++rec.seq, t: this.timers.now(), dir, opcode, size, preview, truncated };
    if (injected) frame.injected = true;
    if (dir === "in") {
      rec.framesIn++;
      rec.bytesIn += size;
    } else {
      rec.framesOut++;
      rec.bytesOut += size;
    }
    this.push(socket, { kind: "frame", frame });
  }

  /** The core's RecorderSink. */
  record(event: RecorderEvent): void {
    const id = event.kind === "created" ? event.socket.id : event.kind === "frame" ? event.frame.socket : event.socket;
    const rec = this.sockets.get(id);
    if (rec && event.kind === "state") rec.state = event.state;
    this.push(id, event);
  }

  snapshot(): SocketSnapshot[] {
    return [...this.sockets.values()].map((r) => ({
      info: r.info,
      state: r.state,
      protected: r.protected,
      framesIn: r.framesIn,
      framesOut: r.framesOut,
      bytesIn: r.bytesIn,
      bytesOut: r.bytesOut,
      lastSeq: r.seq,
      events: r.events.toArray(),
    }));
  }

  /** A snapshot for the channel: what is pending is in it, so it is not sent again as events. */
  takeSnapshot(): SocketSnapshot[] {
    this.pending = [];
    return this.snapshot();
  }

  /** The channel to the extension is up: from now on batches go there. */
  connect(post: Post): void {
    this.post = post;
    this.pending = [];
  }

  setLimits(limits: RecordLimits): void {
    this.limits = limits;
    for (const rec of this.sockets.values()) rec.events.resize(limits.maxFramesPerSocket);
  }

  private push(socket: SocketId, event: RecorderEvent): void {
    this.sockets.get(socket)?.events.push(event);
    if (this.post === null && this.pending.length >= MAX_PENDING) return;
    this.pending.push(event);
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
    this.post(batch);
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

/** Size of a string in UTF-8 without allocating the encoding. */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 2; // 4 bytes for the pair, already counted 2
        i++;
      } else n += 2;
    } else n += 2;
  }
  return n;
}

/** The bounded, text-only description of a payload the panel gets. Binary previews are hex. */
export function describePayload(
  data: unknown,
  maxPreviewBytes: number,
): { opcode: "text" | "binary"; size: number; preview: string; truncated: boolean } {
  if (typeof data === "string") {
    const size = utf8Length(data);
    const truncated = data.length > maxPreviewBytes;
    return { opcode: "text", size, preview: truncated ? data.slice(0, maxPreviewBytes) : data, truncated };
  }
  let bytes: Uint8Array | null = null;
  let size = 0;
  // Tags, not instanceof: a same-origin child frame's ArrayBuffer is of another realm.
  const tag = typeof data === "object" && data !== null ? objectTag(data) : "";
  if (tag === "[object ArrayBuffer]" || tag === "[object SharedArrayBuffer]") {
    size = (data as ArrayBuffer).byteLength;
    bytes = new Uint8Array(data as ArrayBuffer, 0, Math.min(size, maxPreviewBytes >> 1));
  } else if (ArrayBuffer.isView(data)) {
    size = data.byteLength;
    bytes = new Uint8Array(data.buffer, data.byteOffset, Math.min(size, maxPreviewBytes >> 1));
  } else if (data !== null && typeof data === "object" && typeof (data as Blob).size === "number") {
    // A Blob cannot be read synchronously; its size is what we know.
    size = (data as Blob).size;
    return { opcode: "binary", size, preview: "", truncated: size > 0 };
  }
  if (!bytes) {
    // Anything else was converted to a string by the browser; numbers and booleans read the same.
    if (typeof data === "number" || typeof data === "boolean") return describePayload(String(data), maxPreviewBytes);
    return { opcode: "text", size: 0, preview: "", truncated: true };
  }
  let preview = "";
  for (let i = 0; i < bytes.length; i++) preview += HEX[bytes[i]!];
  return { opcode: "binary", size, preview, truncated: bytes.length < size };
}
