/**
 * The panel's port to the background (`panel:<tabId>`): reconnects when the service worker dies, asks
 * the page for a snapshot on every (re)connect, lets through only messages that pass a guard, and
 * checks each page world's stream for gaps.
 *
 * Gaps: every page world numbers its events (protocol `StreamId`). A batch that starts past the last
 * number the panel has follows events that reached neither a batch nor a snapshot the panel got: a port
 * that went down (a service-worker restart), a page that was not heard while nobody listened. The
 * panel then asks that page world alone for a snapshot, which brings what its ring still holds; once a
 * snapshot covers the gap it is closed. Gaps that a relay or the router said they made (a page past its
 * budget) are not asked about: the page would only send more than it may again.
 */
import {
  PROTOCOL_VERSION,
  envelope,
  foreignVersionOf,
  isBackgroundToPanel,
  isForeignVersion,
  isPageToPanel,
  isRelayToPanel,
  panelPortName,
  type BackgroundToPanel,
  type FaultCommand,
  type FaultTarget,
  type PageToPanelMessage,
  type PanelToPage,
  type StreamId,
} from "../shared/protocol";
import { runtimePortTransport, type PortLike, type RuntimePortOptions } from "../shared/transports";
import type { PanelAction } from "./model";

export type ConnectPort = (name: string) => PortLike;

export interface PanelPort {
  /** Asks every frame of the tab for a snapshot. */
  requestSnapshot(): void;
  /**
   * A fault for one socket or the whole tab; every frame of the tab hears it, the owner acts. `check`:
   * a resilience check started it, so the page world ends it with the check (or when the panel leaves).
   */
  fault(target: FaultTarget, fault: FaultCommand, check?: true): void;
  /** A resilience check starts or ends: the page worlds record page errors while it runs, and end its faults after. */
  check(on: boolean): void;
  /** The answer to a breakpoint: every frame of the tab hears it, the socket's owner acts. */
  pause(answer: PanelToPage["pause"]): void;
  close(): void;
}

export interface PanelPortOptions extends Pick<RuntimePortOptions, "reconnectDelay"> {
  now?: () => number;
}

/** After asking every frame, the answers are awaited this long before a gap is asked about alone. */
const ANSWER_WAIT_MS = 1000;
/** One page world is asked about its gaps at most this often (a page that makes gaps on purpose gets its answers bounded by the budget anyway). */
const ASK_AGAIN_MS = 1000;
/** After a relay or the router said it dropped a page's messages, its gaps are not asked about for this long. */
const DROPS_EXPLAIN_MS = 10_000;

interface StreamState {
  /** The highest event number the panel has of this stream. */
  seen: number;
  /** Events up to this number are missing (0: none). */
  missingUpTo: number;
  askedAt: number;
  /** When the last whole snapshot of this stream came. */
  answeredAt: number;
  /** A look again at a gap that could not be asked about yet. */
  later?: ReturnType<typeof setTimeout>;
}

/** What the panel knows of each page world's stream of events: what it has, what it misses. */
export class StreamTracker {
  private readonly streams = new Map<StreamId, StreamState>();
  private askedAllAt = -Infinity;
  private dropsAt = -Infinity;
  private readonly dropsOf = new Map<StreamId, number>();

  constructor(
    private readonly now: () => number,
    private readonly ask: (stream: StreamId) => void,
  ) {}

  /** Every frame was asked for a snapshot. */
  askedAll(): void {
    this.askedAllAt = this.now();
  }

  /** A relay (for one stream) or the router (for the whole tab) dropped messages. */
  dropped(stream?: StreamId): void {
    if (stream === undefined) this.dropsAt = this.now();
    else this.dropsOf.set(stream, this.now());
  }

