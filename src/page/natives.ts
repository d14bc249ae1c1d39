/**
 * The page world's own functions, captured once per realm before any page script runs. Lifeguard
 * calls these, never what the page may later put on the prototypes, so a page that replaces
 * `EventTarget.prototype.addEventListener` or `Function.prototype.call` changes nothing in here.
 */
export interface Natives {
  win: Window & typeof globalThis;
  WebSocket: typeof WebSocket;
  wsProto: WebSocket;
  addEventListener: typeof EventTarget.prototype.addEventListener;
  removeEventListener: typeof EventTarget.prototype.removeEventListener;
  dispatchEvent: typeof EventTarget.prototype.dispatchEvent;
  stopImmediatePropagation: typeof Event.prototype.stopImmediatePropagation;
  send: WebSocket["send"];
  close: WebSocket["close"];
  readyState: (this: WebSocket) => number;
  bufferedAmount: (this: WebSocket) => number;
  protocol: (this: WebSocket) => string;
  extensions: (this: WebSocket) => string;
  url: (this: WebSocket) => string;
  binaryType: (this: WebSocket) => BinaryType;
  functionToString: typeof Function.prototype.toString;
  MessageEvent: typeof MessageEvent;
  messageData: (this: MessageEvent) => unknown;
  messageOrigin: (this: MessageEvent) => string;
  CloseEvent: typeof CloseEvent;
  closeCode: (this: CloseEvent) => number;
  closeReason: (this: CloseEvent) => string;
  closeWasClean: (this: CloseEvent) => boolean;
  Event: typeof Event;
  CustomEvent: typeof CustomEvent;
  MessageChannel: typeof MessageChannel;
  MutationObserver: typeof MutationObserver;
  ArrayBuffer: typeof ArrayBuffer;
  Blob: typeof Blob;
  /** `Blob.prototype.slice` and `arrayBuffer`: a frame's Blob is read with the browser's own (see recorder). */
  blobSlice: typeof Blob.prototype.slice;
  blobArrayBuffer: typeof Blob.prototype.arrayBuffer;
  promiseThen: typeof Promise.prototype.then;
  URL: typeof URL;
  baseURI: (this: Node) => string;
  setTimeout: typeof setTimeout;
  clearTimeout: typeof clearTimeout;
  now: () => number;
  random: () => number;
  /** For page errors while a check watches (page-errors.ts): the page may have replaced these since. */
  console: Console;
  String: StringConstructor;
  objectToString: typeof Object.prototype.toString;
  jsonStringify: typeof JSON.stringify;
  /** `ErrorEvent.prototype.message` and `PromiseRejectionEvent.prototype.reason`, where the browser has them. */
  errorMessage: ((this: Event) => unknown) | null;
  rejectionReason: ((this: Event) => unknown) | null;
}

// The page can replace Reflect.apply after we start: keep our own.
export const apply = Reflect.apply;

/** The argument list of a getter call, shared: hot paths (every frame, every readyState) allocate none. */
export const NO_ARGS: [] = Object.freeze([]) as unknown as [];

export function getter<T>(proto: object, name: string): (this: T) => never {
  const desc = Reflect.getOwnPropertyDescriptor(proto, name);
  if (!desc?.get) throw new Error(`Lifeguard: no native getter ${name}`);
  return desc.get as (this: T) => never;
}

function optionalGetter<T>(proto: object | undefined, name: string): ((this: T) => unknown) | null {
  const desc = proto ? Reflect.getOwnPropertyDescriptor(proto, name) : undefined;
  return (desc?.get as ((this: T) => unknown) | undefined) ?? null;
}

/** The fields of `Natives` that come from the WebSocket interface itself. */
type WebSocketNatives = Pick<
  Natives,
  "WebSocket" | "wsProto" | "send" | "close" | "readyState" | "bufferedAmount" | "protocol" | "extensions" | "url" | "binaryType"
>;

/** The browser's own WebSocket members; throws when `WS` is not the browser's (no native accessors). */
export function webSocketNatives(WS: typeof WebSocket): WebSocketNatives {
  const proto = WS.prototype;
  return {
    WebSocket: WS,
    wsProto: proto,
    send: proto.send,
    close: proto.close,
    readyState: getter(proto, "readyState"),
    bufferedAmount: getter(proto, "bufferedAmount"),
    protocol: getter(proto, "protocol"),
    extensions: getter(proto, "extensions"),
    url: getter(proto, "url"),
    binaryType: getter(proto, "binaryType"),
  };
}

export function captureNatives(win: Window & typeof globalThis): Natives {
  return { ...webSocketNatives(win.WebSocket), ...captureOtherNatives(win) };
}

/**
 * Everything but the WebSocket members, for a page whose `WebSocket` was replaced before Lifeguard ran
 * (behind-mock.ts): those are filled in, with `Object.assign(n, webSocketNatives(...))`, once the browser's
 * own constructor turns up. Until then no socket is hooked, so nothing reads them.
 */
export function captureNativesButWebSocket(win: Window & typeof globalThis): Natives {
  return captureOtherNatives(win) as Natives;
}

function captureOtherNatives(win: Window & typeof globalThis): Omit<Natives, keyof WebSocketNatives> {
  const date = win.Date;
  const math = win.Math;
  return {
    win,
    addEventListener: win.EventTarget.prototype.addEventListener,
    removeEventListener: win.EventTarget.prototype.removeEventListener,
    dispatchEvent: win.EventTarget.prototype.dispatchEvent,
    stopImmediatePropagation: win.Event.prototype.stopImmediatePropagation,
    functionToString: win.Function.prototype.toString,
    MessageEvent: win.MessageEvent,
    messageData: getter(win.MessageEvent.prototype, "data"),
    messageOrigin: getter(win.MessageEvent.prototype, "origin"),
    CloseEvent: win.CloseEvent,
    closeCode: getter(win.CloseEvent.prototype, "code"),
    closeReason: getter(win.CloseEvent.prototype, "reason"),
    closeWasClean: getter(win.CloseEvent.prototype, "wasClean"),
    Event: win.Event,
    CustomEvent: win.CustomEvent,
    MessageChannel: win.MessageChannel,
    MutationObserver: win.MutationObserver,
    ArrayBuffer: win.ArrayBuffer,
    Blob: win.Blob,
    blobSlice: win.Blob.prototype.slice,
    blobArrayBuffer: win.Blob.prototype.arrayBuffer,
    promiseThen: win.Promise.prototype.then,
    URL: win.URL,
    baseURI: getter(win.Node.prototype, "baseURI"),
    setTimeout: win.setTimeout.bind(win),
    clearTimeout: win.clearTimeout.bind(win),
    now: date.now.bind(date),
    random: math.random.bind(math),
    console: win.console,
    String: win.String,
    objectToString: win.Object.prototype.toString,
    jsonStringify: win.JSON.stringify,
    errorMessage: optionalGetter(win.ErrorEvent?.prototype, "message"),
    rejectionReason: optionalGetter((win as { PromiseRejectionEvent?: { prototype: object } }).PromiseRejectionEvent?.prototype, "reason"),
  };
}
