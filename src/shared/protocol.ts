/**
 * The one cross-context protocol: page world <-> relay (content script) <-> background <-> panel.
 *
 * Every message is an envelope `{ source, v, type, ...payload }`. Messages are declared once, in two
 * direction-named maps. Anything that arrives from another context is untrusted until
 * `isEnvelope` / `isPageToPanel` / `isPanelToPage` say otherwise: the page (or another frame) can
 * forge what the page world and the relay see.
 */

export const PROTOCOL_VERSION = 2;

/** Who put the envelope on the wire. */
export type Source = "lifeguard-page" | "lifeguard-relay" | "lifeguard-background" | "lifeguard-panel";

export type SocketState = "connecting" | "open" | "closing" | "closed" | "reconnecting";

/**
 * How a protected socket's liveness is checked: the recognised protocol's own ping (`protocol`), the
 * rule's own message (`message`), listening to the server's pings (`passive`), or not at all (`off`:
 * the heartbeat is disabled, or `auto` met a protocol Lifeguard does not know).
 */
export type HeartbeatMode = "protocol" | "message" | "passive" | "off";

/** A page-world socket id, unique in the tab: `<stream>:<counter>`. */
export type SocketId = string;

/**
 * One page world's stream of recorder events: a random token per document (and frame), the prefix of
 * every id of its sockets. Events are numbered from 1 in the stream, whether a panel listens or not, so
 * a panel can tell a batch that follows what it has from one after a gap (see `events`, `snapshot`).
 */
export type StreamId = string;

/** What the recorder knows about a socket when it is created. */
export interface SocketInfo {
  id: SocketId;
  url: string;
  protocols: string[];
  /** URL of the document (frame) that created it. */
  frameUrl: string;
  /** True when the frame is the tab's top frame. */
  topFrame: boolean;
  createdAt: number;
}

/** A frame as the recorder keeps it: true size always, payload as a bounded preview. */
export interface FrameRecord {
  socket: SocketId;
  /** Monotonic per socket, from 1. */
  seq: number;
  t: number;
  dir: "in" | "out";
  /** Opcode class: text or binary. */
  opcode: "text" | "binary";
  /** Size in bytes of the whole payload (UTF-8 for text). */
  size: number;
  /** Text, or for binary the first bytes as hex. Capped at `record.maxPreviewBytes`. */
  preview: string;
  truncated: boolean;
  /** Who made it (DESIGN.md, "Records"); absent: `page` (the page's own send, or the server's frame). */
  from?: Provenance;
  /** What became of it; absent: `delivered` (inbound) or `sent` (outbound). */
  fate?: Fate;
  /** The frame rule that touched it: its index in the settings' `frameRules` (frame-rule-types.ts). */
  rule?: number;
  /** The breakpoint it waits at (fate `paused`): the id a `pause` command answers, per socket. */
  pause?: number;
}

/**
 * Who made a frame: the page (its own `send`, or the server's frame to it); Lifeguard's heartbeat (its
 * ping, or the reply to it); the resume message; a frame sent again by delivery; a fault (`injected`, as
 * if from the server); the panel (sent as the page); a frame rule; a mock.
 */
export type Provenance = "page" | "heartbeat" | "resume" | "resend" | "injected" | "panel" | "rule" | "mock";
export const PROVENANCES: readonly Provenance[] = ["page", "heartbeat", "resume", "resend", "injected", "panel", "rule", "mock"];

/**
 * What became of a frame. Inbound: delivered to the page, or hidden from it (a reply to Lifeguard's
 * heartbeat, an ack, a replayed duplicate). Outbound: sent, or queued during an outage (a second
 * record says `sent` when it really goes). Either way: held by a black-hole, delayed by latency or a
 * frame rule, dropped (a fault ended the connection first, a queue bound, a rule), paused at a
 * breakpoint (a second record says what became of it: sent / delivered as it was, from `panel` when
 * the user edited it, or dropped), or edited: a rule replaced it, and the next record of the socket
 * (from `rule`) is what really went.
 */
export type Fate =
  | "delivered"
  | "sent"
  | "queued"
  | "hidden-reply"
  | "hidden-ack"
  | "hidden-duplicate"
  | "held"
  | "delayed"
  | "dropped"
  | "paused"
  | "edited";
export const FATES: readonly Fate[] = [
  "delivered",
  "sent",
  "queued",
  "hidden-reply",
  "hidden-ack",
  "hidden-duplicate",
  "held",
  "delayed",
  "dropped",
  "paused",
  "edited",
];

/**
 * A recorder event, in the order they happened: an event of one socket, or one of the page world's
 * stream as a whole (a page error). Both are numbered in the stream and carried in `events` batches.
 */
export type RecorderEvent = SocketEvent | PageErrorEvent;

