/**
 * Mock mode of the page world (mock-socket.ts, mock-serve.ts): a socket whose URL a mock glob matches
 * gets the recorded conversation of a HAR (test/fixtures/har/chrome-ws.har) with no server, and the
 * page cannot tell it from the recorded one: same frames, same order, binary kept, the recorded
 * subprotocol, a close as native; every frame recorded from the page or from the mock.
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import type { MockSpec } from "../../src/shared/frame-rule-types";
import { mockOf, mocksFromHar } from "../../src/shared/mock-from-har";
import { MOCK_ANSWER_TIMEOUT_MS } from "../../src/page/mock-serve";
import { MOCK_TAKEN_OVER, MOCK_TOO_LATE } from "../../src/page/world";
import { lines, next, rule, startTestWorld, until, watch, type TestWorld } from "../support/page-world";
import { startServer, type TestServer } from "../support/ws-server";

const [recorded] = mocksFromHar(readFileSync(new URL("../fixtures/har/chrome-ws.har", import.meta.url), "utf8"));
const URL_ = recorded!.url;
const chat = (over: Partial<MockSpec> = {}): MockSpec => ({ ...mockOf(recorded!, { timing: "fast" }), ...over });

let world: TestWorld;
let server: TestServer | null = null;
/** The browser's own `readyState` getter: what the native object (dialled to nowhere) really is. */
let nativeState: (ws: WebSocket) => number = () => -1;
const native = (bw: { NativeWebSocket: typeof WebSocket }): void => {
  const get = Object.getOwnPropertyDescriptor(bw.NativeWebSocket.prototype, "readyState")!.get!;
  nativeState = (ws) => get.call(ws) as number;
};

afterEach(async () => {
  expect(world.problems).toEqual([]);
  await world.close();
  await server?.close();
  server = null;
});

async function mocked(spec: unknown = chat(), globs = ["ws://127.0.0.1:8080/chat?*"]): Promise<void> {
  world = await startTestWorld({ mockFor: () => spec, ruleFor: () => rule(), before: native });
  await world.mocks(globs);
}

/**
 * The recorded chat client: joins after the welcome, says hi once it has the members (binary). What it saw, as the page saw
 * it: `in`/`out`, text or bytes.
 */
function chatClient(ws: WebSocket): string[] {
  const seen: string[] = [];
  const said = (data: string) => {
    seen.push(`out ${data}`);
    ws.send(data);
  };
  ws.addEventListener("message", (ev) => {
    const data: unknown = (ev as MessageEvent).data;
    seen.push(typeof data === "string" ? `in ${data}` : `in bytes ${Object.prototype.toString.call(data)} ${[...new Uint8Array(data as ArrayBuffer)].join(",")}`);
    if (typeof data === "string" && data.includes('"welcome"')) said('{"id":1,"op":"join","room":"lobby"}');
    if (typeof data !== "string") said('{"id":2,"op":"say","text":"hi"}');
  });
  return seen;
}

/** The recording as the page saw it then. */
const theRecording = recorded!.frames.map((f) =>
  f.opcode === "binary" ? `in bytes [object ArrayBuffer] ${[...Buffer.from(f.data, "base64")].join(",")}` : `${f.dir} ${f.data}`,
);

