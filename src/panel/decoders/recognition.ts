/**
 * Which catalogue protocol a socket speaks, as the panel decides it: the one place in the panel that
 * does, and only by the core's own recognisers (src/core/protocols/registry.ts) on what the engine
 * gives them: the URL and subprotocols the page gave the constructor, then the connection's first
 * `RECOGNISE_FRAMES` frames. So the panel recognises exactly what the page recognises (DESIGN.md,
 * "Parts"), and a decoder never decides for itself.
 */
import { RECOGNISE_FRAMES, recogniseFirstFrames } from "../../core/protocols/registry";

export { RECOGNISE_FRAMES };
import type { Direction, Frame } from "../../core/protocols/types";
import type { ProtocolId } from "../../shared/protocol-catalogue";
import { hexToBytes } from "./bytes";
import type { DecodeContext, FrameInput } from "./types";

export interface SocketRecognition {
  id: ProtocolId;
  /** The protocol's name, as the page world reports it (`Socket.IO / Engine.IO`). */
  name: string;
  /** What gave it away: `subprotocol mqtt`, `MQTT CONNECT packet`... */
  evidence: string;
}

/** A frame record with its place in the socket's stream and what the recorder says of who made it and what became of it. */
export type RecordedFrame = FrameInput & { seq?: number; from?: string; fate?: string };

/**
 * Frames the engine's recognisers never see: what only the record knows of (queued, then recorded
 * again when really sent), what never crossed the wire, and the replies to Lifeguard's own pings.
 */
const UNSEEN_FATES: ReadonlySet<string> = new Set(["queued", "dropped", "held", "hidden-reply"]);

/**
 * The frames of one socket (in `seq` order, from its first) that the engine's recognisers looked at:
 * the page's and the server's frames, not Lifeguard's own (heartbeat, resume, resend) or made up by a
 * fault, a rule or a mock. Up to `RECOGNISE_FRAMES`, from the socket's first connection: a client
 * speaks its handshake again on every connection, so later ones add nothing.
 *
 * Records that carry `seq` must start at the socket's first (1) and run without a gap: once the log
 * has dropped the start, what the engine saw is unknown, and only the URL and subprotocols are left.
 * So a caller that keeps a socket's recognition should compute it while the start is there.
 */
export function recognitionFrames<F extends RecordedFrame>(frames: Iterable<F>): F[] {
  const out: F[] = [];
  let expected = 1;
  for (const f of frames) {
    if (out.length >= RECOGNISE_FRAMES) break;
    if (f.seq !== undefined) {
      if (f.seq !== expected) break;
      expected++;
    }
    if ((f.from ?? "page") !== "page" || (f.fate !== undefined && UNSEEN_FATES.has(f.fate))) continue;
    out.push(f);
  }
  return out;
}

interface Remembered {
  url: string;
  protocols: readonly string[];
  frames: readonly FrameInput[];
  found: SocketRecognition | null;
}

/**
 * Keyed by the socket's first frame (the very record the panel's log holds), so every frame of a
 * socket shares one recognition and a socket's frames are not parsed again for each frame decoded.
 */
const remembered = new WeakMap<FrameInput, Remembered>();

/** The protocol of the socket `ctx` describes, or null when the core's recognisers know none. */
export function recogniseSocketOf(ctx: DecodeContext): SocketRecognition | null {
  const frames = ctx.firstFrames ?? (ctx.firstOutbound ? [ctx.firstOutbound] : []);
  const key = frames[0];
  const hit = key && remembered.get(key);
  if (hit && hit.url === ctx.url && sameList(hit.protocols, ctx.protocols) && sameList(hit.frames, frames)) return hit.found;
  const found = recogniseFirstFrames(ctx.url, ctx.protocols, asCoreFrames(frames));
  const result = found ? { id: found.protocol.id, name: found.protocol.name, evidence: found.evidence } : null;
  if (key) remembered.set(key, { url: ctx.url, protocols: ctx.protocols, frames, found: result });
  return result;
}

/** The frames as the engine had them: text as is, binary as bytes (a preview holds them as hex). */
function asCoreFrames(frames: readonly FrameInput[]): { dir: Direction; frame: Frame }[] {
  const out: { dir: Direction; frame: Frame }[] = [];
  for (const f of frames.slice(0, RECOGNISE_FRAMES)) {
    if (f.opcode === "text") {
      out.push({ dir: f.dir, frame: f.preview });
      continue;
    }
    try {
      out.push({ dir: f.dir, frame: hexToBytes(f.preview) });
    } catch {
      // Not hex: a record no recorder made. It still counts as one of the first frames, claimed by none.
      out.push({ dir: f.dir, frame: new Uint8Array(0) });
    }
  }
  return out;
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
