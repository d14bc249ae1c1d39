/**
 * What the Resilience tests share: a short scenario, a settings store as `storage.local` behaves, and a
 * page whose documents each open one socket (a reload gives a new document, a new stream, a new id).
 */
import { PROTOCOL_VERSION, type RecorderEvent } from "../../src/shared/protocol";
import type { SettingsStore } from "../../src/options/settings-store";
import type { Scenario } from "../../src/shared/resilience/types";
import { snapshotMessage, socketSnapshot } from "../support/messages";

export const SOCKET_URL = "wss://app.test/live";

export const SHORT: Scenario = {
  name: "Short",
  settleMs: 100,
  steps: [
    { kind: "drop", observeMs: 1000 },
    { kind: "offline", durationMs: 500, observeMs: 1000 },
  ],
};

/** A store as `storage.local` behaves: what was saved is what loads, as a copy; every save kept. */
export function fakeStore(initial: unknown) {
  let stored: unknown = structuredClone(initial);
  const saves: unknown[] = [];
  const store: SettingsStore = {
    load: async () => structuredClone(stored),
    save: async (s) => {
      saves.push(structuredClone(s));
      stored = structuredClone(s);
    },
    watch: () => () => {},
  };
  return { store, stored: () => stored, saves };
}

export const TUNED = {
  enabled: true,
  rules: [{ match: "wss://app.test/*", heartbeat: { intervalMs: 5000, timeoutMs: 2000 } }, { match: "wss://other.test/*" }],
  record: { maxFramesPerSocket: 10000, maxPreviewBytes: 65536 },
  // Settings the panel saves are validated ones: every field there, frame rules too.
  frameRules: [],
};

export const topGone = { source: "lifeguard-background", v: PROTOCOL_VERSION, type: "frame-disconnected", frameId: 0 } as const;

/**
 * The inspected page: `open` brings a document whose socket is open and has sent its subscription;
 * `reload` takes the document away and brings the next one `delayMs` later (or never, with `dead`).
 */
export function fakePage(apply: (message: unknown) => void | Promise<void>, options: { delayMs?: number; protectedBy?: () => string | null } = {}) {
  let doc = 0;
  let dead = false;
  const page = {
    reloads: 0,
    get stream(): string {
      return `doc${doc}`;
    },
    get socket(): string {
      return `doc${doc}:1`;
    },
    set dead(value: boolean) {
      dead = value;
    },
    open(t = Date.now()): void | Promise<void> {
      doc++;
      const id = `doc${doc}:1`;
      const rule = options.protectedBy?.() ?? null;
      const events: RecorderEvent[] = [
        { kind: "created", t, socket: { id, url: SOCKET_URL, protocols: [], frameUrl: "https://app.test/", topFrame: true, createdAt: t } },
        { kind: "state", t: t + 10, socket: id, state: "open" },
        { kind: "frame", frame: { socket: id, seq: 1, t: t + 20, dir: "out", opcode: "text", size: 30, preview: '{"type":"subscribe","ch":"a"}', truncated: false } },
      ];
      return apply(
        snapshotMessage(
          [socketSnapshot(id, { state: "open", protected: rule !== null, framesOut: 1, lastSeq: 1, events }, { url: SOCKET_URL, createdAt: t })],
          "https://app.test/",
          { stream: `doc${doc}` },
        ),
      );
    },
    reload(): void {
      page.reloads++;
      void apply(topGone);
      if (dead) return;
      setTimeout(() => void page.open(), options.delayMs ?? 200);
    },
  };
  return page;
}
