/**
 * The testing API over any driver that can evaluate in the extension's service worker and tell which
 * tab a page is (playwright.ts; Puppeteer next). Every call goes: page -> tab id -> the worker's hook
 * -> the tab's page worlds, then reads the answer (the tab's snapshots) until the effect is there.
 */
import { envelope, type FaultCommand, type FaultTarget, type PanelToPage } from "../shared/protocol";
import { ruleFor } from "../shared/rules";
import { validateSettings, type Rule, type Settings } from "../shared/settings";
import type { TabAnswer } from "../background/testing-answer";
import { FaultNotAppliedError, InvalidSettingsError, LifeguardNotLoadedError, NoSocketMatchesError, PageClosedError, WaitTimeoutError } from "./errors";
import { describeSockets, faultVerdict, framesOf, recoveredSince, socketView, socketsOf, usableSockets, type FrameView, type SocketView } from "./records";
import type { ResilienceReport, Scenario } from "../shared/resilience/types";
import { runResilienceCheck } from "./resilience-check";
import { mockSpecFor, withMock, withoutMock, type MockOptions } from "./mocks";
import { MOCK_NOT_APPLIED } from "../page/mock-serve";
import type { MockSpec } from "../shared/frame-rule-types";
import { urlMatches } from "./url-glob";
import { encoded } from "./encoded";
import { pauseAnswered, pauseCommand, pausedOf, type PauseAction, type PausedFrame } from "./pauses";
import {
  detachInWorker,
  readMocksInWorker,
  readSettingsInWorker,
  requestInWorker,
  takeInWorker,
  writeMocksInWorker,
  writeSettingsInWorker,
  type RequestResult,
} from "./worker-calls";

/** What the API needs from a browser driver. `P` is the driver's page type. */
export interface LifeguardDriver<P> {
  /** Evaluates a self-contained function in Lifeguard's service worker (worker-calls.ts). */
  evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  /** The browser's tab id of `page`; rejects with PageClosedError or PageNotFoundError. */
  tabIdOf(page: P): Promise<number>;
  isClosed(page: P): boolean;
}

export interface UrlOption {
  /** Only sockets whose URL fits this glob (`*` = any run of characters); none: every socket of the page. */
  url?: string;
}

export interface WaitOptions {
  /** How long to wait before a WaitTimeoutError (default 10 s). */
  timeoutMs?: number;
}

/** A rule's fields other than `match` (DESIGN.md, "Settings"); each one optional, with its default. */
export type RuleOptions = Omit<Partial<Rule>, "match"> & Record<string, unknown>;