/**
 * Something the page showed as an error while a resilience check watched (src/page/page-errors.ts):
 * an uncaught exception (`error`), an unhandled rejection, or a `console.error` call, its text clipped
 * to `PAGE_ERROR_MESSAGE_MAX` characters. It belongs to no socket: the page world cannot tell which
 * socket, if any, caused it. Page errors go in batches only, never in a socket's ring or a snapshot:
 * they are recorded only while a check watches, and a check runs from a panel that listens.
 */
export interface PageErrorEvent {
  kind: "page-error";
  t: number;
  what: PageErrorKind;
  message: string;
}

export type PageErrorKind = "error" | "unhandledrejection" | "console";

/** A page error's message is cut here (characters). */
export const PAGE_ERROR_MESSAGE_MAX = 1000;

/** An event of one socket: what its ring keeps and a snapshot carries. */
export type SocketEvent =
  | { kind: "created"; t: number; socket: SocketInfo }
  | {
      kind: "state";
      t: number;
      socket: SocketId;
      state: SocketState;
      /** Close code and reason, when the state is `closed`. */
      code?: number;
      reason?: string;
      wasClean?: boolean;
      /** Why the transition happened, in words the panel can show (`server closed`, `heartbeat timeout`). */
      cause?: string;
      /** Reconnect attempt number and its delay, when the state is `reconnecting`. */
      attempt?: number;
      delayMs?: number;
      /** The negotiated subprotocol and extensions, when the state is `open`. */
      protocol?: string;
      extensions?: string;
    }
  | { kind: "frame"; frame: FrameRecord }
  /** Lifeguard's own heartbeat: a ping sent, its answer (with round-trip time), or a miss. */
  | { kind: "heartbeat"; t: number; socket: SocketId; phase: "sent" | "answered" | "missed"; rttMs?: number }
  /**
   * The send queue: messages dropped past its bound, flushed after a reconnect, or discarded at the end.
   * Also `dropped` (count 1, reason `send() threw InvalidStateError`) for a page `send()` that threw: the
   * message never reached the wire nor any queue (CONNECTING, or reconnecting with the queue off), so
   * it is no frame; the page was told by the exception, but a check counts it as lost. A `send()` that
   * native discards silently (CLOSING or CLOSED) is a frame record with fate `dropped` instead.
   */
  | { kind: "queue"; t: number; socket: SocketId; action: "dropped" | "flushed" | "discarded"; count: number; bytes: number; reason?: string }
  /** A rule started or stopped protecting the socket, or the strategy changed (a protocol was recognised from its frames). */
  | {
      kind: "protection";
      t: number;
      socket: SocketId;
      protected: boolean;
      rule?: string;
      strategy?: string;
      reason?: string;
      /** The recognised client-library protocol (`MQTT`, `Socket.IO / Engine.IO`...), if any. */
      protocol?: string;
      /** How the page world checks this socket is alive, as of this event (absent: not known yet). */
      heartbeat?: HeartbeatMode;
    }
  /** A fault from the panel started (`active`) or ended on this socket; `untilT` when it ends by itself. */
  | { kind: "fault"; t: number; socket: SocketId; fault: FaultKind; active: boolean; detail?: string; untilT?: number }
  | { kind: "note"; t: number; socket: SocketId; text: string }
  /**
   * Delivery of an outbound frame with an id (a rule's `delivery`): pending once it really went out,
   * acked (with the latency from its last send), sent again after a reconnect, or lost past a bound
   * (`reason`: `maxPending`, `maxPendingBytes`, `maxAgeMs`, `socket closed`). `idPath` is the rule's,
   * so the panel can find the id in the frame's preview.
   */
  | { kind: "delivery"; t: number; socket: SocketId; id: string; status: DeliveryStatus; ackMs?: number; reason?: string; idPath?: string }
  /**
   * Session resume after a reconnect (a rule's `resume`): asked from `lastSeq` by message or by query
   * parameter. A second event when the dedupe window ends carries `replayed` (frames past `lastSeq`
   * received in the window) and `deduped` (frames at or below it, dropped).
   */
  | { kind: "resume"; t: number; socket: SocketId; lastSeq: string; via: "message" | "query"; replayed?: number; deduped?: number }
  /**
   * A breakpoint (a frame rule with action `pause`): frame `id` (its record has `pause: id`) waits
   * (`paused`, with `untilT` when it goes on by itself), then is `forwarded` (`edited` when the user
   * changed it), `dropped`, or `timed-out` (it went on as it was). Later frames of its direction wait
   * behind it, recorded as they arrive with fate `delayed` (no `rule`: none matched them), as frames
   * behind a latency are; a second record only if they never go (`dropped`).
   */
  | {
      kind: "pause";
      t: number;
      socket: SocketId;
      id: number;
      dir: "in" | "out";
      rule: number;
      phase: "paused" | "forwarded" | "dropped" | "timed-out";
      edited?: boolean;
      untilT?: number;
    };

