import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exportHar, importHar } from "../../src/panel/har";
import { reduce } from "../../src/panel/model";
import { eventsMessage, stateEvent } from "../support/messages";
import { frame, frameEvents, modelWith } from "./frames-support";

const fixture = readFileSync(join(import.meta.dirname, "fixtures/chrome-websocket.har"), "utf8");

describe("HAR", () => {
  it("imports a HAR saved from Chrome DevTools: the websocket entry, its messages, binary from base64", () => {
    const [socket, ...rest] = importHar(fixture, 1, "chat.har");
    expect(rest).toEqual([]);
    expect(socket!.view).toMatchObject({
      id: "imported:1:1",
      url: "wss://chat.example.test/socket?room=lobby",
      protocols: ["chat.v2", "chat.v1"],
      origin: "imported",
      state: "closed",
      framesIn: 3,
      framesOut: 2,
      createdAt: Date.parse("2026-11-03T09:14:02.421Z"),
    });
    expect(socket!.frames.map((f) => [f.seq, f.dir, f.opcode])).toEqual([
      [1, "out", "text"],
      [2, "in", "text"],
      [3, "in", "binary"],
      [4, "out", "text"],
      [5, "in", "text"],
    ]);
    expect(socket!.frames[0]!.t).toBe(1793697242498.721);
    expect(socket!.frames[1]!.preview).toContain("héllo ✓");
    // UTF-8 size: é and ✓ are 2 and 3 bytes.
    expect(socket!.frames[1]!.size).toBe(new TextEncoder().encode(socket!.frames[1]!.preview).length);
    expect(socket!.frames[2]).toMatchObject({ preview: "82a2696401a46e616d65a3626f62", size: 14 });
  });

  it("exports Chrome's shape: websocket entry, status 101, _webSocketMessages with seconds and opcodes, binary in base64", () => {
    const model = modelWith([
      frame("a:1", 1, { t: 1700000000123, dir: "out", preview: "hi" }),
      frame("a:1", 2, { t: 1700000000456.5, dir: "in", opcode: "binary", preview: "00ff10", size: 3 }),
    ]);
    const har = JSON.parse(exportHar([...model.sockets.values()], model.log));
    const entry = har.log.entries[0];
    expect(har.log.version).toBe("1.2");
    expect(entry._resourceType).toBe("websocket");
    expect(entry.request.url).toBe("wss://example.test/a:1");
    expect(entry.response.status).toBe(101);
    expect(entry._webSocketMessages).toEqual([
      { type: "send", time: 1700000000.123, opcode: 1, data: "hi" },
      { type: "receive", time: 1700000000.4565, opcode: 2, data: "AP8Q" },
    ]);
  });

  it("round trip: ours re-imports as it was (frames, truncation, gaps in seq, rules and breakpoints, lifecycle), and exports the same again", () => {
    let model = modelWith([
      frame("a:1", 3, { t: 1700000000001, preview: '{"a":1}' }),
      frame("a:1", 4, { t: 1700000000002.25, dir: "in", preview: "x".repeat(10), size: 5000, truncated: true }),
      frame("a:1", 9, { t: 1700000000003, dir: "in", opcode: "binary", preview: "deadbeef", size: 4 }),
      frame("a:1", 10, { t: 1700000000006, dir: "out", fate: "paused", rule: 2, pause: 1 }),
      frame("a:1", 11, { t: 1700000000007, dir: "out", from: "panel", rule: 2, pause: 1 }),
      frame("a:1", 12, { t: 1700000000008, dir: "in", fate: "edited", rule: 0 }),
      frame("a:1", 13, { t: 1700000000008, dir: "in", from: "rule", rule: 0 }),
    ]);
    model = reduce(
      model,
      eventsMessage([
        stateEvent("a:1", "reconnecting", 1700000000004, { attempt: 1, delayMs: 250, cause: "server closed" }),
        { kind: "heartbeat", t: 1700000000005, socket: "a:1", phase: "answered", rttMs: 12 },
        { kind: "pause", t: 1700000000006, socket: "a:1", id: 1, dir: "out", rule: 2, phase: "paused", untilT: 1700000030006 },
        { kind: "pause", t: 1700000000007, socket: "a:1", id: 1, dir: "out", rule: 2, phase: "forwarded", edited: true },
        ...frameEvents([]),
      ]),
    );
    const views = [...model.sockets.values()];
    const first = exportHar(views, model.log);
    const [imported] = importHar(first, 7);
    const strip = <T extends { socket: unknown }>(x: T) => ({ ...x, socket: "?" });
    const original = model.log.framesOf("a:1").map((i) => strip(model.log.frames[i]!));
    expect(imported!.frames.map(strip)).toEqual(original);
    expect(imported!.events.map(strip)).toEqual(model.log.eventsOf("a:1").map(strip));
    expect(imported!.view).toMatchObject({ url: views[0]!.url, reconnects: 1, frameUrl: views[0]!.frameUrl, state: "reconnecting" });

    // And once more through the panel: the imported socket exports what we exported.
    const again = reduce(model, { type: "import", sockets: [imported!] });
    const second = JSON.parse(exportHar([again.sockets.get(imported!.view.id)!], again.log));
    const firstEntry = JSON.parse(first).log.entries[0];
    expect(second.log.entries[0]._webSocketMessages).toEqual(firstEntry._webSocketMessages);
  });

  it("refuses what is not a HAR with sockets, with a reason", () => {
    expect(() => importHar("nope", 1)).toThrow(/not JSON/);
    expect(() => importHar('{"log":{}}', 1)).toThrow(/no log.entries/);
    expect(() => importHar('{"log":{"entries":[{"request":{"url":"https://x/"}}]}}', 1)).toThrow(/no WebSocket entries/);
  });

  it("skips malformed messages instead of failing the file", () => {
    const har = JSON.stringify({
      log: {
        entries: [
          {
            _resourceType: "websocket",
            request: { url: "wss://x.test/" },
            startedDateTime: "2026-01-01T00:00:00Z",
            _webSocketMessages: [{ type: "send", time: 1, opcode: 1, data: "ok" }, { type: "weird" }, { type: "receive", time: "x", data: "" }, null],
          },
        ],
      },
    });
    expect(importHar(har, 1)[0]!.frames.map((f) => f.preview)).toEqual(["ok"]);
  });
});
