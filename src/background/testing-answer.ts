/**
 * What the testing hook (testing-hook.ts) answers a request with. On its own so the testing API's
 * declarations (src/testing/, run in Node) reach it without the extension's port types.
 */
import type { SocketSnapshot } from "../shared/protocol";

export interface TabAnswer {
  /** One entry per page world that answered in time: its frame's URL and sockets (all parts joined). */
  frames: { stream: string; frameUrl: string; upTo: number; sockets: SocketSnapshot[] }[];
  /** Content ports (frames with a relay) of the tab now; a frame without a page world never answers. */
  relays: number;
  /** Every relay's page world answered before the time ran out. */
  complete: boolean;
}
