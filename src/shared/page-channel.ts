/**
 * The private channel between the page-world script and the relay (isolated world).
 *
 * `window.postMessage` would show every Lifeguard message to the page's own `message` listeners: a
 * marker, and a leak. Instead the two scripts hand one MessagePort across, with synchronous DOM events,
 * and only during `document_start`, before any script of the page can run:
 *
 * - Both scripts run at `document_start` (Chromium and Firefox run the relay first, then the page world,
 *   before the parser goes on; either order works here). Whichever comes second completes the hand-over
 *   at once, inside its own run.
 * - The events go to the document element while it is detached from the document, so their path is
 *   that element alone: no listener on `window` or `document` sees them. The document element is new
 *   with every document and both scripts run the moment it is created, so no page script can have a
 *   listener on it. That matters because a same-origin parent can put listeners on an iframe's window
 *   before the iframe's document exists (the browser reuses the initial about:blank's window), and the
 *   event names are in the published build: a page knows them.
 * - Each side listens only while the document is starting: until the parser adds the first node to the
 *   document element, the document's first readystatechange, or a task later, whichever comes first.
 *   Then the page world stops listening, and the relay refuses every later hand-over, loudly (`refused`),
 *   without a sign to the page that anyone was listening (no preventDefault). A second hand-over after
 *   the pairing is refused the same way.
 *
 * What this does not cover: a same-origin parent can replace the iframe's built-in functions before
 * the iframe's document starts (the reused window keeps its JavaScript realm), and so subvert the
 * page-world script there. A page can always do that to its own same-origin frames; what it gains is
 * its own frame's records and the rules for URLs it names (the page world holds no other rules).
 *
 * This module is bundled into the page world: no imports, no extension APIs.
 */

declare const __LIFEGUARD_CHANNEL__: string;

const TOKEN = typeof __LIFEGUARD_CHANNEL__ === "string" ? __LIFEGUARD_CHANNEL__ : "dev";
export const HELLO_EVENT = `lifeguard-hello-${TOKEN}`;
export const READY_EVENT = `lifeguard-ready-${TOKEN}`;
/**
 * Set on the document element by a page world that ran before the relay and waits for it, only for
 * that moment (the relay or the end of document_start takes it off): so a relay that runs first, as it
 * does in Chromium and Firefox, need not say `ready` to nobody. Taking the document element out and
 * back costs the first script that does it ~0.9 ms.
 */
export const WAITING_ATTRIBUTE = `data-lifeguard-${TOKEN}`;

/** The functions the hand-over calls, captured by the page world before any page script ran. */
export interface ChannelNatives {
  addEventListener: typeof EventTarget.prototype.addEventListener;
  removeEventListener: typeof EventTarget.prototype.removeEventListener;
  dispatchEvent: typeof EventTarget.prototype.dispatchEvent;
  MessageEvent: typeof MessageEvent;
  MutationObserver: typeof MutationObserver;
  setTimeout(fn: () => void, ms: number): unknown;
}

/** Why the relay refused a hand-over. */
export type Refusal = "second" | "late" | "malformed";

/**
 * Dispatches `ev` on `root` while it is out of the document (then puts it back where it was), so only
 * listeners on `root` itself hear it. Returns whether a listener called preventDefault (took it).
 */
function dispatchDetached(root: Element, ev: Event, n: Pick<ChannelNatives, "dispatchEvent">): boolean {
  const parent = root.parentNode;
  const next = root.nextSibling;
  // Only at document_start: the DOM methods are still the browser's own.
  if (parent) parent.removeChild(root);
  try {
    return !n.dispatchEvent.call(root, ev);
  } finally {
    if (parent) parent.insertBefore(root, next);
  }
}

/**
 * Calls `end` once the document has started: the parser added a node to `root`, the document's ready
 * state changed, or a task passed, whichever is first (the other script of the pair has run by each).
 */
