/**
 * The hook (hook.ts, listeners.ts, disguise.ts) in a browser-like window with a real server: the page
 * keeps the browser's own object and sees native behaviour in every way a test can read
 * (DESIGN.md, "The page-facing WebSocket (contract)"), while every socket is recorded.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { next, startTestWorld, until, type TestWorld } from "../support/page-world";
import { startServer, type TestServer } from "../support/ws-server";

let world: TestWorld;
let server: TestServer;
/** What the browser gave, read before the page world ran. */
let before: Map<string, { fn: object; source: string }>;
/** The prototype's names and the kinds of their properties, before the page world ran. */
let shapeBefore: unknown[];

/** Each own property of `o`: its name, a value's type or an accessor's halves, its attributes. */
const shape = (o: object): unknown[] =>
  Reflect.ownKeys(o).map((k) => {
    const d = Reflect.getOwnPropertyDescriptor(o, k)!;
    return [String(k), "value" in d ? typeof d.value : `${typeof d.get}/${typeof d.set}`, d.enumerable, d.configurable, d.writable];
  });

const ACCESSORS = ["readyState", "url", "protocol", "extensions", "bufferedAmount"] as const;

beforeEach(async () => {
  server = await startServer();
  before = new Map();
  world = await startTestWorld({
    url: `http://127.0.0.1:${server.port}/app/`,
    before: ({ win, nativeToString }) => {
      const read = (name: string, fn: object) => before.set(name, { fn, source: nativeToString.call(fn) });
      const proto = win.WebSocket.prototype;
      shapeBefore = shape(proto);
      read("WebSocket", win.WebSocket);
      read("send", proto.send);
      read("close", proto.close);
      for (const a of ACCESSORS) read(a, Object.getOwnPropertyDescriptor(proto, a)!.get!);
      const onmessage = Object.getOwnPropertyDescriptor(proto, "onmessage")!;
      read("get onmessage", onmessage.get!);
      read("set onmessage", onmessage.set!);
      read("addEventListener", win.EventTarget.prototype.addEventListener);
      read("removeEventListener", win.EventTarget.prototype.removeEventListener);
      read("toString", win.Function.prototype.toString);
    },
  });
});

afterEach(async () => {
  expect(world.problems).toEqual([]);
  await world.close();
  await server.close();
});

/** A thrown value as the page can compare it. */
function thrown(fn: () => unknown): { ctor: unknown; name: string; message: string } | "nothing" {
  try {
    fn();
  } catch (e) {
    const err = e as Error;
    return { ctor: err.constructor, name: err.name, message: err.message };
  }
  return "nothing";
}

