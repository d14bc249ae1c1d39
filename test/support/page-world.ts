/**
 * The page world started in a browser-like window (browser-window.ts), with a test relay on the other
 * end of its private channel: it takes the port the way the real relay does (a listener on the
 * document element before the page world runs; src/shared/page-channel.ts), says a panel listens,
 * collects every recorder event the page world posts, answers rule queries, and sends commands.
 */
import { vi } from "vitest";
import { HELLO_EVENT } from "../../src/shared/page-channel";
import {
  envelope,
  isPageToPanel,
  isPageToRelay,
  socketOfEvent,
  type FaultCommand,
  type FaultTarget,
  type FrameRecord,
  type PanelToPage,
  type RecorderEvent,
  type RelayToPage,
  type SocketSnapshot,
} from "../../src/shared/protocol";
import { resolveRule, type ResolvedRule, type Rule } from "../../src/shared/settings";
import type { ActiveFrameRule, FrameRule } from "../../src/shared/frame-rule-types";
import { hookedSocket } from "../../src/page/hook";
import type { PageSocket } from "../../src/page/page-socket";
import { startPageWorld } from "../../src/page/world";
import { browserWindow, type BrowserWindow, type PageWindow } from "./browser-window";

export interface TestWorld extends BrowserWindow {
  /** The window's `WebSocket` once the page world hooked it. */
  WebSocket: typeof WebSocket;
  /** Every event of every batch the page world posted, in stream order (numbers checked contiguous). */
  readonly events: RecorderEvent[];
  /** Every URL the page world asked a rule for. */
  readonly queries: string[];
  /** What the relay got that it should not have (a message no guard takes, a gap in the stream). */
  readonly problems: string[];
  /** The rule the relay answers for a URL: a rule, null (none), or undefined (no answer). */
  ruleFor: (url: string) => ResolvedRule | null | undefined;
  /** The frame rules the relay's answer for a URL carries (undefined: none, the field left out). */
  frameRulesFor: (url: string) => ActiveFrameRule[] | undefined;
  /** Every URL the page world asked a mock's conversation for. */
  readonly mockQueries: string[];
  /** The mock the relay answers for a URL: a spec (or anything, to try the guard), null (none), or undefined (no answer). */
  mockFor: (url: string) => unknown;
  /** Sends `config` with the globs of the mocks in force, as the relay does. */
  mocks(globs: string[]): Promise<void>;
  /** The page's socket's owner in the page world. */
  owner(ws: WebSocket): PageSocket;
  /** The socket's id in the records. */
  id(ws: WebSocket): string;
  /** The recorded events of one socket, in order. */
  of(ws: WebSocket): RecorderEvent[];
  /** The recorded frames of one socket, in order. */
  frames(ws: WebSocket): FrameRecord[];
  /**
   * Sends a message to the page world as the relay (or the panel through it); resolves once the page
   * world handled it (the channel delivers each message in a task of its own, in order).
   */
  send<K extends keyof (PanelToPage & RelayToPage)>(type: K, payload: (PanelToPage & RelayToPage)[K]): Promise<void>;
  fault(target: FaultTarget | WebSocket, fault: FaultCommand): Promise<void>;
  /** The relay's answer for the socket's URL again, as after a settings change (`ruleFor`, `frameRulesFor` now). */
  answer(ws: WebSocket): Promise<void>;
  /** The panel's answer to breakpoint `id` of a socket. */
  pause(ws: WebSocket, id: number, action: PanelToPage["pause"]["action"], data?: string, encoding?: "text" | "hex" | "base64"): Promise<void>;
  /** Posts anything on the relay's end of the channel (a message the page world must refuse, say). */
  post(message: unknown): Promise<void>;
  /**
   * Asks for a snapshot. It takes what was pending for the next batch: those events are in the
   * snapshot, never in `events` (a test reads one or the other).
   */
  snapshot(): Promise<SocketSnapshot[]>;
}

/**
 * `url`: the page's; `ruleFor`: the relay's answers (default: no rule); `before`: runs on the window
 * before the page world starts, to read (or set) what the browser gave.
 */
