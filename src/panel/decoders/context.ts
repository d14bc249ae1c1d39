/** What a socket's URL and subprotocols say about the protocol it speaks. */
import type { DecodeContext } from "./types";

export interface SocketUrl {
  path: string;
  query: URLSearchParams;
}

let last: { url: string; parsed: SocketUrl } | null = null;

/** The socket URL's path and query; an unparsable URL has an empty path and query. Memoised: each decoder asks. */
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

export function speaks(ctx: DecodeContext, ...names: string[]): boolean {
  return subprotocols(ctx).some((p) => names.includes(p));
}