describe("the hook keeps the browser's own WebSocket", () => {
  it("gives the page an instance of the window's own class, with no own properties", async () => {
    const { win, NativeWebSocket, WebSocket } = world;
    expect(win.WebSocket).toBe(WebSocket);
    expect(WebSocket).not.toBe(NativeWebSocket);
    const ws = new WebSocket(server.url("a"));
    expect(Object.getPrototypeOf(ws)).toBe(NativeWebSocket.prototype);
    expect(WebSocket.prototype).toBe(NativeWebSocket.prototype);
    expect(ws instanceof WebSocket && ws instanceof NativeWebSocket && ws instanceof win.EventTarget).toBe(true);
    expect(ws.constructor).toBe(WebSocket);
    expect(Object.getOwnPropertyNames(ws)).toEqual([]);
    expect(Reflect.ownKeys(ws)).toEqual(Reflect.ownKeys(new win.EventTarget()));
    expect([WebSocket.CONNECTING, WebSocket.OPEN, WebSocket.CLOSING, WebSocket.CLOSED]).toEqual([0, 1, 2, 3]);
    expect([ws.CONNECTING, ws.OPEN, ws.CLOSING, ws.CLOSED]).toEqual([0, 1, 2, 3]);
    expect([WebSocket.name, WebSocket.length]).toEqual([NativeWebSocket.name, NativeWebSocket.length]);
    // The prototype keeps its shape: same names, same kinds of property.
    expect(shape(WebSocket.prototype)).toEqual(shapeBefore);
    expect(ws.readyState).toBe(WebSocket.CONNECTING);
    await next(ws, "open");
    expect([ws.readyState, ws.url, ws.protocol, ws.extensions, ws.bufferedAmount, ws.binaryType]).toEqual([1, server.url("a"), "", "", 0, "blob"]);
    // Recorded all the same.
    expect(world.id(ws)).toMatch(/:\d+$/);
    ws.close();
  });

  it("lets the page subclass WebSocket", async () => {
    const { WebSocket } = world;
    server.onText = (text, c) => c.ws.send(text.toUpperCase());
    class Chat extends WebSocket {
      say(text: string): void {
        this.send(text);
      }
    }
    const chat = new Chat(server.url("chat"), "v1");
    expect(chat instanceof Chat && chat instanceof WebSocket).toBe(true);
    expect(Object.getOwnPropertyNames(chat)).toEqual([]);
    await next(chat, "open");
    expect(chat.protocol).toBe("v1");
    chat.say("hello");
    expect(((await next(chat, "message")) as MessageEvent).data).toBe("HELLO");
    // The subclass's socket is a page socket like any other: recorded, both ways.
    await until(() => expect(world.frames(chat).map((f) => `${f.dir} ${f.preview}`)).toEqual(["out hello", "in HELLO"]));
    chat.close();
  });

  it("reads native through toString, for the constructor and every patched function", () => {
    const { win } = world;
    const proto = win.WebSocket.prototype;
    const now: Record<string, object> = {
      WebSocket: win.WebSocket,
      send: proto.send,
      close: proto.close,
      "get onmessage": Object.getOwnPropertyDescriptor(proto, "onmessage")!.get!,
      "set onmessage": Object.getOwnPropertyDescriptor(proto, "onmessage")!.set!,
      addEventListener: win.EventTarget.prototype.addEventListener,
      removeEventListener: win.EventTarget.prototype.removeEventListener,
      toString: win.Function.prototype.toString,
    };
    for (const a of ACCESSORS) now[a] = Object.getOwnPropertyDescriptor(proto, a)!.get!;
    const toString = win.Function.prototype.toString;
    expect(Object.keys(now).sort()).toEqual([...before.keys()].sort());
    for (const [name, fn] of Object.entries(now)) {
      const was = before.get(name)!;
      // Patched for real, and reads as what it replaced: through toString and through String().
      expect(fn, name).not.toBe(was.fn);
      expect(toString.call(fn), name).toBe(was.source);
      if (name !== "WebSocket") expect(String(fn), name).toBe(was.source);
    }
    // Functions of the page's own read as they did.
    function mine(): number {
      return 1;
    }
    expect(toString.call(mine)).toBe((before.get("toString")!.fn as typeof toString).call(mine));
  });

  it("throws what the browser throws, for bad URLs, subprotocols, calls and close codes, also while redirecting", async () => {
    const { NativeWebSocket, WebSocket } = world;
    const cases: unknown[][] = [[], ["ftp://x/"], ["ws://x/#frag"], ["ws://x/#"], ["http://[bad"], [server.url(), ["a", "a"]], [server.url(), "bad proto"], [{ toString: () => "ws://x/#y" }]];
    const compare = () => {
      for (const args of cases) {
        const native = thrown(() => Reflect.construct(NativeWebSocket, args));
        expect(native, JSON.stringify(args)).not.toBe("nothing");
        expect(thrown(() => Reflect.construct(WebSocket, args)), JSON.stringify(args)).toEqual(native);
      }
      // Called without `new`.
      expect(thrown(() => (WebSocket as unknown as (u: string) => void)(server.url()))).toEqual(thrown(() => (NativeWebSocket as unknown as (u: string) => void)(server.url())));
    };
    compare();
    // An offline fault sends new sockets elsewhere: the page's URL is converted by Lifeguard then.
    await world.fault({ tab: true }, { kind: "offline", durationMs: 60_000 });
    const redirected = new WebSocket(server.url("redirected"));
    expect(redirected.url).toBe(server.url("redirected"));
    expect(world.owner(redirected).wire.url).toBe("ws://127.0.0.1:1/");
    compare();
    await world.fault({ tab: true }, { kind: "offline", durationMs: 0 });

    const ws = new WebSocket(server.url());
    const untracked = new NativeWebSocket(server.url());
    for (const args of [[1001], [999], [1000, "x".repeat(124)], [5000]]) {
      expect(thrown(() => ws.close(...(args as [number, string])))).toEqual(thrown(() => untracked.close(...(args as [number, string]))));
    }
    expect(thrown(() => ws.send("early"))).toEqual(thrown(() => untracked.send("early")));
    expect(thrown(() => (ws.send as () => void)())).toEqual(thrown(() => (untracked.send as () => void)()));
    const get = Object.getOwnPropertyDescriptor(WebSocket.prototype, "readyState")!.get!;
    expect(thrown(() => get.call({}))).toEqual(thrown(() => (before.get("readyState")!.fn as () => number).call({})));
    ws.close();
    untracked.close();
  });

  it("resolves a relative or http(s) URL as the browser does, and reports the page's URL", async () => {
    const ws = new world.WebSocket("/rel?x=1");
    expect(ws.url).toBe(`ws://127.0.0.1:${server.port}/rel?x=1`);
    const http = new world.WebSocket(`http://127.0.0.1:${server.port}/h`);
    expect(http.url).toBe(server.url("h"));
    await Promise.all([next(ws, "open"), next(http, "open")]);
    expect(server.connections.map((c) => c.path).sort()).toEqual(["/h", "/rel?x=1"]);
    await until(() => expect(world.events.filter((e) => e.kind === "created").map((e) => e.kind === "created" && e.socket.url)).toEqual([ws.url, http.url]));
    ws.close();
    http.close();
  });
});

