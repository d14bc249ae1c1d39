/**
 * The relay (isolated world): the one door between a page and the extension. It carries messages
 * between the page world's private MessagePort and the background's runtime port, and it is where
 * what a page sends is checked and bounded:
 *
 * - Pairing: it takes the page world's port once, during document_start (src/shared/page-channel.ts);
 *   every other hand-over is refused and reported to the panel (`bridge-refused`).
 * - Guards: only page -> panel messages of the page's own stream pass, each speaking only of its own
 *   sockets and small enough to parse in a few ms (`LIMITS`); live batches within the frame's budget,
 *   snapshots only in answer to a request (src/shared/budget.ts). What is dropped is counted and the
 *   panel told (`over-budget`), at most once a second.
 * - Settings: it keeps them. The page world gets `config` (on/off, recorder bounds, the globs of the
 *   mocks in force) and, for each socket URL it asks about, the one rule and the frame rules that
 *   match, and the mock that serves it: it never holds the rules or recordings of other sites.
 *
 * It connects to the background only once it has something to carry: the page world's port, or a
 * refused hand-over to report while Lifeguard is enabled. When the background dies (MV3 service
 * worker), the runtime port reconnects and the relay asks the page for a snapshot itself.
 *
 * Page messages travel on unchanged (source `lifeguard-page`); commands reach the page re-stamped with
 * source `lifeguard-relay`, the only source the page world obeys.
 */
import type { AcceptHandlers, Refusal } from "../shared/page-channel";
import { Budget, FRAME_BUDGET } from "../shared/budget";
import {
  LIMITS,
  envelope,
  isForeignVersion,
  isPageToPanel,
  isPageToRelay,
  isPanelToPage,
  speaksForItsOwn,
  weigh,
  type PanelToPage,
  type RelayToPage,
  type RelayToPanel,
  type StreamId,
} from "../shared/protocol";
import { findFrameRules, findRule, matchGlob, type Settings } from "../shared/settings";
import type { MockSpec } from "../shared/frame-rule-types";
import type { Transport } from "../shared/transport";
import { messagePortTransport, runtimePortTransport, type PortLike, type RuntimePortOptions } from "../shared/transports";

export interface RelayOptions {
  /** Opens the runtime port to the background (`runtime.connect({ name: CONTENT_PORT })`). */
  connect: () => PortLike;
  /** The validated settings (`storage.local`) and their changes. */
  settings?: { get(): Promise<Settings>; onChange(listener: (settings: Settings) => void): void };
  /** The validated mocks (`storage.local` `mocks`) and their changes. */
  mocks?: { get(): Promise<MockSpec[]>; onChange(listener: (mocks: MockSpec[]) => void): void };
  /** The frame's URL, for the panel's notices. */
  frameUrl?: () => string;
  /** Clock for the budget (tests drive it). */
  now?: () => number;
  /** Passed to the runtime port transport (tests shorten the backoff). */
  reconnectDelay?: RuntimePortOptions["reconnectDelay"];
}

/**
 * A relay takes what `acceptPort` (page-channel.ts) hands over: the page world's port, and every
 * refused hand-over.
 */
export interface Relay extends AcceptHandlers {
  /** Closes both channels; idempotent. */
  stop(): void;
}

/**
 * What the relay forwards goes out at most this fast, in order: a snapshot answer of 32 Mi characters
 * sent at once made every other tab's panel wait ~1 s behind it, in the service worker and in the
 * panels' renderer, both of which parse messages in arrival order.
 */
export const PACE = { charsPerSecond: 32 << 20, burstChars: 4 << 20 };

/** Notices of one kind go at most this often; the counts are running totals, so none is lost. */
const NOTICE_EVERY_MS = 1000;
/**
 * Rule and mock questions a page world may ask (one bucket for both): one per socket URL it opens, and
 * again after a settings change.
 */
const RULE_QUERIES = { perSecond: 200, burst: 2_000 };

/** Whether `mock` serves sockets of `url`: its glob fits, as a rule's does (runs of stars collapsed). */
const serves = (mock: MockSpec, url: string): boolean => matchGlob(mock.match.replace(/\*+/g, "*"), url);

