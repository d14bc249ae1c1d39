/**
 * `ResilientConnection`: the state machine behind one page-facing WebSocket object
 * (DESIGN.md, "The page-facing WebSocket (contract)").
 *
 * The page holds its own native socket (`initial`); the facade forwards that socket's events to
 * `handleInitialEvent` and lets through only those it returns true for. After a hidden loss the engine
 * dials replacement native sockets (`createSocket`), listens to them itself, and speaks to the page
 * through `PageSink` (synthetic events on the page's object).
 *
 *   connecting ──open──▶ open ──loss, hidden──▶ waiting ──timer──▶ dialing ──open──▶ open
 *        │                 │                      ▲                   │
 *        │                 │                      └──failed attempt───┘
 *        └──────loss, surfaced / page close / attempts exhausted──▶ closing ──▶ closed
 *
 * Every change of phase goes through `transition`, which clears what the old phase owned. Each phase
 * owns at most one timer (waiting: the reconnect wait; dialing: the dial timeout; open: the stability
 * timer; closing: the closing deadline); open also owns the heartbeat and the dedupe window.
 *
 * Every frame Lifeguard sends on a native socket says who made it (`SocketLike.send(data, from)`), and
 * after each inbound frame `inbound` says what became of it, for the page world's record at the wire.
 *
 * Page code runs synchronously inside `sink.dispatch`, and may call `send`/`close` from there: every
 * step after a dispatch re-checks that the state is still the one it started from.
 */
import type { HeartbeatMode, SocketState } from "../shared/protocol";
import type { ResolvedRule } from "../shared/settings";
import { ReconnectAttempts } from "./backoff";
import { isBadPort } from "./bad-port";
import { Carrier } from "./carrier";
import { pageMessage, type ConnectionOptions } from "./page-facing";
import { Guarantees } from "./guarantees";
import { SocketJournal, type StateDetails } from "./journal";
import { Liveness } from "./liveness";
import { ProtocolWatch } from "./protocol-watch";
import type { Direction } from "./protocols/types";
import { DEDUPE_WINDOW_MS } from "./resume";
import { SendQueue, byteSize } from "./send-queue";
import { resolveStrategy, type ResolvedStrategy, type StrategyChoice } from "./strategy";
import { INBOUND, type InboundFate, type Provenance, type SendData, type SocketLike, type TimerHandle } from "./types";

export { type ConnectionOptions, type PageEvent, type PageSink } from "./page-facing";

type Phase = "connecting" | "open" | "waiting" | "dialing" | "closing" | "closed";

type LossKind = "connect" | "open" | "heartbeat";

/**
 * What a transition does besides clearing the old phase's timer, heartbeat and dedupe window: the live
 * socket is released (its close came: nothing more will) or abandoned (closed if it can be, its later
 * events ignored); the send queue is discarded, recorded with this reason.
 */
interface Exit {
  socket?: "release" | "abandon";
  discard?: string;
}

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;
/** What the page's `readyState` says in each phase (open: OPEN until the socket starts closing). */
const READY_STATES: Readonly<Record<Phase, number>> = {
  connecting: CONNECTING,
  open: OPEN,
  waiting: CONNECTING,
  dialing: CONNECTING,
  closing: CLOSING,
  closed: CLOSED,
};

const DEFAULT_DIAL_TIMEOUT_MS = 30_000;
/** While offline nothing is dialled until `online`; this is only a fallback should `online` never come. */
const MIN_OFFLINE_FALLBACK_MS = 1_000;
const KEEP: Exit = {};

export class ResilientConnection {
  /**
   * What became of the last inbound frame the engine handled, on the page's socket or a replacement:
   * set before `handleInitialEvent` returns and before the frame is dispatched to the page, for the
   * page world's record of it at the wire. One of the shared `INBOUND` constants.
   */
  inbound: InboundFate = INBOUND.delivered;

