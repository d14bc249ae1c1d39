/**
 * `lg.mock` / `lg.unmock` over a scripted service worker: what goes into storage.local `mocks` (the
 * list the relay serves, checked as the relay checks it) and the typed errors. The browser path is in
 * test/e2e/frame-rules-cases.ts.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MOCK_LIMITS, type MockSpec } from "../../src/shared/frame-rule-types";
import { validateMocks } from "../../src/shared/mock-validate";
import type { TabAnswer } from "../../src/background/testing-answer";
import { MOCK_NOT_APPLIED } from "../../src/page/mock-serve";
import type { PanelToPage, SocketSnapshot } from "../../src/shared/protocol";
import { FaultNotAppliedError, InvalidMockError, NoWebSocketInHarError } from "../../src/testing/errors";
import { createLifeguard, type LifeguardDriver } from "../../src/testing/lifeguard";
import { readMocksInWorker, requestInWorker, writeMocksInWorker } from "../../src/testing/worker-calls";
import { socketSnapshot } from "../support/messages";

const chromeHar = readFileSync(new URL("../fixtures/har/chrome-ws.har", import.meta.url), "utf8");

/** A worker whose storage holds `mocks` (and nothing else answers). */
function fakeWorker(initial: unknown = undefined) {
  let stored: unknown = initial;
  let writes = 0;
  const driver: LifeguardDriver<object> = {
    isClosed: () => false,
    tabIdOf: async () => 1,
    async evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> {
      if (fn === (readMocksInWorker as unknown)) return (stored ?? []) as R;
      if (fn === (writeMocksInWorker as unknown)) {
        stored = structuredClone(arg);
        writes++;
      }
      return undefined as R;
    },
  };
  return { lg: createLifeguard(driver), stored: () => stored as MockSpec[], writes: () => writes };
}

/** A HAR (Chrome's shape) with the given websocket entries. */
function har(...entries: { url: string; messages: unknown[] }[]): string {
  return JSON.stringify({
    log: {
      version: "1.2",
      entries: entries.map((e) => ({ _resourceType: "websocket", request: { url: e.url }, response: { status: 101, headers: [] }, _webSocketMessages: e.messages })),
    },
  });
}