  /** A page message arrived: notes what it covers; asks for a snapshot when it follows a gap. */
  take(message: PageToPanelMessage): void {
    let state = this.streams.get(message.stream);
    const fresh = !state;
    if (!state) this.streams.set(message.stream, (state = { seen: 0, missingUpTo: 0, askedAt: -Infinity, answeredAt: -Infinity }));
    if (message.type === "snapshot") {
      // Only the last part completes a snapshot: until then the stream is not yet covered.
      if (message.part !== message.parts - 1) return;
      state.seen = Math.max(state.seen, message.upTo);
      state.answeredAt = this.now();
      if (state.missingUpTo <= message.upTo) state.missingUpTo = 0;
      return;
    }
    if (message.from > state.seen + 1) state.missingUpTo = Math.max(state.missingUpTo, message.from - 1);
    state.seen = Math.max(state.seen, message.to);
    // A page world first heard after it started (a new document) may not have been there when every
    // frame was asked: ask it at once.
    if (state.missingUpTo > 0) this.askAbout(message.stream, state, fresh);
  }

  /** The top document went away: its streams are done. */
  forget(): void {
    for (const state of this.streams.values()) clearTimeout(state.later);
    this.streams.clear();
    this.dropsOf.clear();
  }

  close(): void {
    this.forget();
  }

  private askAbout(stream: StreamId, state: StreamState, fresh = false): void {
    if (state.later !== undefined) return;
    const t = this.now();
    if (t - this.dropsAt < DROPS_EXPLAIN_MS || t - (this.dropsOf.get(stream) ?? -Infinity) < DROPS_EXPLAIN_MS) return;
    // Every frame was asked a moment ago: wait for this one's answer, unless it came already.
    const awaiting = !fresh && state.answeredAt < this.askedAllAt;
    const wait = Math.max(awaiting ? this.askedAllAt + ANSWER_WAIT_MS - t : 0, state.askedAt + ASK_AGAIN_MS - t);
    if (wait > 0) {
      // Look again once it may be asked: an idle page sends no batch that would.
      state.later = setTimeout(() => {
        state.later = undefined;
        if (state.missingUpTo > 0 && this.streams.get(stream) === state) this.askAbout(stream, state);
      }, wait);
      return;
    }
    state.askedAt = t;
    this.ask(stream);
  }
}

export function openPanelPort(
  tabId: number,
  connect: ConnectPort,
  dispatch: (action: PanelAction) => void,
  options: PanelPortOptions = {},
): PanelPort {
  const now = options.now ?? (() => Date.now());
  const request = (stream?: StreamId): void =>
    transport.post(envelope<PanelToPage, "snapshot-request">("lifeguard-panel", "snapshot-request", stream === undefined ? {} : { stream }));
  const streams = new StreamTracker(now, request);
  const requestSnapshot = (): void => {
    streams.askedAll();
    request();
  };

  const transport = runtimePortTransport(() => connect(panelPortName(tabId)), {
    reconnectDelay: options.reconnectDelay,
    onDisconnect: () => dispatch({ type: "port", connected: false }),
    onReconnect: () => {
      dispatch({ type: "port", connected: true });
      requestSnapshot();
    },
  });

  transport.onMessage((message) => {
    if (isPageToPanel(message)) {
      streams.take(message);
      dispatch(message);
    } else if (isRelayToPanel(message)) {
      if (message.type === "over-budget") streams.dropped(message.stream);
      dispatch(message);
    } else if (isBackgroundToPanel(message)) {
      if (message.type === "over-budget") streams.dropped();
      dispatch(message);
      // The top document went away; the panel cleared its list. Ask the new document for everything,
      // in case its first events arrived before the old one's goodbye.
      if (message.type === "frame-disconnected" && message.frameId === 0) {
        streams.forget();
        requestSnapshot();
      }
    } else if (isForeignVersion(message)) {
      dispatch(
        envelope<BackgroundToPanel, "version-mismatch">("lifeguard-panel", "version-mismatch", {
          expected: PROTOCOL_VERSION,
          got: foreignVersionOf(message),
        }),
      );
    }
  });

  dispatch({ type: "port", connected: transport.connected });
  requestSnapshot();

  return {
    requestSnapshot,
    fault: (target, fault, check) =>
      transport.post(envelope<PanelToPage, "fault">("lifeguard-panel", "fault", check ? { target, fault, check } : { target, fault })),
    check: (on) => transport.post(envelope<PanelToPage, "check">("lifeguard-panel", "check", { on })),
    pause: (answer) => transport.post(envelope<PanelToPage, "pause">("lifeguard-panel", "pause", answer)),
    close: () => {
      streams.close();
      transport.close();
    },
  };
}
