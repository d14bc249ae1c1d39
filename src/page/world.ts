/**
 * The page world's host: what the hook reports goes to the recorder; the recorder's batches go to the
 * relay over the private channel; commands from the panel come back on it.
 */
import {
  envelope,
  isPanelToPage,
  type PageToPanel,
  type PanelToPage,
  type PanelToPageMessage,
} from "../shared/protocol";
import { offerPort } from "../shared/page-channel";
import { Disguise } from "./disguise";
import { hookWindow, type HookHost, type TrackedSocket } from "./hook";
import { apply, captureNatives } from "./natives";
import type { Settings } from "../shared/settings";
import { Protection } from "./protect";
import { Recorder } from "./recorder";

export function startPageWorld(win: Window & typeof globalThis): void {
  const n = captureNatives(win);
  const recorder = new Recorder({ now: n.now, setTimeout: (fn, ms) => n.setTimeout(fn, ms) });
  const protection = new Protection(recorder, n);
  const frameToken = Math.floor(n.random() * 36 ** 8).toString(36);
  let count = 0;
  const counter = { next: () => `${frameToken}:${++count}` };

  const host: HookHost = {
    disguise: new Disguise(n.functionToString),
    created(socket: TrackedSocket, where: Window) {
      if (!protection.enabled) return;
      let frameUrl = "";
      let topFrame = false;
      try {
        frameUrl = where.location.href;
        topFrame = where === where.top;
      } catch {
        // A sandboxed frame may refuse; the URL is for display only.
      }
      recorder.created({
        id: socket.id,
        url: socket.url,
        protocols: socket.protocols,
        frameUrl,
        topFrame,
        createdAt: n.now(),
      });
      protection.track(socket);
    },
    event(socket, ev) {
      if (!protection.enabled) return;
      // Every frame on the wire is recorded, also one the engine hides (a heartbeat reply).
      if (ev.type === "message") return recorder.frame(socket.id, "in", apply(messageData, ev, []));
      // The engine reports the states of a protected socket itself.
      if (socket.controller) return;
      switch (ev.type) {
        case "open":
          recorder.state(socket.id, "open");
          break;
        case "error":
          recorder.record({ kind: "note", t: n.now(), socket: socket.id, text: "error" });
          break;
        case "close": {
          const e = ev as CloseEvent;
          recorder.state(socket.id, "closed", { code: e.code, reason: e.reason, wasClean: e.wasClean });
          protection.closed(socket);
          break;
        }
      }
    },
    sent(socket, data) {
      if (!protection.enabled) return;
      recorder.frame(socket.id, "out", data);
    },
  };
  const messageData = Reflect.getOwnPropertyDescriptor(n.MessageEvent.prototype, "data")!.get!;

  hookWindow(win, host, counter);

  // The channel to the relay.
  const channel = new n.MessageChannel();
  const port = channel.port1;
  const postMessage = port.postMessage;
  const post = <K extends keyof PageToPanel>(type: K, payload: PageToPanel[K]): void => {
    apply(postMessage, port, [envelope<PageToPanel, K>("lifeguard-page", type, payload)]);
  };
  const handlers: { [K in keyof PanelToPage]: (msg: Extract<PanelToPageMessage, { type: K }>) => void } = {
    "snapshot-request": () => post("snapshot", { frameUrl: win.location.href, sockets: recorder.takeSnapshot() }),
    settings: (msg) => {
      protection.applySettings(msg.settings as Settings);
    },
  };
  port.onmessage = (ev: MessageEvent) => {
    const msg: unknown = apply(messageData, ev, []);
    if (!isPanelToPage(msg) || msg.source !== "lifeguard-relay") return;
    (handlers[msg.type] as (m: PanelToPageMessage) => void)(msg);
  };
  recorder.connect((events) => post("events", { events }));
  offerPort(win, channel.port2, n);
}

export const pageHandlersForTest = ["snapshot-request", "settings"] as const;
