/**
 * What a `ResilientConnection` (connection.ts) takes from the facade that owns a page socket, and what
 * it gives back: events for the page's object, and the fate of each inbound frame for the record.
 */
import type { ResolvedRule } from "../shared/settings";
import type { ResolvedStrategy } from "./strategy";
import type { Clock, RecorderSink, SocketFactory, SocketLike } from "./types";

export type PageEvent =
  | { type: "open" }
  | { type: "message"; data: string | ArrayBuffer | Blob; origin: string }
  | { type: "error" }
  | { type: "close"; code: number; reason: string; wasClean: boolean }
  | { type: "reconnecting"; detail: { attempt: number; delayMs: number; code: number } }
  | { type: "reconnected"; detail: { attempts: number; downtimeMs: number } };

/** The facade turns each into an event on the page's object. */
export interface PageSink {
  dispatch(ev: PageEvent): void;
}

export interface ConnectionOptions {
  socketId: string;
  url: string;
  protocols: string[];
  /**
   * The page's own native socket, already constructed, in any readyState. Its methods and getters
   * must reach the browser's own implementations (captured before patching): a patched prototype
   * that routes back into this connection would recurse. The engine never adds listeners to it.
   */
  initial: SocketLike;
  rule: ResolvedRule;
  /** Forces a strategy; default: the rule's, where `auto` follows the recognised protocol (src/core/protocols/). */
  strategy?: ResolvedStrategy;
  /** Makes replacement native sockets (same url/protocols); the engine listens to them itself. */
  createSocket: SocketFactory;
  clock: Clock;
  random: () => number;
  sink: PageSink;
  recorder: RecorderSink;
  invalidStateError: () => Error;
  validateClose: (code?: number, reason?: string) => void;
  binaryType: () => BinaryType;
  /** A replacement still CONNECTING after this long is a failed attempt. Default 30 s. */
  dialTimeoutMs?: number;
  /** How long after a reconnect `resume.dedupe` drops old frames. Default 10 s (the contract's); tests shorten it. */
  dedupeWindowMs?: number;
}


// Captured at load, before page scripts run, so a page that replaces `Blob` cannot intercept.
const NativeBlob: typeof Blob | undefined = typeof Blob === "function" ? Blob : undefined;

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "";
  }
}

/** A replacement's frame as the page's `message` event: binary as the page's `binaryType` asks, with the socket's origin. */
export function pageMessage(ev: MessageEvent, o: Pick<ConnectionOptions, "url" | "binaryType">): PageEvent {
  const data: unknown = ev.data;
  const origin = typeof ev.origin === "string" && ev.origin !== "" ? ev.origin : originOf(o.url);
  if (typeof data !== "string" && o.binaryType() === "blob" && NativeBlob && !(data instanceof NativeBlob)) {
    return { type: "message", data: new NativeBlob([data as ArrayBuffer]), origin };
  }
  return { type: "message", data: data as string | ArrayBuffer | Blob, origin };
}
