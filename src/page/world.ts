/**
 * The page world, as a table of contents: the hook on `WebSocket` (hook.ts) makes one owner per page
 * socket (page-socket.ts), which records every frame at its wires (wire.ts) into the recorder
 * (recorder.ts); faults from the panel (faults.ts) and protection by rule (protect.ts) act through the
 * owners; while a resilience check runs, page errors are recorded too (page-errors.ts). The recorder's
 * batches go to the relay over the private channel (src/shared/page-channel.ts), and commands
 * (snapshot, faults, check) and the relay's answers (config, the rule for a socket URL) come back.
 */
import {
  LIMITS,
  envelope,
  isPanelToPage,
  isRelayToPage,
  type PageToPanel,
  type PageToRelay,
  type PanelToPage,
  type RelayToPage,
} from "../shared/protocol";
import { offerPort } from "../shared/page-channel";
import type { ResolvedRule } from "../shared/settings";
import { Disguise } from "./disguise";
import { Faults, decode, unreachable } from "./faults";
import { hookWindow, retrack, type HookHost } from "./hook";
import { apply, NO_ARGS, captureNatives, captureNativesButWebSocket, type Natives } from "./natives";
import { hookBehindMock, playwrightMock, type PlaywrightMock } from "./behind-mock";
import { MOCK_NOT_APPLIED, Mocks, refuseFaults } from "./mock-serve";
import { MockSocket } from "./mock-socket";
import { PageErrorWatch } from "./page-errors";
import { PageSocket, type SocketWorld } from "./page-socket";
import { Protection } from "./protect";
import { Recorder, type BlobReader } from "./recorder";

/** The note on a socket made before the mocks reached the page, whose URL a mock serves. */
export const MOCK_TOO_LATE = "not served by the mock: the page made this socket before the mocks reached it (within ~100 ms of its start), and it had opened to its server by then";
/** The note on such a socket that was still connecting: the mock took it over. */
export const MOCK_TAKEN_OVER = "served by the mock from here: the page made this socket before the mocks reached it; its handshake with the server was abandoned";

const CONNECTING = 0;

/** Past this many known sockets, the ones the page can no longer use are forgotten. */
const PRUNE_ABOVE = 256;

/**
 * Starts the page world, or, when it cannot, leaves the page exactly as it found it: no error reaches
 * the page. That happens when something ran before Lifeguard's document_start script and replaced
 * `WebSocket` with an object lacking the browser's own accessors (another extension, an automation
 * tool's init script): there is no native socket to hook, and the page keeps the WebSocket it was
 * given, unrecorded. Throwing would show the page an uncaught "Lifeguard" error it never asked for.
 * Playwright's `page.routeWebSocket` mock is known: the page world starts behind it (behind-mock.ts).
 */
export function startPageWorldOrStandAside(win: Window & typeof globalThis): boolean {
  try {
    startPageWorld(win);
    return true;
  } catch {
    return false;
  }
}