export async function startTestWorld(
  opts: { url?: string; ruleFor?: TestWorld["ruleFor"]; frameRulesFor?: TestWorld["frameRulesFor"]; mockFor?: TestWorld["mockFor"]; before?: (bw: BrowserWindow) => void } = {},
): Promise<TestWorld> {
  const bw = browserWindow(opts.url);
  opts.before?.(bw);
  const win = bw.win;
  let port: MessagePort | null = null;
  // The relay runs first (as in Chromium and Firefox): it listens on the document element.
  const root = win.document.documentElement;
  const take = (ev: Event): void => {
    port = (ev as MessageEvent).ports[0] ?? null;
    ev.preventDefault();
  };
  root.addEventListener(HELLO_EVENT, take, true);
  startPageWorld(win);
  root.removeEventListener(HELLO_EVENT, take, true);
  if (!port) throw new Error("the page world handed over no port");
  const relay: MessagePort = port;

  const events: RecorderEvent[] = [];
  const queries: string[] = [];
  const mockQueries: string[] = [];
  const problems: string[] = [];
  const snapshots: SocketSnapshot[][] = [];
  let next = 1;
  const world: TestWorld = {
    ...bw,
    WebSocket: win.WebSocket,
    events,
    queries,
    problems,
    ruleFor: opts.ruleFor ?? (() => null),
    frameRulesFor: opts.frameRulesFor ?? (() => undefined),
    mockQueries,
    mockFor: opts.mockFor ?? (() => null),
    mocks: (globs) => world.send("config", { enabled: true, record: { maxFramesPerSocket: 10_000, maxPreviewBytes: 65_536 }, mocks: globs }),
    owner(ws) {
      const s = hookedSocket(ws);
      if (!s) throw new Error("not a socket of the page world");
      return s as PageSocket;
    },
    id: (ws) => world.owner(ws).id,
    of: (ws) => {
      const id = world.id(ws);
      return events.filter((e) => e.kind !== "page-error" && socketOfEvent(e) === id);
    },
    frames: (ws) => world.of(ws).flatMap((e) => (e.kind === "frame" ? [e.frame] : [])),
    send(type, payload) {
      return world.post(envelope<PanelToPage & RelayToPage, typeof type>("lifeguard-relay", type, payload));
    },
    post(message) {
      relay.postMessage(message);
      // The channel's task was queued first (browser-window.ts): this one runs after it.
      return new Promise((r) => setTimeout(r, 0));
    },
    fault(target, fault) {
      const t: FaultTarget = "tab" in target || "socket" in target ? (target as FaultTarget) : { socket: world.id(target as WebSocket) };
      return world.send("fault", { target: t, fault });
    },
    answer(ws) {
      const url = world.owner(ws).url;
      return world.send("rule", answerFor(url));
    },
    pause(ws, id, action, data, encoding) {
      const payload: PanelToPage["pause"] = { socket: world.id(ws), id, action };
      if (data !== undefined) payload.data = data;
      if (encoding !== undefined) payload.encoding = encoding;
      return world.send("pause", payload);
    },
    async snapshot() {
      const before = snapshots.length;
      void world.send("snapshot-request", {});
      await vi.waitFor(() => {
        if (snapshots.length === before) throw new Error("no snapshot yet");
      }, { timeout: 2000, interval: 5 });
      return snapshots[before]!;
    },
  };
  const answerFor = (url: string): RelayToPage["rule"] => {
    const answer: RelayToPage["rule"] = { url, rule: world.ruleFor(url) ?? null };
    const frameRules = world.frameRulesFor(url);
    if (frameRules !== undefined) answer.frameRules = frameRules;
    return answer;
  };
  relay.onmessage = (ev: MessageEvent) => {
    const msg: unknown = ev.data;
    if (isPageToRelay(msg) && msg.type === "mock-query") {
      mockQueries.push(msg.url);
      const mock = world.mockFor(msg.url);
      if (mock !== undefined) void world.send("mock", { url: msg.url, mock });
      return;
    }
    if (isPageToRelay(msg)) {
      queries.push(msg.url);
      if (world.ruleFor(msg.url) !== undefined) void world.send("rule", answerFor(msg.url));
      return;
    }
    if (!isPageToPanel(msg)) return void problems.push(`a message no guard takes: ${JSON.stringify(msg).slice(0, 200)}`);
    if (msg.type === "snapshot") {
      snapshots.push(msg.sockets);
      next = msg.upTo + 1;
      return;
    }
    if (msg.from !== next) problems.push(`events ${next}..${msg.from - 1} never came`);
    next = msg.to + 1;
    events.push(...msg.events);
  };
  // Once it is in force, nothing the test does is lost to the stream.
  await world.send("listening", { on: true });
  return world;
}

/** A rule for one URL with the defaults filled in (the relay resolves rules before they cross). */
export function rule(r: Omit<Rule, "match"> & { match?: string } = {}): ResolvedRule {
  return resolveRule({ match: "ws://127.0.0.1:*", ...r });
}

/** Frame rules as the relay sends them for a URL they match: with their index in the settings. */
export function frameRules(...rules: FrameRule[]): ActiveFrameRule[] {
  return rules.map((r, index) => ({ ...r, index }));
}

/** Waits, at most `timeout` ms, until `check` stops throwing. */
export function until<T>(check: () => T, timeout = 3000): Promise<T> {
  return vi.waitFor(check, { timeout, interval: 5 });
}

/** A socket's records as short strings (frames: direction, provenance, fate, opcode, preview). */
export function lines(events: RecorderEvent[]): string[] {
  return events.map((e) => {
    switch (e.kind) {
      case "created":
        return `created ${e.socket.url}`;
      case "state":
        return `state ${e.state}${e.state === "open" ? ` ${e.protocol}|${e.extensions}` : ""}${e.state === "closed" ? ` ${e.code} ${e.reason} ${e.wasClean}` : ""}`;
      case "frame":
        return `${e.frame.dir} ${e.frame.from ?? "page"} ${e.frame.fate ?? (e.frame.dir === "in" ? "delivered" : "sent")} ${e.frame.opcode} ${e.frame.preview}`;
      case "note":
        return `note ${e.text}`;
      case "fault":
        return `fault ${e.fault} ${e.active}${e.detail ? ` ${e.detail}` : ""}`;
      default:
        return e.kind;
    }
  });
}

/** One event of a given type on a socket, as a promise (bounded). */
export function next(target: EventTarget, type: string, timeout = 3000): Promise<Event> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} within ${timeout} ms`)), timeout);
    target.addEventListener(
      type,
      (ev) => {
        clearTimeout(timer);
        resolve(ev);
      },
      { once: true },
    );
  });
}

/** The events a page listener saw on a socket, by type (`type` or `type:code` for close). */
export function watch(ws: WebSocket, types = ["open", "message", "error", "close", "reconnecting", "reconnected"]): string[] {
  const seen: string[] = [];
  for (const type of types) {
    ws.addEventListener(type, (ev) => {
      if (type === "message") seen.push(`message:${String((ev as MessageEvent).data)}`);
      else if (type === "close") seen.push(`close:${(ev as CloseEvent).code}`);
      else seen.push(type);
    });
  }
  return seen;
}

export type { PageWindow };
