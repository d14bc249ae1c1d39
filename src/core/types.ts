/**
 * What the core takes from its host. The core imports nothing from the browser-extension APIs and no
 * DOM globals: the page world hands it the native WebSocket, a clock and timers; Node tests hand it
 * `ws` / undici sockets and fake timers.
 */
import type { RecorderEvent } from "../shared/protocol";

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
  send(data: SendData): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: string, listener: (ev: Event) => void): void;
  removeEventListener(type: string, listener: (ev: Event) => void): void;
}

export type SocketFactory = (url: string, protocols: string[]) => SocketLike;

/** Where the core sends what it observes (the page-world recorder in the browser). */
export interface RecorderSink {
  record(event: RecorderEvent): void;
}
