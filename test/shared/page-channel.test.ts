// @vitest-environment happy-dom
/**
 * The hand-over of the page world's port to the relay, in one document: either script first, and a
 * page that forges it before, during and after the document starts.
 */
import { describe, expect, it } from "vitest";
import { HELLO_EVENT, READY_EVENT, WAITING_ATTRIBUTE, acceptPort, offerPort, type ChannelNatives, type Refusal } from "../../src/shared/page-channel";

const natives = (): ChannelNatives => ({
  addEventListener: EventTarget.prototype.addEventListener,
  removeEventListener: EventTarget.prototype.removeEventListener,
  dispatchEvent: EventTarget.prototype.dispatchEvent,
  MessageEvent,
  MutationObserver,
  setTimeout: (fn, ms) => setTimeout(fn, ms),
});

function relay() {
  const ports: MessagePort[] = [];
  const refused: Refusal[] = [];
  acceptPort(window, { port: (p) => ports.push(p), refused: (r) => refused.push(r) });
  return { ports, refused };
}

function freshDocument(): void {
  // Each test: a new document element, as a new document would have.
  document.removeChild(document.documentElement);
  document.appendChild(document.createElement("html"));
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe("page channel", () => {
  it("hands the port over when the relay runs first, with no event reaching window or document", async () => {
    freshDocument();
    const seen: string[] = [];
    window.addEventListener(HELLO_EVENT, () => seen.push("window"), true);
    document.addEventListener(HELLO_EVENT, () => seen.push("document"), true);
    const r = relay();
    const channel = new MessageChannel();
    offerPort(document, channel.port2, natives());
    expect(r.ports).toEqual([channel.port2]);
    expect(seen).toEqual([]);
    // The document element is back where it was.
    expect(document.documentElement.parentNode).toBe(document);
    await tick();
  });

  it("hands the port over when the page world runs first", async () => {
    freshDocument();
    const seen: string[] = [];
    window.addEventListener(READY_EVENT, () => seen.push("ready on window"), true);
    const channel = new MessageChannel();
    offerPort(document, channel.port2, natives());
    // Waiting, it says so on the root, for that moment only.
    expect(document.documentElement.hasAttribute(WAITING_ATTRIBUTE)).toBe(true);
    const r = relay();
    expect(r.ports).toEqual([channel.port2]);
    expect(seen).toEqual([]);
    expect(document.documentElement.hasAttribute(WAITING_ATTRIBUTE)).toBe(false);
    await tick();
  });

  it("refuses, loudly, every hand-over after the pairing and after the document started", async () => {
    freshDocument();
    const r = relay();
    offerPort(document, new MessageChannel().port2, natives());
    expect(r.ports).toHaveLength(1);
    // A page's forgery, on window, on the attached root, and on the root it detached itself.
    const forged = () => new MessageEvent(HELLO_EVENT, { cancelable: true, ports: [new MessageChannel().port1] });
    let prevented = !window.dispatchEvent(forged());
    prevented ||= !document.documentElement.dispatchEvent(forged());
    const root = document.documentElement;
    document.removeChild(root);
    prevented ||= !root.dispatchEvent(forged());
    document.appendChild(root);
    expect(r.ports).toHaveLength(1);
    expect(r.refused).toEqual(["second", "second", "second"]);
    // No sign to the page that anyone listened.
    expect(prevented).toBe(false);
    await tick();
  });

  it("takes nothing once the document started, though nobody paired", async () => {
    freshDocument();
    const r = relay();
    await tick(); // a task later: started
    const root = document.documentElement;
    document.removeChild(root);
    root.dispatchEvent(new MessageEvent(HELLO_EVENT, { cancelable: true, ports: [new MessageChannel().port1] }));
    document.appendChild(root);
    window.dispatchEvent(new MessageEvent(HELLO_EVENT, {}));
    expect(r.ports).toEqual([]);
    expect(r.refused).toEqual(["late", "malformed"]);
  });

  it("closes the window as soon as the parser adds a node, before any page script could run", async () => {
    freshDocument();
    const r = relay();
    document.documentElement.appendChild(document.createElement("head"));
    await Promise.resolve(); // the mutation record's microtask
    const root = document.documentElement;
    document.removeChild(root);
    root.dispatchEvent(new MessageEvent(HELLO_EVENT, { cancelable: true, ports: [new MessageChannel().port1] }));
    document.appendChild(root);
    expect(r.ports).toEqual([]);
    expect(r.refused).toEqual(["late"]);
  });

  it("the page world never hands its port to a page that says ready after the document started", async () => {
    freshDocument();
    const channel = new MessageChannel();
    offerPort(document, channel.port2, natives());
    await tick();
    // No relay came: nothing is left on the page's document.
    expect(document.documentElement.hasAttribute(WAITING_ATTRIBUTE)).toBe(false);
    const got: MessagePort[] = [];
    const root = document.documentElement;
    root.addEventListener(HELLO_EVENT, (ev) => got.push(...(ev as MessageEvent).ports), true);
    document.removeChild(root);
    root.dispatchEvent(new Event(READY_EVENT, { cancelable: true }));
    document.appendChild(root);
    expect(got).toEqual([]);
  });
});
