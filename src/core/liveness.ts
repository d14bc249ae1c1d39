/**
 * The heartbeat of one page-facing socket (DESIGN.md, "Heartbeat"): a `HeartbeatTimer` that speaks the
 * rule's message or the recognised protocol's own ping (`ProtocolWatch`), started, retimed and stopped
 * to fit the rule and what the protocol has said so far, and which inbound frames answer its pings.
 */
import type { HeartbeatSettings } from "../shared/settings";
import { HeartbeatTimer } from "./heartbeat";
import type { SocketJournal } from "./journal";
import type { ProtocolWatch } from "./protocol-watch";
import { INBOUND, type Clock, type InboundFate, type SocketLike } from "./types";

export interface LivenessHooks {
  /** The rule's heartbeat settings; undefined when no rule protects the socket. */
  settings(): HeartbeatSettings | undefined;
  /** The socket to ping: the live one while the connection is open, else null. */
  wire(): SocketLike | null;
  /** No inbound frame within the timeout after a ping: the connection is dead. */
  dead(silentMs: number): void;
}

export class Liveness {
  private readonly timer: HeartbeatTimer;

  constructor(
    private readonly watch: ProtocolWatch,
    clock: Clock,
    private readonly log: SocketJournal,
    private readonly hooks: LivenessHooks,
  ) {
    const hb = hooks.settings();
    this.timer = new HeartbeatTimer({ intervalMs: hb?.intervalMs ?? 0, timeoutMs: hb?.timeoutMs ?? 0 }, clock, {
      ping: () => this.ping(),
      answered: (rttMs) => log.event({ kind: "heartbeat", phase: "answered", rttMs }),
      dead: (silentMs) => {
        log.event({ kind: "heartbeat", phase: "missed", rttMs: silentMs });
        hooks.dead(silentMs);
      },
      slept: (late) => log.note(`timer fired ${late} ms late: the tab slept; probing again`),
    });
  }

  /** Whether the heartbeat runs: on, and with "auto" only where a recognised protocol can be pinged or listened to. */
  get active(): boolean {
    const hb = this.hooks.settings();
    return !!hb && this.watch.heartbeatActive(hb);
  }

  /** How long a page's `close()` waits for the closing handshake: the heartbeat's timeout, when it runs. */
  closingDeadlineMs(): number | null {
    const hb = this.hooks.settings();
    return hb && this.watch.heartbeatActive(hb) ? this.watch.heartbeatTiming(hb).timeoutMs : null;
  }

  /** Starts, stops or retimes the heartbeat to fit the rule and what the protocol has said so far. */
  fit(): void {
    const hb = this.hooks.settings();
    if (!hb || !this.watch.heartbeatActive(hb)) this.timer.stop();
    else this.timer.run(this.watch.heartbeatTiming(hb));
  }

  /** Starts again from now (a new rule). */
  restart(): void {
    this.timer.stop();
    this.fit();
  }

  stop(): void {
    this.timer.stop();
  }

  /**
   * An inbound frame of the open connection proves it alive. Returns its fate when it answers
   * Lifeguard's own ping (hidden unless `hideReplies` is off), null for any other frame.
   */
  inbound(data: unknown): InboundFate | null {
    this.timer.inbound();
    const hb = this.hooks.settings();
    if (!hb || !this.watch.heartbeatActive(hb) || !this.watch.isOwnReply(hb, data)) return null;
    return hb.hideReplies ? INBOUND.hiddenReply : INBOUND.reply;
  }

  /** Back online, or the tab became visible: ping now unless a ping is already out. */
  dueNow(): void {
    this.timer.dueNow();
  }

  /** The tab resumed from a freeze: probe with a fresh deadline. */
  resumed(): void {
    this.timer.resumed();
  }

  private ping(): void {
    const hb = this.hooks.settings();
    const sock = this.hooks.wire();
    if (!sock || !hb) return;
    try {
      const ping = this.watch.ping(hb);
      if (ping === null) return;
      sock.send(ping, "heartbeat");
      this.log.event({ kind: "heartbeat", phase: "sent" });
    } catch (e) {
      this.log.note(`heartbeat could not be sent: ${String(e)}`);
    }
  }
}
