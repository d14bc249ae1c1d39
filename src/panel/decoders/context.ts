/**
 * Decoding parameters a socket's URL and subprotocol carry, for a protocol decoder that already knows
 * its protocol: a version (`EIO=3`), a serialisation (`wamp.2.cbor`), a layer (plain Engine.IO on
 * `/engine.io/`). Never which protocol the socket speaks: that is ./recognition.ts's, by the core's
 * recognisers.
 */
import type { DecodeContext, FrameInput } from "./types";

export interface SocketUrl {
  path: string;
  query: URLSearchParams;
}

let last: { url: string; parsed: SocketUrl } | null = null;

/** The socket URL's path and query; an unparsable URL has an empty path and query. Memoised: decoders ask per frame. */
export function socketUrl(ctx: DecodeContext): SocketUrl {
  if (last?.url === ctx.url) return last.parsed;
  let parsed: SocketUrl;
  try {
    const u = new URL(ctx.url);
    parsed = { path: u.pathname, query: u.searchParams };
  } catch {
    parsed = { path: "", query: new URLSearchParams() };
  }
  last = { url: ctx.url, parsed };
  return parsed;
}

/** The subprotocol the server chose when known, else every one the page offered; lowercase. */
export function subprotocols(ctx: DecodeContext): string[] {
  const list = ctx.negotiated ? [ctx.negotiated] : ctx.protocols;
  return list.map((p) => p.toLowerCase());
}

/** Whether the socket uses one of these subprotocols (the negotiated one when known). */
export function usesSubprotocol(ctx: DecodeContext, ...names: string[]): boolean {
  return subprotocols(ctx).some((p) => names.includes(p));
}

/** The connection's first outbound frame, when the panel still has it: the handshake a decoder may need. */
export function firstOutbound(ctx: DecodeContext): FrameInput | undefined {
  return ctx.firstFrames?.find((f) => f.dir === "out") ?? ctx.firstOutbound;
}
