/**
 * Breakpoints from a test: the frames a `pause` frame rule holds (DESIGN.md, "Frame rules"), read from
 * the tab's records, and the command that answers one, as the panel's Forward / Drop / Forward all do.
 */
import { envelope, type PanelToPage, type SocketSnapshot } from "../shared/protocol";
import { encoded } from "./encoded";
import { urlMatches } from "./url-glob";

/** A frame waiting at a breakpoint. */
export interface PausedFrame {
  /** The socket's id, and its URL. */
  socket: string;
  url: string;
  /** The breakpoint's id on that socket (the frame record's `pause`). */
  id: number;
  dir: "in" | "out";
  /** The frame rule that paused it: its index in the settings' `frameRules`. */
  rule: number;
  opcode: "text" | "binary";
  /** Text, or the first bytes as hex; cut at the recorder's preview bound (`truncated`). */
  preview: string;
  truncated: boolean;
  /** When it goes on as it is by itself (page clock, ms since the epoch). */
  untilT: number | null;
}

export type PauseAction = "forward" | "drop" | "forward-all";

/** The frames still waiting at a breakpoint, of the sockets matching `glob`, oldest first. */
export function pausedOf(sockets: readonly SocketSnapshot[], glob?: string): PausedFrame[] {
  const out: PausedFrame[] = [];
  for (const s of sockets) {
    if (!urlMatches(glob, s.info.url)) continue;
    const waiting = new Map<number, PausedFrame>();
    for (const e of s.events) {
      if (e.kind === "frame" && e.frame.fate === "paused" && e.frame.pause !== undefined) {
        const f = e.frame;
        waiting.set(f.pause!, { socket: s.info.id, url: s.info.url, id: f.pause!, dir: f.dir, rule: f.rule ?? -1, opcode: f.opcode, preview: f.preview, truncated: f.truncated, untilT: null });
      } else if (e.kind === "pause") {
        const p = waiting.get(e.id);
        if (e.phase === "paused") {
          if (p) p.untilT = e.untilT ?? null;
        } else {
          waiting.delete(e.id);
        }
      }
    }
    out.push(...waiting.values());
  }
  return out;
}

/** Whether the socket's record says breakpoint `id` was answered (forwarded, dropped or timed out). */
export function pauseAnswered(sockets: readonly SocketSnapshot[], socket: string, id: number): boolean {
  const s = sockets.find((x) => x.info.id === socket);
  return !!s?.events.some((e) => e.kind === "pause" && e.id === id && e.phase !== "paused");
}

/** The panel's `pause` command for one breakpoint; edited data as text, or bytes as base64. */
export function pauseCommand(frame: Pick<PausedFrame, "socket" | "id">, action: PauseAction, data?: string | Uint8Array): unknown {
  const payload: PanelToPage["pause"] = { socket: frame.socket, id: frame.id, action, ...(data !== undefined ? encoded(data) : {}) };
  return envelope<PanelToPage, "pause">("lifeguard-panel", "pause", payload);
}