export function startRelay(options: RelayOptions): Relay {
  const now = options.now ?? (() => Date.now());
  const relayId = Math.floor(Math.random() * 36 ** 10).toString(36) || "relay";
  const frameUrl = (): string => (options.frameUrl?.() ?? "").slice(0, 4096);
  const budget = new Budget(FRAME_BUDGET, now);
  let page: Transport | null = null;
  let extension: Transport | null = null;
  let stopped = false;
  let stream: StreamId | null = null;
  let refusals = 0;
  let lastRefusal: Refusal = "late";
  let settings: Settings | null = null;
  let mocks: MockSpec[] = [];
  // Read on first need (a pairing, a refusal), not in every frame the relay merely starts in.
  let loading: Promise<Settings | null> | null = null;
  const loaded = (): Promise<Settings | null> =>
    (loading ??= options.settings
      ? options.settings.get().then(
          (s) => (settings ??= s),
          () => null,
        )
      : Promise.resolve(null));
  // Read once paired only: a frame with no page world has no socket to serve.
  let loadingMocks: Promise<MockSpec[]> | null = null;
  let mocksChanged = false;
  const loadedMocks = (): Promise<MockSpec[]> =>
    (loadingMocks ??= options.mocks
      ? options.mocks.get().then(
          (m) => (mocksChanged ? mocks : (mocks = m)),
          () => mocks,
        )
      : Promise.resolve(mocks));

  // --- To the panel -------------------------------------------------------------------------------

  const openExtension = (): Transport => {
    if (extension) return extension;
    const opened = runtimePortTransport(options.connect, {
      reconnectDelay: options.reconnectDelay,
      onReconnect: () => {
        // A new background knows of no panel yet: the page goes quiet until it says one is there,
        // and answers with its history for a panel that is.
        toPage("listening", { on: false });
        budget.expectAnswer();
        toPage("snapshot-request", {});
        // What was refused or dropped stays on record for the new background's panels.
        noticeNow("bridge-refused");
        noticeNow("over-budget");
      },
    });
    opened.onMessage((message) => {
      // `source` names who put the envelope on this wire; the page world takes commands from the relay only.
      if (!isPanelToPage(message)) return;
      if (message.type === "snapshot-request" && (message.stream === undefined || message.stream === stream)) budget.expectAnswer();
      // A panel attached: it hears what this relay refused and dropped before it was there.
      if (message.type === "listening" && message.on) {
        noticeNow("bridge-refused");
        noticeNow("over-budget");
      }
      page?.post({ ...message, source: "lifeguard-relay" });
    });
    extension = opened;
    return opened;
  };

  const notice = {
    "bridge-refused": (): RelayToPanel["bridge-refused"] => ({ relay: relayId, frameUrl: frameUrl(), reason: lastRefusal, count: refusals }),
    "over-budget": (): RelayToPanel["over-budget"] => ({
      relay: relayId,
      frameUrl: frameUrl(),
      ...(stream === null ? {} : { stream }),
      dropped: { ...budget.dropped },
    }),
  };
  const lastSent: Record<keyof RelayToPanel, number> = { "bridge-refused": -Infinity, "over-budget": -Infinity };
  const timers: Partial<Record<keyof RelayToPanel, ReturnType<typeof setTimeout>>> = {};
  const noticeNow = (type: keyof RelayToPanel): void => {
    if (!extension || (type === "bridge-refused" ? refusals === 0 : budget.dropped.messages === 0)) return;
    lastSent[type] = now();
    extension.post(envelope<RelayToPanel, typeof type>("lifeguard-relay", type, notice[type]() as never));
  };
  /** At most one notice of a kind a second; the latest totals always go, a little later if need be. */
  const report = (type: keyof RelayToPanel): void => {
    if (stopped || timers[type] !== undefined) return;
    const wait = lastSent[type] + NOTICE_EVERY_MS - now();
    if (wait <= 0) return noticeNow(type);
    timers[type] = setTimeout(() => {
      timers[type] = undefined;
      noticeNow(type);
    }, wait);
  };

  /** Admitted page messages, forwarded in order at most at `PACE` (a message bigger than the burst waits for a full one). */
  const outbox = (() => {
    const queue: { message: unknown; chars: number }[] = [];
    let tokens = PACE.burstChars;
    let at = now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const pump = (): void => {
      timer = undefined;
      const t = now();
      tokens = Math.min(PACE.burstChars, tokens + ((t - at) / 1000) * PACE.charsPerSecond);
      at = t;
      while (queue.length > 0) {
        const need = Math.min(queue[0]!.chars, PACE.burstChars);
        if (tokens < need) {
          timer = setTimeout(pump, Math.ceil(((need - tokens) / PACE.charsPerSecond) * 1000));
          return;
        }
        tokens -= need;
        extension?.post(queue.shift()!.message);
      }
    };
    return {
      send(message: unknown, chars: number): void {
        queue.push({ message, chars });
        if (timer === undefined) pump();
      },
      stop(): void {
        clearTimeout(timer);
        queue.length = 0;
      },
    };
  })();

  // --- To the page world ----------------------------------------------------------------------------

  const toPage = <K extends keyof (PanelToPage & RelayToPage)>(type: K, payload: (PanelToPage & RelayToPage)[K]): void => {
    page?.post(envelope<PanelToPage & RelayToPage, K>("lifeguard-relay", type, payload));
  };
  // Off, Lifeguard serves no mock: no glob goes to any page.
  const pushConfig = (s: Settings): void =>
    toPage("config", { enabled: s.enabled, record: s.record, mocks: s.enabled ? mocks.map((m) => m.match) : [] });
  let queryTokens = RULE_QUERIES.burst;
  let queryAt = now();
  /** Whether a question may be answered now; past the rate, it is counted as dropped and the panel told. */
  const admitQuery = (url: string): boolean => {
    const t = now();
    queryTokens = Math.min(RULE_QUERIES.burst, queryTokens + ((t - queryAt) / 1000) * RULE_QUERIES.perSecond);
    queryAt = t;
    if (queryTokens < 1) {
      budget.reject({ events: 0, chars: url.length, sockets: 0 });
      report("over-budget");
      return false;
    }
    queryTokens -= 1;
    return true;
  };
  const answerRule = (url: string): void => {
    if (!admitQuery(url)) return;
    // Off, Lifeguard protects nothing and changes nothing: no rule goes to any page.
    void loaded().then(() => {
      const on = settings?.enabled === true;
      toPage("rule", { url, rule: on ? findRule(settings!, url) : null, frameRules: on ? findFrameRules(settings!, url) : [] });
    });
  };
  const answerMock = (url: string): void => {
    if (!admitQuery(url)) return;
    void Promise.all([loaded(), loadedMocks()]).then(() => {
      const mock = settings?.enabled ? (mocks.find((m) => serves(m, url)) ?? null) : null;
      toPage("mock", { url, mock });
    });
  };

  /** A page message on its way to the panel: whole, of this page's stream, within the budget. */
  const forward = (message: unknown): void => {
    if (!isPageToPanel(message) || message.source !== "lifeguard-page") {
      if (isForeignVersion(message) && (message as { source: unknown }).source === "lifeguard-page") {
        // Only the version travels on, so the background can tell the panel; the unchecked payload stays here.
        extension?.post({ source: "lifeguard-page", v: (message as { v: unknown }).v });
      }
      return;
    }
    stream ??= message.stream;
    const weight = weigh(message);
    const whole = message.stream === stream && speaksForItsOwn(message) && weight.chars <= LIMITS.charsPerMessage;
    const admitted = !whole
      ? budget.reject(weight)
      : message.type === "snapshot"
        ? budget.admitAnswer(weight)
        : budget.admitLive(weight);
    if (admitted) outbox.send(message, weight.chars);
    else report("over-budget");
  };

  return {
    port(port) {
      if (stopped) return port.close();
      const toPageWorld = messagePortTransport(port);
      page = toPageWorld;
      openExtension();
      toPageWorld.onMessage((message) => {
        if (isPageToRelay(message) && message.source === "lifeguard-page") {
          if (message.type === "mock-query") answerMock(message.url);
          else answerRule(message.url);
        } else forward(message);
      });
      if (options.settings) {
        options.settings.onChange((s) => {
          settings = s;
          pushConfig(s);
        });
        options.mocks?.onChange((m) => {
          mocksChanged = true;
          mocks = m;
          if (settings) pushConfig(settings);
        });
        void Promise.all([loaded(), loadedMocks()]).then(([s]) => s && pushConfig(s));
      }
    },
    refused(reason) {
      refusals += 1;
      lastRefusal = reason;
      if (extension) return report("bridge-refused");
      // Not paired: speak up only while Lifeguard is on (off, the relay stays out of the way).
      void loaded().then((s) => {
        if (stopped || (s && !s.enabled)) return;
        openExtension();
        report("bridge-refused");
      });
    },
    stop() {
      stopped = true;
      for (const timer of Object.values(timers)) clearTimeout(timer);
      outbox.stop();
      extension?.close();
      page?.close();
    },
  };
}