describe("the page's message listeners (listeners.ts)", () => {
  async function openSocket() {
    const ws = new world.WebSocket(server.url());
    await next(ws, "open");
    const push = (text: string) => server.last().ws.send(text);
    return { ws, push };
  }

  it("gives each message to onmessage and to every listener, in registration order, once each, and records it once", async () => {
    const { ws, push } = await openSocket();
    const got: string[] = [];
    // At the target, browsers call capturing and other listeners in the order they were added.
    ws.addEventListener("message", (ev) => got.push(`capture ${ev.data}`), true);
    const first = function (this: unknown, ev: Event) {
      got.push(`first ${(ev as MessageEvent).data} ${this === ws} ${ev.target === ws} ${ev.isTrusted}`);
    };
    ws.addEventListener("message", first);
    ws.onmessage = (ev) => got.push(`handler ${ev.data}`);
    ws.addEventListener("message", { handleEvent: (ev: Event) => got.push(`object ${(ev as MessageEvent).data}`) });
    // A duplicate registration is ignored, as the browser ignores it.
    ws.addEventListener("message", first);
    expect(typeof ws.onmessage).toBe("function");
    push("m1");
    await until(() => expect(got).toHaveLength(4));
    expect(got).toEqual(["capture m1", "first m1 true true true", "handler m1", "object m1"]);
    expect(world.frames(ws).filter((f) => f.dir === "in")).toHaveLength(0);
    await until(() => expect(world.frames(ws).map((f) => [f.dir, f.preview, f.from ?? "page", f.fate ?? "delivered"])).toEqual([["in", "m1", "page", "delivered"]]));
    ws.close();
  });

  it("calls a once listener for one message, and no removed listener or handler at all", async () => {
    const { ws, push } = await openSocket();
    const got: string[] = [];
    ws.addEventListener("message", (ev) => got.push(`once ${ev.data}`), { once: true });
    const removed = (ev: MessageEvent) => got.push(`removed ${ev.data}`);
    ws.addEventListener("message", removed);
    ws.removeEventListener("message", removed);
    const aborted = new world.win.AbortController();
    ws.addEventListener("message", (ev) => got.push(`signal ${ev.data}`), { signal: aborted.signal });
    ws.onmessage = (ev) => got.push(`handler ${ev.data}`);
    ws.addEventListener("message", (ev) => got.push(`always ${ev.data}`));
    push("m1");
    await until(() => expect(got).toContain("always m1"));
    ws.onmessage = null;
    expect(ws.onmessage).toBe(null);
    aborted.abort();
    push("m2");
    await until(() => expect(got).toContain("always m2"));
    expect(got).toEqual(["once m1", "signal m1", "handler m1", "always m1", "always m2"]);
    // Recorded once each, listeners or not.
    await until(() => expect(world.frames(ws).map((f) => f.preview)).toEqual(["m1", "m2"]));
    ws.close();
  });

  it("records messages no page listener hears, and stops recording twice when the page's listeners come and go", async () => {
    const { ws, push } = await openSocket();
    push("nobody");
    await until(() => expect(world.frames(ws).map((f) => f.preview)).toEqual(["nobody"]));
    const heard: unknown[] = [];
    const l = (ev: MessageEvent) => void heard.push(ev.data);
    ws.addEventListener("message", l);
    ws.addEventListener("message", l, true);
    push("two listeners");
    await until(() => expect(heard).toEqual(["two listeners", "two listeners"]));
    ws.removeEventListener("message", l);
    ws.removeEventListener("message", l, true);
    await until(() => expect(world.frames(ws).map((f) => f.preview)).toEqual(["nobody", "two listeners"]));
    push("nobody again");
    await until(() => expect(world.frames(ws).map((f) => f.preview)).toEqual(["nobody", "two listeners", "nobody again"]));
    ws.close();
  });

  it("leaves the page's own events alone: dispatched by the page, heard by its listeners, never recorded", async () => {
    const { ws } = await openSocket();
    const got: unknown[] = [];
    ws.addEventListener("message", (ev) => got.push(ev.data));
    ws.dispatchEvent(new world.win.MessageEvent("message", { data: "forged" }));
    expect(got).toEqual(["forged"]);
    await new Promise((r) => setTimeout(r, 80));
    expect(world.frames(ws)).toEqual([]);
    ws.close();
  });
});
