/**
 * The resilience check's vocabulary (issue 20; DESIGN.md "Measure resilience"): a scenario of steps,
 * each a real fault followed by an observation window; the run's time marks; and the report measured
 * from the recorder's events (src/shared/protocol.ts `RecorderEvent`). Pure data: the panel and the
 * testing API both run a check through `runner.ts` and read it with `measure.ts`, so their reports are
 * the same thing. The report's JSON schema is documented in docs/resilience-report.md.
 */
import type { RecorderEvent, SocketId, StreamId } from "../protocol";

/** The report's schema version; bump it on any change a consumer could notice. */
export const REPORT_VERSION = 1;

/**
 * A step's fault:
 * - `drop`: the server drops the connection (abrupt, 1006);
 * - `restart`: the server closes with `code` (1012 by default) and refuses connections for `durationMs`;
 * - `offline`: the network is offline for `durationMs` (every socket drops, every connect fails);
 * - `blackhole`: half-open for `durationMs`: nothing moves either way, nothing closes;
 * - `latency`: `inMs` / `outMs` added to every frame for `durationMs`.
 */
export type StepKind = "drop" | "restart" | "offline" | "blackhole" | "latency";
export const STEP_KINDS: readonly StepKind[] = ["drop", "restart", "offline", "blackhole", "latency"];

export interface Step {
  kind: StepKind;
  /** How long the fault stays in force, ms (`drop` has none: it is an instant). */
  durationMs?: number;
  /** `restart`: the close code the "server" sends. */
  code?: number;
  /** `latency`: delay added to inbound / outbound frames, ms. */
  inMs?: number;
  outMs?: number;
  /**
   * How long the step is watched from the moment its fault starts, ms; at least `durationMs`. A
   * connection not open again by then is "not recovered".
   */
  observeMs: number;
}

export interface Scenario {
  /** Shown in the report. */
  name: string;
  steps: Step[];
  /** Pause between steps, ms, so that one step's recovery is not measured in the next. */
  settleMs: number;
}

/** Which sockets a check is for: every socket of the tab, or one (and whatever replaces it). */
export type CheckTarget = { tab: true } | { socket: SocketId };

/** When each step really ran (page clock, ms since the epoch, as recorder events' `t`). */
export interface StepMark {
  index: number;
  step: Step;
  /** The fault was sent. */
  startT: number;
  /** The fault's own end (startT + durationMs; startT for `drop`). */
  faultEndT: number;
  /** The observation window closed (or the check was stopped: then `stopped`). */
  endT: number;
  stopped?: boolean;
}

/**
 * Something the page showed the user as an error during a check: an uncaught exception, an unhandled
 * rejection, or a `console.error` call (recorded by the page world only while a check watches).
 */
export interface PageError {
  t: number;
  stream: StreamId;
  what: "error" | "unhandledrejection" | "console";
  message: string;
}

/** Who brought a connection back. */
export type RecoveredBy = "lifeguard" | "page" | "library";

export type Verdict = "passed" | "degraded" | "failed";

/** One logical connection (an endpoint of a frame of the tab) in one step. */
export interface ConnectionStepResult {
  /** The endpoint: scheme, host, port and path of the socket URL (the query is left out, it often carries a session id). */
  endpoint: string;
  /** The sockets of this logical connection seen in the step, in order. */
  sockets: SocketId[];
  detected:
    | { at: number; afterMs: number; by: "close" | "error" | "heartbeat" | "lifeguard-reconnect" }
    | { at: null; reason: string };
  recovered:
    | { afterMs: number; by: RecoveredBy; attempts?: number }
    | { afterMs: null; reason: string };
  /** Whether the page sent again after the new open what it sent after the first open (by shape). */
  resubscribed: "yes" | "no" | "unknown" | "not needed";
  /** Shapes compared for `resubscribed` (e.g. `{"type","channel"}`), for the reader. */
  resubscribeShapes?: { before: string[]; after: string[] };
  /** Messages the page sent from the loss until the connection was open again (or the window closed). */
  messages: { sent: number; delivered: number; lost: number; duplicated: number; queued: number };
  /** Page errors during the step (all frames of the tab: the page world cannot tell which socket caused one). */
  errors: PageError[];
  verdict: Verdict;
  /** Why, in words: "recovered by the page in 1.2 s", "half-open not detected in 60 s". */
  reason: string;
}

export interface StepResult {
  index: number;
  step: Step;
  startT: number;
  endT: number;
  stopped: boolean;
  connections: ConnectionStepResult[];
  /** The worst verdict of its connections (`failed` when there was no connection to test). */
  verdict: Verdict;
  reason: string;
}

export interface ResilienceReport {
  version: typeof REPORT_VERSION;
  scenario: Scenario;
  target: CheckTarget;
  /** Protection as the check ran: `unprotected`, or the rule's match glob that protected it. */
  protection: { protected: false } | { protected: true; rule: string };
  startedAt: number;
  endedAt: number;
  steps: StepResult[];
  summary: { passed: number; degraded: number; failed: number; verdict: Verdict; text: string };
}

/** What `measure` reads: the recorder's events of the tab as the panel received them, and page errors. */
export interface CheckRecord {
  events: RecorderEvent[];
  errors: PageError[];
}
