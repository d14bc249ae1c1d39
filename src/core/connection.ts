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
 * Page code runs synchronously inside `sink.dispatch`, and may call `send`/`close` from there: every
 * step after a dispatch re-checks that the state is still the one it started from.
 */
import type { SocketState } from "../shared/protocol";
import type { ResolvedRule } from "../shared/settings";
import { nextDelay } from "./backoff";
import { DeliveryTracker, type DeliveryReport, type PendingFrame } from "./delivery";
import { HeartbeatTimer, type HeartbeatTiming } from "./heartbeat";
import { compilePath, readJsonObject, type PathSegment } from "./json-path";
import { recogniseFrame, recogniseSocket, type Recognition } from "./protocols/registry";
import { asFrame, type Direction, type ProtocolSession } from "./protocols/types";
import { SendQueue, byteSize } from "./send-queue";
import { DEDUPE_WINDOW_MS, compareSeq, resumeMessage, resumeUrl, seqAt, type Seq } from "./resume";
import { resolveStrategy, type ResolvedStrategy, type StrategyChoice } from "./strategy";
import type { Clock, RecorderSink, SendData, SocketFactory, SocketLike, TimerHandle } from "./types";

export type PageEvent =
  | { type: "open" }
  | { type: "message"; data: string | ArrayBuffer | Blob; origin: string }
  | { type: "error" }
  | { type: "close"; code: number; reason: string; wasClean: boolean }
  | { type: "reconnecting"; detail: { attempt: number; delayMs: number; code: number } }
  | { type: "reconnected"; detail: { attempts: number; downtimeMs: number } };

/** The facade turns each into an event on the page's object. */
export interface PageSink {
  dispatch(ev: PageEvent): void;
}

export interface ConnectionOptions {
  socketId: string;
  url: string;
  protocols: string[];
  /**
   * The page's own native socket, already constructed, in any readyState. Its methods and getters
   * must reach the browser's own implementations (captured before patching): a patched prototype
   * that routes back into this connection would recurse. The engine never adds listeners to it.
   */
  initial: SocketLike;
  rule: ResolvedRule;
  /** Forces a strategy; default: the rule's, where `auto` follows the recognised protocol (src/core/protocols/). */
  strategy?: ResolvedStrategy;
  /** Makes replacement native sockets (same url/protocols); the engine listens to them itself. */
  createSocket: SocketFactory;
  clock: Clock;
  random: () => number;
  sink: PageSink;
  recorder: RecorderSink;
  invalidStateError: () => Error;
  validateClose: (code?: number, reason?: string) => void;
  binaryType: () => BinaryType;
  /** A replacement still CONNECTING after this long is a failed attempt. Default 30 s. */
  dialTimeoutMs?: number;
  /** How long after a reconnect `resume.dedupe` drops old frames. Default 10 s (the contract's); tests shorten it. */
  dedupeWindowMs?: number;
}

type Phase = "connecting" | "open" | "waiting" | "dialing" | "closing" | "closed";

/** What becomes of the page's own socket's events. */
type InitialRoute = "live" | "absorbed" | "native";

type LossKind = "connect" | "open" | "heartbeat";

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

const SOCKET_EVENTS = ["open", "message", "error", "close"] as const;
const DEFAULT_DIAL_TIMEOUT_MS = 30_000;
/** Frames of a connection the recognisers look at: handshakes come first. */
const RECOGNISE_FRAMES = 8;
/** At most one note a second about frames too large to match, with the count since the last. */
const SKIP_NOTE_INTERVAL_MS = 1_000;
/** While offline nothing is dialled until `online`; this is only a fallback should `online` never come. */
const MIN_OFFLINE_FALLBACK_MS = 1_000;

// Captured at load, before page scripts run, so a page that replaces `Blob` cannot intercept.
const NativeBlob: typeof Blob | undefined = typeof Blob === "function" ? Blob : undefined;

/** Keeps an abandoned socket's late errors from surfacing as unhandled anywhere. */
function errorSink(): void {}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "";
  }
}

export class ResilientConnection {
  private phase: Phase = "connecting";
  private rule: ResolvedRule | null;
  private strategy: ResolvedStrategy;
  private choice: StrategyChoice;
  /** The client-library protocol, from the constructor's arguments or the first frames. */
  private recognition: Recognition | null;
  /** The protocol's state on the live connection (a new one per native socket). */
  private session: ProtocolSession | null = null;
  /** Frames of the live connection seen so far, up to RECOGNISE_FRAMES. */
  private framesSeen = 0;
  /** The heartbeat timing in force, as a key, to notice when the protocol changes it. */
  private timingKey = "";
  private initialRoute: InitialRoute = "live";
  private disposed = false;

