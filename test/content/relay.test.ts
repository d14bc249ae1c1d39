/**
 * The relay in one process with everything around it, React-DevTools style: the page world's end of a
 * real MessageChannel, the relay, the background router, and a panel port.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { TabRouter } from "../../src/background/router";
import { startRelay, type Relay } from "../../src/content/relay";
import { CONTENT_PORT, PROTOCOL_VERSION, panelPortName } from "../../src/shared/protocol";
import type { PortLike } from "../../src/shared/transports";
import { fakePortPair, type FakePort } from "../support/fake-ports";
import { eventsMessage, snapshotMessage, snapshotRequest, socketSnapshot, stateEvent } from "../support/messages";

const EXT = "chrome-extension://lifeguard/";
const cleanups: (() => void)[] = [];

afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

/** A background that can be killed and restarted, like an MV3 service worker. */
function fakeBackground() {
  const state = { router: new TabRouter({ extensionOrigin: EXT }), servers: [] as FakePort[], connects: 0 };
  const connectContent = (): PortLike => {
    state.connects += 1;
    const { client, server } = fakePortPair(CONTENT_PORT, { tab: { id: 1 }, frameId: 0, url: "https://app.test/" });
    state.servers.push(server);
    state.router.connect(server);
    return client;
  };
  const openPanel = (): FakePort => {
    const { client, server } = fakePortPair(panelPortName(1), { url: `${EXT}src/panel/index.html?tabId=1` });
    state.servers.push(server);
    state.router.connect(server);
    return client;
  };
  const kill = () => {
    for (const s of state.servers.splice(0)) s.disconnect();
    state.router = new TabRouter({ extensionOrigin: EXT });
  };
  return { state, connectContent, openPanel, kill };
}

function setup(offer = true) {
  const bg = fakeBackground();
  const channel = new MessageChannel();
  const pageReceived: unknown[] = [];
  channel.port1.onmessage = (ev) => pageReceived.push(ev.data);
  const relay: Relay = startRelay({
    acceptPort: (onPort) => {
      if (offer) onPort(channel.port2);
    },
    connect: bg.connectContent,
    reconnectDelay: () => 5,
  });
  cleanups.push(() => {
    relay.stop();
    channel.port1.close();
  });
  const pagePost = (m: unknown) => channel.port1.postMessage(m);
  return { bg, relay, pagePost, pageReceived };
}

describe("relay", () => {
  it("does nothing when the page world offers no port (Lifeguard disabled)", () => {
    const { bg } = setup(false);
    expect(bg.state.connects).toBe(0);
  });

  it("carries the page's messages to the panel and the panel's commands to the page", async () => {
    const { bg, pagePost, pageReceived } = setup();
    const panel = bg.openPanel();
    const events = eventsMessage([stateEvent("a:1", "open", 10)]);
    pagePost(events);
    await vi.waitFor(() => expect(panel.received).toContainEqual(events));

    panel.postMessage(snapshotRequest());
    await vi.waitFor(() => expect(pageReceived.filter((m) => (m as { type: string }).type !== "listening")).toEqual([{ ...snapshotRequest(), source: "lifeguard-relay" }]));
  });

  it("drops what is not a page-to-panel message from the page, and what is not a command from outside", async () => {
    const { bg, pagePost, pageReceived } = setup();
    const panel = bg.openPanel();
    pagePost({ ...eventsMessage([]), source: "lifeguard-background" }); // forged source
    pagePost({ ...eventsMessage([]), events: "all of them" });
    pagePost({ ...snapshotRequest(), source: "lifeguard-page" }); // a command is not the page's to send
    const marker = eventsMessage([stateEvent("m:1", "closed", 99)]);
    pagePost(marker);
    await vi.waitFor(() => expect(panel.received).toContainEqual(marker));
    expect(panel.received.filter((m) => (m as { type: string }).type !== "frame-connected")).toEqual([marker]);

    // A malformed command from the extension side never reaches the page.
    bg.state.servers[0]!.postMessage({ ...snapshotRequest(), type: "eval" });
    panel.postMessage(snapshotRequest());
    await vi.waitFor(() => expect(pageReceived.filter((m) => (m as { type: string }).type === "snapshot-request")).toHaveLength(1));
    expect(pageReceived.filter((m) => (m as { type: string }).type !== "listening")).toEqual([{ ...snapshotRequest(), source: "lifeguard-relay" }]);
  });

  it("lets the panel know when the page speaks another protocol version", async () => {
    const { bg, pagePost } = setup();
    const panel = bg.openPanel();
    pagePost({ ...eventsMessage([]), v: PROTOCOL_VERSION + 1 });
    await vi.waitFor(() =>
      expect(panel.received).toContainEqual(
        expect.objectContaining({ type: "version-mismatch", got: PROTOCOL_VERSION + 1 }),
      ),
    );
  });

  it("reconnects when the background is killed and asks the page for a snapshot, which reaches the panel", async () => {
    const { bg, pagePost, pageReceived } = setup();
    bg.openPanel();
    bg.kill();
    await vi.waitFor(() => expect(bg.state.connects).toBe(2));
    await vi.waitFor(() =>
      expect(pageReceived.filter((m) => (m as { type: string }).type !== "listening")).toEqual([expect.objectContaining({ type: "snapshot-request", source: "lifeguard-relay" })]),
    );

    // The page recorder answers; the panel (reconnected too) gets the history back.
    const panel = bg.openPanel();
    const snapshot = snapshotMessage([socketSnapshot("a:1", { framesIn: 3 })]);
    pagePost(snapshot);
    await vi.waitFor(() => expect(panel.received).toContainEqual(snapshot));
  });
});