export interface Lifeguard<P> {
  protect(glob: string, rule?: RuleOptions): Promise<void>;
  unprotect(glob: string): Promise<void>;
  setSettings(settings: unknown): Promise<void>;
  sockets(page: P): Promise<SocketView[]>;
  frames(page: P, opts?: UrlOption): Promise<FrameView[]>;
  drop(page: P, opts?: UrlOption): Promise<void>;
  close(page: P, code: number, reason?: string, opts?: UrlOption): Promise<void>;
  offline(page: P, ms: number): Promise<void>;
  blackhole(page: P, ms: number, opts?: UrlOption): Promise<void>;
  latency(page: P, delay: { inMs: number; outMs: number }, opts?: UrlOption): Promise<void>;
  inject(page: P, data: string | Uint8Array, opts?: UrlOption): Promise<void>;
  send(page: P, data: string | Uint8Array, opts?: UrlOption): Promise<void>;
  reconnectNow(page: P, opts?: UrlOption): Promise<void>;
  endFaults(page: P): Promise<void>;
  waitFor(page: P, want: { url?: string; state: SocketView["state"] } & WaitOptions): Promise<SocketView>;
  waitForReconnect(page: P, opts?: UrlOption & WaitOptions): Promise<SocketView>;
  /**
   * Runs a resilience check on every socket of the page's tab (the panel's "Check resilience"):
   * `scenario`'s steps, or DEFAULT_SCENARIO's, each a real fault then an observation window. Resolves
   * with the report the panel exports (docs/resilience-report.md); rejects with InvalidScenarioError
   * before anything runs, or PageClosedError when the page goes away (the faults it started end).
   */
  resilienceCheck(page: P, scenario?: Scenario): Promise<ResilienceReport>;
  /** Frames waiting at a breakpoint (a frame rule with action `pause`) on the page's sockets matching `url`, oldest first. */
  paused(page: P, opts?: UrlOption): Promise<PausedFrame[]>;
  /** Resolves with the first frame waiting at a breakpoint on a socket matching `url`; WaitTimeoutError past `timeoutMs`. */
  waitForPause(page: P, opts?: UrlOption & WaitOptions): Promise<PausedFrame>;
  /**
   * Answers a breakpoint as the panel does: `forward` (as it was, or as `data` when given: text, or
   * bytes for a binary frame), `drop`, or `forward-all` (every frame paused on that socket goes on as
   * it is, and pausing stops there until the rules change). Resolves once the page world recorded the answer.
   */
  resolvePause(page: P, frame: Pick<PausedFrame, "socket" | "id">, action: PauseAction, opts?: { data?: string | Uint8Array }): Promise<void>;
  /**
   * Serves sockets whose URL fits `glob` with no server, from a recording: a HAR file's text (Chrome's
   * or Lifeguard's export: its WebSocket's conversation, see `socketUrl`) or a MockSpec. A socket the
   * page creates afterwards opens with the recorded subprotocol, and the recorded server frames answer
   * the page's frames (`replay`), with the recorded gaps or at once (`timing`). Replaces a mock for the
   * same glob; the newest mock is consulted first. Resolves with the spec in force once it is stored;
   * rejects with InvalidMockError or NoWebSocketInHarError.
   */
  mock(glob: string, recording: string | MockSpec, opts?: MockOptions): Promise<MockSpec>;
  /** Ends the mock for `glob` (none given: every mock): sockets created afterwards go to the network again. */
  unmock(glob?: string): Promise<void>;
  /** Stops listening to the tabs (faults in force stay until they end); attachLifeguard can attach again. */
  detach(): Promise<void>;
}

/** How long a frame may take to answer a snapshot request before the answer goes without it. */
const ANSWER_MS = 2_000;
const POLL_MS = 50;
const DEFAULT_WAIT_MS = 10_000;