  /** The socket that currently carries the connection (initial or a replacement), if any. */
  private live: SocketLike | null;
  private detachLive: (() => void) | null = null;
  /** An `error` on the live socket was held back until its `close` says whether the loss surfaces. */
  private heldError = false;
  /** An `error` on the initial socket already reached the page natively. */
  private errorPassed = false;

  /** The page has seen `open` at least once. Before that, `send()` throws as native does. */
  private everOpened = false;
  /** Reconnect attempts since the last connection that stayed open `stableAfterMs`. */
  private attempt = 0;
  private outageStartedAt = 0;
  private outageCode = 1006;
  private offline = false;
  /** A replacement has opened: `protocol`/`extensions` are its, no longer the page socket's. */
  private replaced = false;
  private lastProtocol = "";
  private lastExtensions = "";
  /** Bytes sent after the end, which native `bufferedAmount` keeps counting. */
  private discardedBytes = 0;

  /** Acks and resends (`delivery`), when the rule asks for them under the transparent strategy. */
  private delivery: DeliveryTracker | null = null;
  /** The highest sequence seen at the rule's `seqPath`, kept across reconnects of this page object. */
  private lastSeq: Seq | undefined = undefined;
  private seqPath: PathSegment[] | null = null;
  /** The sequence the dialling replacement's URL carries (`resume.queryParam`). */
  private dialSeq: Seq | undefined = undefined;
  /** The dedupe window after a reconnect, and what it saw (reported when it ends). */
  private dedupeUntil = 0;
  private resumed: { lastSeq: Seq; via: "message" | "query"; replayed: number; deduped: number } | null = null;
  private skippedLarge = 0;
  private skipNotedAt = -Infinity;

  private reconnectTimer: TimerHandle | null = null;
  private resumeTimer: TimerHandle | null = null;
  private dialTimer: TimerHandle | null = null;
  private stableTimer: TimerHandle | null = null;
  private closeTimer: TimerHandle | null = null;

  private readonly queue: SendQueue;
  private readonly heartbeat: HeartbeatTimer;
  private readonly o: ConnectionOptions;

  constructor(opts: ConnectionOptions) {
    this.o = opts;
    this.rule = opts.rule;
    this.recognition = recogniseSocket(opts.url, opts.protocols);
    this.choice = this.choose(opts.rule, opts.strategy);
    this.strategy = this.choice.strategy;
    this.live = opts.initial;
    this.queue = new SendQueue(opts.rule.queue, (dropped, reason) =>
      this.emit({ kind: "queue", action: "dropped", count: 1, bytes: dropped.bytes, reason }),
    );
    this.heartbeat = new HeartbeatTimer({ intervalMs: opts.rule.heartbeat.intervalMs, timeoutMs: opts.rule.heartbeat.timeoutMs }, opts.clock, {
      ping: () => this.sendHeartbeat(),
      answered: (rtt) => this.emit({ kind: "heartbeat", phase: "answered", rttMs: rtt }),
      dead: (silent) => this.onHeartbeatDead(silent),
      slept: (late) => this.note(`timer fired ${late} ms late: the tab slept; probing again`),
    });
    this.configureGuarantees();
    this.adopt(opts.initial);
  }

  // ---------------------------------------------------------------------------------------------
  // What the page sees

  get readyState(): number {
    switch (this.phase) {
      case "connecting":
      case "waiting":
      case "dialing":
        return CONNECTING;
      case "open":
        return this.live?.readyState === CLOSING ? CLOSING : OPEN;
      case "closing":
        return CLOSING;
      case "closed":
        return CLOSED;
    }
  }

  get bufferedAmount(): number {
    return (this.live?.bufferedAmount ?? 0) + this.queue.bytes + this.discardedBytes;
  }

  get protocol(): string {
    return this.replaced ? this.lastProtocol : this.o.initial.protocol;
  }

  get extensions(): string {
    return this.replaced ? this.lastExtensions : this.o.initial.extensions;
  }

  /** The strategy in force, for the panel. */
  get resolvedStrategy(): ResolvedStrategy {
    return this.strategy;
  }

  /** The strategy with its reason and the recognised protocol, for the panel. */
  get strategyChoice(): StrategyChoice {
    return this.choice;
  }

  /** The engine's own state name (the recorder's vocabulary), for the panel and tests. */
  get state(): SocketState {
    return this.phase === "waiting" ? "reconnecting" : this.phase === "dialing" ? "connecting" : this.phase;
  }

  // ---------------------------------------------------------------------------------------------
  // Calls from the facade

  handleInitialEvent(ev: Event): boolean {
    if (this.initialRoute === "absorbed") return false;
    if (this.initialRoute === "native" || this.disposed || this.live !== this.o.initial) return true;
    return this.onLiveEvent(ev, true);
  }

