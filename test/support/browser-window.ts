/**
 * A happy-dom window (its own JavaScript realm) made to look like a browser's where the page world
 * looks, with a `WebSocket` that is a real client (the `ws` package) behaving as browsers do.
 *
 * What happy-dom lacks, filled here:
 * - `isTrusted`: happy-dom's events have none. The events this file's "browser" fires (a socket's
 *   open/message/error/close, a MessagePort's message) are remembered in a WeakSet, and one getter on
 *   happy-dom's `Event.prototype` answers from it: true for those, false for every event anyone made
 *   with `new Event(...)` (the page, or Lifeguard's own copies and made-up events), as in a browser.
 * - `MessageEvent` and `CloseEvent` whose fields are prototype getters with brand checks (happy-dom's
 *   are own fields, and the page world reads them with the browser's getters).
 * - `MessageChannel` (happy-dom hands out Node's, whose events are not this window's).
 * - Own members where the page world reads or replaces them on a prototype (`EventTarget.prototype`'s
 *   methods, `AbortSignal.prototype.aborted`, `Document.prototype.hidden`, `Node.prototype.baseURI`):
 *   happy-dom defines them on a parent class of the window's.
 *
 * The `WebSocket`: accessors (`readyState`, `url`, `protocol`, `extensions`, `bufferedAmount`,
 * `binaryType`, `on*`) and `send`/`close` on the prototype, state in a WeakMap (no own property on
 * the instance), the browser's exceptions (constructor, `send` while CONNECTING, `close` codes), `on*`
 * handlers registered as listeners in the order they were first set, trusted events on the object,
 * `error` + `close` 1006 for a connection that fails (refused, or closed by the page while CONNECTING),
 * `close` 1006 alone for an open connection lost without a closing handshake, code/reason/wasClean.
 */
import { Window as HappyWindow } from "happy-dom";
import * as PropertySymbol from "happy-dom/lib/PropertySymbol.js";
import HappyEvent from "happy-dom/lib/event/Event.js";
import { WebSocket as WsClient } from "ws";

export type PageWindow = Window & typeof globalThis;

const trusted = new WeakSet<object>();

/** Marks an event as the browser's own (its `isTrusted` reads true). */
function trust<T extends object>(ev: T): T {
  trusted.add(ev);
  return ev;
}

if (!Object.getOwnPropertyDescriptor(HappyEvent.prototype, "isTrusted")) {
  Object.defineProperty(HappyEvent.prototype, "isTrusted", {
    configurable: true,
    enumerable: true,
    get(this: object) {
      return trusted.has(this);
    },
  });
}

export interface BrowserWindow {
  win: PageWindow;
  /** The window's `WebSocket` as the browser gave it, before anything hooked it. */
  NativeWebSocket: typeof WebSocket;
  /** `Function.prototype.toString` of the window's realm, before anything replaced it. */
  nativeToString: typeof Function.prototype.toString;
  /** Every socket this window's `WebSocket` made (the page's and any made by Lifeguard). */
  readonly sockets: ReadonlySet<WebSocket>;
  /** Tears down every connection and the window. */
  close(): Promise<void>;
}

export function browserWindow(url = "http://127.0.0.1/app/"): BrowserWindow {
  const happy = new HappyWindow({ url });
  const win = happy as unknown as PageWindow;
  ownAccessors(win);
  const { MessageEvent, CloseEvent } = eventClasses(win);
  Object.assign(win, { MessageEvent, CloseEvent, MessageChannel: messageChannel(win, MessageEvent) });
  const sockets = new Set<WebSocket>();
  const NativeWebSocket = webSocketClass(win, MessageEvent, CloseEvent, sockets);
  Reflect.defineProperty(win, "WebSocket", { value: NativeWebSocket, writable: true, configurable: true, enumerable: false });
  return {
    win,
    NativeWebSocket,
    nativeToString: win.Function.prototype.toString,
    sockets,
    async close() {
      for (const s of sockets) terminate(s);
      await happy.happyDOM.close();
    },
  };
}