  private phase: Phase = "connecting";
  private rule: ResolvedRule | null;
  private choice: StrategyChoice;
  /**
   * The heartbeat mode the recorder was last told of. The page world announces the first one itself
   * (`strategyChoice` carries it into its protection event, once this is constructed: null until
   * then); this engine tells of every later change.
   */
  private heartbeatTold: HeartbeatMode | undefined | null = null;
  /** The client-library protocol, from the constructor's arguments or the first frames, and its state. */
  private readonly watch: ProtocolWatch;
  private disposed = false;
  /** The native socket that carries the connection: the page's own, or a replacement. */
  private readonly carrier: Carrier;
  /** An `error` on the live socket was held back until its `close` says whether the loss surfaces. */
  private heldError = false;
  /** An `error` on the initial socket already reached the page natively. */
  private errorPassed = false;

  /** The page has seen `open` at least once. Before that, `send()` throws as native does. */
  private everOpened = false;
  private readonly attempts = new ReconnectAttempts();
  private offline = false;
  /** Set once a replacement opened: `protocol`/`extensions` are its, no longer the page socket's. */
  private negotiated: { protocol: string; extensions: string } | null = null;
  /** Bytes sent after the end, which native `bufferedAmount` keeps counting. */
  private discardedBytes = 0;
  /** The one timer the current phase owns (see the top of this file). */
  private timer: TimerHandle | null = null;

  private readonly guarantees: Guarantees;
  private readonly queue: SendQueue;
  private readonly heartbeat: Liveness;
  private readonly log: SocketJournal;
  private readonly o: ConnectionOptions;

  constructor(opts: ConnectionOptions) {
    this.o = opts;
    this.rule = opts.rule;
    this.watch = new ProtocolWatch(opts.url, opts.protocols, () => opts.clock.now(), () => this.recognised());
    this.choice = resolveStrategy(opts.rule.reconnect.strategy, this.watch.recognition, opts.strategy);
    this.carrier = new Carrier(opts.initial);
    this.log = new SocketJournal(opts.recorder, opts.clock, opts.socketId);
    this.queue = new SendQueue(opts.rule.queue, (dropped, reason) =>
      this.log.event({ kind: "queue", action: "dropped", count: 1, bytes: dropped.bytes, reason }),
    );
    this.heartbeat = new Liveness(this.watch, opts.clock, this.log, {
      settings: () => this.rule?.heartbeat,
      wire: () => (this.phase === "open" ? this.live : null),
      dead: () => this.onHeartbeatDead(),
    });
    this.guarantees = new Guarantees(opts.clock, opts.dedupeWindowMs ?? DEDUPE_WINDOW_MS, {
      delivery: (r, idPath) => this.log.event({ kind: "delivery", ...r, idPath }),
      resume: (r) => this.log.event({ kind: "resume", ...r }),
      note: (text) => this.log.note(text),
    });
    this.configureGuarantees();
    this.adopt(opts.initial);
    this.heartbeatTold = this.heartbeatMode();
  }

  // ---------------------------------------------------------------------------------------------
  // What the page sees

  get readyState(): number {
    if (this.phase === "open") return this.live?.readyState === CLOSING ? CLOSING : OPEN;
    return READY_STATES[this.phase];
  }

  get bufferedAmount(): number {
    return (this.live?.bufferedAmount ?? 0) + this.queue.bytes + this.discardedBytes;
  }

  get protocol(): string {
    return this.negotiated ? this.negotiated.protocol : this.o.initial.protocol;
  }

  get extensions(): string {
    return this.negotiated ? this.negotiated.extensions : this.o.initial.extensions;
  }

  /** The strategy in force, for the panel. */
  get resolvedStrategy(): ResolvedStrategy {
    return this.choice.strategy;
  }

  /** The strategy with its reason, the recognised protocol and the heartbeat mode, for the panel. */
  get strategyChoice(): StrategyChoice & { heartbeat?: HeartbeatMode } {
    const heartbeat = this.heartbeatMode();
    return heartbeat === undefined ? this.choice : { ...this.choice, heartbeat };
  }

  /** The engine's own state name (the recorder's vocabulary), for the panel and tests. */
  get state(): SocketState {
    return this.phase === "waiting" ? "reconnecting" : this.phase === "dialing" ? "connecting" : this.phase;
  }

  private get live(): SocketLike | null {
    return this.carrier.live;
  }

  // ---------------------------------------------------------------------------------------------
  // Calls from the facade