describe("lg.mock", () => {
  it("stores the HAR's conversation for the glob, checked as the relay checks it, and resolves with it", async () => {
    const w = fakeWorker();
    const spec = await w.lg.mock("ws://127.0.0.1:*/chat*", chromeHar, { timing: "fast", replay: { by: "path", path: "$.id" } });
    expect(w.stored()).toEqual([spec]);
    expect(spec).toMatchObject({ match: "ws://127.0.0.1:*/chat*", protocol: "chat.v1", timing: "fast", replay: { by: "path", path: "$.id" } });
    expect(spec.frames.map((f) => `${f.dir} ${f.opcode}`)).toEqual(["in text", "out text", "in text", "in binary", "out text", "in text", "in text"]);
    expect(validateMocks(w.stored()).problems).toEqual([]);
  });

  it("defaults to replay by order with the recorded timing", async () => {
    const w = fakeWorker();
    const spec = await w.lg.mock("ws://x/*", chromeHar);
    expect([spec.replay, spec.timing]).toEqual([{ by: "order" }, "recorded"]);
  });

  it("the newest mock goes first and replaces one for the same glob; unmock(glob) ends one, unmock() all", async () => {
    const w = fakeWorker();
    await w.lg.mock("ws://a/*", chromeHar);
    await w.lg.mock("ws://b/*", chromeHar);
    await w.lg.mock("ws://a/*", chromeHar, { timing: "fast" });
    expect(w.stored().map((m) => [m.match, m.timing])).toEqual([
      ["ws://a/*", "fast"],
      ["ws://b/*", "recorded"],
    ]);
    await w.lg.unmock("ws://a/*");
    expect(w.stored().map((m) => m.match)).toEqual(["ws://b/*"]);
    await w.lg.unmock();
    expect(w.stored()).toEqual([]);
  });

  it("picks the HAR's WebSocket: socketUrl's, else the first the glob matches, else the first", async () => {
    const text = har(
      { url: "wss://one.test/a", messages: [{ type: "receive", time: 1, opcode: 1, data: "from one" }] },
      { url: "wss://two.test/b", messages: [{ type: "receive", time: 1, opcode: 1, data: "from two" }] },
    );
    const w = fakeWorker();
    expect((await w.lg.mock("ws://127.0.0.1:*", text, { socketUrl: "wss://two.test/*" })).frames[0]!.data).toBe("from two");
    expect((await w.lg.mock("wss://two.test/*", text)).frames[0]!.data).toBe("from two");
    expect((await w.lg.mock("ws://elsewhere/*", text)).frames[0]!.data).toBe("from one");
  });

  it("a MockSpec is taken as it is, under the glob given; one the relay would drop is refused, naming the field", async () => {
    const w = fakeWorker();
    const mine: MockSpec = { match: "ignored", protocol: "", frames: [{ dir: "in", t: 0, opcode: "text", data: "hi" }], replay: { by: "order" }, timing: "fast" };
    expect((await w.lg.mock("ws://h/*", mine)).match).toBe("ws://h/*");
    const bad = { ...mine, frames: [{ dir: "sideways", t: 0, opcode: "text", data: "hi" }] } as unknown as MockSpec;
    const call = w.lg.mock("ws://h/*", bad);
    await expect(call).rejects.toBeInstanceOf(InvalidMockError);
    await expect(call).rejects.toThrow("mocks[0].frames[0].dir");
    await expect(w.lg.mock("ws://h/*", mine, { replay: { by: "path", path: "id" } })).rejects.toThrow("mocks[0].replay.path");
  });

  it("typed errors: a HAR with no WebSocket, no WebSocket matching socketUrl, a text that is no HAR, a bad glob; nothing stored", async () => {
    const w = fakeWorker();
    const none = w.lg.mock("ws://h/*", har());
    await expect(none).rejects.toBeInstanceOf(NoWebSocketInHarError);
    await expect(none).rejects.toThrow("no WebSocket entry");
    const unmatched = w.lg.mock("ws://h/*", chromeHar, { socketUrl: "wss://elsewhere/*" });
    await expect(unmatched).rejects.toBeInstanceOf(NoWebSocketInHarError);
    await expect(unmatched).rejects.toThrow("ws://127.0.0.1:8080/chat?token=abc123");
    await expect(w.lg.mock("ws://h/*", "<html>")).rejects.toBeInstanceOf(InvalidMockError);
    await expect(w.lg.mock("", chromeHar)).rejects.toBeInstanceOf(TypeError);
    expect(w.writes()).toBe(0);
  });

  it("refuses a recording with frames recorded in part, and more mocks than the relay serves", async () => {
    const cut = har({ url: "ws://h/", messages: [{ type: "receive", time: 1, opcode: 1, data: "par", _truncated: true, _size: 100_000 }] });
    const w = fakeWorker();
    await expect(w.lg.mock("ws://h/*", cut)).rejects.toThrow("recorded in part");
    for (let i = 0; i < MOCK_LIMITS.mocks; i++) await w.lg.mock(`ws://h/${i}`, chromeHar);
    await expect(w.lg.mock("ws://h/one-more", chromeHar)).rejects.toThrow(`at most ${MOCK_LIMITS.mocks} mocks`);
    // Replacing one in force is not one more.
    await w.lg.mock("ws://h/0", chromeHar, { timing: "fast" });
    expect(w.stored()).toHaveLength(MOCK_LIMITS.mocks);
  });
});

describe("faults beside a mocked socket", () => {
  /** A tab with a real socket and a mocked one, whose page world answers faults as mock-serve.ts does. */
  function tab() {
    const sockets: SocketSnapshot[] = [
      socketSnapshot("a:1", { state: "open", events: [] }, { url: "ws://real/" }),
      socketSnapshot("a:2", { state: "open", events: [] }, { url: "ws://mocked/" }),
    ];
    const driver: LifeguardDriver<object> = {
      isClosed: () => false,
      tabIdOf: async () => 1,
      async evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> {
        if (fn !== (requestInWorker as unknown)) return undefined as R;
        const command = (arg as { command: (PanelToPage["fault"] & { type: string }) | null }).command;
        if (command?.type === "fault") {
          const t = Date.now();
          for (const s of sockets) {
            if (!("tab" in command.target) && command.target.socket !== s.info.id) continue;
            const mocked = s.info.id === "a:2";
            s.events.push({ kind: "fault", t, socket: s.info.id, fault: command.fault.kind, active: !mocked, ...(mocked ? { detail: MOCK_NOT_APPLIED } : {}) });
          }
        }
        const answer: TabAnswer = { frames: [{ stream: "s", frameUrl: "https://app.test/", upTo: 1, sockets: structuredClone(sockets) }], relays: 1, complete: true };
        return { kind: "answer", answer } as R;
      },
    };
    return createLifeguard(driver);
  }

  it("a fault for the whole tab passes over the mocked socket; one aimed at it by URL is refused, saying why", async () => {
    const lg = tab();
    await lg.blackhole({}, 1000);
    const aimed = lg.blackhole({}, 1000, { url: "ws://mocked/" });
    await expect(aimed).rejects.toBeInstanceOf(FaultNotAppliedError);
    await expect(aimed).rejects.toThrow("served by a mock");
  });
});
