/**
 * Mocks from recordings: Chrome's HAR (a file in Chrome's own shape, test/fixtures/har/chrome-ws.har)
 * and Lifeguard's export (written by the panel's exportHar from a recorded story), and a socket's
 * records as the panel holds them.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { exportHar } from "../../src/panel/har";
import { createModel, reduce } from "../../src/panel/model";
import { MOCK_LIMITS } from "../../src/shared/frame-rule-types";
import { NotHarError, buildMock, defaultGlob, mockFromFrames, mocksFromHar, type RecordedFrame } from "../../src/shared/mock-from-har";
import type { FrameRecord, RecorderEvent } from "../../src/shared/protocol";
import { eventsMessage, socketInfo, stateEvent } from "../support/messages";

const chromeHar = readFileSync(new URL("../fixtures/har/chrome-ws.har", import.meta.url), "utf8");

describe("mocksFromHar, Chrome's HAR", () => {
  it("takes the websocket entry (not the document), every message in order, times in ms from the handshake's start", () => {
    const [c, ...rest] = mocksFromHar(chromeHar);
    expect(rest).toEqual([]);
    expect(c!.url).toBe("ws://127.0.0.1:8080/chat?token=abc123");
    // The negotiated subprotocol is the response's, not what the page offered.
    expect(c!.protocol).toBe("chat.v1");
    expect(c!.frames.map((f) => [f.dir, f.t, f.opcode, f.data])).toEqual([
      ["in", 62.3, "text", '{"type":"welcome","server":"chat-1"}'],
      ["out", 212.3, "text", '{"id":1,"op":"join","room":"lobby"}'],
      ["in", 242.3, "text", '{"id":1,"ok":true,"members":3}'],
      // Binary stays base64, byte for byte.
      ["in", 272.3, "binary", "AAEC//4="],
      ["out", 512.3, "text", '{"id":2,"op":"say","text":"hi"}'],
      ["in", 532.3, "text", '{"id":2,"ok":true}'],
      ["in", 542.3, "text", '{"type":"message","from":"ann","text":"hi"}'],
    ]);
    expect([c!.truncated, c!.overLimit]).toEqual([0, 0]);
  });

  it("a HAR with no websocket entry gives none; a text that is no HAR throws NotHarError saying why", () => {
    const doc = JSON.parse(chromeHar) as { log: { entries: unknown[] } };
    doc.log.entries = doc.log.entries.slice(0, 1);
    expect(mocksFromHar(JSON.stringify(doc))).toEqual([]);
    expect(() => mocksFromHar("<html>")).toThrow(NotHarError);
    expect(() => mocksFromHar("<html>")).toThrow("not JSON");
    expect(() => mocksFromHar('{"log":{}}')).toThrow("no log.entries");
  });

  it("skips messages that are not messages (bad type, time, base64), falls back to no subprotocol, reads an HTTP scheme as WebSocket's", () => {
    const doc = JSON.parse(chromeHar) as { log: { entries: Record<string, unknown>[] } };
    const entry = doc.log.entries[1]!;
    (entry.request as { url: string }).url = "https://h/x";
    (entry.response as { headers: unknown[] }).headers = [];
    entry._webSocketMessages = [
      { type: "receive", time: 1768471200.5, opcode: 1, data: "ok" },
      { type: "ping", time: 1768471200.6, opcode: 1, data: "x" },
      { type: "receive", time: "soon", opcode: 1, data: "x" },
      { type: "receive", time: 1768471200.7, opcode: 2, data: "%%%" },
      null,
    ];
    const [c] = mocksFromHar(JSON.stringify(doc));
    expect([c!.url, c!.protocol]).toEqual(["wss://h/x", ""]);
    expect(c!.frames).toEqual([{ dir: "in", t: 500, opcode: "text", data: "ok" }]);
  });
});

describe("mocksFromHar, Lifeguard's export", () => {
  const S = "a:1";
  const T = 1_700_000_000_000;
  let seq = 0;
  const f = (dt: number, over: Partial<FrameRecord>): RecorderEvent => ({
    kind: "frame",
    frame: { socket: S, seq: ++seq, t: T + dt, dir: "in", opcode: "text", size: (over.preview ?? "").length, preview: "", truncated: false, ...over },
  });
  const story: RecorderEvent[] = [
    { kind: "created", t: T, socket: socketInfo(S, { createdAt: T, url: "wss://api.example.com/live", protocols: ["graphql-transport-ws"] }) },
    stateEvent(S, "open", T + 100, { protocol: "graphql-transport-ws", cause: "connected" }),
    f(110, { dir: "out", preview: '{"type":"connection_init"}' }),
    f(130, { dir: "in", preview: '{"type":"connection_ack"}' }),
    f(200, { dir: "out", preview: '{"type":"ping"}', from: "heartbeat" }),
    f(210, { dir: "in", preview: '{"type":"pong"}', from: "heartbeat", fate: "hidden-reply" }),
    f(220, { dir: "in", preview: "as if the server", from: "injected" }),
    f(230, { dir: "in", preview: "held by a black-hole", fate: "dropped" }),
    f(240, { dir: "out", preview: '{"id":"1","type":"subscribe"}', fate: "queued" }),
    f(300, { dir: "out", preview: '{"id":"1","type":"subscribe"}', from: "page", fate: "sent" }),
    f(305, { dir: "out", preview: "resent", from: "resend" }),
    f(310, { dir: "in", preview: "0a0b", opcode: "binary", size: 2 }),
    f(320, { dir: "in", preview: '{"id":"1","type":"next","payload":{"data":{"n":1', truncated: true, size: 100_000 }),
    f(330, { dir: "in", preview: '{"id":"1","type":"complete"}', fate: "delivered" }),
    f(340, { dir: "out", preview: "from the panel", from: "panel" }),
  ];

  it("replays only what crossed as the page's or the server's and went its way; times from the open; subprotocol from it", () => {
    const m = reduce(createModel(), eventsMessage(story));
    const [c] = mocksFromHar(exportHar([...m.sockets.values()], m.log));
    expect(c!.url).toBe("wss://api.example.com/live");
    expect(c!.protocol).toBe("graphql-transport-ws");
    expect(c!.frames.map((x) => `${x.dir} ${x.t} ${x.opcode} ${x.data}`)).toEqual([
      'out 10 text {"type":"connection_init"}',
      'in 30 text {"type":"connection_ack"}',
      'out 200 text {"id":"1","type":"subscribe"}',
      "in 210 binary Cgs=",
      'in 230 text {"id":"1","type":"complete"}',
    ]);
    // The frame recorded in part is left out, and counted.
    expect(c!.truncated).toBe(1);
  });
});

describe("mockFromFrames (the panel's records)", () => {
  const frames: RecordedFrame[] = [
    { dir: "in", t: 5_000, opcode: "text", preview: "hi", truncated: false },
    { dir: "out", t: 5_100, opcode: "text", preview: "q", truncated: false },
    { dir: "in", t: 5_150, opcode: "binary", preview: "ff00", truncated: false },
    { dir: "in", t: 5_160, opcode: "text", preview: "par", truncated: true },
    { dir: "in", t: 5_170, opcode: "text", preview: "pong", truncated: false, from: "heartbeat", fate: "hidden-reply" },
  ];

  it("makes a spec with the options given, binary hex as base64, truncated frames left out and counted", () => {
    const built = buildMock("ws://h/x?t=1", "", frames, { openedAt: 4_990, replay: { by: "path", path: "$.id" }, timing: "fast", source: "rec.har" });
    expect(built.mock).toEqual({
      match: "ws://h/x?*",
      protocol: "",
      frames: [
        { dir: "in", t: 10, opcode: "text", data: "hi" },
        { dir: "out", t: 110, opcode: "text", data: "q" },
        { dir: "in", t: 160, opcode: "binary", data: "/wA=" },
      ],
      replay: { by: "path", path: "$.id" },
      timing: "fast",
      source: "rec.har",
    });
    expect([built.truncated, built.overLimit]).toEqual([1, 0]);
  });

  it("defaults: the socket URL as the glob, by order, recorded timing, times from the first frame", () => {
    const mock = mockFromFrames("ws://h/x", "p", frames.slice(0, 2), { match: undefined });
    expect([mock.match, mock.protocol, mock.replay, mock.timing, mock.frames.map((x) => x.t)]).toEqual(["ws://h/x", "p", { by: "order" }, "recorded", [0, 100]]);
    expect(defaultGlob("wss://a/b#frag")).toBe("wss://a/b#*");
  });

  it("stops at MOCK_LIMITS: a conversation cut short, what follows counted", () => {
    const many: RecordedFrame[] = Array.from({ length: MOCK_LIMITS.framesPerMock + 3 }, (_, i) => ({ dir: "in", t: i, opcode: "text", preview: "x", truncated: false }));
    const built = buildMock("ws://h/", "", many);
    expect([built.mock.frames.length, built.overLimit]).toEqual([MOCK_LIMITS.framesPerMock, 3]);
    const big: RecordedFrame[] = [
      { dir: "in", t: 0, opcode: "text", preview: "a".repeat(MOCK_LIMITS.charsPerMock - 1), truncated: false },
      { dir: "in", t: 1, opcode: "text", preview: "bb", truncated: false },
      { dir: "in", t: 2, opcode: "text", preview: "c", truncated: false },
    ];
    const cut = buildMock("ws://h/", "", big);
    expect([cut.mock.frames.length, cut.overLimit]).toEqual([1, 2]);
  });
});
