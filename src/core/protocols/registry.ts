/**
 * Every protocol module of this folder, found at build time: adding a protocol is adding its id to
 * the catalogue (src/shared/protocol-catalogue.ts), a file here that exports `protocol`, and its
 * decoder in the panel. Only the `protocol` export is imported, so samples stay out of the page-world
 * bundle.
 *
 * The engine (../connection.ts) and the panel (src/panel/decoders/recognition.ts) both recognise
 * sockets with these functions and this frame limit, so they recognise exactly the same things.
 */
import type { Direction, Frame, ProtocolModule } from "./types";

const modules = import.meta.glob<ProtocolModule>(["./*.ts", "!./registry.ts", "!./types.ts", "!./ping-pong.ts"], {
  eager: true,
  import: "protocol",
});

/** In file-name order; the recognisers are disjoint, so the order only makes the choice stable. */
export const PROTOCOLS: readonly ProtocolModule[] = Object.keys(modules)
  .sort()
  .map((k) => modules[k]!)
  .filter((m): m is ProtocolModule => !!m && typeof m.recogniseSocket === "function");

/** Frames of a connection the recognisers look at (both ways, in order): handshakes come first. */
export const RECOGNISE_FRAMES = 8;

export interface Recognition {
  protocol: ProtocolModule;
  /** What gave it away, for the panel: `subprotocol mqtt`, `URL query EIO=4`... */
  evidence: string;
}

export function recogniseSocket(url: string, protocols: readonly string[]): Recognition | null {
  for (const protocol of PROTOCOLS) {
    const evidence = protocol.recogniseSocket(url, protocols);
    if (evidence) return { protocol, evidence };
  }
  return null;
}

export function recogniseFrame(dir: Direction, frame: Frame): Recognition | null {
  for (const protocol of PROTOCOLS) {
    const evidence = protocol.recogniseFrame(dir, frame);
    if (evidence) return { protocol, evidence };
  }
  return null;
}

/**
 * The engine's rule in one call, for whoever sees a socket afterwards (the panel): what the page gave
 * the constructor first, else the first of the connection's first `RECOGNISE_FRAMES` frames that a
 * recogniser claims.
 */
export function recogniseFirstFrames(
  url: string,
  protocols: readonly string[],
  frames: readonly { dir: Direction; frame: Frame }[],
): Recognition | null {
  const bySocket = recogniseSocket(url, protocols);
  if (bySocket) return bySocket;
  for (let i = 0; i < frames.length && i < RECOGNISE_FRAMES; i++) {
    const found = recogniseFrame(frames[i]!.dir, frames[i]!.frame);
    if (found) return found;
  }
  return null;
}