function whileStarting(doc: Document, root: Element, n: ChannelNatives, end: () => void): () => void {
  let done = false;
  const observer = new n.MutationObserver(() => finish());
  const finish = (): void => {
    if (done) return;
    done = true;
    observer.disconnect();
    n.removeEventListener.call(doc, "readystatechange", finish, true);
    end();
  };
  observer.observe(root, { childList: true });
  n.addEventListener.call(doc, "readystatechange", finish, true);
  n.setTimeout(finish, 0);
  return finish;
}

/**
 * Page world, at document_start: offers `port` to the relay of this document. Hands it over at once if
 * the relay is listening, or when the relay says it is ready, but only while the document starts;
 * never to anything else.
 */
export function offerPort(doc: Document, port: MessagePort, n: ChannelNatives): void {
  const root = doc.documentElement;
  if (!root) return;
  const hello = (): MessageEvent => new n.MessageEvent(HELLO_EVENT, { cancelable: true, ports: [port] });
  if (dispatchDetached(root, hello(), n)) return;
  // The relay has not run yet: it will say `ready` on the detached root when it does.
  const onReady = (ev: Event): void => {
    if (root.parentNode !== null) return;
    stop();
    if (!n.dispatchEvent.call(root, hello())) ev.preventDefault();
  };
  const stop = whileStarting(doc, root, n, () => {
    n.removeEventListener.call(root, READY_EVENT, onReady, true);
    root.removeAttribute(WAITING_ATTRIBUTE);
  });
  n.addEventListener.call(root, READY_EVENT, onReady, true);
  root.setAttribute(WAITING_ATTRIBUTE, "");
}

export interface AcceptHandlers {
  /** The page world's port, once. */
  port(port: MessagePort): void;
  /** Every hand-over refused: after the pairing (`second`), after document_start (`late`), or without a port. */
  refused(reason: Refusal): void;
}

/**
 * Relay (isolated world, its own DOM functions), at document_start: takes the page world's port, once,
 * while the document starts; reports every other hand-over, on the document element or on `window`.
 */
export function acceptPort(win: Window, handlers: AcceptHandlers): void {
  const doc = win.document;
  const root = doc.documentElement;
  if (!root) return;
  const n = nativesOf(win);
  let state: "starting" | "paired" | "started" = "starting";
  const refusal = (ev: Event): Refusal =>
    state === "paired" ? "second" : (ev as MessageEvent).ports?.[0] ? "late" : "malformed";
  const onHello = (ev: Event): void => {
    // On the root while it is attached, the event passed `window` first: `onForged` counted it.
    if (root.parentNode !== null) return;
    const port = (ev as MessageEvent).ports?.[0];
    if (state !== "starting" || !port) return handlers.refused(refusal(ev));
    state = "paired";
    stop();
    ev.preventDefault();
    ev.stopImmediatePropagation();
    handlers.port(port);
  };
  // Anything that reaches `window` under our names is forged: the real hand-over never gets there.
  const onForged = (ev: Event): void => handlers.refused(refusal(ev));
  root.addEventListener(HELLO_EVENT, onHello, true);
  win.addEventListener(HELLO_EVENT, onForged, true);
  const stop = whileStarting(doc, root, n, () => {
    if (state === "starting") state = "started";
  });
  // The page world may have run first and be waiting for us.
  if (root.hasAttribute(WAITING_ATTRIBUTE)) {
    root.removeAttribute(WAITING_ATTRIBUTE);
    dispatchDetached(root, new Event(READY_EVENT, { cancelable: true }), n);
  }
}

/** The relay's own functions: the isolated world's prototypes are its own, whatever the page does. */
function nativesOf(win: Window): ChannelNatives {
  return {
    addEventListener: EventTarget.prototype.addEventListener,
    removeEventListener: EventTarget.prototype.removeEventListener,
    dispatchEvent: EventTarget.prototype.dispatchEvent,
    MessageEvent,
    MutationObserver,
    setTimeout: (fn, ms) => win.setTimeout(fn, ms),
  };
}