  handleInitialEvent(ev: Event): boolean {
    const route = this.carrier.route;
    if (route === "absorbed") return this.ignored(ev, false);
    if (route === "native" || this.disposed || this.live !== this.o.initial) return this.ignored(ev, true);
    return this.onLiveEvent(ev, true);
  }

  /**
   * The page's `send`, or a frame sent as the page by someone else (`from`: the panel...). While
   * reconnecting it is queued, reported to `recorder.queued`, and goes out later still marked `from`.
   */
  send(data: SendData, from: Provenance = "page"): void {
    switch (this.phase) {
      case "connecting":
        // The native socket throws its own InvalidStateError.
        if (this.live) this.live.send(data, from);
        else throw this.o.invalidStateError();
        return;
      case "open":
        this.live?.send(data, from);
        this.observe("out", data);
        this.guarantees.sent(data);
        return;
      case "waiting":
      case "dialing":
        if (!this.everOpened || !this.rule?.queue.enabled) throw this.o.invalidStateError();
        this.log.queued(data, from);
        this.queue.push(data, from);
        return;
      case "closing":
      case "closed":
        if (this.live) this.live.send(data, from);
        else {
          this.discardedBytes += byteSize(data);
          this.log.discarded(data, from);
        }
        return;
    }
  }

  close(code?: number, reason?: string): void {
    switch (this.phase) {
      case "connecting":
      case "open": {
        // Native validation first: if it throws, nothing has changed.
        this.live?.close(code, reason);
        // A library that found the connection dead closes it itself; on a half-open connection the
        // closing handshake never comes back and the browser takes minutes to say so.
        const deadline = this.phase === "open" ? this.heartbeat.closingDeadlineMs() : null;
        this.transition("closing", { cause: "page called close()" });
        if (deadline !== null) this.setTimer(() => this.closingTimedOut(deadline), deadline);
        return;
      }
      case "closing":
        if (this.live) this.live.close(code, reason);
        else this.o.validateClose(code, reason);
        return;
      case "closed":
        this.o.validateClose(code, reason);
        return;
      case "waiting":
      case "dialing": {
        const cause = "page called close() while reconnecting";
        this.o.validateClose(code, reason);
        this.transition("closing", { cause }, { socket: "abandon", discard: cause });
        // Native close() on a CONNECTING socket fires error and close later, as tasks.
        this.setTimer(() => this.endSynthetic(1006, "", false, cause), 0);
        return;
      }
    }
  }

  updateRule(rule: ResolvedRule | null, strategy?: ResolvedStrategy): void {
    const wasProtected = this.rule !== null;
    if (rule === null) {
      this.rule = null;
      this.configureGuarantees();
      this.heartbeat.stop();
      // Without a rule the attempt count is not reset any more: the stability timer goes.
      if (this.phase === "open") this.clearTimer();
      if (this.phase === "waiting" || this.phase === "dialing") {
        // The page was told CONNECTING; without protection the loss it did not see surfaces now.
        const cause = "rule removed during an outage";
        this.endSynthetic(1006, "", false, cause, { socket: "abandon", discard: cause });
      }
      return;
    }
    this.rule = rule;
    this.choice = resolveStrategy(rule.reconnect.strategy, this.watch.recognition, strategy);
    this.queue.setLimits(rule.queue);
    this.configureGuarantees();
    // A new rule restarts the heartbeat from now, with its timing.
    if (this.phase === "open") this.heartbeat.restart();
    // Protection that starts again is announced by the page world, with `strategyChoice`; a rule that
    // changes under protection (a ping message saved from the panel) is this engine's to tell.
    if (wasProtected) this.tellHeartbeat();
    else this.heartbeatTold = this.heartbeatMode();
  }

