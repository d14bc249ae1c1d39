/**
 * The private channel between the page-world script and the relay (isolated world).
 *
 * `window.postMessage` would show every Lifeguard message to the page's own `message` listeners: a
 * marker, and a leak. Instead the two scripts hand a MessagePort across once, with synchronous DOM
 * events. Either script may run first: the page world offers its port (`hello`) a task after
 * document_start (see world.ts: it keeps the MessageChannel out of the page's start-up); if nobody took
 * it, it waits for the relay's `ready` and offers it then. Page scripts may be running by then, but the
 * event names carry a per-build random token that a page cannot read (the page-world script is not
 * web-accessible, and its functions' source reads as native code), so it can neither listen for the
 * handshake nor forge one; both listeners are removed after the first handshake, so later events find
 * nobody listening.
 *
 * This module is bundled into the page world: no imports, no extension APIs.
 */

declare const __LIFEGUARD_CHANNEL__: string;

const TOKEN = typeof __LIFEGUARD_CHANNEL__ === "string" ? __LIFEGUARD_CHANNEL__ : "dev";
export const HELLO_EVENT = `lifeguard-hello-${TOKEN}`;
export const READY_EVENT = `lifeguard-ready-${TOKEN}`;

/**
 * Page world: offers `port` to the relay. `natives` are the page world's own captured functions, so a
 * page that later replaces `EventTarget.prototype.dispatchEvent` changes nothing here.
 */
export function offerPort(
  win: Window,
  port: MessagePort,
  natives: {
    addEventListener: typeof EventTarget.prototype.addEventListener;
    removeEventListener: typeof EventTarget.prototype.removeEventListener;
    dispatchEvent: typeof EventTarget.prototype.dispatchEvent;
    MessageEvent: typeof MessageEvent;
  },
): void {
  const offer = (): boolean => {
    const ev = new natives.MessageEvent(HELLO_EVENT, { cancelable: true, ports: [port] });
    // The relay calls preventDefault() when it took the port.
    return !natives.dispatchEvent.call(win, ev);
  };
  if (offer()) return;
  const onReady = (ev: Event): void => {
    natives.removeEventListener.call(win, READY_EVENT, onReady, true);
    if (offer()) ev.preventDefault();
  };
  natives.addEventListener.call(win, READY_EVENT, onReady, true);
}

/** Relay: takes the page world's port, once. */
export function acceptPort(win: Window, onPort: (port: MessagePort) => void): void {
  let taken = false;
  const onHello = (ev: Event): void => {
    const port = (ev as MessageEvent).ports?.[0];
    if (taken || !port) return;
    taken = true;
    win.removeEventListener(HELLO_EVENT, onHello, true);
    ev.preventDefault();
    ev.stopImmediatePropagation();
    onPort(port);
  };
  win.addEventListener(HELLO_EVENT, onHello, true);
  // The page world may already be waiting for us.
  win.dispatchEvent(new Event(READY_EVENT, { cancelable: true }));
}