/** Copies an inherited accessor or method onto the prototype the page world reads it from. */
function ownAccessors(win: PageWindow): void {
  const wanted: [object, string][] = [
    [win.EventTarget.prototype, "addEventListener"],
    [win.EventTarget.prototype, "removeEventListener"],
    [win.EventTarget.prototype, "dispatchEvent"],
    [win.AbortSignal.prototype, "aborted"],
    [win.Document.prototype, "hidden"],
  ];
  for (const [proto, name] of wanted) {
    if (Object.getOwnPropertyDescriptor(proto, name)) continue;
    for (let p = Object.getPrototypeOf(proto) as object | null; p; p = Object.getPrototypeOf(p) as object | null) {
      const d = Object.getOwnPropertyDescriptor(p, name);
      if (d) {
        Object.defineProperty(proto, name, d);
        break;
      }
    }
  }
  // happy-dom's `Node.prototype.baseURI` throws for a document (it reads the node's owner document).
  const docBase = findAccessor(win.Document.prototype, "baseURI");
  const nodeBase = findAccessor(win.Node.prototype, "baseURI");
  Object.defineProperty(win.Node.prototype, "baseURI", {
    configurable: true,
    enumerable: true,
    get: function baseURI(this: Node) {
      return this.nodeType === 9 ? docBase.get!.call(this) : nodeBase.get!.call(this);
    },
  });
}

function findAccessor(proto: object, name: string): PropertyDescriptor {
  for (let p: object | null = proto; p; p = Object.getPrototypeOf(p) as object | null) {
    const d = Object.getOwnPropertyDescriptor(p, name);
    if (d) return d;
  }
  throw new Error(`no ${name}`);
}

interface MessageEventInit_ extends EventInit {
  data?: unknown;
  origin?: string;
  lastEventId?: string;
  source?: unknown;
  ports?: MessagePort[];
}

/** `MessageEvent` and `CloseEvent` as browsers define them: read-only prototype getters, brand-checked. */
function eventClasses(win: PageWindow) {
  const Base = win.Event as unknown as typeof HappyEvent;
  const messages = new WeakMap<object, Required<Omit<MessageEventInit_, keyof EventInit>>>();
  const closes = new WeakMap<object, { code: number; reason: string; wasClean: boolean }>();
  const brand = <T>(map: WeakMap<object, T>, self: unknown): T => {
    const v = map.get(self as object);
    if (!v) throw new win.TypeError("Illegal invocation");
    return v;
  };
  class MessageEvent extends Base {
    constructor(type: string, init: MessageEventInit_ = {}) {
      super(type, init);
      messages.set(this, {
        data: init.data ?? null,
        origin: init.origin ?? "",
        lastEventId: init.lastEventId ?? "",
        source: init.source ?? null,
        ports: init.ports ?? [],
      });
    }
    get data(): unknown {
      return brand(messages, this).data;
    }
    get origin(): string {
      return brand(messages, this).origin;
    }
    get lastEventId(): string {
      return brand(messages, this).lastEventId;
    }
    get source(): unknown {
      return brand(messages, this).source;
    }
    get ports(): readonly MessagePort[] {
      return brand(messages, this).ports;
    }
  }
  class CloseEvent extends Base {
    constructor(type: string, init: CloseEventInit = {}) {
      super(type, init);
      closes.set(this, { code: init.code ?? 0, reason: init.reason ?? "", wasClean: init.wasClean ?? false });
    }
    get code(): number {
      return brand(closes, this).code;
    }
    get reason(): string {
      return brand(closes, this).reason;
    }
    get wasClean(): boolean {
      return brand(closes, this).wasClean;
    }
  }
  return { MessageEvent: MessageEvent as unknown as typeof globalThis.MessageEvent, CloseEvent: CloseEvent as unknown as typeof globalThis.CloseEvent };
}

