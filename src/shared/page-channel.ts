/**
 * The private channel between the page-world script and the relay (isolated world).
 *
 * `window.postMessage` would show every Lifeguard message to the page's own `message` listeners: a
 * marker, and a leak. Instead the two scripts hand a MessagePort across once, with synchronous DOM
 * events dispatched while both run at document_start, before any page script can listen. Either script
 * may run first: the page world offers its port at once (`hello`); if nobody took it, it waits for the
 * relay's `ready` and offers it then. The event names carry a per-build random token, both listeners are
 * removed after the first handshake, and later events (a page forging them) find nobody listening;
 * before it, a page cannot forge one without the token.
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