describe("a mocked socket replays the recording", () => {
  it("opens with the recorded subprotocol and the page's URL, and the conversation is the recorded one, binary kept", async () => {
    await mocked();
    const ws = new world.WebSocket(URL_, ["chat.v1", "chat.v0"]);
    ws.binaryType = "arraybuffer";
    const events = watch(ws, ["open", "error", "close"]);
    const seen = chatClient(ws);
    expect([ws.readyState, ws.protocol, ws.url]).toEqual([0, "", URL_]);
    await next(ws, "open");
    expect([ws.readyState, ws.protocol, ws.extensions, ws.bufferedAmount, ws.url]).toEqual([1, "chat.v1", "", 0, URL_]);
    await until(() => expect(seen).toHaveLength(theRecording.length));
    expect(seen).toEqual(theRecording);
    // The native socket, dialled to nowhere, failed: the page never heard of it.
    await until(() => expect([...world.sockets].map(nativeState)).toEqual([3]));
    expect(events).toEqual(["open"]);
    expect(world.mockQueries).toEqual([URL_]);
  });

  it("records each frame once, at what stands for the wire: the page's sent, the mock's delivered from mock; never protected", async () => {
    await mocked();
    const ws = new world.WebSocket(URL_);
    ws.binaryType = "arraybuffer";
    chatClient(ws);
    await until(() => expect(world.frames(ws)).toHaveLength(recorded!.frames.length));
    expect(lines(world.of(ws))).toEqual([
      `created ${URL_}`,
      "note served by a mock of ws://127.0.0.1:8080/chat?*",
      "state open chat.v1|",
      ...recorded!.frames.map((f) =>
        f.dir === "out" ? `out page sent text ${f.data}` : f.opcode === "binary" ? "in mock delivered binary 000102fffe" : `in mock delivered text ${f.data}`,
      ),
    ]);
    // A rule matches every 127.0.0.1 URL, but a mocked socket has no engine: nobody asked for it.
    expect(world.queries).toEqual([]);
  });

  it("a frame the page sends from its onopen is its first: the recorded answer to it comes", async () => {
    await mocked(chat({ frames: [{ dir: "out", t: 1, opcode: "text", data: "login" }, { dir: "in", t: 2, opcode: "text", data: "welcome back" }] }));
    const ws = new world.WebSocket(URL_);
    ws.onopen = () => ws.send("login");
    const ev = (await next(ws, "message")) as MessageEvent;
    expect(ev.data).toBe("welcome back");
  });

  it("blob binaryType gets a Blob with the recorded bytes", async () => {
    await mocked(chat({ frames: [{ dir: "in", t: 0, opcode: "binary", data: "AAEC//4=" }] }));
    const ws = new world.WebSocket(URL_);
    const ev = (await next(ws, "message")) as MessageEvent;
    expect(ev.data).toBeInstanceOf(world.win.Blob);
    expect([...new Uint8Array(await (ev.data as Blob).arrayBuffer())]).toEqual([0, 1, 2, 255, 254]);
    expect(ev.origin).toBe("ws://127.0.0.1:8080");
  });

  it("no server sees a handshake; a socket no glob matches goes to its server as before", async () => {
    server = await startServer();
    await mocked(chat(), [server.url("mocked*")]);
    const ws = new world.WebSocket(server.url("mocked"));
    await next(ws, "open");
    const real = new world.WebSocket(server.url("real"));
    await next(real, "open");
    expect(server.upgrades).toBe(1);
    expect(server.last().path).toBe("/real");
  });

  it("replays by path with recorded timing: the answer to the page's id, its recorded gap after the page's frame", async () => {
    await mocked(
      chat({
        replay: { by: "path", path: "$.id" },
        timing: "recorded",
        frames: [
          { dir: "out", t: 0, opcode: "text", data: '{"id":"a"}' },
          { dir: "out", t: 0, opcode: "text", data: '{"id":"b"}' },
          { dir: "in", t: 80, opcode: "text", data: '{"id":"b","r":2}' },
          { dir: "in", t: 90, opcode: "text", data: '{"id":"a","r":1}' },
        ],
      }),
    );
    const ws = new world.WebSocket(URL_);
    const seen = watch(ws, ["message"]);
    await next(ws, "open");
    const sentAt = Date.now();
    ws.send('{"id":"a"}');
    await next(ws, "message");
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(85);
    expect(seen).toEqual(['message:{"id":"a","r":1}']);
  });
});

describe("faults and a mocked socket", () => {
  it("a fault aimed at it, or at the tab, is recorded as not applied, and the socket goes on; ending a fault records nothing", async () => {
    await mocked();
    const ws = new world.WebSocket(URL_);
    const seen = watch(ws);
    await next(ws, "open");
    await world.fault(ws, { kind: "drop" });
    await world.fault({ tab: true }, { kind: "blackhole", durationMs: 1000 });
    await world.fault({ tab: true }, { kind: "blackhole", durationMs: 0 });
    await until(() =>
      expect(lines(world.of(ws)).filter((l) => l.startsWith("fault"))).toEqual([
        "fault drop false not applied: the socket is served by a mock",
        "fault blackhole false not applied: the socket is served by a mock",
      ]),
    );
    expect(ws.readyState).toBe(1);
    expect(seen.filter((e) => !e.startsWith("message"))).toEqual(["open"]);
  });
});