/** A `MessageChannel` of this window: structured clones, delivered a task later, in order, once started. */
function messageChannel(win: PageWindow, MessageEventClass: typeof MessageEvent): typeof MessageChannel {
  const add = win.EventTarget.prototype.addEventListener;
  const remove = win.EventTarget.prototype.removeEventListener;
  const dispatch = win.EventTarget.prototype.dispatchEvent;
  interface PortState {
    other: object | null;
    started: boolean;
    queue: unknown[];
    handler: ((ev: MessageEvent) => unknown) | null;
    listener: ((ev: Event) => void) | null;
  }
  const ports = new WeakMap<object, PortState>();
  const pump = (port: object): void => {
    const s = ports.get(port)!;
    if (!s.started) return;
    while (s.queue.length > 0) {
      const data = s.queue.shift();
      setTimeout(() => void dispatch.call(port as EventTarget, trust(new MessageEventClass("message", { data }))), 0);
    }
  };
  class MessagePort extends win.EventTarget {
    constructor() {
      super();
      ports.set(this, { other: null, started: false, queue: [], handler: null, listener: null });
    }
    postMessage(data: unknown): void {
      const other = ports.get(this)!.other;
      if (!other) return;
      ports.get(other)!.queue.push(structuredClone(data));
      pump(other);
    }
    start(): void {
      ports.get(this)!.started = true;
      pump(this);
    }
    close(): void {
      const s = ports.get(this)!;
      if (s.other) ports.get(s.other)!.other = null;
      s.other = null;
      s.queue.length = 0;
    }
    get onmessage(): ((ev: MessageEvent) => unknown) | null {
      return ports.get(this)!.handler;
    }
    set onmessage(fn: ((ev: MessageEvent) => unknown) | null) {
      const s = ports.get(this)!;
      if (s.listener) remove.call(this, "message", s.listener);
      s.handler = typeof fn === "function" ? fn : null;
      s.listener = null;
      if (s.handler) {
        s.listener = (ev) => void s.handler?.call(this, ev as MessageEvent);
        add.call(this, "message", s.listener);
        this.start();
      }
    }
  }
  class MessageChannel {
    readonly port1 = new MessagePort();
    readonly port2 = new MessagePort();
    constructor() {
      ports.get(this.port1)!.other = this.port2;
      ports.get(this.port2)!.other = this.port1;
    }
  }
  return MessageChannel as unknown as typeof globalThis.MessageChannel;
}

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

interface SocketState {
  readyState: number;
  url: string;
  protocol: string;
  extensions: string;
  binaryType: BinaryType;
  bufferedAmount: number;
  client: WsClient | null;
  /** The connection failed (refused, bad handshake, closed by the page while CONNECTING): `error` before `close` 1006. */
  failed: boolean;
  opened: boolean;
  handlers: Map<string, { value: unknown; wrapper: (this: unknown, ev: Event) => unknown }>;
}

const states = new WeakMap<object, SocketState>();

function terminate(ws: WebSocket): void {
  const s = states.get(ws);
  try {
    s?.client?.terminate();
  } catch {
    // Already gone.
  }
}

/** `send` data as bytes on the wire. */
function bytesOf(data: unknown, win: PageWindow): { buf: Buffer | string; binary: boolean; size: number } {
  if (typeof data === "string") return { buf: data, binary: false, size: Buffer.byteLength(data) };
  const tag = Object.prototype.toString.call(data);
  if (tag === "[object ArrayBuffer]") {
    const b = Buffer.from(new Uint8Array((data as ArrayBuffer).slice(0)));
    return { buf: b, binary: true, size: b.length };
  }
  if (ArrayBuffer.isView(data)) {
    const b = Buffer.from(new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice());
    return { buf: b, binary: true, size: b.length };
  }
  if (data instanceof win.Blob) {
    const b = Buffer.from((data as unknown as Record<symbol, Buffer>)[PropertySymbol.buffer]!);
    return { buf: b, binary: true, size: b.length };
  }
  const text = String(data);
  return { buf: text, binary: false, size: Buffer.byteLength(text) };
}

