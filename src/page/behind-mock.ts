/**
 * Beside Playwright's `page.routeWebSocket`. Its init script runs before any content script and puts a
 * mock class in place of `WebSocket`, keeping the browser's constructor to itself; a route that calls
 * `ws.connectToServer()` (or a page with routes that do not match) makes the mock dial the real server
 * with that constructor. The page world cannot hook a constructor it never sees, so it waits for the
 * first real socket the mock dials, takes the browser's prototype from it, hooks that prototype, and
 * adopts each real socket the mock dials (hook.ts `adoptSocket`): recorded, and faults act on it (a drop
 * reaches the mock as a real loss, and the route passes it on to the page as Playwright does).
 *
 * Coupled to Playwright's mock (src/server/injected/webSocketMock.ts): its global dispatch function
 * `__pwWebSocketDispatch`, its `_id` and its `_ws` (the real socket). A Playwright that changes them
 * leaves the page as today: unrecorded, never broken (every read here is guarded).
 */
import { adoptSocket, hookWindow, type HookHost } from "./hook";
import { apply, webSocketNatives, type Natives } from "./natives";

export interface PlaywrightMock {
  dispatch: (request: unknown) => unknown;
  Mock: typeof WebSocket;
}

type MockGlobals = { __pwWebSocketDispatch?: unknown; WebSocket?: unknown };

/** Mock sockets remembered until they dial (a route that only mocks never does): the oldest go first. */
const REMEMBERED = 1024;

/** Playwright's mock in `win`, or null. */
export function playwrightMock(win: Window & typeof globalThis): PlaywrightMock | null {
  try {
    const g = win as unknown as MockGlobals;
    const dispatch = g.__pwWebSocketDispatch;
    const Mock = g.WebSocket;
    if (typeof dispatch !== "function" || typeof Mock !== "function") return null;
    return { dispatch: dispatch as PlaywrightMock["dispatch"], Mock: Mock as typeof WebSocket };
  } catch {
    return null;
  }
}

export function hookBehindMock(win: Window & typeof globalThis, n: Natives, host: HookHost, mock: PlaywrightMock): void {
  const mocks = new Map<string, object>();
  let hooked = false;
  // Before the first function is disguised: the page's `WebSocket` must read as the mock class still.
  host.disguise.installToString(win.Function.prototype);

  const Tracked = new Proxy(mock.Mock, {
    construct(target, args, newTarget) {
      const made = Reflect.construct(target, args, newTarget) as object;
      try {
        const id = (made as { _id?: unknown })._id;
        if (typeof id === "string") {
          mocks.set(id, made);
          if (mocks.size > REMEMBERED) mocks.delete(mocks.keys().next().value as string);
        }
      } catch {
        // Not Playwright's shape: this socket stays unrecorded.
      }
      return made;
    },
  });
  host.disguise.as(Tracked, mock.Mock);
  const desc = Reflect.getOwnPropertyDescriptor(win, "WebSocket");
  if (!desc || !("value" in desc)) return;
  Reflect.defineProperty(win, "WebSocket", { ...desc, value: Tracked });

  const adopt = (request: unknown): void => {
    const r = request as { id?: unknown; type?: unknown } | null;
    if (!r || (r.type !== "connect" && r.type !== "passthrough") || typeof r.id !== "string") return;
    const made = mocks.get(r.id);
    if (!made) return;
    mocks.delete(r.id);
    const ws = (made as { _ws?: unknown })._ws;
    if (typeof ws !== "object" || ws === null) return;
    if (!hooked) {
      // Throws when the object is not the browser's own socket: then nothing is hooked.
      Object.assign(n, webSocketNatives(Object.getPrototypeOf(ws).constructor as typeof WebSocket));
      hookWindow(win, host, n, true);
      hooked = true;
    }
    adoptSocket(ws as WebSocket, win, host, n);
  };

  const dispatch = mock.dispatch;
  const wrapped = {
    __pwWebSocketDispatch(this: unknown, request: unknown) {
      // eslint-disable-next-line prefer-rest-params
      const result = apply(dispatch, this, arguments as unknown as unknown[]);
      try {
        adopt(request);
      } catch {
        // Playwright's route goes on as if Lifeguard were not there.
      }
      return result;
    },
  }.__pwWebSocketDispatch;
  host.disguise.as(wrapped, dispatch);
  const dd = Reflect.getOwnPropertyDescriptor(win, "__pwWebSocketDispatch");
  if (dd && "value" in dd) Reflect.defineProperty(win, "__pwWebSocketDispatch", { ...dd, value: wrapped });
}