describe("the lifecycle of a mocked socket, as native", () => {
  it("send() before it opens throws InvalidStateError, recorded as a message that never went", async () => {
    // The relay has not answered yet: the socket waits, CONNECTING.
    world = await startTestWorld({ mockFor: () => undefined, before: native });
    await world.mocks(["ws://127.0.0.1:8080/*"]);
    const ws = new world.WebSocket(URL_);
    // The native object still connecting to nowhere: its own error.
    expect(() => ws.send("early")).toThrow(expect.objectContaining({ name: "InvalidStateError" }));
    // Once it failed (hidden from the page), the same error all the same.
    await until(() => expect(nativeState([...world.sockets].at(-1)!)).toBe(3));
    expect(ws.readyState).toBe(0);
    expect(() => ws.send("still early")).toThrow(expect.objectContaining({ name: "InvalidStateError" }));
    await until(() =>
      expect(world.of(ws).filter((e) => e.kind === "queue")).toEqual([
        expect.objectContaining({ action: "dropped", count: 1, bytes: 5, reason: "send() threw InvalidStateError" }),
        expect.objectContaining({ action: "dropped", count: 1, bytes: 11, reason: "send() threw InvalidStateError" }),
      ]),
    );
  });

  it("close(code, reason) by the page: CLOSING at once, then close with its code and reason, cleanly; nothing more arrives", async () => {
    await mocked(chat({ timing: "recorded" }));
    const ws = new world.WebSocket(URL_);
    const seen = watch(ws);
    await next(ws, "open");
    ws.close(1000, "bye");
    expect(ws.readyState).toBe(2);
    ws.send("after close");
    const ev = (await next(ws, "close")) as CloseEvent;
    expect([ev.code, ev.reason, ev.wasClean, ws.readyState]).toEqual([1000, "bye", true, 3]);
    // The welcome was due 62 ms after the open: the page closed first, and never gets it.
    await new Promise((r) => setTimeout(r, 150));
    expect(seen).toEqual(["open", "close:1000"]);
    await until(() => expect(lines(world.of(ws)).slice(-2)).toEqual(["out page dropped text after close", "state closed 1000 bye true"]));
  });

  it("close() with no code closes 1005, as native; a bad code throws the browser's own error and changes nothing", async () => {
    await mocked();
    const ws = new world.WebSocket(URL_);
    await next(ws, "open");
    expect(() => ws.close(1001)).toThrow(expect.objectContaining({ name: "InvalidAccessError" }));
    expect(ws.readyState).toBe(1);
    ws.close();
    const ev = (await next(ws, "close")) as CloseEvent;
    expect([ev.code, ev.reason, ev.wasClean]).toEqual([1005, "", true]);
  });

  it("close() while it waits for the mock: error, then close 1006", async () => {
    world = await startTestWorld({ mockFor: () => undefined });
    await world.mocks(["ws://127.0.0.1:8080/*"]);
    const ws = new world.WebSocket(URL_);
    const seen = watch(ws);
    ws.close();
    expect(ws.readyState).toBe(2);
    await next(ws, "close");
    expect(seen).toEqual(["error", "close:1006"]);
    expect(ws.readyState).toBe(3);
  });

  it("no mock for the URL (null), or an answer that is no mock: error, then close 1006, as an unreachable server", async () => {
    for (const answer of [null, { match: "x", frames: "not frames" }]) {
      await mocked(answer);
      const ws = new world.WebSocket(URL_);
      const seen = watch(ws);
      const ev = (await next(ws, "close")) as CloseEvent;
      expect([ev.code, ev.wasClean, ws.readyState]).toEqual([1006, false, 3]);
      expect(seen).toEqual(["error", "close:1006"]);
      await until(() => expect(lines(world.of(ws)).slice(1)).toEqual(["note error", "state closed 1006  false"]));
      expect(world.problems).toEqual([]);
      await world.close();
    }
    world = await startTestWorld();
  });

  it("asks once per URL and keeps the answer until the settings change", async () => {
    await mocked();
    const a = new world.WebSocket(URL_);
    const b = new world.WebSocket(URL_);
    await Promise.all([next(a, "open"), next(b, "open")]);
    const c = new world.WebSocket(URL_);
    await next(c, "open");
    expect(world.mockQueries).toEqual([URL_]);
    await world.mocks(["ws://127.0.0.1:8080/*"]);
    const d = new world.WebSocket(URL_);
    await next(d, "open");
    expect(world.mockQueries).toEqual([URL_, URL_]);
    // Mocks removed: a new socket goes to the network again (nothing listens at 8080: it fails there).
    await world.mocks([]);
    const e = new world.WebSocket(URL_);
    expect(world.owner(e).wire).toBeDefined();
    expect(world.mockQueries).toHaveLength(2);
  });

  it("keeps a few answers only: a page with a fresh token in every URL does not hoard recordings", async () => {
    await mocked();
    const urls = Array.from({ length: 9 }, (_, i) => `ws://127.0.0.1:8080/chat?token=${i}`);
    for (const url of urls) await next(new world.WebSocket(url), "open");
    await next(new world.WebSocket(urls[8]!), "open");
    expect(world.mockQueries).toEqual(urls);
    // The oldest answer was let go: asked again.
    await next(new world.WebSocket(urls[0]!), "open");
    expect(world.mockQueries).toEqual([...urls, urls[0]]);
  });

  it("a relay that never answers: the socket fails as unreachable once the wait is over", async () => {
    expect(MOCK_ANSWER_TIMEOUT_MS).toBeLessThanOrEqual(10_000);
    world = await startTestWorld({ mockFor: () => undefined });
    await world.mocks(["ws://127.0.0.1:8080/*"]);
    const ws = new world.WebSocket(URL_);
    const seen = watch(ws);
    const close = (await next(ws, "close", MOCK_ANSWER_TIMEOUT_MS + 2000)) as CloseEvent;
    expect([close.code, seen]).toEqual([1006, ["error", "close:1006"]]);
  }, 15_000);
});

