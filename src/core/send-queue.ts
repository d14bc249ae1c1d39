/**
 * Messages the page sends while its socket is reconnecting, bounded by count and by bytes. Past a
 * bound the oldest message is dropped (and reported to `onDrop`), so the newest state wins.
 */
import type { Provenance, SendData } from "./types";
import { utf8Length } from "../shared/settings";

export interface QueueLimits {
  maxMessages: number;
  maxBytes: number;
}

export interface QueuedMessage {
  data: SendData;
  bytes: number;
  /** Who sent it (the page, or the panel as the page): it goes out later still marked so. */
  from: Provenance;
}

export type DropReason = "maxMessages" | "maxBytes";

/** Bytes `data` puts on the wire: UTF-8 for text; byteLength for buffers and views; size for a Blob. */
export function byteSize(data: SendData): number {
  if (typeof data === "string") return utf8Length(data);
  if (ArrayBuffer.isView(data)) return data.byteLength;
  // Duck-typed rather than instanceof: buffers and Blobs from another frame's realm fit too.
  const d = data as { byteLength?: unknown; size?: unknown };
  if (typeof d.byteLength === "number") return d.byteLength;
  if (typeof d.size === "number") return d.size;
  return 0;
}

/**
 * Native `send()` copies the bytes at call time; a queued message must not see later writes to the
 * page's buffer either. Blobs are immutable and strings are values.
 */
function snapshot(data: SendData): SendData {
  if (typeof data === "string") return data;
  if (ArrayBuffer.isView(data)) {
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  }
  const d = data as { byteLength?: unknown; slice?: unknown };
  if (typeof d.byteLength === "number" && typeof d.slice === "function") {
    return (data as ArrayBuffer).slice(0);
  }
  return data;
}

export class SendQueue {
  private items: QueuedMessage[] = [];
  private head = 0;
  private totalBytes = 0;

  constructor(
    private limits: QueueLimits,
    private readonly onDrop: (dropped: QueuedMessage, reason: DropReason) => void,
  ) {}

  get length(): number {
    return this.items.length - this.head;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  setLimits(limits: QueueLimits): void {
    this.limits = limits;
    this.enforce();
  }

  push(data: SendData, from: Provenance = "page"): void {
    const item: QueuedMessage = { data: snapshot(data), bytes: byteSize(data), from };
    this.items.push(item);
    this.totalBytes += item.bytes;
    this.enforce();
  }

  /** Removes and returns the oldest message. */
  shift(): QueuedMessage | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined as unknown as QueuedMessage;
    if (item) this.totalBytes -= item.bytes;
    this.compact();
    return item;
  }

  /** Empties the queue, returning what it held, oldest first. */
  clear(): QueuedMessage[] {
    const rest = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    this.totalBytes = 0;
    return rest;
  }

  /**
   * Hands every message to `send`, oldest first. A `send` that throws loses that message and ends the
   * flush (the rest stay queued), and its error is returned. `bytes`: what was handed over.
   */
  flush(send: (m: QueuedMessage) => void): { bytes: number; error?: unknown } {
    let bytes = 0;
    for (let item = this.shift(); item; item = this.shift()) {
      try {
        send(item);
      } catch (error) {
        return { bytes, error };
      }
      bytes += item.bytes;
    }
    return { bytes };
  }

  /** Empties the queue (the page will never get to send it); returns how much it held. */
  discard(): { count: number; bytes: number } {
    const dropped = { count: this.length, bytes: this.totalBytes };
    this.clear();
    return dropped;
  }

  private enforce(): void {
    while (this.length > 0 && (this.length > this.limits.maxMessages || this.totalBytes > this.limits.maxBytes)) {
      const reason: DropReason = this.length > this.limits.maxMessages ? "maxMessages" : "maxBytes";
      const dropped = this.shift();
      if (dropped) this.onDrop(dropped, reason);
    }
  }

  private compact(): void {
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