  send(data: SendData): void {
    switch (this.phase) {
      case "connecting":
        // The native socket throws its own InvalidStateError.
        if (this.live) this.live.send(data);
        else throw this.o.invalidStateError();
        return;
      case "open":
        this.live?.send(data);
        this.observe("out", data);
        this.track(data);
        return;
      case "waiting":
      case "dialing":
        if (!this.everOpened || !this.rule?.queue.enabled) throw this.o.invalidStateError();
        this.queue.push(data);
        return;
      case "closing":
      case "closed":
        if (this.live) this.live.send(data);
        else this.discardedBytes += byteSize(data);
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
        const deadline = this.phase === "open" && this.rule && this.heartbeatActive() ? this.heartbeatTiming(this.rule).timeoutMs : null;
        this.clearTimers();
        this.phase = "closing";
        this.record("closing", { cause: "page called close()" });
        if (deadline !== null) this.closeTimer = this.o.clock.setTimeout(() => this.closingTimedOut(deadline), deadline);
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
        this.o.validateClose(code, reason);
        this.abandonLive();
        this.clearTimers();
        this.discardQueue("page called close() while reconnecting");
        this.phase = "closing";
        this.record("closing", { cause: "page called close() while reconnecting" });
        // Native close() on a CONNECTING socket fires error and close later, as tasks.
        this.closeTimer = this.o.clock.setTimeout(() => {
          this.closeTimer = null;
          this.endSynthetic(1006, "", false, "page called close() while reconnecting");
        }, 0);
        return;
      }
    }
  }

  updateRule(rule: ResolvedRule | null, strategy?: ResolvedStrategy): void {
    if (rule === null) {
      this.rule = null;
      this.configureGuarantees();
      this.heartbeat.stop();
      this.clearTimer("stableTimer");
      if (this.phase === "waiting" || this.phase === "dialing") {
        // The page was told CONNECTING; without protection the loss it did not see surfaces now.
        this.abandonLive();
        this.clearTimers();
        this.discardQueue("rule removed during an outage");
        this.endSynthetic(1006, "", false, "rule removed during an outage");
      }
      return;
    }
    this.rule = rule;
    this.choice = this.choose(rule, strategy);
    this.strategy = this.choice.strategy;
    this.queue.setLimits(rule.queue);
    this.configureGuarantees();
    this.timingKey = "";
    if (this.phase === "open") this.startHeartbeat();
  }

  environment(ev: "online" | "offline" | "visible" | "resume"): void {
    if (this.disposed) return;
    if (ev === "offline") {
      this.offline = true;
      if (this.phase === "dialing") {
        // A socket still connecting while offline cannot get through.
        this.note("offline: abandoning the connecting socket");
        this.abandonLive();
        this.clearTimer("dialTimer");
        this.scheduleAttempt(this.outageCode, "offline");
      } else if (this.phase === "waiting") {
        this.clearTimer("reconnectTimer");
        this.reconnectTimer = this.o.clock.setTimeout(() => this.dial(), this.offlineFallbackMs());
      } else if (this.phase === "open") {
        this.heartbeat.dueNow();
      }
      return;
    }
    if (ev === "online") this.offline = false;
    if (this.phase === "waiting") {
      this.note(`${ev}: reconnecting at once`);
      this.clearTimer("reconnectTimer");
      this.dial();
    } else if (this.phase === "open") {
      if (ev === "resume") this.heartbeat.resumed();
      else this.heartbeat.dueNow();
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.clearTimers();
    this.delivery?.stop();
    const live = this.live;
    if (live && live !== this.o.initial) {
      // Nobody would route this replacement's events any more.
      this.abandonLive();
    }
    if (this.initialRoute === "live") this.initialRoute = "native";
  }

  // ---------------------------------------------------------------------------------------------
  // Socket events

  private adopt(initial: SocketLike): void {
    switch (initial.readyState) {
      case CONNECTING:
        this.record("connecting", { cause: "adopted while connecting" });
        return;
      case OPEN:
        this.phase = "open";
        this.everOpened = true;
        this.record("open", { cause: "adopted while open" });
        this.afterOpen(true);
        return;
      case CLOSING:
        // We cannot tell who started the closing handshake: let it end the native way.
        this.phase = "closing";
        this.record("closing", { cause: "adopted while closing" });
        return;
      default:
        this.phase = "closed";
        this.live = null;
        this.initialRoute = "native";
        this.record("closed", { cause: "adopted after close" });
    }
  }

  private attach(sock: SocketLike): () => void {
    const listener = (ev: Event): void => {
      if (this.live === sock) this.onLiveEvent(ev, false);
    };
    for (const type of SOCKET_EVENTS) sock.addEventListener(type, listener);
    return () => {
      for (const type of SOCKET_EVENTS) sock.removeEventListener(type, listener);
    };
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
      this.phase = "open";
      this.everOpened = true;
      this.heldError = false;
      this.record("open", { cause: "connected" });
      this.afterOpen(false);
      return true;
    }
    if (this.phase !== "dialing" || isInitial) return isInitial;

    this.clearTimer("dialTimer");
    this.phase = "open";
    this.everOpened = true;
    this.heldError = false;
    this.replaced = true;
    this.lastProtocol = sock.protocol;
    this.lastExtensions = sock.extensions;
    const attempts = this.attempt;
    const downtimeMs = Math.max(0, this.o.clock.now() - this.outageStartedAt);
    this.record("open", { cause: `reconnected after ${attempts} attempt(s), ${downtimeMs} ms down`, attempt: attempts });
    this.afterOpen(false);
    // Taken before `open`: what the page's handlers send now is new, and goes out before the resends.
    const resend = this.delivery ? this.delivery.forResend() : [];
    const dialSeq = this.dialSeq;
    this.dialSeq = undefined;

    this.o.sink.dispatch({ type: "open" });
    if (!this.stillOpenOn(sock)) return false;
    this.resumeSession(sock, dialSeq);
    if (!this.stillOpenOn(sock)) return false;
    this.resendPending(sock, resend);
    const queued = this.queue.length;
    let flushedBytes = 0;
    for (let item = this.queue.shift(); item; item = this.queue.shift()) {
      try {
        sock.send(item.data);
        flushedBytes += item.bytes;
        this.observe("out", item.data);
        this.track(item.data);
      } catch (e) {
        this.note(`flushing the queue failed: ${String(e)}`);
        break;
      }
    }
    if (queued > 0) this.emit({ kind: "queue", action: "flushed", count: queued, bytes: flushedBytes });
    this.o.sink.dispatch({ type: "reconnected", detail: { attempts, downtimeMs } });
    return false;
  }

  private onMessage(ev: MessageEvent, isInitial: boolean): boolean {
    if (this.phase !== "open") return isInitial;
    this.heartbeat.inbound();
    const data: unknown = ev.data;
    const hb = this.rule?.heartbeat;
    let ownReply = false;
    if (hb && this.heartbeatActive()) {
      if (hb.message === "auto") {
        // Only replies to Lifeguard's own pings: the library's own pings and pongs pass.
        const frame = this.session ? asFrame(data) : null;
        ownReply = frame !== null && this.session!.isOwnReply(frame);
      } else {
        ownReply = hb.reply !== null && data === hb.reply;
      }
      if (ownReply && hb.hideReplies) return false;
    }
    if (!ownReply) {
      this.observe("in", data);
      if ((this.delivery || this.seqPath) && this.hideInbound(data)) return false;
    }
    if (isInitial) return true;
    const origin = typeof ev.origin === "string" && ev.origin !== "" ? ev.origin : originOf(this.o.url);
    this.o.sink.dispatch({ type: "message", data: this.forPage(data), origin });
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
        this.abandonLive();
        this.clearTimer("dialTimer");
        this.scheduleAttempt(1006, `reconnect attempt ${this.attempt} failed`);
        return false;
      default:
        return false;
    }
  }

  private onClose(code: number, reason: string, wasClean: boolean, isInitial: boolean): boolean {
    switch (this.phase) {
      case "closing": {
        this.phase = "closed";
        this.releaseLive();
        this.clearTimers();
        this.delivery?.end();
        this.record("closed", { code, reason, wasClean, cause: "closed as the page asked" });
        if (isInitial) {
          this.initialRoute = "native";
          return true;
        }
        this.o.sink.dispatch({ type: "close", code, reason, wasClean });
        return false;
      }
      case "connecting":
      case "open": {
        const kind: LossKind = this.phase === "connecting" ? "connect" : "open";
        const cause = kind === "connect" ? `connection failed (${code})` : `connection closed (${code})`;
        if (this.shouldHide(kind, code)) {
          this.releaseLive();
          this.beginOutage(code, cause);
          return false;
        }
        return this.surface(code, reason, wasClean, isInitial, cause);
      }
      case "dialing": {
        this.releaseLive();
        this.clearTimer("dialTimer");
        this.scheduleAttempt(code, `reconnect attempt ${this.attempt} failed (${code})`);
        return false;
      }
      default:
        return isInitial;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Losses and reconnects

  /** Whether a loss of this kind could be hidden at all under the current rule. */
  private couldHide(kind: LossKind): boolean {
    const r = this.rule?.reconnect;
    if (!r || !r.enabled || this.strategy !== "transparent") return false;
    if (kind === "connect" && !r.retryInitialConnect) return false;
    if (r.maxAttempts !== null && this.attempt >= r.maxAttempts) return false;
    return true;
  }

  private shouldHide(kind: LossKind, code: number): boolean {
    if (!this.couldHide(kind)) return false;
    return kind !== "open" || !(this.rule?.reconnect.stopOnCodes.includes(code) ?? false);
  }

  /** The loss reaches the page: native close for the initial socket, synthetic for a replacement. */
  private surface(code: number, reason: string, wasClean: boolean, isInitial: boolean, cause: string): boolean {
    const synthesiseError = this.heldError && !this.errorPassed;
    this.phase = "closed";
    this.releaseLive();
    this.clearTimers();
    this.discardQueue(cause);
    this.delivery?.end();
    this.record("closed", { code, reason, wasClean, cause });
    if (isInitial) {
      this.initialRoute = "native";
      if (synthesiseError) this.o.sink.dispatch({ type: "error" });
      return true;
    }
    if (synthesiseError) this.o.sink.dispatch({ type: "error" });
    this.o.sink.dispatch({ type: "close", code, reason, wasClean });
    return false;
  }

  /** Ends with a made-up `error` + `close` (the page's object has no native events left to show). */
  private endSynthetic(code: number, reason: string, wasClean: boolean, cause: string): void {
    this.phase = "closed";
    this.clearTimers();
    this.delivery?.end();
    this.record("closed", { code, reason, wasClean, cause });
    this.o.sink.dispatch({ type: "error" });
    this.o.sink.dispatch({ type: "close", code, reason, wasClean });
  }

  private beginOutage(code: number, cause: string): void {
    this.heartbeat.stop();
    this.clearTimer("stableTimer");
    this.endResumeWindow();
    this.outageStartedAt = this.o.clock.now();
    this.outageCode = code;
    this.heldError = false;
    this.scheduleAttempt(code, cause);
  }

  private scheduleAttempt(code: number, cause: string): void {
    const r = this.rule?.reconnect;
    if (!r) return;
    if (r.maxAttempts !== null && this.attempt >= r.maxAttempts) {
      this.discardQueue("reconnect attempts exhausted");
      this.endSynthetic(1006, "", false, `gave up after ${this.attempt} attempt(s)`);
      return;
    }
    this.attempt += 1;
    const attempt = this.attempt;
    const delayMs = this.offline ? this.offlineFallbackMs() : nextDelay(attempt, r, this.o.random);
    this.phase = "waiting";
    this.reconnectTimer = this.o.clock.setTimeout(() => {
      this.reconnectTimer = null;
      this.dial();
    }, delayMs);
    this.record("reconnecting", { code, cause: this.offline ? `${cause}; offline, waiting for online` : cause, attempt, delayMs });
    this.o.sink.dispatch({ type: "reconnecting", detail: { attempt, delayMs, code } });
  }

  private dial(): void {
    if (this.phase !== "waiting") return;
    this.clearTimer("reconnectTimer");
    this.phase = "dialing";
    this.record("connecting", { cause: `reconnect attempt ${this.attempt}`, attempt: this.attempt });
    let sock: SocketLike;
    const query = this.seqPath ? this.rule?.resume.queryParam ?? null : null;
    this.dialSeq = query !== null ? this.lastSeq : undefined;
    const url = query !== null && this.lastSeq !== undefined ? resumeUrl(this.o.url, query, this.lastSeq) : this.o.url;
    try {
      sock = this.o.createSocket(url, this.o.protocols);
    } catch (e) {
      this.note(`creating a socket failed: ${String(e)}`);
      this.scheduleAttempt(1006, `reconnect attempt ${this.attempt} failed`);
      return;
    }
    try {
      // Replacement frames are converted for the page's current binaryType at dispatch.
      sock.binaryType = "arraybuffer";
    } catch {
      // A socket that refuses: its frames arrive as it likes and are converted anyway.
    }
    this.live = sock;
    this.heldError = false;
    this.detachLive = this.attach(sock);
    this.dialTimer = this.o.clock.setTimeout(() => {
      this.dialTimer = null;
      if (this.phase !== "dialing" || this.live !== sock) return;
      this.note(`reconnect attempt ${this.attempt} timed out`);
      this.abandonLive();
      this.scheduleAttempt(1006, `reconnect attempt ${this.attempt} timed out`);
    }, this.o.dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS);
  }

  /** The page's close() got no closing handshake within the heartbeat's timeout: end it as the browser would, now. */
  private closingTimedOut(waitedMs: number): void {
    this.closeTimer = null;
    if (this.phase !== "closing" || this.disposed) return;
    this.abandonLive();
    this.phase = "closed";
    this.clearTimers();
    this.delivery?.end();
    this.record("closed", { code: 1006, reason: "", wasClean: false, cause: `no closing handshake within ${waitedMs} ms` });
    this.o.sink.dispatch({ type: "close", code: 1006, reason: "", wasClean: false });
  }

  private onHeartbeatDead(silentMs: number): void {
    this.emit({ kind: "heartbeat", phase: "missed", rttMs: silentMs });
    if (this.phase !== "open") return;
    // A dead connection sends no closing handshake: abandon it now rather than wait for TCP.
    this.abandonLive();
    if (this.shouldHide("heartbeat", 1006)) {
      this.beginOutage(1006, "heartbeat timeout");
      return;
    }
    this.discardQueue("heartbeat timeout");
    this.endSynthetic(1006, "", false, "heartbeat timeout");
  }

  // ---------------------------------------------------------------------------------------------
  // Delivery and resume (rule-driven; transparent strategy only: under `surface` the library owns them)

  /** Starts, retunes or stops delivery tracking and sequence watching to fit the rule and strategy. */
  private configureGuarantees(): void {
    const transparent = this.strategy === "transparent";
    const d = this.rule?.delivery;
    if (d?.enabled && transparent) {
      try {
        if (this.delivery) this.delivery.setSettings(d);
        else this.delivery = new DeliveryTracker(d, this.o.clock, (r) => this.emit({ kind: "delivery", ...r, idPath: this.rule?.delivery.idPath }));
      } catch (e) {
        this.note(`delivery off: ${String(e)}`);
        this.stopDelivery();
      }
    } else {
      this.stopDelivery();
    }
    const r = this.rule?.resume;
    try {
      this.seqPath = r?.enabled && transparent ? compilePath(r.seqPath) : null;
    } catch (e) {
      this.note(`resume off: ${String(e)}`);
      this.seqPath = null;
    }
  }

  private stopDelivery(): void {
    if (!this.delivery) return;
    const untracked = this.delivery.clear();
    this.delivery = null;
    if (untracked > 0) this.note(`delivery off: ${untracked} pending frame(s) no longer tracked`);
  }

  /** An outbound frame really went on the wire: with an id, it is pending until acked. */
  private track(data: unknown): void {
    if (!this.delivery) return;
    const skipped = this.delivery.sent(data);
    if (skipped) this.noteSkipped(skipped);
  }

  /**
   * An inbound frame of the open connection: acks settle pending frames, sequences move `lastSeq`.
   * Returns true when the page must not see it (an ack with `hideAcks`, a replayed duplicate).
   */
  private hideInbound(data: unknown): boolean {
    const read = readJsonObject(data);
    if (!read.ok) {
      if (read.reason.startsWith("not matched: too large")) this.noteSkipped(read.reason);
      return false;
    }
    const isAck = this.delivery ? this.delivery.inbound(read.value) : false;
    if (isAck && this.delivery?.hideAcks) return true;
    if (!this.seqPath) return false;
    const seq = seqAt(read.value, this.seqPath);
    if (seq === undefined) return false;
    const order = this.lastSeq === undefined ? 1 : compareSeq(seq, this.lastSeq);
    const windowOpen = this.o.clock.now() < this.dedupeUntil;
    if (windowOpen && order !== null && order <= 0 && this.rule?.resume.dedupe) {
      if (this.resumed) this.resumed.deduped++;
      return true;
    }
    if (order === null || order > 0) {
      // A sequence that cannot be ordered against the last (the server changed its kind) replaces it.
      this.lastSeq = seq;
      if (windowOpen && this.resumed) this.resumed.replayed++;
    }
    return false;
  }

  /** Right after `open` on a replacement: ask for what was missed, and open the dedupe window. */
  private resumeSession(sock: SocketLike, dialSeq: Seq | undefined): void {
    const r = this.rule?.resume;
    if (!this.seqPath || !r) return;
    this.endResumeWindow();
    const windowMs = this.o.dedupeWindowMs ?? DEDUPE_WINDOW_MS;
    this.dedupeUntil = this.o.clock.now() + windowMs;
    this.resumeTimer = this.o.clock.setTimeout(() => {
      this.resumeTimer = null;
      this.endResumeWindow();
    }, windowMs);
    if (r.queryParam !== null) {
      if (dialSeq !== undefined) this.startResumed(dialSeq, "query");
      return;
    }
    if (this.lastSeq === undefined) return;
    try {
      sock.send(resumeMessage(r.message, this.lastSeq));
      this.startResumed(this.lastSeq, "message");
    } catch (e) {
      this.note(`resume message could not be sent: ${String(e)}`);
    }
  }

  private startResumed(lastSeq: Seq, via: "message" | "query"): void {
    this.resumed = { lastSeq, via, replayed: 0, deduped: 0 };
    this.emit({ kind: "resume", lastSeq: String(lastSeq), via });
  }

  /** The dedupe window closed (or its connection went): report what the server replayed and what was dropped. */
  private endResumeWindow(): void {
    this.clearTimer("resumeTimer");
    this.dedupeUntil = 0;
    const done = this.resumed;
    this.resumed = null;
    if (done) this.emit({ kind: "resume", lastSeq: String(done.lastSeq), via: done.via, replayed: done.replayed, deduped: done.deduped });
  }

  /** Pending frames go out again on the new connection, in their original order. */
  private resendPending(sock: SocketLike, frames: PendingFrame[]): void {
    if (!this.delivery) return;
    for (const f of frames) {
      try {
        sock.send(f.data);
      } catch (e) {
        this.note(`resending failed: ${String(e)}`);
        return;
      }
      this.delivery.resent(f);
    }
  }

  private noteSkipped(reason: string): void {
    this.skippedLarge++;
    const now = this.o.clock.now();
    if (now - this.skipNotedAt < SKIP_NOTE_INTERVAL_MS) return;
    this.skipNotedAt = now;
    this.note(`delivery/resume: ${reason}${this.skippedLarge > 1 ? ` (${this.skippedLarge} frames since the last note)` : ""}`);
    this.skippedLarge = 0;
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private afterOpen(adopted: boolean): void {
    this.framesSeen = 0;
    this.session = this.recognition ? this.recognition.protocol.session(this.o.url, adopted) : null;
    this.timingKey = "";
    this.startHeartbeat();
    this.clearTimer("stableTimer");
    const stableAfterMs = this.rule?.reconnect.stableAfterMs ?? 0;
    this.stableTimer = this.o.clock.setTimeout(() => {
      this.stableTimer = null;
      if (this.attempt > 0) this.note(`stable for ${stableAfterMs} ms: attempt count reset`);
      this.attempt = 0;
    }, stableAfterMs);
  }

  private heartbeatActive(): boolean {
    const hb = this.rule?.heartbeat;
    if (!hb || !hb.enabled || typeof hb.message !== "string") return false;
    // "auto" speaks the recognised protocol; on a socket of no known protocol it is off.
    return hb.message !== "auto" || (!!this.session && this.session.liveness().kind !== "off");
  }

  private heartbeatTiming(rule: ResolvedRule): HeartbeatTiming {
    const { intervalMs, timeoutMs, message } = rule.heartbeat;
    const live = message === "auto" ? this.session?.liveness() : undefined;
    // A passive protocol brings its own window: the rule's interval and timeout do not apply.
    if (live?.kind === "passive") return { intervalMs: live.intervalMs, timeoutMs: live.timeoutMs, passive: true };
    if (live?.kind === "ping" && live.minSilenceMs) {
      return { intervalMs, timeoutMs: Math.max(timeoutMs, live.minSilenceMs - intervalMs) };
    }
    return { intervalMs, timeoutMs };
  }

  /** Starts, stops or retimes the heartbeat to fit the rule and what the protocol has said so far. */
  private startHeartbeat(): void {
    if (!this.rule || !this.heartbeatActive()) {
      this.heartbeat.stop();
      this.timingKey = "";
      return;
    }
    const timing = this.heartbeatTiming(this.rule);
    const key = `${timing.intervalMs}/${timing.timeoutMs}/${timing.passive === true}`;
    if (key !== this.timingKey || !this.heartbeat.running) {
      this.timingKey = key;
      this.heartbeat.setTiming(timing);
      if (!this.heartbeat.running) this.heartbeat.start();
    }
  }

  /** A frame of the live connection, either way: recognition of the first frames, the protocol's state. */
  private observe(dir: Direction, data: unknown): void {
    if (this.session === null && this.framesSeen >= RECOGNISE_FRAMES) return;
    const frame = asFrame(data);
    if (frame === null) return;
    if (this.framesSeen < RECOGNISE_FRAMES) {
      this.framesSeen++;
      if (!this.recognition) {
        const found = recogniseFrame(dir, frame);
        if (found) this.recognised(found);
      }
    }
    if (!this.session) return;
    this.session.observe(dir, frame, this.o.clock.now());
    if (this.phase === "open") this.startHeartbeat();
  }

  /** A protocol recognised from a frame: it has its session from now on, and `auto` may change strategy. */
  private recognised(found: Recognition): void {
    this.recognition = found;
    this.session = found.protocol.session(this.o.url, false);
    if (!this.rule) return;
    this.choice = this.choose(this.rule, this.o.strategy);
    this.strategy = this.choice.strategy;
    this.configureGuarantees();
    this.o.recorder.record({
      kind: "protection",
      t: this.o.clock.now(),
      socket: this.o.socketId,
      protected: true,
      rule: this.rule.match,
      ...this.choice,
    });
  }

  private choose(rule: ResolvedRule, forced: ResolvedStrategy | undefined): StrategyChoice {
    const choice = resolveStrategy(rule.reconnect.strategy, this.recognition);
    return forced ? { ...choice, strategy: forced, reason: "strategy set by the host" } : choice;
  }

  private sendHeartbeat(): void {
    const hb = this.rule?.heartbeat;
    if (this.phase !== "open" || !this.live || !hb) return;
    try {
      if (hb.message !== "auto") this.live.send(hb.message);
      else if (this.session) this.live.send(this.session.ping());
      else return;
      this.emit({ kind: "heartbeat", phase: "sent" });
    } catch (e) {
      this.note(`heartbeat could not be sent: ${String(e)}`);
    }
  }

  private forPage(data: unknown): string | ArrayBuffer | Blob {
    if (typeof data === "string") return data;
    if (this.o.binaryType() === "blob" && NativeBlob && !(data instanceof NativeBlob)) {
      return new NativeBlob([data as ArrayBuffer]);
    }
    return data as ArrayBuffer | Blob;
  }

  private stillOpenOn(sock: SocketLike): boolean {
    return this.phase === "open" && this.live === sock && !this.disposed;
  }

  /** Forgets the live socket after its close: nothing more will come from it. */
  private releaseLive(): void {
    if (this.detachLive) this.detachLive();
    this.detachLive = null;
    if (this.live === this.o.initial && this.initialRoute === "live" && this.phase !== "closed") {
      this.initialRoute = "absorbed";
    }
    this.live = null;
  }

  /** Leaves the live socket for good: its later events are ignored, and it is closed if it can be. */
  private abandonLive(): void {
    const sock = this.live;
    if (!sock) return;
    if (sock === this.o.initial) this.initialRoute = "absorbed";
    if (this.detachLive) this.detachLive();
    this.detachLive = null;
    this.live = null;
    if (sock !== this.o.initial) sock.addEventListener("error", errorSink);
    if (sock.readyState === CONNECTING || sock.readyState === OPEN) {
      try {
        sock.close();
      } catch {
        // Already failing: nothing to do.
      }
    }
  }

  private discardQueue(why: string): void {
    const dropped = this.queue.clear();
    if (dropped.length > 0) {
      const bytes = dropped.reduce((sum, m) => sum + m.bytes, 0);
      this.emit({ kind: "queue", action: "discarded", count: dropped.length, bytes, reason: why });
    }
  }

  private offlineFallbackMs(): number {
    return Math.max(MIN_OFFLINE_FALLBACK_MS, this.rule?.reconnect.maxDelayMs ?? 0);
  }

  private clearTimer(name: "reconnectTimer" | "dialTimer" | "stableTimer" | "closeTimer" | "resumeTimer"): void {
    const handle = this[name];
    if (handle !== null) this.o.clock.clearTimeout(handle);
    this[name] = null;
  }

  private clearTimers(): void {
    this.clearTimer("reconnectTimer");
    this.clearTimer("dialTimer");
    this.clearTimer("stableTimer");
    this.clearTimer("closeTimer");
    this.heartbeat.stop();
    // The dedupe window ends with the connection it belongs to (its report is due then).
    this.endResumeWindow();
  }

  private record(
    state: SocketState,
    extra: { code?: number; reason?: string; wasClean?: boolean; cause?: string; attempt?: number; delayMs?: number },
  ): void {
    this.o.recorder.record({ kind: "state", t: this.o.clock.now(), socket: this.o.socketId, state, ...extra });
  }

  /** A structured recorder event of this socket, stamped now. */
  private emit(
    event:
      | { kind: "heartbeat"; phase: "sent" | "answered" | "missed"; rttMs?: number }
      | { kind: "queue"; action: "dropped" | "flushed" | "discarded"; count: number; bytes: number; reason?: string }
      | ({ kind: "delivery"; idPath?: string } & DeliveryReport)
      | { kind: "resume"; lastSeq: string; via: "message" | "query"; replayed?: number; deduped?: number },
  ): void {
    this.o.recorder.record({ ...event, t: this.o.clock.now(), socket: this.o.socketId });
  }

  private note(text: string): void {
    this.o.recorder.record({ kind: "note", t: this.o.clock.now(), socket: this.o.socketId, text });
  }
}