describe("a socket made before the mocks reached the page", () => {
  it("goes to its server, and its record says why the mock that serves its URL did not serve it", async () => {
    server = await startServer();
    world = await startTestWorld({ mockFor: () => chat() });
    const early = new world.WebSocket(server.url("/early"));
    await next(early, "open");
    const other = new world.WebSocket(server.url("/other"));
    await next(other, "open");
    await world.mocks([`${server.url("/early")}*`]);
    await until(() => expect(world.of(early).some((e) => e.kind === "note" && e.text === MOCK_TOO_LATE)).toBe(true));
    expect(world.of(other).some((e) => e.kind === "note")).toBe(false);
    // Sockets made from now on are the mock's.
    const later = new world.WebSocket(server.url("/early"));
    await until(() => expect(world.mockQueries).toContain(server!.url("/early")));
    later.close();
  });

  it("still connecting: the mock takes it over (the page's object, its listeners, its record), the server's handshake abandoned", async () => {
    server = await startServer();
    server.hold = true;
    world = await startTestWorld({ mockFor: () => chat(), before: native });
    const ws = new world.WebSocket(server.url("/early"));
    ws.binaryType = "arraybuffer";
    const seen = chatClient(ws);
    const events = watch(ws);
    await until(() => expect(server!.held).toBe(1));
    await world.mocks([`${server.url("/early")}*`]);
    await until(() => expect(seen).toHaveLength(theRecording.length));
    expect(seen).toEqual(theRecording);
    expect(events[0]).toBe("open");
    expect(events).not.toContain("error");
    expect(ws.readyState).toBe(1);
    expect(ws.protocol).toBe(recorded!.protocol);
    // The native handshake was given up: the browser's own object reads CLOSED under the mock's OPEN.
    expect(nativeState(ws)).toBe(3);
    const inbound = theRecording.filter((l) => l.startsWith("in ")).length;
    await until(() => expect(lines(world.of(ws)).filter((l) => / mock delivered /.test(l))).toHaveLength(inbound));
    expect(lines(world.of(ws)).filter((l) => l.startsWith("note"))).toEqual([`note ${MOCK_TAKEN_OVER}`, "note served by a mock of ws://127.0.0.1:8080/chat?*"]);
    server.release();
    ws.close();
    await next(ws, "close");
  });
});
