/**
 * Every protocol module of this folder, found at build time: adding a protocol is adding a file that
 * exports `protocol`. Only that export is imported, so samples stay out of the page-world bundle.
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
