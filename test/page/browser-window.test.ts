/**
 * The browser-like window the page-world tests run in (test/support/browser-window.ts), with no page
 * world: its WebSocket must behave as a browser's does, or the other tests prove nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { browserWindow, type BrowserWindow } from "../support/browser-window";
import { next, until, watch } from "../support/page-world";
import { refusedPort, startServer, type TestServer } from "../support/ws-server";

let bw: BrowserWindow;
let server: TestServer;

beforeEach(async () => {
  server = await startServer();
  bw = browserWindow(`http://127.0.0.1:${server.port}/app/`);
});

afterEach(async () => {
  await bw.close();
  await server.close();
});

describe("the test window's WebSocket", () => {
  it("connects for real, with trusted events and the negotiated subprotocol", async () => {
    const { win } = bw;
    server.onText = (text, c) => c.ws.send(`echo ${text}`);
    const ws = new win.WebSocket(server.url("x"), ["chat", "superchat"]);
    expect(ws.readyState).toBe(win.WebSocket.CONNECTING);
    expect(() => ws.send("early")).toThrow(expect.objectContaining({ name: "InvalidStateError" }));
    const open = await next(ws, "open");
    expect(open.isTrusted).toBe(true);
    expect(open.target).toBe(ws);
    expect(ws.protocol).toBe("chat");
    expect(server.last().protocol).toBe("chat");
    ws.send("hi");
    const msg = (await next(ws, "message")) as MessageEvent;
    expect([msg.isTrusted, msg.data, msg.origin]).toEqual([true, "echo hi", `ws://127.0.0.1:${server.port}`]);
    // What the page makes itself is not trusted.
    expect(new win.Event("open").isTrusted).toBe(false);
    expect(new win.MessageEvent("message", { data: 1 }).isTrusted).toBe(false);
    // State on the prototype only.
    expect(Object.getOwnPropertyNames(ws)).toEqual([]);
    expect(Reflect.ownKeys(ws)).toEqual(Reflect.ownKeys(new win.EventTarget()));
    const get = Object.getOwnPropertyDescriptor(win.WebSocket.prototype, "readyState")!.get!;
    expect(() => get.call({})).toThrow(win.TypeError);
    ws.close(4001, "done");
    expect(ws.readyState).toBe(win.WebSocket.CLOSING);
    const close = (await next(ws, "close")) as CloseEvent;
    expect([close.isTrusted, close.code, close.reason, close.wasClean]).toEqual([true, 4001, "done", true]);
    await until(() => expect(server.last().closed).toEqual({ code: 4001, reason: "done" }));
  });

  it("fails a refused connection with error, then close 1006", async () => {
    const ws = new bw.win.WebSocket(`ws://127.0.0.1:${await refusedPort()}/`);
    const seen = watch(ws);
    const close = (await next(ws, "close")) as CloseEvent;
    expect(seen).toEqual(["error", "close:1006"]);
    expect([close.wasClean, close.reason, ws.readyState]).toEqual([false, "", 3]);
  });

  it("shows an open connection's loss as close 1006 alone, and a close() while connecting as error + close 1006", async () => {
    const ws = new bw.win.WebSocket(server.url());
    const seen = watch(ws);
    await next(ws, "open");
    server.last().ws.terminate();
    await next(ws, "close");
    expect(seen).toEqual(["open", "close:1006"]);

    const early = new bw.win.WebSocket(server.url());
    const seenEarly = watch(early);
    early.close();
    await next(early, "close");
    expect(seenEarly).toEqual(["error", "close:1006"]);
  });

  it("throws the browser's errors for bad URLs, subprotocols and close codes", () => {
    const W = bw.win.WebSocket;
    for (const url of ["ftp://x/", "ws://x/#frag", "http://[bad"]) expect(() => new W(url)).toThrow(expect.objectContaining({ name: "SyntaxError" }));
    expect(() => new W(server.url(), ["a", "a"])).toThrow(expect.objectContaining({ name: "SyntaxError" }));
    const ws = new W(server.url());
    expect(ws.url).toBe(server.url());
    expect(new W("/rel").url).toBe(`ws://127.0.0.1:${server.port}/rel`);
    expect(() => ws.close(1001)).toThrow(expect.objectContaining({ name: "InvalidAccessError" }));
    expect(() => ws.close(1000, "x".repeat(124))).toThrow(expect.objectContaining({ name: "SyntaxError" }));
  });

  it("runs on* handlers as listeners in the order they were first set", async () => {
    const ws = new bw.win.WebSocket(server.url());
    const order: string[] = [];
    ws.addEventListener("open", () => order.push("first"));
    ws.onopen = () => order.push("handler");
    ws.addEventListener("open", () => order.push("last"));
    ws.onopen = () => order.push("handler, replaced in place");
    await next(ws, "open");
    expect(order).toEqual(["first", "handler, replaced in place", "last"]);
  });
});
