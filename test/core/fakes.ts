/** A scriptable native socket and a page for unit tests of the core. */
import { vi } from "vitest";
import { ResilientConnection, type ConnectionOptions, type PageEvent } from "../../src/core/connection";
import type { Clock, InboundFate, Provenance, RecorderSink, SendData, SocketLike } from "../../src/core/types";
import type { RecorderEvent } from "../../src/shared/protocol";
import { resolveRule, type Rule } from "../../src/shared/settings";

type Listener = (ev: Event) => void;

export class FakeSocket implements SocketLike {
  readyState = 0;
  bufferedAmount = 0;
  protocol = "";
  extensions = "";
  binaryType: BinaryType = "blob";
  readonly sent: SendData[] = [];
  /** What the engine said about each frame it sent: who made it (`send(data, from)`). */
  readonly wire: { data: SendData; from: Provenance | undefined }[] = [];
  readonly closeCalls: { code?: number; reason?: string }[] = [];
  private readonly listeners = new Map<string, Set<Listener>>();
  /** For the page's own socket: where its native events go (the facade's first listener). */
  route: ((ev: Event) => void) | null = null;
  /** Called after the listeners heard an event, as the page world's wire reads the engine's verdict then. */
  afterListeners: ((ev: Event) => void) | null = null;

  constructor(readonly url: string) {}

  send(data: SendData, from?: Provenance): void {
    if (this.readyState === 0) throw new Error("native InvalidStateError");
    this.sent.push(data);
    this.wire.push({ data, from });
  }

  close(code?: number, reason?: string): void {
    if (code !== undefined && code !== 1000 && (code < 3000 || code > 4999)) throw new Error("native InvalidAccessError");
    this.closeCalls.push({ code, reason });
    if (this.readyState < 2) this.readyState = 2;
  }

  addEventListener(type: string, listener: Listener): void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener);
  }

  removeEventListener(type: string, listener: Listener): void {
    this.listeners.get(type)?.delete(listener);
  }

  listenerCount(type?: string): number {
    if (type) return this.listeners.get(type)?.size ?? 0;
    let n = 0;
    for (const s of this.listeners.values()) n += s.size;
    return n;
  }

  emit(ev: Event): void {
    if (this.route) this.route(ev);
    for (const l of [...(this.listeners.get(ev.type) ?? [])]) l(ev);
    if (this.afterListeners) this.afterListeners(ev);
  }

  // What the network does:
  serverOpen(protocol = ""): void {
    this.readyState = 1;
    this.protocol = protocol;
    this.emit(new Event("open"));
  }

  serverMessage(data: unknown, origin = "ws://example.test"): void {
    this.emit({ type: "message", data, origin } as unknown as Event);
  }

  /** Abnormal loss: error then close 1006. */
  drop(): void {
    this.readyState = 3;
    this.emit(new Event("error"));
    this.emit({ type: "close", code: 1006, reason: "", wasClean: false } as unknown as Event);
  }

  serverClose(code: number, reason = ""): void {
    this.readyState = 3;
    this.emit({ type: "close", code, reason, wasClean: true } as unknown as Event);
  }
}

export const realTimersClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface Harness {
  conn: ResilientConnection;
  initial: FakeSocket;
  sockets: FakeSocket[];
  /** What the page saw, in order: `native:open`, `synthetic:close 1006` ... */
  page: string[];
  pageEvents: PageEvent[];
  recorded: RecorderEvent[];
  /** Frames the engine reported queued during an outage (`RecorderSink.queued`). */
  queued: { data: SendData; from: Provenance }[];
  /** `conn.inbound` read right after each inbound frame was handled, on any socket, in order. */
  fates: InboundFate[];
  /** `conn.inbound` when each `message` reached the page sink. */
  fatesAtDispatch: InboundFate[];
  states: () => string[];
  notes: () => string[];
  /** Heartbeat events as `sent`, `answered <rtt>`, `missed <silent ms>`. */
  heartbeats: () => string[];
  validateClose: ReturnType<typeof vi.fn>;
  latest: () => FakeSocket;
}

export function rule(overrides: Omit<Rule, "match"> = {}): ReturnType<typeof resolveRule> {
  return resolveRule({ match: "*", ...overrides });
}

export function harness(
  opts: Partial<ConnectionOptions> & { ruleOverrides?: Omit<Rule, "match">; initialState?: number } = {},
): Harness {
  const initial = new FakeSocket("ws://example.test/live");
  initial.readyState = opts.initialState ?? 0;
  const sockets: FakeSocket[] = [];
  const page: string[] = [];
  const pageEvents: PageEvent[] = [];
  const recorded: RecorderEvent[] = [];
  const queued: Harness["queued"] = [];
  const fates: InboundFate[] = [];
  const fatesAtDispatch: InboundFate[] = [];
  const recorder: RecorderSink = { record: (e) => recorded.push(e), queued: (data, from) => queued.push({ data, from }) };
  const afterListeners = (ev: Event): void => {
    if (ev.type === "message") fates.push(conn.inbound);
  };
  const validateClose = vi.fn((code?: number) => {
    if (code !== undefined && code !== 1000 && (code < 3000 || code > 4999)) throw new Error("native InvalidAccessError");
  });
  const conn = new ResilientConnection({
    socketId: "f:1",
    url: initial.url,
    protocols: [],
    initial,
    rule: rule(opts.ruleOverrides),
    createSocket: (url) => {
      const s = new FakeSocket(url);
      s.afterListeners = afterListeners;
      sockets.push(s);
      return s;
    },
    clock: realTimersClock,
    random: () => 0.5,
    sink: {
      dispatch: (ev) => {
        if (ev.type === "message") fatesAtDispatch.push(conn.inbound);
        pageEvents.push(ev);
        page.push(`synthetic:${describe(ev)}`);
      },
    },
    recorder,
    invalidStateError: () => new Error("InvalidStateError"),
    validateClose,
    binaryType: () => "blob",
    ...opts,
  });
  initial.route = (ev) => {
    const passes = conn.handleInitialEvent(ev);
    afterListeners(ev);
    if (passes) page.push(`native:${describe(ev as unknown as PageEvent)}`);
  };
  return {
    conn,
    initial,
    sockets,
    page,
    pageEvents,
    recorded,
    queued,
    fates,
    fatesAtDispatch,
    validateClose,
    states: () =>
      recorded.flatMap((e) => (e.kind === "state" ? [`${e.state}${e.code !== undefined ? ` ${e.code}` : ""}`] : [])),
    notes: () => recorded.flatMap((e) => (e.kind === "note" ? [e.text] : [])),
    heartbeats: () =>
      recorded.flatMap((e) => (e.kind === "heartbeat" ? [`${e.phase}${e.rttMs !== undefined ? ` ${e.rttMs}` : ""}`] : [])),
    latest: () => {
      const s = sockets[sockets.length - 1];
      if (!s) throw new Error("no replacement socket yet");
      return s;
    },
  };
}

function describe(ev: PageEvent | { type: string; code?: number; data?: unknown }): string {
  const e = ev as { type: string; code?: number; data?: unknown; detail?: { attempt?: number; attempts?: number } };
  if (e.type === "close") return `close ${e.code}`;
  if (e.type === "message") return `message ${typeof e.data === "string" ? e.data : "<binary>"}`;
  if (e.type === "reconnecting") return `reconnecting ${e.detail?.attempt}`;
  if (e.type === "reconnected") return `reconnected ${e.detail?.attempts}`;
  return e.type;
}