export function createLifeguard<P extends object>(driver: LifeguardDriver<P>): Lifeguard<P> {
  /** Pages this instance worked on: protect/setSettings wait until their sockets follow the new rules. */
  const known = new Set<P>();
  /** When this instance last broke a page's sockets: a recovery after it is the one waitForReconnect wants. */
  const lastFaultAt = new WeakMap<P, number>();

  const ask = async (page: P, command: unknown): Promise<TabAnswer> => {
    if (driver.isClosed(page)) throw new PageClosedError();
    const tabId = await driver.tabIdOf(page);
    known.add(page);
    const result: RequestResult = await driver.evaluate(requestInWorker, { tabId, command, timeoutMs: ANSWER_MS });
    if (result.kind === "not-loaded") throw new LifeguardNotLoadedError("its service worker has no testing hook");
    if (result.kind === "no-tab") throw new PageClosedError();
    return result.answer;
  };

  const panel = (target: FaultTarget, fault: FaultCommand): unknown => envelope<PanelToPage, "fault">("lifeguard-panel", "fault", { target, fault });

  /** Polls the page's snapshots until `test` gives a value, or times out with what was seen. */
  const until = async <T>(page: P, what: string, timeoutMs: number, test: (answer: TabAnswer) => T | undefined): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const answer = await ask(page, null);
      const value = test(answer);
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new WaitTimeoutError(what, timeoutMs, describeSockets(socketsOf(answer)));
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  };

  /**
   * Sends `fault` to the sockets matching `glob` (none: the tab, every socket) and resolves once each
   * recorded it in force. `needsSocket`: a fault that has nothing to do without a socket.
   */
  const fault = async (page: P, fault: FaultCommand, glob: string | undefined, needsSocket = true): Promise<void> => {
    const before = socketsOf(await ask(page, null));
    // "Reconnect now" is for protected sockets only: the page world skips the others of the tab silently.
    const targets = usableSockets(before, glob).filter((s) => fault.kind !== "reconnect" || glob !== undefined || s.protected);
    if (needsSocket && targets.length === 0) throw new NoSocketMatchesError(glob, usableSockets(before).map((s) => s.info.url), fault.kind === "reconnect" && glob === undefined);
    const since = Date.now();
    lastFaultAt.set(page, since);
    let answer: TabAnswer | undefined;
    if (glob === undefined) answer = await ask(page, panel({ tab: true }, fault));
    else for (const s of targets) answer = await ask(page, panel({ socket: s.info.id }, fault));
    const ids = new Set(targets.map((s) => s.info.id));
    const deadline = Date.now() + DEFAULT_WAIT_MS;
    for (;;) {
      const now = socketsOf(answer!).filter((s) => ids.has(s.info.id));
      const verdicts = now.map((s) => faultVerdict(fault.kind, s, since));
      // A fault for the whole tab passes over sockets a mock serves (nothing to act on there); one
      // aimed at such a socket by its URL is refused.
      const passed = (v: (typeof verdicts)[number]): boolean => glob === undefined && v.kind === "refused" && v.reason === MOCK_NOT_APPLIED;
      const refused = verdicts.flatMap((v) => (v.kind === "refused" && !passed(v) ? [v.reason] : []));
      if (refused.length) throw new FaultNotAppliedError(fault.kind, refused);
      // A socket that left the tab's record (its frame went away) has nothing left to confirm.
      if (verdicts.every((v) => v.kind === "in-force" || passed(v))) return;
      if (Date.now() > deadline) throw new WaitTimeoutError(`the ${fault.kind} fault to be in force`, DEFAULT_WAIT_MS, describeSockets(now));
      await new Promise((r) => setTimeout(r, POLL_MS));
      answer = await ask(page, null);
    }
  };

  /** Resolves once every socket of the pages used so far is protected exactly where `settings` say. */
  const settle = async (settings: Settings): Promise<void> => {
    if (!settings.enabled) return;
    for (const page of [...known]) {
      if (driver.isClosed(page)) {
        known.delete(page);
        continue;
      }
      await until(page, "the sockets to follow the new settings", DEFAULT_WAIT_MS, (answer) =>
        usableSockets(socketsOf(answer)).every((s) => s.protected === (ruleFor(settings, s.info.url) !== null)) ? true : undefined,
      );
    }
  };

  const store = async (raw: unknown): Promise<void> => {
    const { settings, errors } = validateSettings(raw);
    if (errors.length) throw new InvalidSettingsError(errors);
    await driver.evaluate(writeSettingsInWorker, raw);
    await settle(settings);
  };

  const stored = async (): Promise<Record<string, unknown>> => {
    const raw = await driver.evaluate(readSettingsInWorker, undefined);
    return typeof raw === "object" && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  };

  const rulesOf = (settings: Record<string, unknown>): Record<string, unknown>[] =>
    Array.isArray(settings.rules) ? (settings.rules as Record<string, unknown>[]) : [];

  return {
    async protect(glob, rule = {}) {
      urlMatches(glob, "");
      const settings = await stored();
      // First rule wins: the new one goes first, and replaces one for the same glob.
      await store({ ...settings, rules: [{ ...rule, match: glob }, ...rulesOf(settings).filter((r) => r.match !== glob)] });
    },
    async unprotect(glob) {
      const settings = await stored();
      await store({ ...settings, rules: rulesOf(settings).filter((r) => r.match !== glob) });
    },
    setSettings: (settings) => store(settings),
    sockets: async (page) => socketsOf(await ask(page, null)).map(socketView),
    frames: async (page, opts = {}) => framesOf(socketsOf(await ask(page, null)), opts.url),
    drop: (page, opts = {}) => fault(page, { kind: "drop" }, opts.url),
    close: (page, code, reason = "", opts = {}) => fault(page, { kind: "close", code, reason }, opts.url),
    offline: (page, ms) => fault(page, { kind: "offline", durationMs: positive(ms, "ms") }, undefined, false),
    blackhole: (page, ms, opts = {}) => fault(page, { kind: "blackhole", durationMs: positive(ms, "ms") }, opts.url),
    latency: (page, { inMs, outMs }, opts = {}) => fault(page, { kind: "latency", inMs: atLeastZero(inMs, "inMs"), outMs: atLeastZero(outMs, "outMs") }, opts.url),
    inject: (page, data, opts = {}) => fault(page, { kind: "inject", ...encoded(data) }, opts.url),
    send: (page, data, opts = {}) => fault(page, { kind: "send", ...encoded(data) }, opts.url),
    reconnectNow: (page, opts = {}) => fault(page, { kind: "reconnect" }, opts.url),
    async endFaults(page) {
      // Each ends what is in force and is recorded as ended; the answer to the last one shows the page after all four.
      for (const end of [
        { kind: "offline", durationMs: 0 },
        { kind: "blackhole", durationMs: 0 },
        { kind: "latency", inMs: 0, outMs: 0 },
        { kind: "refuse", durationMs: 0 },
      ] satisfies FaultCommand[]) {
        await ask(page, panel({ tab: true }, end));
      }
    },
    waitFor: (page, { url, state, timeoutMs = DEFAULT_WAIT_MS }) =>
      until(page, `a socket${url ? ` matching ${JSON.stringify(url)}` : ""} to be ${state}`, timeoutMs, (answer) => {
        const found = socketsOf(answer).find((s) => s.state === state && urlMatches(url, s.info.url));
        return found && socketView(found);
      }),
    waitForReconnect(page, { url, timeoutMs = DEFAULT_WAIT_MS } = {}) {
      const since = lastFaultAt.get(page) ?? Date.now();
      return until(page, `a socket${url ? ` matching ${JSON.stringify(url)}` : ""} to reconnect`, timeoutMs, (answer) => {
        const sockets = socketsOf(answer);
        if (!recoveredSince(sockets, url, since)) return undefined;
        const open = sockets.filter((s) => s.state === "open" && urlMatches(url, s.info.url));
        return open.length ? socketView(open.at(-1)!) : undefined;
      });
    },
    paused: async (page, opts = {}) => pausedOf(socketsOf(await ask(page, null)), opts.url),
    waitForPause: (page, { url, timeoutMs = DEFAULT_WAIT_MS } = {}) =>
      until(page, `a frame${url ? ` of a socket matching ${JSON.stringify(url)}` : ""} to wait at a breakpoint`, timeoutMs, (answer) => pausedOf(socketsOf(answer), url)[0]),
    async resolvePause(page, frame, action, opts = {}) {
      if (action !== "forward" && opts.data !== undefined) throw new RangeError(`only "forward" takes edited data, not "${action}"`);
      const answer = await ask(page, pauseCommand(frame, action, opts.data));
      if (pauseAnswered(socketsOf(answer), frame.socket, frame.id)) return;
      await until(page, `breakpoint ${frame.id} of socket ${frame.socket} to be answered`, DEFAULT_WAIT_MS, (a) =>
        pauseAnswered(socketsOf(a), frame.socket, frame.id) ? true : undefined,
      );
    },
    async mock(glob, recording, opts = {}) {
      const spec = mockSpecFor(glob, recording, opts);
      const list = await driver.evaluate(readMocksInWorker, undefined);
      await driver.evaluate(writeMocksInWorker, withMock(Array.isArray(list) ? list : [], spec));
      return spec;
    },
    async unmock(glob) {
      const list = await driver.evaluate(readMocksInWorker, undefined);
      await driver.evaluate(writeMocksInWorker, withoutMock(Array.isArray(list) ? list : [], glob));
    },
    resilienceCheck(page, scenario) {
      lastFaultAt.set(page, Date.now());
      return runResilienceCheck(
        {
          ask: (command) => ask(page, command),
          take: async () => (await driver.evaluate(takeInWorker, { tabId: await driver.tabIdOf(page) })).messages,
          settings: async () => validateSettings(await stored()).settings,
          closed: () => driver.isClosed(page),
        },
        scenario,
      );
    },
    async detach() {
      known.clear();
      await driver.evaluate(detachInWorker, undefined);
    },
  };
}

function positive(ms: number, name: string): number {
  if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`${name} must be a positive number of milliseconds, got ${ms}; lg.endFaults(page) ends a fault early`);
  return ms;
}

function atLeastZero(ms: number, name: string): number {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`${name} must be 0 or more milliseconds, got ${ms}`);
  return ms;
}
