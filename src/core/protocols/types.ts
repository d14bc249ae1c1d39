/**
 * What a recognised client-library protocol tells the engine (issue #6): the page half of the protocol
 * catalogue (src/shared/protocol-catalogue.ts). One module per protocol in this folder, named by its
 * id (`export const protocol: ProtocolModule`, `export const samples: ProtocolSamples`); `registry.ts`
 * finds them. The panel half, the decoder, is `src/panel/decoders/protocols/<id>.ts`.
 *
 * These run in every page: recognisers are tiny pure functions over what the page gave the
 * constructor and the first frames. Nothing here decodes for display (the decoders do, in the panel
 * only), and the panel recognises sockets with these very functions, never its own.
 */
import type { ProtocolId } from "../../shared/protocol-catalogue";
import type { ResolvedStrategy } from "../strategy";

export type Direction = "in" | "out";

/** A frame as the recognisers see it: text, or the bytes of a binary frame (a Blob cannot be read in time). */
export type Frame = string | Uint8Array;

/** How liveness is checked on one native connection of a recognised protocol, now. */
export type Liveness =
  /** Nothing to send or wait for (yet): the heartbeat is off, silence never kills. */
  | { kind: "off"; why: string }
  /**
   * Lifeguard sends `ping()` after the rule's `intervalMs` of inbound silence; any inbound frame within
   * the rule's `timeoutMs` (at least `minSilenceMs - intervalMs`) proves the connection alive.
   */
  | { kind: "ping"; minSilenceMs?: number }
  /** Only the server speaks: no inbound frame within `intervalMs + timeoutMs` means dead. Nothing is sent. */
  | { kind: "passive"; intervalMs: number; timeoutMs: number; why: string };

/** The protocol's state on one native connection (a reconnect is a new connection, a new handshake). */
export interface ProtocolSession {
  /** Every frame of the connection, both ways, in order, except Lifeguard's own pings; `now` is the engine's clock. */
  observe(dir: Direction, frame: Frame, now: number): void;
  liveness(): Liveness;
  /** Lifeguard's ping, remembered as outstanding. Only called when `liveness()` is `ping`. */
  ping(): Frame;
  /** An inbound frame that answers one of Lifeguard's own outstanding pings (and so is hidden from the page). */
  isOwnReply(frame: Frame): boolean;
}

export interface ProtocolModule {
  /** The catalogue id: this module's file name, and its decoder's in the panel. */
  id: ProtocolId;
  /** Shown in the panel: `Socket.IO / Engine.IO`, `MQTT`... */
  name: string;
  /** From what the page gave the constructor: the evidence (`subprotocol mqtt`), or null. */
  recogniseSocket(url: string, protocols: readonly string[]): string | null;
  /** From one of the first frames (handshakes): the evidence, or null. */
  recogniseFrame(dir: Direction, frame: Frame): string | null;
  /** What `strategy: "auto"` picks, and why (from how the library behaves after a reconnect). */
  strategy: ResolvedStrategy;
  why: string;
  /**
   * A session for one native connection. `adopted`: the connection was already open when Lifeguard
   * took it over, so its handshake was not seen.
   */
  session(url: string, adopted: boolean): ProtocolSession;
}

/**
 * Real frames of the protocol, for tests and the README (not imported by the page world): the page's
 * recognition and the panel's must agree on them, and the panel's decoder must read them.
 */
export interface ProtocolSamples {
  url: string;
  protocols: string[];
  /** Handshake frames in the order they cross the wire. */
  handshake: { dir: Direction; frame: Frame }[];
  /** Lifeguard's ping and the server's answer to it, where the protocol has them. */
  ping?: Frame;
  pong?: Frame;
}

/** The frame as text or bytes; null for what cannot be read synchronously (a Blob). */
export function asFrame(data: unknown): Frame | null {
  if (typeof data === "string") return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  // `instanceof ArrayBuffer` fails across realms (a frame's own ArrayBuffer).
  const tag = Object.prototype.toString.call(data);
  if (tag === "[object ArrayBuffer]" || tag === "[object SharedArrayBuffer]") return new Uint8Array(data as ArrayBuffer);
  return null;
}

/** A small JSON text frame, parsed; undefined for anything else. Large frames are never parsed. */
export function smallJson(frame: Frame, max = 4096): unknown {
  if (typeof frame !== "string" || frame.length > max) return undefined;
  const c = frame.charCodeAt(0);
  if (c !== 123 && c !== 91) return undefined; // { [
  try {
    return JSON.parse(frame);
  } catch {
    return undefined;
  }
}

/** `{"type": T}`'s T, for small JSON object frames. */
export function jsonType(frame: Frame): unknown {
  const v = smallJson(frame, 1024);
  return v && typeof v === "object" && !Array.isArray(v) ? (v as { type?: unknown }).type : undefined;
}

export function hasSubprotocol(protocols: readonly string[], ...names: string[]): string | null {
  for (const p of protocols) if (names.includes(p)) return `subprotocol ${p}`;
  return null;
}

export function sameBytes(frame: Frame, bytes: readonly number[]): boolean {
  if (typeof frame === "string" || frame.length !== bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (frame[i] !== bytes[i]) return false;
  return true;
}