export type DeliveryStatus = "pending" | "acked" | "resent" | "lost";

/** Faults a developer can force from the panel (see src/page/faults.ts for what each does). */
export type FaultKind = "drop" | "close" | "offline" | "blackhole" | "latency" | "inject" | "send" | "reconnect" | "refuse";

export type FaultCommand =
  | { kind: "drop" }
  /** Close as the server would, with this code and reason. */
  | { kind: "close"; code: number; reason: string }
  /** Every socket of the tab drops and every connect fails until `durationMs` passes; 0 ends it. */
  | { kind: "offline"; durationMs: number }
  /** The connection stays "open" but nothing moves either way for `durationMs`; 0 ends it. */
  | { kind: "blackhole"; durationMs: number }
  /**
   * For `durationMs`, every connection dialled to the target's endpoint (a socket: its URL's scheme,
   * host, port and path; the tab: any URL) fails as an unreachable server does; connections already up
   * are untouched. 0 ends it (for the tab: every refusal of the page world).
   */
  | { kind: "refuse"; durationMs: number }
  /** Delay inbound and outbound frames, order kept; 0/0 ends it. */
  | { kind: "latency"; inMs: number; outMs: number }
  /** A frame into the page as if the server sent it; binary given as hex or base64. */
  | { kind: "inject"; data: string; encoding: "text" | "hex" | "base64" }
  /** A frame to the server as if the page sent it. */
  | { kind: "send"; data: string; encoding: "text" | "hex" | "base64" }
  /** A protected socket waiting on backoff dials now. */
  | { kind: "reconnect" };

/** Which sockets a command is for: one socket, or every socket of the tab. */
export type FaultTarget = { socket: SocketId } | { tab: true };

/** What a page frame holds for one socket, sent in a snapshot. */
export interface SocketSnapshot {
  info: SocketInfo;
  state: SocketState;
  protected: boolean;
  framesIn: number;
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
  /** `seq` of the last frame counted above: a frame event at or below it is already in the totals. */
  lastSeq: number;
  /** Events the ring buffer still holds, oldest first: a socket's own, never a page error (the guard says so). */
  events: RecorderEvent[];
}

/** Page -> panel, carried by the relay and the background unchanged. */
export interface PageToPanel {
  /**
   * A batch of recorder events (at most one batch per ~50 ms per frame): the stream's events numbered
   * `from` to `to`, every one of them. A batch whose `from` is past the last number the panel has
   * follows a gap (a port that went down, a page that was not heard): the panel asks for a snapshot.
   */
  events: { stream: StreamId; from: number; to: number; events: RecorderEvent[] };
  /**
   * Everything this frame's recorder holds, in answer to `snapshot-request`: the stream's state after
   * its event `upTo`. Sent in `parts` messages (`part` from 0), each within the guard's bounds.
   */
  snapshot: { stream: StreamId; upTo: number; part: number; parts: number; frameUrl: string; sockets: SocketSnapshot[] };
}

/** Page world -> relay: what the page world asks of the extension, never forwarded. */
export interface PageToRelay {
  /**
   * The rule for a socket URL the page opened. The page world holds no rule it did not ask for: the
   * relay keeps the settings and answers with the one rule that matches (`rule`), now and on every change.
   */
  "rule-query": { url: string };
  /** The conversation of the mock whose glob matched a socket URL (see `config.mocks`). */
  "mock-query": { url: string };
}

/** Relay -> page world: the settings a page world needs, and nothing of other sites. */
export interface RelayToPage {
  /** Whether Lifeguard is on, and the recorder's bounds (validated by the relay). */
  config: {
    enabled: boolean;
    record: { maxFramesPerSocket: number; maxPreviewBytes: number };
    /** Globs of the mocks in force: a socket whose URL matches one is served by the mock (asked with `mock-query`). */
    mocks?: string[];
  };
  /**
   * The rule (resolved, every field present) protecting sockets to `url`, or null: inspect only; and
   * the enabled frame rules whose `match` fits `url`, in settings order (none: `[]`).
   */
  rule: { url: string; rule: unknown; frameRules?: unknown[] };
  /** The mock for `url` (a `MockSpec`), or null when none matches any more. */
  mock: { url: string; mock: unknown };
}

/** What the relay or the router dropped past a budget, as running totals since it started. */
export interface BudgetDrops {
  messages: number;
  events: number;
  sockets: number;
  chars: number;
}