/** RFC 7230 token, as browsers check subprotocols. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function webSocketClass(
  win: PageWindow,
  MessageEventClass: typeof MessageEvent,
  CloseEventClass: typeof CloseEvent,
  sockets: Set<WebSocket>,
): typeof WebSocket {
  const add = win.EventTarget.prototype.addEventListener;
  const remove = win.EventTarget.prototype.removeEventListener;
  const dispatch = win.EventTarget.prototype.dispatchEvent;
  const fire = (target: object, ev: Event): void => void dispatch.call(target as EventTarget, trust(ev));
  const syntaxError = (message: string) => new win.DOMException(`Failed to construct 'WebSocket': ${message}`, "SyntaxError");
  const state = (self: unknown): SocketState => {
    const s = states.get(self as object);
    if (!s) throw new win.TypeError("Illegal invocation");
    return s;
  };

  function parse(given: string): URL {
    let url: URL;
    try {
      url = new URL(given, win.document.baseURI);
    } catch {
      throw syntaxError(`The URL '${given}' is invalid.`);
    }
    if (url.protocol === "http:") url.protocol = "ws:";
    else if (url.protocol === "https:") url.protocol = "wss:";
    if (url.protocol !== "ws:" && url.protocol !== "wss:") {
      throw syntaxError(`The URL's scheme must be either 'http', 'https', 'ws', or 'wss'. '${url.protocol.slice(0, -1)}' is not allowed.`);
    }
    if (url.hash !== "" || given.includes("#")) {
      throw syntaxError(`The URL contains a fragment identifier ('${url.hash.slice(1)}'). Fragment identifiers are not allowed in WebSocket URLs.`);
    }
    return url;
  }

  function connect(self: WebSocket, s: SocketState, url: URL, protocols: string[]): void {
    const client = new WsClient(url.href, protocols, { origin: new URL(win.location.href).origin });
    s.client = client;
    let error: NodeJS.ErrnoException | null = null;
    client.binaryType = "nodebuffer";
    client.on("error", (e: NodeJS.ErrnoException) => {
      error = e;
    });
    client.on("open", () => {
      if (s.readyState !== CONNECTING) return;
      s.readyState = OPEN;
      s.opened = true;
      s.protocol = client.protocol;
      s.extensions = client.extensions;
      fire(self, new win.Event("open"));
    });
    client.on("message", (data: Buffer, isBinary: boolean) => {
      if (s.readyState !== OPEN) return;
      let payload: unknown;
      if (!isBinary) payload = data.toString("utf8");
      else if (s.binaryType === "arraybuffer") {
        const ab = new win.ArrayBuffer(data.length);
        new Uint8Array(ab).set(data);
        payload = ab;
      } else payload = new win.Blob([new Uint8Array(data)]);
      fire(self, new MessageEventClass("message", { data: payload, origin: url.origin }));
    });
    client.on("close", (code: number, reason: Buffer) => {
      s.readyState = CLOSED;
      s.client = null;
      // An open connection that breaks (reset, end of stream) shows `close` 1006 alone, as browsers do;
      // one that never opened, or failed by protocol, shows `error` first.
      const reset = error !== null && /ECONNRESET|EPIPE/.test(error.code ?? "");
      const failed = s.failed || (error !== null && (!s.opened || !reset));
      if (failed) fire(self, new win.Event("error"));
      fire(
        self,
        new CloseEventClass("close", {
          code: failed ? 1006 : code,
          reason: failed ? "" : reason.toString("utf8"),
          wasClean: !failed && code !== 1006,
        }),
      );
    });
  }

  // The names on the prototype are what a browser shows: a class gives them the right shape.
  class WebSocket extends win.EventTarget {
    static readonly CONNECTING = CONNECTING;
    static readonly OPEN = OPEN;
    static readonly CLOSING = CLOSING;
    static readonly CLOSED = CLOSED;

    constructor(url: string | URL, protocols?: string | string[]) {
      if (arguments.length === 0) throw new win.TypeError("Failed to construct 'WebSocket': 1 argument required, but only 0 present.");
      const parsed = parse(`${url as string}`);
      const list = protocols === undefined ? [] : typeof protocols === "string" ? [protocols] : [...protocols].map((p) => `${p}`);
      const seen = new Set<string>();
      for (const p of list) {
        if (!TOKEN.test(p)) throw syntaxError(`The subprotocol '${p}' is invalid.`);
        if (seen.has(p)) throw syntaxError(`The subprotocol '${p}' is duplicated.`);
        seen.add(p);
      }
      super();
      const s: SocketState = {
        readyState: CONNECTING,
        url: parsed.href,
        protocol: "",
        extensions: "",
        binaryType: "blob",
        bufferedAmount: 0,
        client: null,
        failed: false,
        opened: false,
        handlers: new Map(),
      };
      states.set(this, s);
      sockets.add(this as unknown as globalThis.WebSocket);
      connect(this as unknown as globalThis.WebSocket, s, parsed, list);
    }

    get readyState(): number {
      return state(this).readyState;
    }
    get url(): string {
      return state(this).url;
    }
    get protocol(): string {
      return state(this).protocol;
    }
    get extensions(): string {
      return state(this).extensions;
    }
    get bufferedAmount(): number {
      return state(this).bufferedAmount;
    }
    get binaryType(): BinaryType {
      return state(this).binaryType;
    }
    set binaryType(value: BinaryType) {
      const s = state(this);
      // An enum attribute ignores values outside its enum.
      if (value === "blob" || value === "arraybuffer") s.binaryType = value;
    }

    send(data: unknown): void {
      const s = state(this);
      if (arguments.length === 0) throw new win.TypeError("Failed to execute 'send' on 'WebSocket': 1 argument required, but only 0 present.");
      if (s.readyState === CONNECTING) throw new win.DOMException("Failed to execute 'send' on 'WebSocket': Still in CONNECTING state.", "InvalidStateError");
      const { buf, binary, size } = bytesOf(data, win);
      s.bufferedAmount += size;
      // After the close starts, data is discarded but still counted (the HTML standard).
      if (s.readyState !== OPEN || !s.client) return;
      s.client.send(buf, { binary }, () => {
        s.bufferedAmount -= size;
      });
    }

    close(code?: number, reason?: string): void {
      const s = state(this);
      if (code !== undefined) {
        code = Number(code) & 0xffff;
        if (code !== 1000 && !(code >= 3000 && code <= 4999)) {
          throw new win.DOMException(`Failed to execute 'close' on 'WebSocket': The close code must be either 1000, or between 3000 and 4999. ${code} is neither.`, "InvalidAccessError");
        }
      }
      if (reason !== undefined && Buffer.byteLength(`${reason}`) > 123) {
        throw new win.DOMException("Failed to execute 'close' on 'WebSocket': The message must not be greater than 123 bytes.", "SyntaxError");
      }
      if (s.readyState === CLOSING || s.readyState === CLOSED) return;
      if (s.readyState === CONNECTING) {
        // Fail the WebSocket connection: error, then close 1006, later.
        s.failed = true;
        s.readyState = CLOSING;
        s.client?.terminate();
        return;
      }
      s.readyState = CLOSING;
      s.client?.close(code, reason === undefined ? undefined : `${reason}`);
    }
  }
  const proto = WebSocket.prototype as unknown as Record<string, unknown>;
  for (const [name, value] of [["CONNECTING", CONNECTING], ["OPEN", OPEN], ["CLOSING", CLOSING], ["CLOSED", CLOSED]] as const) {
    Object.defineProperty(proto, name, { value, enumerable: true });
  }
  // Event handler attributes: a handler is one listener, registered when first set, in that place.
  for (const type of ["open", "message", "error", "close"]) {
    const accessors = {
      get [`on${type}`](): unknown {
        return state(this).handlers.get(type)?.value ?? null;
      },
      set [`on${type}`](value: unknown) {
        const s = state(this);
        const held = s.handlers.get(type);
        const next = (typeof value === "object" && value !== null) || typeof value === "function" ? value : null;
        if (next === null) {
          if (held) remove.call(this as unknown as EventTarget, type, held.wrapper);
          s.handlers.delete(type);
          return;
        }
        if (held) {
          held.value = next;
          return;
        }
        const h = {
          value: next,
          wrapper: function (this: unknown, ev: Event): unknown {
            return typeof h.value === "function" ? (h.value as (ev: Event) => unknown).call(this, ev) : undefined;
          },
        };
        s.handlers.set(type, h);
        add.call(this as unknown as EventTarget, type, h.wrapper);
      },
    };
    Object.defineProperty(proto, `on${type}`, { ...Object.getOwnPropertyDescriptor(accessors, `on${type}`)!, enumerable: true });
  }
  // The window's own realm, as a browser's built-ins are.
  const fnProto = win.Function.prototype;
  for (const key of Reflect.ownKeys(proto)) {
    const d = Reflect.getOwnPropertyDescriptor(proto, key)!;
    for (const f of [d.value, d.get, d.set]) if (typeof f === "function" && f !== WebSocket) Object.setPrototypeOf(f, fnProto);
  }
  return WebSocket as unknown as typeof globalThis.WebSocket;
}
