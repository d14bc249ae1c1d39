/**
 * The page world's host: what the hook reports goes to the recorder; the recorder's batches go to the
 * relay over the private channel; commands from the panel (snapshot, faults) and from the relay
 * (config, the rule for each socket URL asked about) come back on it.
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
import { Faults } from "./faults";
import { hookWindow, redeliver, type HookHost, type TrackedSocket } from "./hook";
import { apply, NO_ARGS, captureNatives } from "./natives";
import { Protection } from "./protect";
import { Recorder } from "./recorder";

const CLOSED = 3;
/** Past this many known sockets, the ones the page can no longer use are forgotten. */
const PRUNE_ABOVE = 256;

export function startPageWorld(win: Window & typeof globalThis): void {
  const n = captureNatives(win);
  const recorder = new Recorder({ now: n.now, setTimeout: (fn, ms) => n.setTimeout(fn, ms) });
  // This document's stream of events, and the prefix of its sockets' ids.
  const stream = Math.floor(n.random() * 36 ** 8).toString(36) || "0";
  let count = 0;
  const counter = { next: () => `${stream}:${++count}` };

  /** Sockets of this page world by id, for commands from the panel. */
  const sockets = new Map<string, TrackedSocket>();
  const usable = (s: TrackedSocket): boolean =>
    s.controller ? s.controller.readyState !== CLOSED : s.faults?.readyState !== CLOSED && apply(n.readyState, s.ws, NO_ARGS) !== CLOSED;
  const prune = (): void => {
    if (sockets.size <= PRUNE_ABOVE) return;
    for (const [id, s] of sockets) if (!usable(s)) sockets.delete(id);
  };

  // Faults and protection are built on first need (the first socket, a fault): at document_start, in
  // every frame of every page, only the hook and the channel are installed.
  let configured = false;
  let enabled = true;
  let engine: { faults: Faults; protection: Protection } | null = null;
  const ensure = (): { faults: Faults; protection: Protection } => {
    if (engine) return engine;
    const faults: Faults = new Faults(
      n,
      {
        redeliver: (socket, ev) => redeliver(host, socket, ev),
        sendAsPage: (socket, data) => socket.pageSend(data),
        environment: (socket, ev) => protection.environmentOf(socket, ev),
      },
      {
        fault: (socket, fault, active, detail, untilT) =>
          recorder.record({ kind: "fault", t: n.now(), socket, fault, active, detail, untilT }),
        injected: (socket, dir, data) => recorder.frame(socket, dir, data, true),
      },
      () => [...sockets.values()].filter(usable),
    );
    const protection = new Protection(recorder, n, (url) => toRelay("rule-query", { url }), faults);
    engine = { faults, protection };
    if (configured) protection.configure(enabled);
    return engine;
  };

  const host: HookHost = {
    disguise: new Disguise(n.functionToString),
    created(socket: TrackedSocket, where: Window) {
      if (!enabled) return;
      let frameUrl = "";
      let topFrame = false;
      try {
        frameUrl = where.location.href;
        topFrame = where === where.top;
      } catch {
        // A sandboxed frame may refuse; the URL is for display only.
      }
      socket.log = recorder.created({
        id: socket.id,
        url: clipped(socket.url),
        protocols: socket.protocols.map(clipped),
        frameUrl: clipped(frameUrl),
        topFrame,
        createdAt: n.now(),
      });
      prune();
      sockets.set(socket.id, socket);
      const { faults, protection } = ensure();
      faults.created(socket);
      protection.track(socket);
    },
    message(socket, ev) {
      // Every frame on the wire is recorded, also one the engine hides (a heartbeat reply); one the
      // panel injected was recorded as injected already.
      if (!enabled || !socket.log || engine?.faults.injecting) return;
      recorder.frameOf(socket.log, false, apply(n.messageData, ev, NO_ARGS));
    },
    event(socket, ev) {
      // The engine reports the states of a protected socket itself.
      if (!enabled || socket.controller) return;
      switch (ev.type) {
        case "open":
          recorder.state(socket.id, "open");
          break;
        case "error":
          recorder.record({ kind: "note", t: n.now(), socket: socket.id, text: "error" });
          break;
        case "close": {
          const e = ev as CloseEvent;
          recorder.state(socket.id, "closed", {
            code: apply(n.closeCode, e, NO_ARGS),
            reason: apply(n.closeReason, e, NO_ARGS),
            wasClean: apply(n.closeWasClean, e, NO_ARGS),
          });
          engine?.protection.closed(socket);
          break;
        }
      }
    },
    sent(socket, data) {
      if (!enabled || !socket.log || engine?.faults.recordingSuppressed) return;
      recorder.frameOf(socket.log, true, data);
    },
  };

  hookWindow(win, host, counter, n);

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
  const handlers: PageHandlers = {
    "snapshot-request": (msg) => {
      if (msg.stream !== undefined && msg.stream !== stream) return;
      const { upTo, parts } = recorder.takeSnapshotParts();
      const frameUrl = clipped(win.location.href);
      parts.forEach((sockets, part) => post("snapshot", { stream, upTo, part, parts: parts.length, frameUrl, sockets }));
    },
    listening: (msg) => recorder.setListening(msg.on),
    config: (msg) => {
      configured = true;
      enabled = msg.enabled;
      recorder.setLimits(msg.record);
      engine?.protection.configure(enabled);
    },
    rule: (msg) => engine?.protection.setRule(msg.url, msg.rule as ResolvedRule | null),
    // Every frame of the tab hears a command; only the one that owns the socket acts on it.
    fault: (msg) => ensure().faults.apply(msg.target, msg.fault, (id) => sockets.get(id)),
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
export const pageHandlersForTest: readonly (keyof Inbound)[] = ["snapshot-request", "fault", "listening", "config", "rule"];