/** Relay -> panel: what only the relay of a frame knows about its page. */
export interface RelayToPanel {
  /**
   * The relay refused to pair with a port: a second or late handshake (after the page world's own, or
   * after document_start) or one that was malformed. A page, or another frame, tried to take over
   * Lifeguard's channel. `count` is the running total of this relay (one message per second at most).
   */
  "bridge-refused": { relay: string; frameUrl: string; reason: "second" | "late" | "malformed"; count: number };
  /** This frame's page sent more than a frame may (see src/shared/budget.ts): running totals of what was dropped. */
  "over-budget": { relay: string; frameUrl: string; stream?: StreamId; dropped: BudgetDrops };
}

/** Panel -> page. */
export interface PanelToPage {
  /** Every frame of the tab answers, or only the page world of `stream`. */
  "snapshot-request": { stream?: StreamId };
  /**
   * Whether a panel (or popup) of the tab is attached. Until one is, the recorder only fills its ring
   * and posts nothing: a page with no panel open pays for no cross-context traffic. The background
   * says so when the first panel of a tab connects and after the last one leaves.
   */
  listening: { on: boolean };
  /**
   * `check`: a resilience check started the fault. Such faults end when the check ends (`check` off)
   * or when the tab's last panel leaves (`listening` off); the user's own faults stay.
   */
  fault: { target: FaultTarget; fault: FaultCommand; check?: true };
  /**
   * A resilience check starts or ends. While one runs, the page world records page errors
   * (`PageErrorEvent`); when it ends, every fault it started that is still in force ends.
   */
  check: { on: boolean };
  /**
   * The answer to a breakpoint: frame `id` of `socket` goes on (as it was, or as `data` when given),
   * or is dropped; `forward-all` lets every frame paused on that socket go as it is and stops pausing
   * there until the rule changes or the page reloads.
   */
  pause: { socket: SocketId; id: number; action: "forward" | "drop" | "forward-all"; data?: string; encoding?: "text" | "hex" | "base64" };
}

/** Background -> panel: facts only the background knows. */
export interface BackgroundToPanel {
  /** A content port of the inspected tab connected (page load, frame, worker restart) or went away. */
  "frame-connected": { frameId: number; url: string };
  "frame-disconnected": { frameId: number };
  /** The other end speaks another protocol version. */
  "version-mismatch": { expected: number; got: unknown };
  /** The tab's frames together sent more than a tab may (src/shared/budget.ts): running totals of what was dropped. */
  "over-budget": { dropped: BudgetDrops };
}

export type Message<M, K extends keyof M = keyof M> = K extends keyof M
  ? { source: Source; v: number; type: K } & M[K]
  : never;

export type PageToPanelMessage = Message<PageToPanel>;
export type PanelToPageMessage = Message<PanelToPage>;
export type BackgroundToPanelMessage = Message<BackgroundToPanel>;
export type RelayToPanelMessage = Message<RelayToPanel>;
export type PageToRelayMessage = Message<PageToRelay>;
export type RelayToPageMessage = Message<RelayToPage>;

/** Messages that travel on a runtime port between the relay, the background and the panel. */
export type ToPanel = PageToPanelMessage | BackgroundToPanelMessage | RelayToPanelMessage;

const SOURCES: ReadonlySet<string> = new Set<Source>([
  "lifeguard-page",
  "lifeguard-relay",
  "lifeguard-background",
  "lifeguard-panel",
]);

export const PAGE_TO_PANEL_TYPES = ["events", "snapshot"] as const satisfies readonly (keyof PageToPanel)[];
export const PANEL_TO_PAGE_TYPES = ["snapshot-request", "fault", "listening", "check", "pause"] as const satisfies readonly (keyof PanelToPage)[];
export const PAGE_TO_RELAY_TYPES = ["rule-query", "mock-query"] as const satisfies readonly (keyof PageToRelay)[];
export const RELAY_TO_PAGE_TYPES = ["config", "rule", "mock"] as const satisfies readonly (keyof RelayToPage)[];
export const RELAY_TO_PANEL_TYPES = ["bridge-refused", "over-budget"] as const satisfies readonly (keyof RelayToPanel)[];
export const BACKGROUND_TO_PANEL_TYPES = [
  "frame-connected",
  "frame-disconnected",
  "version-mismatch",
  "over-budget",
] as const satisfies readonly (keyof BackgroundToPanel)[];

/**
 * Caps on what a guard lets through; a message past them is dropped, not truncated. They keep every
 * message small enough that parsing it is a short task: all extension pages share one renderer, and
 * Chrome parses a port message in one go (JSON.parse of 16 MiB takes ~55 ms, of 50,000 events ~40 ms).
 */