export function startPageWorld(win: Window & typeof globalThis): void {
  let n: Natives;
  // Playwright's routeWebSocket mock (or none): the page's WebSocket is not the browser's.
  let behind: PlaywrightMock | null = null;
  try {
    n = captureNatives(win);
  } catch (e) {
    behind = playwrightMock(win);
    if (!behind) throw e;
    n = captureNativesButWebSocket(win);
  }
  // A Blob frame's preview, read with the browser's own methods captured at install: a page that
  // patches `Blob.prototype` sees nothing of it, and its event is never delayed for it.
  const readBlob: BlobReader = (blob, max, done) => {
    try {
      const bytes = apply(n.blobArrayBuffer, apply(n.blobSlice, blob, [0, max]), NO_ARGS);
      apply(n.promiseThen, bytes, [(buf: ArrayBuffer) => done(new Uint8Array(buf)), () => done(null)]);
      return true;
    } catch {
      return false;
    }
  };
  const recorder = new Recorder({ now: n.now, setTimeout: (fn, ms) => n.setTimeout(fn, ms) }, readBlob);
  // This document's stream of events, and the prefix of its sockets' ids.
  const stream = Math.floor(n.random() * 36 ** 8).toString(36) || "0";
  let count = 0;

  /** Sockets of this page world by id, for commands from the panel. */
  const sockets = new Map<string, PageSocket>();
  const prune = (): void => {
    if (sockets.size <= PRUNE_ABOVE) return;
    for (const [id, s] of sockets) if (!s.usable) sockets.delete(id);
  };

  // Faults and protection are built on first need (the first socket, a fault): at document_start, in
  // every frame of every page, only the hook and the channel are installed.
  let configured = false;
  let engine: { faults: Faults; protection: Protection } | null = null;
  const ensure = (): { faults: Faults; protection: Protection } => {
    if (engine) return engine;
    const protection = new Protection(recorder, n, (url) => toRelay("rule-query", { url }));
    const faults = new Faults(
      n,
      { environment: (socket, ev) => protection.environmentOf(socket, ev) },
      { fault: (socket, fault, active, detail, untilT) => recorder.record({ kind: "fault", t: n.now(), socket, fault, active, detail, untilT }) },
      () => [...sockets.values()].filter((s) => s.usable),
    );
    engine = { faults, protection };
    if (configured) protection.configure(world.enabled);
    return engine;
  };

  const world: SocketWorld & { enabled: boolean } = {
    recorder,
    enabled: true,
    dialUrl: (url) => (engine?.faults.diverts(url) ? unreachable(url) : url),
    closed: (socket) => engine?.protection.closed(socket),
  };

  // Sockets to a URL a mock serves are dialled to nowhere and served by the mock (mock-socket.ts).
  const mocks = new Mocks(n, (url) => toRelay("mock-query", { url }));
  const logOf = (id: string, url: string, protocols: string[], where: Window) => {
    let frameUrl = "";
    let topFrame = false;
    try {
      frameUrl = where.location.href;
      topFrame = where === where.top;
    } catch {
      // A sandboxed frame may refuse; the URL is for display only.
    }
    return recorder.created({ id, url: clipped(url), protocols: protocols.map(clipped), frameUrl: clipped(frameUrl), topFrame, createdAt: n.now() });
  };

  const disguise = new Disguise(n.functionToString);
  const host: HookHost = {
    disguise,
    redirecting: () => mocks.any || (engine?.faults.diverting ?? false),
    connectUrl: (url) => (mocks.serves(url) || engine?.faults.diverts(url) ? unreachable(url) : null),
    created(ws, where, wn, url, protocols, adopted) {
      const id = `${stream}:${++count}`;
      // No server, no wire, no engine: never protected, out of reach of faults and frame rules.
      if (!adopted && mocks.serves(url)) {
        const mocked = new MockSocket(id, ws, wn, url, world);
        mocked.log = logOf(id, url, protocols, where);
        return mocks.serve(mocked);
      }
      const socket = new PageSocket(id, ws, wn, url, protocols, world);
      if (!world.enabled) return socket;
      socket.log = logOf(id, socket.url, socket.protocols, where);
      prune();
      sockets.set(socket.id, socket);
      // An adopted socket's events reach its owner before Lifeguard: no engine could steer them.
      if (!adopted) ensure().protection.track(socket);
      return socket;
    },
  };

  if (behind) hookBehindMock(win, n, host, behind);
  else hookWindow(win, host, n);

  // The channel to the relay, now, at document_start: handed over before any page script can run, so
  // no page can take it (src/shared/page-channel.ts). Doing it a task later saved ~0.2 ms of start-up
  // and let a page's first script forge the hand-over.
  const channel = new n.MessageChannel();
  const port = channel.port1;
  const postMessage = port.postMessage;
  const post = <K extends keyof PageToPanel>(type: K, payload: PageToPanel[K]): void => {
    apply(postMessage, port, [envelope<PageToPanel, K>("lifeguard-page", type, payload)]);
  };
  function toRelay<K extends keyof PageToRelay>(type: K, payload: PageToRelay[K]): void {
    apply(postMessage, port, [envelope<PageToRelay, K>("lifeguard-page", type, payload)]);
  }
  // Made when a check first starts: most pages never see one.
  let pageErrors: PageErrorWatch | null = null;
  /** The check ended, or no panel is left to run it: page errors are no longer watched, its faults end. */
  const checkEnded = (): void => {
    pageErrors?.end();
    engine?.faults.endCheckFaults((id) => sockets.get(id));
  };
  /**
   * Sockets the page made before the mocks reached it (a page that connects the moment it starts) and
   * that a mock serves: one still connecting is taken over (its handshake abandoned, its native events
   * hidden; the mock serves the page's object from here, under the same record); one already open keeps
   * its server, and its record says why the mock did not serve it.
   */
  const takeOverEarlySockets = (): void => {
    for (const s of [...sockets.values()]) {
      if (!s.usable || !mocks.serves(s.url)) continue;
      if (s.conn || apply(n.readyState, s.ws, NO_ARGS) !== CONNECTING) {
        recorder.record({ kind: "note", t: n.now(), socket: s.id, text: MOCK_TOO_LATE });
        continue;
      }
      const mocked = new MockSocket(s.id, s.ws, s.n, s.url, world);
      mocked.log = s.log;
      s.takenBy = mocked;
      retrack(s.ws, mocked);
      sockets.delete(s.id);
      world.closed(s);
      recorder.record({ kind: "note", t: n.now(), socket: s.id, text: MOCK_TAKEN_OVER });
      try {
        apply(n.close, s.ws, NO_ARGS);
      } catch {
        // Already going: its events are hidden either way.
      }
      mocks.serve(mocked);
    }
  };

  const handlers: PageHandlers = {
    "snapshot-request": (msg) => {
      if (msg.stream !== undefined && msg.stream !== stream) return;
      const { upTo, parts } = recorder.takeSnapshotParts();
      const frameUrl = clipped(win.location.href);
      parts.forEach((sockets, part) => post("snapshot", { stream, upTo, part, parts: parts.length, frameUrl, sockets }));
    },
    listening: (msg) => {
      recorder.setListening(msg.on);
      if (!msg.on) checkEnded();
    },
    check: (msg) => {
      if (!msg.on) return checkEnded();
      pageErrors ??= new PageErrorWatch(n, disguise, (what, message) => recorder.pageError(what, message));
      pageErrors.start();
    },
    config: (msg) => {
      const first = !configured;
      configured = true;
      world.enabled = msg.enabled;
      recorder.setLimits(msg.record);
      engine?.protection.configure(msg.enabled);
      mocks.configure(msg.enabled ? (msg.mocks ?? []) : []);
      if (first && mocks.any) takeOverEarlySockets();
    },
    rule: (msg) => engine?.protection.setRule(msg.url, msg.rule as ResolvedRule | null, msg.frameRules),
    // A breakpoint's answer: only the frame that owns the socket acts on it.
    pause: (msg) => {
      const socket = sockets.get(msg.socket);
      if (!socket) return;
      let data: unknown;
      try {
        data = msg.data === undefined ? undefined : decode(msg.data, msg.encoding ?? "text", n);
      } catch {
        // Hex or base64 that is not: the frame stays paused, as if nobody had answered.
        return;
      }
      socket.answerPause(msg.id, msg.action, data);
    },
    // Every frame of the tab hears a command; only the one that owns the socket acts on it.
    fault: (msg) => {
      refuseFaults(mocks, msg.target, msg.fault, (socket) =>
        recorder.record({ kind: "fault", t: n.now(), socket, fault: msg.fault.kind, active: false, detail: MOCK_NOT_APPLIED }),
      );
      ensure().faults.apply(msg.target, msg.fault, (id) => sockets.get(id), msg.check === true);
    },
    // The conversation for a socket URL a mock glob matched (mock-serve.ts).
    mock: (msg) => mocks.answer(msg.url, msg.mock),
  };
  port.onmessage = (ev: MessageEvent) => {
    const msg: unknown = apply(n.messageData, ev, NO_ARGS);
    if ((!isPanelToPage(msg) && !isRelayToPage(msg)) || msg.source !== "lifeguard-relay") return;
    (handlers[msg.type] as (m: typeof msg) => void)(msg);
  };
  recorder.connect((events, from, to) => post("events", { stream, from, to, events }));
  offerPort(win.document, channel.port2, n);
}

/** A string as it may cross: the guard's bound (a page may open a socket to a URL of any length). */
function clipped(s: string): string {
  return s.length > LIMITS.stringLength ? s.slice(0, LIMITS.stringLength) : s;
}

type Inbound = PanelToPage & RelayToPage;
type PageHandlers = { [K in keyof Inbound]: (msg: Inbound[K] & { type: K }) => void };

/** The command types the page world handles (the conventions test checks them against the protocol). */
export const pageHandlersForTest: readonly (keyof Inbound)[] = ["snapshot-request", "fault", "listening", "check", "config", "rule", "pause", "mock"];
