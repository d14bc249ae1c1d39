/**
 * What the page world records of an unprotected socket (DESIGN.md, "Records (contract)"), as it
 * reaches the relay over the private channel (world.ts): the socket's creation, its open with the
 * negotiated subprotocol and extensions, every frame once with provenance and fate, its close.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { lines, next, startTestWorld, until, type TestWorld } from "../support/page-world";
import { refusedPort, startServer, type TestServer } from "../support/ws-server";

let world: TestWorld;
let server: TestServer;

beforeEach(async () => {
  server = await startServer({ perMessageDeflate: true });
  world = await startTestWorld({ url: "http://127.0.0.1/app/page.html" });
});

afterEach(async () => {
  expect(world.problems).toEqual([]);
  await world.close();
  await server.close();
});

describe("recording an unprotected socket", () => {
  it("records created, open with the negotiated subprotocol and extensions, each frame once, and the close", async () => {
    server.onText = (text, c) => c.ws.send(`re: ${text}`);
    const ws = new world.WebSocket(server.url("feed"), ["chat", "other"]);
    await next(ws, "open");
    expect([ws.protocol, ws.extensions]).toEqual(["chat", "permessage-deflate"]);
    ws.send("one");
    await next(ws, "message");
    ws.send("two");
    await next(ws, "message");
    ws.close(4000, "bye");
    await next(ws, "close");
    await until(() => expect(lines(world.of(ws))).toEqual([
      `created ${server.url("feed")}`,
      "state open chat|permessage-deflate",
      "out page sent text one",
      "in page delivered text re: one",
      "out page sent text two",
      "in page delivered text re: two",
      "state closed 4000 bye true",
    ]));
    const created = world.of(ws)[0]!;
    expect(created.kind === "created" && created.socket).toMatchObject({
      id: world.id(ws),
      protocols: ["chat", "other"],
      frameUrl: "http://127.0.0.1/app/page.html",
      topFrame: true,
    });
    // The server saw exactly the page's frames.
    expect(server.received()).toEqual(["one", "two"]);
  });

  it("records binary frames both ways, a Blob's preview read with the browser's own methods", async () => {
    server.onText = (_t, c) => c.ws.send(Buffer.from([0xca, 0xfe, 0x01]));
    const ws = new world.WebSocket(server.url());
    await next(ws, "open");
    ws.send(new Uint8Array([1, 2, 3, 255]).buffer);
    ws.send("blob please");
    const blobMsg = (await next(ws, "message")) as MessageEvent;
    expect(blobMsg.data).toBeInstanceOf(world.win.Blob);
    ws.binaryType = "arraybuffer";
    ws.send("buffer please");
    const bufMsg = (await next(ws, "message")) as MessageEvent;
    expect(Object.prototype.toString.call(bufMsg.data)).toBe("[object ArrayBuffer]");
    await until(() => expect(lines(world.of(ws)).filter((l) => !l.startsWith("out page sent text"))).toEqual([
      `created ${server.url()}`,
      "state open |permessage-deflate",
      "out page sent binary 010203ff",
      "in page delivered binary cafe01",
      "in page delivered binary cafe01",
    ]));
    expect(world.frames(ws).map((f) => f.size)).toEqual([4, 11, 3, 13, 3]);
    ws.close();
  });

  it("records a refused connection as error then closed 1006", async () => {
    const url = `ws://127.0.0.1:${await refusedPort()}/`;
    const ws = new world.WebSocket(url);
    const seen: string[] = [];
    ws.onerror = (ev) => seen.push(`error ${ev.isTrusted}`);
    ws.onclose = (ev) => seen.push(`close ${ev.code} ${ev.isTrusted}`);
    await next(ws, "close");
    // The page saw the browser's own events.
    expect(seen).toEqual(["error true", "close 1006 true"]);
    await until(() => expect(lines(world.of(ws))).toEqual([`created ${url}`, "note error", "state closed 1006  false"]));
  });

  it("records a close the server started, with its code and reason", async () => {
    const ws = new world.WebSocket(server.url());
    await next(ws, "open");
    server.last().ws.close(4321, "server says");
    const ev = (await next(ws, "close")) as CloseEvent;
    expect([ev.code, ev.reason, ev.wasClean]).toEqual([4321, "server says", true]);
    await until(() => expect(lines(world.of(ws)).at(-1)).toBe("state closed 4321 server says true"));
  });

  it("asks the relay for each socket URL's rule once, and posts in batches that the guards take", async () => {
    const a = new world.WebSocket(server.url("x"));
    const b = new world.WebSocket(server.url("x"));
    const c = new world.WebSocket(server.url("y"));
    await Promise.all([a, b, c].map((ws) => next(ws, "open")));
    for (const ws of [a, b, c]) for (let i = 0; i < 20; i++) ws.send(`f${i}`);
    await until(() => expect(world.events.filter((e) => e.kind === "frame")).toHaveLength(60));
    expect(world.queries).toEqual([server.url("x"), server.url("y")]);
    // Three sockets, ids unique in one stream.
    expect(new Set([a, b, c].map((ws) => world.id(ws))).size).toBe(3);
    for (const ws of [a, b, c]) ws.close();
  });

  it("answers a snapshot request with every socket's history and counters", async () => {
    server.onText = (text, c) => c.ws.send(text);
    const ws = new world.WebSocket(server.url());
    await next(ws, "open");
    ws.send("ping 1");
    await next(ws, "message");
    const snap = await world.snapshot();
    const mine = snap.find((s) => s.info.id === world.id(ws))!;
    expect(mine).toMatchObject({ state: "open", protected: false, framesIn: 1, framesOut: 1, bytesIn: 6, bytesOut: 6 });
    expect(lines(mine.events)).toEqual([`created ${server.url()}`, "state open |permessage-deflate", "out page sent text ping 1", "in page delivered text ping 1"]);
    ws.close();
  });

  it("stops recording on a page already open when Lifeguard is turned off", async () => {
    server.onText = (text, c) => c.ws.send(text);
    const ws = new world.WebSocket(server.url());
    await next(ws, "open");
    ws.send("on");
    await next(ws, "message");
    const record = { maxFramesPerSocket: 100, maxPreviewBytes: 1000 };
    await world.send("config", { enabled: false, record });
    ws.send("off");
    await next(ws, "message");
    const later = new world.WebSocket(server.url("later"));
    await next(later, "open");
    later.send("unseen");
    // On again: what comes now is recorded, after anything recorded while off (one ordered stream).
    await world.send("config", { enabled: true, record });
    ws.send("on again");
    await next(ws, "message");
    const on = [`created ${server.url()}`, "state open |permessage-deflate", "out page sent text on", "in page delivered text on"];
    await until(() => expect(lines(world.of(ws))).toEqual([...on, "out page sent text on again", "in page delivered text on again"]));
    expect(world.events.some((e) => e.kind === "created" && e.socket.url === server.url("later"))).toBe(false);
    later.close();
    ws.close();
  });
});