export const LIMITS = {
  eventsPerBatch: 5_000,
  socketsPerSnapshot: 1_000,
  stringLength: 1 << 20,
  /**
   * A frame's preview as it leaves the page: the recorder cuts longer ones here (marked truncated), so
   * a `record.maxPreviewBytes` above 1 MiB keeps more in the page's ring but never more in a message.
   */
  previewLength: 1 << 20,
  /** Characters of all strings in one message (see `weigh`): a few ms to parse. */
  charsPerMessage: 4 << 20,
} as const;

export function envelope<M, K extends keyof M>(source: Source, type: K, payload: M[K]): Message<M, K> {
  return { ...payload, source, v: PROTOCOL_VERSION, type } as unknown as Message<M, K>;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function isHeartbeatMode(x: unknown): x is HeartbeatMode {
  return x === "protocol" || x === "message" || x === "passive" || x === "off";
}

function isShortString(x: unknown): x is string {
  return typeof x === "string" && x.length <= LIMITS.stringLength;
}

function isFiniteNumber(x: unknown): x is number {
  return typeof x === "number" && Number.isFinite(x);
}

/** An envelope of any type from one of our sources, of our version. */
export function isEnvelope(x: unknown): x is { source: Source; v: number; type: string } {
  return (
    isRecord(x) &&
    typeof x.source === "string" &&
    SOURCES.has(x.source) &&
    x.v === PROTOCOL_VERSION &&
    typeof x.type === "string"
  );
}

/** An envelope that claims to be ours but speaks another version: the caller reports it. */
export function isForeignVersion(x: unknown): boolean {
  return isRecord(x) && typeof x.source === "string" && SOURCES.has(x.source) && x.v !== PROTOCOL_VERSION;
}

/** The version a foreign envelope says it speaks, bounded for reporting (never an object from another context). */
export function foreignVersionOf(message: unknown): number | string | null {
  const v = (message as { v?: unknown }).v;
  if (typeof v === "number") return v;
  return typeof v === "string" ? v.slice(0, 64) : null;
}

const STATES: ReadonlySet<string> = new Set<SocketState>(["connecting", "open", "closing", "closed", "reconnecting"]);

function isSocketInfo(x: unknown): x is SocketInfo {
  return (
    isRecord(x) &&
    isShortString(x.id) &&
    isShortString(x.url) &&
    Array.isArray(x.protocols) &&
    x.protocols.length <= 1024 &&
    x.protocols.every(isShortString) &&
    isShortString(x.frameUrl) &&
    typeof x.topFrame === "boolean" &&
    isFiniteNumber(x.createdAt)
  );
}

const PROVENANCE_SET = new Set<Provenance>(PROVENANCES);
const FATE_SET = new Set<Fate>(FATES);

function isFrameRecord(x: unknown): x is FrameRecord {
  return (
    isRecord(x) &&
    isShortString(x.socket) &&
    isFiniteNumber(x.seq) &&
    isFiniteNumber(x.t) &&
    (x.dir === "in" || x.dir === "out") &&
    (x.opcode === "text" || x.opcode === "binary") &&
    isFiniteNumber(x.size) &&
    typeof x.preview === "string" &&
    x.preview.length <= LIMITS.previewLength &&
    typeof x.truncated === "boolean" &&
    optional(x.from, (y): y is Provenance => PROVENANCE_SET.has(y as Provenance)) &&
    optional(x.fate, (y): y is Fate => FATE_SET.has(y as Fate)) &&
    optional(x.rule, isCount) &&
    optional(x.pause, isCount)
  );
}

function optional<T>(x: unknown, guard: (y: unknown) => y is T): boolean {
  return x === undefined || guard(x);
}

export function isRecorderEvent(x: unknown): x is RecorderEvent {
  if (!isRecord(x)) return false;
  switch (x.kind) {
    case "created":
      return isFiniteNumber(x.t) && isSocketInfo(x.socket);
    case "state":
      return (
        isFiniteNumber(x.t) &&
        isShortString(x.socket) &&
        typeof x.state === "string" &&
        STATES.has(x.state) &&
        optional(x.code, isFiniteNumber) &&
        optional(x.reason, isShortString) &&
        optional(x.wasClean, (y): y is boolean => typeof y === "boolean") &&
        optional(x.cause, isShortString) &&
        optional(x.attempt, isFiniteNumber) &&
        optional(x.delayMs, isFiniteNumber) &&
        optional(x.protocol, isShortString) &&
        optional(x.extensions, isShortString)
      );
    case "frame":
      return isFrameRecord(x.frame);
    case "heartbeat":
      return (
        isFiniteNumber(x.t) &&
        isShortString(x.socket) &&
        (x.phase === "sent" || x.phase === "answered" || x.phase === "missed") &&
        optional(x.rttMs, isFiniteNumber)
      );
    case "queue":
      return (
        isFiniteNumber(x.t) &&
        isShortString(x.socket) &&
        (x.action === "dropped" || x.action === "flushed" || x.action === "discarded") &&
        isFiniteNumber(x.count) &&
        isFiniteNumber(x.bytes) &&
        optional(x.reason, isShortString)
      );
    case "protection":
      return (
        isFiniteNumber(x.t) &&
        isShortString(x.socket) &&
        typeof x.protected === "boolean" &&
        optional(x.rule, isShortString) &&
        optional(x.strategy, isShortString) &&
        optional(x.reason, isShortString) &&
        optional(x.protocol, isShortString) &&
        optional(x.heartbeat, isHeartbeatMode)
      );
    case "fault":
      return (
        isFiniteNumber(x.t) &&
        isShortString(x.socket) &&
        typeof x.fault === "string" &&
        FAULT_KINDS.has(x.fault) &&
        typeof x.active === "boolean" &&
        optional(x.detail, isShortString) &&
        optional(x.untilT, isFiniteNumber)
      );
    case "note":
      return isFiniteNumber(x.t) && isShortString(x.socket) && isShortString(x.text);
    case "delivery":
      return (
        isFiniteNumber(x.t) &&
        isShortString(x.socket) &&
        isShortString(x.id) &&
        typeof x.status === "string" &&
        DELIVERY_STATUSES.has(x.status) &&
        optional(x.ackMs, isFiniteNumber) &&
        optional(x.reason, isShortString) &&
        optional(x.idPath, isShortString)
      );
    case "resume":
      return (
        isFiniteNumber(x.t) &&
        isShortString(x.socket) &&
        isShortString(x.lastSeq) &&
        (x.via === "message" || x.via === "query") &&
        optional(x.replayed, isFiniteNumber) &&
        optional(x.deduped, isFiniteNumber)
      );
    case "pause":
      return (
        isFiniteNumber(x.t) &&
        isShortString(x.socket) &&
        isCount(x.id) &&
        (x.dir === "in" || x.dir === "out") &&
        isCount(x.rule) &&
        (x.phase === "paused" || x.phase === "forwarded" || x.phase === "dropped" || x.phase === "timed-out") &&
        optional(x.edited, (y): y is boolean => typeof y === "boolean") &&
        optional(x.untilT, isFiniteNumber)
      );
    case "page-error":
      return (
        isFiniteNumber(x.t) &&
        (x.what === "error" || x.what === "unhandledrejection" || x.what === "console") &&
        typeof x.message === "string" &&
        x.message.length <= PAGE_ERROR_MESSAGE_MAX
      );
    default:
      return false;
  }
}

const DELIVERY_STATUSES: ReadonlySet<string> = new Set<DeliveryStatus>(["pending", "acked", "resent", "lost"]);

const FAULT_KINDS: ReadonlySet<string> = new Set<FaultKind>(["drop", "close", "offline", "blackhole", "latency", "inject", "send", "reconnect", "refuse"]);

/** Bounds on fault parameters: an hour of outage or latency at most, payloads up to 16 MiB of text. */
export const FAULT_LIMITS = { maxDurationMs: 3_600_000, maxPayloadChars: 16 * 1024 * 1024 } as const;

function isDuration(x: unknown): x is number {
  return isFiniteNumber(x) && Number.isInteger(x) && x >= 0 && x <= FAULT_LIMITS.maxDurationMs;
}

function isFaultTarget(x: unknown): x is FaultTarget {
  return isRecord(x) && (x.tab === true || isShortString(x.socket));
}

/** A server may close with 1000-1003, 1007-1014 or 3000-4999 (1004-1006 and 1015 never go on the wire). */
export function isServerCloseCode(code: unknown): code is number {
  return (
    typeof code === "number" &&
    Number.isInteger(code) &&
    ((code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999))
  );
}

/** Pairs of hex digits, whitespace anywhere. A character class, not an alternation: a 16 MiB payload must not exhaust the regex stack. */
function isHex(s: string): boolean {
  return /^[0-9a-fA-F\s]*$/.test(s) && s.replace(/\s+/g, "").length % 2 === 0;
}

function isPayload(x: Record<string, unknown>): boolean {
  return (
    typeof x.data === "string" &&
    x.data.length <= FAULT_LIMITS.maxPayloadChars &&
    (x.encoding === "text" ||
      (x.encoding === "hex" && isHex(x.data)) ||
      (x.encoding === "base64" && /^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(x.data)))
  );
}

export function isFaultCommand(x: unknown): x is FaultCommand {
  if (!isRecord(x)) return false;
  switch (x.kind) {
    case "drop":
    case "reconnect":
      return true;
    case "close":
      return isServerCloseCode(x.code) && typeof x.reason === "string" && new TextEncoder().encode(x.reason).length <= 123;
    case "offline":
    case "blackhole":
    case "refuse":
      return isDuration(x.durationMs);
    case "latency":
      return isDuration(x.inMs) && isDuration(x.outMs);
    case "inject":
    case "send":
      return isPayload(x);
    default:
      return false;
  }
}

function isSocketSnapshot(x: unknown): x is SocketSnapshot {
  return (
    isRecord(x) &&
    isSocketInfo(x.info) &&
    typeof x.state === "string" &&
    STATES.has(x.state) &&
    typeof x.protected === "boolean" &&
    isFiniteNumber(x.framesIn) &&
    isFiniteNumber(x.framesOut) &&
    isFiniteNumber(x.bytesIn) &&
    isFiniteNumber(x.bytesOut) &&
    isFiniteNumber(x.lastSeq) &&
    isEventBatch(x.events) &&
    x.events.every(isSocketEvent)
  );
}

function isEventBatch(x: unknown): x is RecorderEvent[] {
  return Array.isArray(x) && x.length <= LIMITS.eventsPerBatch && x.every(isRecorderEvent);
}

function isCount(x: unknown): x is number {
  return isFiniteNumber(x) && Number.isInteger(x) && x >= 0;
}

function isStream(x: unknown): x is StreamId {
  return typeof x === "string" && x.length > 0 && x.length <= 64;
}

/** Validates a page -> panel message. Structure and bounds only: payload text is still untrusted. */
export function isPageToPanel(x: unknown): x is PageToPanelMessage {
  if (!isEnvelope(x)) return false;
  const m = x as unknown as Record<string, unknown>;
  switch (x.type) {
    case "events":
      return (
        isStream(m.stream) &&
        isCount(m.from) &&
        isCount(m.to) &&
        m.from >= 1 &&
        isEventBatch(m.events) &&
        m.to - m.from + 1 === m.events.length
      );
    case "snapshot": {
      if (
        !isStream(m.stream) ||
        !isCount(m.upTo) ||
        !isCount(m.part) ||
        !isCount(m.parts) ||
        m.part >= m.parts ||
        !isShortString(m.frameUrl) ||
        !Array.isArray(m.sockets) ||
        m.sockets.length > LIMITS.socketsPerSnapshot
      )
        return false;
      // A part's events together, not each socket's, stay within a batch's bound.
      let events = 0;
      for (const s of m.sockets as unknown[]) {
        if (!isSocketSnapshot(s)) return false;
        events += s.events.length;
        if (events > LIMITS.eventsPerBatch) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

export function isPanelToPage(x: unknown): x is PanelToPageMessage {
  if (!isEnvelope(x)) return false;
  const m = x as unknown as Record<string, unknown>;
  switch (x.type) {
    case "snapshot-request":
      return m.stream === undefined || isStream(m.stream);
    case "listening":
      return typeof m.on === "boolean";
    case "fault":
      return isFaultTarget(m.target) && isFaultCommand(m.fault) && (m.check === undefined || m.check === true);
    case "check":
      return typeof m.on === "boolean";
    case "pause":
      return (
        isShortString(m.socket) &&
        isCount(m.id) &&
        (m.action === "forward" || m.action === "drop" || m.action === "forward-all") &&
        (m.data === undefined || isPayload(m))
      );
    default:
      return false;
  }
}

export function isPageToRelay(x: unknown): x is PageToRelayMessage {
  if (!isEnvelope(x)) return false;
  const m = x as unknown as Record<string, unknown>;
  switch (x.type) {
    case "rule-query":
    case "mock-query":
      return isShortString(m.url);
    default:
      return false;
  }
}

/** The relay is trusted code, but the page world still checks the shape of what it acts on. */
export function isRelayToPage(x: unknown): x is RelayToPageMessage {
  if (!isEnvelope(x)) return false;
  const m = x as unknown as Record<string, unknown>;
  switch (x.type) {
    case "config": {
      const record = m.record as Record<string, unknown> | undefined;
      return (
        typeof m.enabled === "boolean" &&
        isRecord(record) &&
        isCount(record.maxFramesPerSocket) &&
        isCount(record.maxPreviewBytes) &&
        (m.mocks === undefined || (Array.isArray(m.mocks) && m.mocks.length <= 1000 && m.mocks.every(isShortString)))
      );
    }
    case "rule":
      return (
        isShortString(m.url) &&
        (m.rule === null || isRecord(m.rule)) &&
        (m.frameRules === undefined || (Array.isArray(m.frameRules) && m.frameRules.length <= 1000 && m.frameRules.every(isRecord)))
      );
    case "mock":
      return isShortString(m.url) && (m.mock === null || isRecord(m.mock));
    default:
      return false;
  }
}

function isBudgetDrops(x: unknown): x is BudgetDrops {
  return isRecord(x) && isCount(x.messages) && isCount(x.events) && isCount(x.sockets) && isCount(x.chars);
}

export function isRelayToPanel(x: unknown): x is RelayToPanelMessage {
  if (!isEnvelope(x) || x.source !== "lifeguard-relay") return false;
  const m = x as unknown as Record<string, unknown>;
  if (!isStream(m.relay) || !isShortString(m.frameUrl)) return false;
  switch (x.type) {
    case "bridge-refused":
      return (m.reason === "second" || m.reason === "late" || m.reason === "malformed") && isCount(m.count);
    case "over-budget":
      return isBudgetDrops(m.dropped) && (m.stream === undefined || isStream(m.stream));
    default:
      return false;
  }
}

export function isBackgroundToPanel(x: unknown): x is BackgroundToPanelMessage {
  if (!isEnvelope(x)) return false;
  const m = x as unknown as Record<string, unknown>;
  switch (x.type) {
    case "frame-connected":
      return isFiniteNumber(m.frameId) && isShortString(m.url);
    case "frame-disconnected":
      return isFiniteNumber(m.frameId);
    case "version-mismatch":
      return isFiniteNumber(m.expected);
    case "over-budget":
      return isBudgetDrops(m.dropped);
    default:
      return false;
  }
}

/**
 * What a page -> panel message costs whoever handles it: its events (a snapshot's sockets count as
 * events too), the sockets it declares, and the characters of all its strings. Walks the message once;
 * call it only on a message that passed `isPageToPanel`.
 */
export function weigh(message: PageToPanelMessage): { events: number; chars: number; sockets: number } {
  let chars = 0;
  const walk = (x: unknown): void => {
    if (typeof x === "string") chars += x.length;
    else if (Array.isArray(x)) for (const y of x) walk(y);
    else if (typeof x === "object" && x !== null) for (const key in x) walk((x as Record<string, unknown>)[key]);
  };
  let events = 0;
  let sockets = 0;
  if (message.type === "events") {
    events = message.events.length;
    for (const e of message.events) if (e.kind === "created") sockets++;
    walk(message.events);
  } else {
    sockets = message.sockets.length;
    for (const s of message.sockets) events += s.events.length + 1;
    walk(message.sockets);
    chars += message.frameUrl.length;
  }
  return { events, chars, sockets };
}

/** Whether an event is a socket's (every kind but the page world's own page errors). */
export function isSocketEvent(event: RecorderEvent): event is SocketEvent {
  return event.kind !== "page-error";
}

/** The socket an event is about. */
export function socketOfEvent(event: SocketEvent): SocketId {
  return event.kind === "created" ? event.socket.id : event.kind === "frame" ? event.frame.socket : event.socket;
}

/**
 * Whether every socket a page -> panel message speaks of belongs to its stream (`<stream>:<n>`): a
 * frame can only ever speak for its own sockets, never for another frame's.
 */
export function speaksForItsOwn(message: PageToPanelMessage): boolean {
  const prefix = `${message.stream}:`;
  // A page error is the stream's own: the batch's `stream` says whose.
  if (message.type === "events") return message.events.every((e) => !isSocketEvent(e) || socketOfEvent(e).startsWith(prefix));
  return message.sockets.every((s) => s.info.id.startsWith(prefix) && s.events.every((e) => isSocketEvent(e) && socketOfEvent(e) === s.info.id));
}

/**
 * Whether Lifeguard records a tab's top document: the panel asks the relay there (`tabs.sendMessage`,
 * frame 0; only the extension can send it). No answer: no relay, the page was loaded before Lifeguard
 * was installed; `pageWorld: false`: it was loaded while Lifeguard was off. Either way a reload helps.
 */
export const PRESENCE_QUERY = { type: "lifeguard-presence" } as const;
export interface PresenceAnswer {
  pageWorld: boolean;
}
export function isPresenceQuery(x: unknown): boolean {
  return isRecord(x) && x.type === PRESENCE_QUERY.type;
}
export function isPresenceAnswer(x: unknown): x is PresenceAnswer {
  return isRecord(x) && typeof x.pageWorld === "boolean";
}

/** Port names: the relay's port is `content`; a panel's is `panel:<tabId>`. */
export const CONTENT_PORT = "content";
export const PANEL_PORT_PREFIX = "panel:";

export function panelPortName(tabId: number): string {
  return `${PANEL_PORT_PREFIX}${tabId}`;
}

export function tabIdOfPanelPort(name: string): number | null {
  if (!name.startsWith(PANEL_PORT_PREFIX)) return null;
  const digits = name.slice(PANEL_PORT_PREFIX.length);
  if (!/^\d{1,16}$/.test(digits)) return null;
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : null;
}
