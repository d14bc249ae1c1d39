/**
 * Finds half-open connections: after `intervalMs` without an inbound frame it asks for a ping; no
 * inbound frame within `timeoutMs` after the ping means dead.
 *
 * Timers are checked against the wall clock (`clock.now()`). A frozen or throttled tab runs its
 * timers late, all at once, and would otherwise read its own sleep as the server's silence
 * (Chrome throttles hidden tabs' timers to once a minute:
 * https://developer.chrome.com/blog/timer-throttling-in-chrome-88). A timer that fires more than
 * `slackMs` late means "we slept": the engine probes again with a fresh deadline, during which the
 * event loop is awake to deliver frames that were waiting. Only a second late deadline in a row (the
 * event loop did run, yet nothing came in) is taken as death.
 *
 * `passive` (a protocol where only the server pings, like Engine.IO 4): nothing is sent; silence for
 * `intervalMs + timeoutMs` is death, and a probe cannot be asked for.
 */
import type { Clock, TimerHandle } from "./types";

export interface HeartbeatTiming {
  intervalMs: number;
  timeoutMs: number;
  /** How late a timer may fire before it counts as sleep. Default 1000 ms. */
  slackMs?: number;
  /** Never ping: only listen (see above). */
  passive?: boolean;
}

export interface HeartbeatEvents {
  /** Send the heartbeat message now. */
  ping(): void;
  /** An inbound frame arrived `rttMs` after the ping. */
  answered(rttMs: number): void;
  /** No inbound frame for `silentMs` after the ping: the connection is dead. The timer has stopped. */
  dead(silentMs: number): void;
  /** A timer fired `lateMs` late: the tab slept. */
  slept(lateMs: number): void;
}

type Phase = "stopped" | "idle" | "awaiting";

export const DEFAULT_SLACK_MS = 1000;

export class HeartbeatTimer {
  private phase: Phase = "stopped";
  private timer: TimerHandle | null = null;
  private expectedAt = 0;
  private lastInboundAt = 0;
  private pingAt = 0;
  private sleepsInRow = 0;

  constructor(
    private timing: HeartbeatTiming,
    private readonly clock: Clock,
    private readonly events: HeartbeatEvents,
  ) {}

  get running(): boolean {
    return this.phase !== "stopped";
  }

  get awaitingReply(): boolean {
    return this.phase === "awaiting";
  }

  /** Starts measuring silence from now. */
  start(): void {
    this.stop();
    this.phase = "idle";
    this.sleepsInRow = 0;
    this.lastInboundAt = this.clock.now();
    this.arm(this.timing.intervalMs);
  }

  stop(): void {
    this.phase = "stopped";
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /** New timing; applies from the next timer (a running timer is restarted from now). */
  setTiming(timing: HeartbeatTiming): void {
    this.timing = timing;
    if (this.phase !== "stopped") this.start();
  }

  /**
   * Runs with `timing`: started if stopped, restarted from now if the timing changed, left alone (its
   * silence still counting) if it is already running with this timing.
   */
  run(timing: HeartbeatTiming): void {
    const t = this.timing;
    const same =
      t.intervalMs === timing.intervalMs && t.timeoutMs === timing.timeoutMs && (t.passive === true) === (timing.passive === true);
    if (this.running && same) return;
    this.timing = timing;
    this.start();
  }

  /** Any inbound frame proves the connection alive. */
  inbound(): void {
    if (this.phase === "stopped") return;
    const now = this.clock.now();
    this.lastInboundAt = now;
    this.sleepsInRow = 0;
    if (this.phase === "awaiting") {
      this.phase = "idle";
      this.arm(this.timing.intervalMs);
      if (!this.timing.passive) this.events.answered(now - this.pingAt);
    }
    // While idle the pending timer re-arms itself for the rest of the interval: no timer per frame.
  }

  /** The heartbeat is due now (back online, tab visible): ping unless a ping is already out. */
  dueNow(): void {
    if (this.phase === "idle" && !this.timing.passive) this.ping();
  }

  /** The tab resumed from a freeze: whatever the timers say, probe with a fresh deadline. */
  resumed(): void {
    if (this.phase === "stopped") return;
    // Passive: the server's next ping may be a whole interval away; a fresh window, not a short probe.
    if (this.timing.passive) return this.start();
    this.sleepsInRow = 0;
    this.ping();
  }

  private arm(ms: number): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    const delay = Math.max(0, ms);
    this.expectedAt = this.clock.now() + delay;
    this.timer = this.clock.setTimeout(() => this.fire(), delay);
  }

  private ping(): void {
    this.phase = "awaiting";
    this.pingAt = this.clock.now();
    this.arm(this.timing.timeoutMs);
    if (!this.timing.passive) this.events.ping();
  }

  private fire(): void {
    this.timer = null;
    if (this.phase === "stopped") return;
    const now = this.clock.now();
    const late = now - this.expectedAt;
    const slept = late > (this.timing.slackMs ?? DEFAULT_SLACK_MS);
    if (slept) {
      this.sleepsInRow++;
      this.events.slept(late);
      // The callback may have stopped us.
      if ((this.phase as Phase) === "stopped") return;
    }
    if (this.phase === "idle") {
      const silent = now - this.lastInboundAt;
      if (silent >= this.timing.intervalMs) this.ping();
      else this.arm(this.timing.intervalMs - silent);
      return;
    }
    const waited = now - this.pingAt;
    if (waited < this.timing.timeoutMs) {
      // Fired early (the wall clock was set back): wait out the rest.
      this.arm(this.timing.timeoutMs - waited);
    } else if (slept && this.sleepsInRow <= 1) {
      this.ping();
    } else {
      this.stop();
      this.events.dead(waited);
    }
  }
}
