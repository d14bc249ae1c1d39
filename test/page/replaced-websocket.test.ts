/**
 * A page whose `WebSocket` was replaced before Lifeguard's document_start script (Playwright's
 * `routeWebSocket` mock does this with an init script; so could another extension): there is nothing
 * native to hook. The page world stands aside: no error reaches the page, and the page keeps the
 * WebSocket it was given.
 */
import { describe, expect, it } from "vitest";
import { browserWindow } from "../support/browser-window";
import { startPageWorldOrStandAside } from "../../src/page/world";

describe("a WebSocket replaced before the page world", () => {
  it("stands aside without throwing, leaving the page's WebSocket as it was", () => {
    const bw = browserWindow();
    class Mock extends bw.win.EventTarget {
      readyState = 0;
      send(): void {}
      close(): void {}
    }
    Reflect.defineProperty(bw.win, "WebSocket", { value: Mock, writable: true, configurable: true, enumerable: false });
    let started = true;
    expect(() => (started = startPageWorldOrStandAside(bw.win))).not.toThrow();
    expect(started).toBe(false);
    expect(bw.win.WebSocket).toBe(Mock);
    bw.close();
  });

  it("starts as usual on the browser's own WebSocket", () => {
    const bw = browserWindow();
    expect(startPageWorldOrStandAside(bw.win)).toBe(true);
    expect(bw.win.WebSocket).not.toBe(bw.NativeWebSocket);
    bw.close();
  });
});