  environment(ev: "online" | "offline" | "visible" | "resume"): void {
    if (this.disposed) return;
    if (ev === "offline") {
      this.offline = true;
      if (this.phase === "dialing") {
        // A socket still connecting while offline cannot get through.
        this.log.note("offline: abandoning the connecting socket");
        this.scheduleAttempt(this.attempts.code, "offline", "abandon");
      } else if (this.phase === "waiting") {
        this.setTimer(() => this.dial(), this.offlineFallbackMs());
      } else if (this.phase === "open") {
        this.heartbeat.dueNow();
      }
      return;
    }
    if (ev === "online") this.offline = false;
    if (this.phase === "waiting") {
      this.log.note(`${ev}: reconnecting at once`);
      this.dial();
    } else if (this.phase === "open") {
      if (ev === "resume") this.heartbeat.resumed();
      else this.heartbeat.dueNow();
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stopTimers();
    this.guarantees.stop();
    // Nobody would route a replacement's events any more.
    if (this.live !== this.o.initial) this.carrier.abandon();
    if (this.carrier.route === "live") this.carrier.route = "native";
  }

  // ---------------------------------------------------------------------------------------------
  // Phases

  /**
   * Enters `to` and clears what the old phase owned: its timer, the heartbeat and the dedupe window of
   * its connection; the live socket and the send queue as `exit` says; pending deliveries at the end.
   * Then records the new state with `details`.
   */
  private transition(to: Phase, details: StateDetails, exit: Exit = KEEP): void {
    this.phase = to;
    if (exit.socket === "release") this.carrier.release(to === "closed");
    else if (exit.socket === "abandon") this.carrier.abandon();
    this.stopTimers();
    if (exit.discard !== undefined) this.discardQueue(exit.discard);
    if (to === "closed") this.guarantees.end();
    this.log.state(this.state, details);
  }

  private adopt(initial: SocketLike): void {
    switch (initial.readyState) {
      case CONNECTING:
        this.log.state("connecting", { cause: "adopted while connecting" });
        return;
      case OPEN:
        this.enterOpen(initial, { cause: "adopted while open" }, true);
        return;
      case CLOSING:
        // We cannot tell who started the closing handshake: let it end the native way.
        this.transition("closing", { cause: "adopted while closing" });
        return;
      default:
        this.transition("closed", { cause: "adopted after close" }, { socket: "release" });
        this.carrier.route = "native";
    }
  }

  /** `sock` opened (or was adopted open): the protocol's state, the heartbeat and the stability timer start. */
  private enterOpen(sock: SocketLike, how: { cause: string; attempt?: number }, adopted: boolean): void {
    this.transition("open", { ...how, protocol: sock.protocol, extensions: sock.extensions });
    this.everOpened = true;
    this.heldError = false;
    this.watch.opened(adopted);
    this.heartbeat.fit();
    this.tellHeartbeat();
    const stableAfterMs = this.rule?.reconnect.stableAfterMs ?? 0;
    this.setTimer(() => {
      if (this.attempts.count > 0) this.log.note(`stable for ${stableAfterMs} ms: attempt count reset`);
      this.attempts.count = 0;
    }, stableAfterMs);
  }

  /** Ends with a made-up `error` + `close` (the page's object has no native events left to show). */
  private endSynthetic(code: number, reason: string, wasClean: boolean, cause: string, exit: Exit = KEEP): void {
    this.transition("closed", { code, reason, wasClean, cause }, exit);
    this.o.sink.dispatch({ type: "error" });
    this.o.sink.dispatch({ type: "close", code, reason, wasClean });
  }

  /** The page's close() got no closing handshake within the heartbeat's timeout: end it as the browser would, now. */
  private closingTimedOut(waitedMs: number): void {
    if (this.phase !== "closing" || this.disposed) return;
    const cause = `no closing handshake within ${waitedMs} ms`;
    this.transition("closed", { code: 1006, reason: "", wasClean: false, cause }, { socket: "abandon" });
    this.o.sink.dispatch({ type: "close", code: 1006, reason: "", wasClean: false });
  }

  // ---------------------------------------------------------------------------------------------
  // Socket events

  /** An event the engine does not act on: the page sees it natively (`passes`), or never. */
  private ignored(ev: Event, passes: boolean): boolean {
    if (ev.type === "message") this.inbound = passes ? INBOUND.delivered : INBOUND.dropped;
    return passes;
  }

  /** Returns whether a native event of the initial socket may reach the page. */
  private onLiveEvent(ev: Event, isInitial: boolean): boolean {
    switch (ev.type) {
      case "open":
        return this.onOpen(isInitial);
      case "message":
        return this.onMessage(ev as MessageEvent, isInitial);
      case "error":
        return this.onError(isInitial);
      case "close": {
        const c = ev as CloseEvent;
        return this.onClose(c.code, c.reason, c.wasClean, isInitial);
      }
      default:
        return true;
    }
  }

  private onOpen(isInitial: boolean): boolean {
    const sock = this.live;
    if (!sock) return isInitial;
    if (this.phase === "connecting" && isInitial) {
      this.enterOpen(sock, { cause: "connected" }, false);
      return true;
    }
    if (this.phase !== "dialing" || isInitial) return isInitial;

    this.negotiated = { protocol: sock.protocol, extensions: sock.extensions };
    const attempts = this.attempts.count;
    const downtimeMs = Math.max(0, this.o.clock.now() - this.attempts.since);
    this.enterOpen(sock, { cause: `reconnected after ${attempts} attempt(s), ${downtimeMs} ms down`, attempt: attempts }, false);
    // Taken before `open`: what the page's handlers send now is new, and goes out before the resends.
    const resend = this.guarantees.forResend();

    this.o.sink.dispatch({ type: "open" });
    if (!this.stillOpenOn(sock)) return false;
    this.guarantees.resumeOn(sock);
    if (!this.stillOpenOn(sock)) return false;
    this.guarantees.resend(sock, resend);
    this.flushQueue(sock);
    this.o.sink.dispatch({ type: "reconnected", detail: { attempts, downtimeMs } });
    return false;
  }

  private onMessage(ev: MessageEvent, isInitial: boolean): boolean {
    if (this.phase !== "open") return this.ignored(ev, isInitial);
    const data: unknown = ev.data;
    const reply = this.heartbeat.inbound(data);
    if (reply) {
      this.inbound = reply;
    } else {
      this.observe("in", data);
      this.inbound = this.guarantees.active ? this.guarantees.inbound(data) : INBOUND.delivered;
    }
    if (this.inbound.fate !== "delivered") return false;
    if (isInitial) return true;
    this.o.sink.dispatch(pageMessage(ev, this.o));
    return false;
  }

  private onError(isInitial: boolean): boolean {
    switch (this.phase) {
      case "closing":
        // The page asked for the close: errors go through as they are.
        if (!isInitial) this.o.sink.dispatch({ type: "error" });
        return isInitial;
      case "connecting":
      case "open":
        // Whether the page sees this depends on the close that follows; where the loss would surface
        // whatever its code, let the native event through now.
        if (isInitial && !this.couldHide(this.phase === "connecting" ? "connect" : "open")) {
          this.errorPassed = true;
          return true;
        }
        this.heldError = true;
        return false;
      case "dialing":
        // A replacement failing to connect: the attempt failed. Browsers follow with close 1006, but
        // Node 20's undici (6.x) fires only `error` on a refused connection and stays CONNECTING.
        this.scheduleAttempt(1006, `reconnect attempt ${this.attempts.count} failed`, "abandon");
        return false;
      default:
        return false;
    }
  }

  private onClose(code: number, reason: string, wasClean: boolean, isInitial: boolean): boolean {
    switch (this.phase) {
      case "closing": {
        this.transition("closed", { code, reason, wasClean, cause: "closed as the page asked" }, { socket: "release" });
        if (isInitial) {
          this.carrier.route = "native";
          return true;
        }
        this.o.sink.dispatch({ type: "close", code, reason, wasClean });
        return false;
      }
      case "connecting":
      case "open": {
        const kind: LossKind = this.phase === "connecting" ? "connect" : "open";
        if (this.shouldHide(kind, code)) {
          this.beginOutage(code, `connection ${kind === "connect" ? "failed" : "closed"} (${code})`, "release");
          return false;
        }
        return this.surface(code, reason, wasClean, isInitial, this.lossCause(kind, code));
      }
      case "dialing":
        this.scheduleAttempt(code, `reconnect attempt ${this.attempts.count} failed (${code})`, "release");
        return false;
      default:
        return isInitial;
    }
  }

  private onHeartbeatDead(): void {
    if (this.phase !== "open") return;
    // A dead connection sends no closing handshake: abandon it now rather than wait for TCP.
    if (this.shouldHide("heartbeat", 1006)) {
      this.beginOutage(1006, "heartbeat timeout", "abandon");
      return;
    }
    this.endSynthetic(1006, "", false, "heartbeat timeout", { socket: "abandon", discard: "heartbeat timeout" });
  }

  // ---------------------------------------------------------------------------------------------
  // Losses and reconnects

  /** Whether a loss of this kind could be hidden at all under the current rule. */
  private couldHide(kind: LossKind): boolean {
    const r = this.rule?.reconnect;
    if (!r || !r.enabled || this.choice.strategy !== "transparent") return false;
    // A port the browser blocks fails at once, every time: retrying would only trap the page in CONNECTING.
    if (kind === "connect" && (!r.retryInitialConnect || isBadPort(this.o.url))) return false;
    return !this.attempts.exhausted(r, this.everOpened);
  }

  private shouldHide(kind: LossKind, code: number): boolean {
    if (!this.couldHide(kind)) return false;
    return kind !== "open" || !(this.rule?.reconnect.stopOnCodes.includes(code) ?? false);
  }

  private lossCause(kind: LossKind, code: number): string {
    if (kind !== "connect") return `connection closed (${code})`;
    const blocked = this.rule?.reconnect.retryInitialConnect && isBadPort(this.o.url);
    return `connection failed (${code})${blocked ? "; the port is one browsers block: not retried" : ""}`;
  }

  /** The loss reaches the page: native close for the initial socket, synthetic for a replacement. */
  private surface(code: number, reason: string, wasClean: boolean, isInitial: boolean, cause: string): boolean {
    const synthesiseError = this.heldError && !this.errorPassed;
    this.transition("closed", { code, reason, wasClean, cause }, { socket: "release", discard: cause });
    if (isInitial) {
      this.carrier.route = "native";
      if (synthesiseError) this.o.sink.dispatch({ type: "error" });
      return true;
    }
    if (synthesiseError) this.o.sink.dispatch({ type: "error" });
    this.o.sink.dispatch({ type: "close", code, reason, wasClean });
    return false;
  }

  private beginOutage(code: number, cause: string, socket: Exit["socket"]): void {
    this.attempts.begin(code, this.o.clock.now());
    this.heldError = false;
    this.scheduleAttempt(code, cause, socket);
  }

  /** The live socket's attempt failed (or the connection was lost): wait for the next, or give up. */
  private scheduleAttempt(code: number, cause: string, socket?: Exit["socket"]): void {
    const r = this.rule?.reconnect;
    if (!r || this.attempts.exhausted(r, this.everOpened)) {
      const never = this.everOpened ? "" : ": the first connect never opened";
      this.endSynthetic(1006, "", false, `gave up after ${this.attempts.count} attempt(s)${never}`, {
        socket,
        discard: "reconnect attempts exhausted",
      });
      return;
    }
    const delayMs = this.attempts.next(r, this.o.random, this.offline ? this.offlineFallbackMs() : null);
    const attempt = this.attempts.count;
    const why = this.offline ? `${cause}; offline, waiting for online` : cause;
    this.transition("waiting", { code, cause: why, attempt, delayMs }, { socket });
    this.setTimer(() => this.dial(), delayMs);
    this.o.sink.dispatch({ type: "reconnecting", detail: { attempt, delayMs, code } });
  }

  private dial(): void {
    if (this.phase !== "waiting") return;
    this.transition("dialing", { cause: `reconnect attempt ${this.attempts.count}`, attempt: this.attempts.count });
    const url = this.guarantees.dialUrl(this.o.url);
    let sock: SocketLike;
    try {
      sock = this.o.createSocket(url, this.o.protocols);
    } catch (e) {
      this.log.note(`creating a socket failed: ${String(e)}`);
      this.scheduleAttempt(1006, `reconnect attempt ${this.attempts.count} failed`);
      return;
    }
    try {
      // Replacement frames are converted for the page's current binaryType at dispatch.
      sock.binaryType = "arraybuffer";
    } catch {
      // A socket that refuses: its frames arrive as it likes and are converted anyway.
    }
    this.heldError = false;
    this.carrier.carry(
      sock,
      (ev) => this.onLiveEvent(ev, false),
      (ev) => this.ignored(ev, false),
    );
    this.setTimer(() => {
      if (this.phase !== "dialing" || this.live !== sock) return;
      this.log.note(`reconnect attempt ${this.attempts.count} timed out`);
      this.scheduleAttempt(1006, `reconnect attempt ${this.attempts.count} timed out`, "abandon");
    }, this.o.dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS);
  }

  /** After a reconnect, what the page sent during the outage goes out in order, each marked as it was sent. */
  private flushQueue(sock: SocketLike): void {
    const count = this.queue.length;
    if (count === 0) return;
    const flushed = this.queue.flush((m) => {
      sock.send(m.data, m.from);
      this.observe("out", m.data);
      this.guarantees.sent(m.data);
    });
    if ("error" in flushed) this.log.note(`flushing the queue failed: ${String(flushed.error)}`);
    this.log.event({ kind: "queue", action: "flushed", count, bytes: flushed.bytes });
  }

  // ---------------------------------------------------------------------------------------------
  // Protocol, heartbeat, delivery and resume

  private configureGuarantees(): void {
    this.guarantees.configure(this.rule, this.choice.strategy === "transparent");
  }

  /** A frame of the live connection, either way: the protocol's state may retime the heartbeat. */
  private observe(dir: Direction, data: unknown): void {
    if (this.watch.observe(dir, data) && this.phase === "open") {
      this.heartbeat.fit();
      this.tellHeartbeat();
    }
  }

  /** A protocol recognised from a frame: `auto` may change strategy, and delivery/resume with it. */
  private recognised(): void {
    if (!this.rule) return;
    this.choice = resolveStrategy(this.rule.reconnect.strategy, this.watch.recognition, this.o.strategy);
    this.configureGuarantees();
    this.heartbeatTold = this.heartbeatMode() ?? this.heartbeatTold;
    this.log.event({ kind: "protection", protected: true, rule: this.rule.match, ...this.strategyChoice });
  }

  /**
   * How this socket's liveness is checked now. Undefined while a recognised protocol has not said yet
   * (no connection, or its handshake still to come): such a gap is not news, and telling of it would
   * flap at every reconnect.
   */
  private heartbeatMode(): HeartbeatMode | undefined {
    const hb = this.rule?.heartbeat;
    if (!hb || !hb.enabled) return "off";
    if (hb.message !== "auto") return "message";
    if (!this.watch.recognition) return "off";
    if (!this.watch.heartbeatActive(hb)) return undefined;
    return this.watch.heartbeatTiming(hb).passive ? "passive" : "protocol";
  }

  /** A protection event when the heartbeat mode changed since the recorder last heard of it. */
  private tellHeartbeat(): void {
    const heartbeat = this.heartbeatMode();
    if (!this.rule || this.heartbeatTold === null || heartbeat === undefined || heartbeat === this.heartbeatTold) return;
    this.heartbeatTold = heartbeat;
    this.log.event({ kind: "protection", protected: true, rule: this.rule.match, ...this.choice, heartbeat });
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private stillOpenOn(sock: SocketLike): boolean {
    return this.phase === "open" && this.live === sock && !this.disposed;
  }

  private discardQueue(why: string): void {
    const { count, bytes } = this.queue.discard();
    if (count > 0) this.log.event({ kind: "queue", action: "discarded", count, bytes, reason: why });
  }

  private offlineFallbackMs(): number {
    return Math.max(MIN_OFFLINE_FALLBACK_MS, this.rule?.reconnect.maxDelayMs ?? 0);
  }

  /** Arms the current phase's timer (replacing any). */
  private setTimer(fn: () => void, ms: number): void {
    this.clearTimer();
    this.timer = this.o.clock.setTimeout(() => {
      this.timer = null;
      fn();
    }, ms);
  }

  private clearTimer(): void {
    if (this.timer !== null) this.o.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private stopTimers(): void {
    this.clearTimer();
    this.heartbeat.stop();
    // The dedupe window ends with the connection it belongs to (its report is due then).
    this.guarantees.endWindow();
  }
}
