/**
 * What the core takes from its host. The core imports nothing from the browser-extension APIs and no
 * DOM globals: the page world hands it the native WebSocket, a clock and timers; Node tests hand it
 * `ws` / undici sockets and fake timers.
 */
import type { Fate, Provenance, SocketEvent } from "../shared/protocol";

export type { Fate, Provenance };

export type SendData = string | ArrayBufferLike | Blob | ArrayBufferView;

export type TimerHandle = unknown;

/** Wall clock and timers. `now()` is wall-clock milliseconds (Date.now), so sleep is visible. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The part of a native WebSocket the core uses. A browser WebSocket and undici's both fit. */
export interface SocketLike {
  readonly readyState: number;
  readonly bufferedAmount: number;
  readonly protocol: string;
  readonly extensions: string;
  readonly url: string;
  binaryType: BinaryType;
  /**
   * `from` says who made the frame (absent: the page). The page world's wire records every frame it
   * sends with it (DESIGN.md, "Records": each frame once, at the wire); a plain socket ignores it.
   */
  send(data: SendData, from?: Provenance): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: string, listener: (ev: Event) => void): void;
  removeEventListener(type: string, listener: (ev: Event) => void): void;
}

/**
 * What a reader made of an inbound frame, for the wire's record of it: who made it (`page`: the
 * server's frame for the page; `heartbeat`: the reply to Lifeguard's ping) and its fate (`delivered`,
 * or hidden from the page as `hidden-reply` / `hidden-ack` / `hidden-duplicate`). Shared constants:
 * the hot path allocates nothing.
 */
export interface InboundFate {
  readonly from: Provenance;
  readonly fate: Fate;
}

export const INBOUND = {
  delivered: { from: "page", fate: "delivered" },
  reply: { from: "heartbeat", fate: "delivered" },
  hiddenReply: { from: "heartbeat", fate: "hidden-reply" },
  hiddenAck: { from: "page", fate: "hidden-ack" },
  hiddenDuplicate: { from: "page", fate: "hidden-duplicate" },
  /** A late frame of a connection Lifeguard already left (abandoned, or closed as the page asked): nobody gets it. */
  dropped: { from: "page", fate: "dropped" },
} as const satisfies Record<string, InboundFate>;

export type SocketFactory = (url: string, protocols: string[]) => SocketLike;

/** Where the core sends what it observes (the page-world recorder in the browser). */
export interface RecorderSink {
  record(event: SocketEvent): void;
  /**
   * A frame sent during an outage was queued (DESIGN.md, "Records": recorded as queued, then as sent
   * when it really goes, through the wire's `send(data, from)`). `from`: who sent it as the page.
   */
  queued?(data: SendData, from: Provenance): void;
  /**
   * A frame sent after the end with no native socket left to take it: discarded, as native `send()`
   * on a closed socket does (recorded as a frame with fate `dropped`).
   */
  discarded?(data: SendData, from: Provenance): void;
}
