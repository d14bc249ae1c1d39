/**
 * Which client-library protocol one page-facing socket speaks (src/core/protocols/): recognised from
 * what the page gave the constructor or from the first frames, and that protocol's state on the live
 * connection. With `heartbeat.message: "auto"` the heartbeat speaks it: its ping, its timing, and which
 * inbound frames answer Lifeguard's own pings (DESIGN.md, "Heartbeat").
 */
import type { HeartbeatSettings } from "../shared/settings";
import type { HeartbeatTiming } from "./heartbeat";
import { RECOGNISE_FRAMES, recogniseFrame, recogniseSocket, type Recognition } from "./protocols/registry";
import { asFrame, type Direction, type ProtocolSession } from "./protocols/types";
import type { SendData } from "./types";

export class ProtocolWatch {
  private found: Recognition | null;
  /** The protocol's state on the live connection (a new one per native socket). */
  private session: ProtocolSession | null = null;
  /** Frames of the live connection seen so far, up to RECOGNISE_FRAMES: handshakes come first. */
  private framesSeen = 0;

  /** `recognised` hears that a frame gave the protocol away (`recognition` has it), before that frame reaches its session. */
  constructor(
    private readonly url: string,
    protocols: readonly string[],
    private readonly now: () => number,
    private readonly recognised: () => void,
  ) {
    this.found = recogniseSocket(url, protocols);
  }

  get recognition(): Recognition | null {
    return this.found;
  }

  /** A connection opened: the protocol's state starts again (`adopted`: its handshake was not seen). */
  opened(adopted: boolean): void {
    this.framesSeen = 0;
    this.session = this.found ? this.found.protocol.session(this.url, adopted) : null;
  }

  /** A frame of the live connection, either way. Returns whether the protocol's state saw it. */
  observe(dir: Direction, data: unknown): boolean {
    if (this.session === null && this.framesSeen >= RECOGNISE_FRAMES) return false;
    const frame = asFrame(data);
    if (frame === null) return false;
    if (this.framesSeen < RECOGNISE_FRAMES) {
      this.framesSeen++;
      if (!this.found) {
        const found = recogniseFrame(dir, frame);
        if (found) {
          this.found = found;
          this.session = found.protocol.session(this.url, false);
          this.recognised();
        }
      }
    }
    if (!this.session) return false;
    this.session.observe(dir, frame, this.now());
    return true;
  }

  /** Whether the heartbeat runs: "auto" speaks the recognised protocol, and on a socket of no known protocol it is off. */
  heartbeatActive(hb: HeartbeatSettings): boolean {
    if (!hb.enabled || typeof hb.message !== "string") return false;
    return hb.message !== "auto" || (!!this.session && this.session.liveness().kind !== "off");
  }

  heartbeatTiming(hb: HeartbeatSettings): HeartbeatTiming {
    const { intervalMs, timeoutMs, message } = hb;
    const live = message === "auto" ? this.session?.liveness() : undefined;
    // A passive protocol brings its own window: the rule's interval and timeout do not apply.
    if (live?.kind === "passive") return { intervalMs: live.intervalMs, timeoutMs: live.timeoutMs, passive: true };
    if (live?.kind === "ping" && live.minSilenceMs) {
      return { intervalMs, timeoutMs: Math.max(timeoutMs, live.minSilenceMs - intervalMs) };
    }
    return { intervalMs, timeoutMs };
  }

  /** Lifeguard's ping: the rule's message, or the protocol's own; null when there is none. */
  ping(hb: HeartbeatSettings): SendData | null {
    if (hb.message !== "auto") return hb.message;
    return this.session ? this.session.ping() : null;
  }

  /** Whether an inbound frame answers Lifeguard's own ping (the library's own pings and pongs do not). */
  isOwnReply(hb: HeartbeatSettings, data: unknown): boolean {
    if (hb.message !== "auto") return hb.reply !== null && data === hb.reply;
    const frame = this.session ? asFrame(data) : null;
    return frame !== null && this.session!.isOwnReply(frame);
  }
}
