import { describe, expect, it } from "vitest";
import { TabRouter } from "../../src/background/router";
import { CONTENT_PORT, PROTOCOL_VERSION, panelPortName } from "../../src/shared/protocol";
import { fakePortPair, flush, type FakePort } from "../support/fake-ports";
import { eventsMessage, snapshotMessage, snapshotRequest, socketSnapshot, stateEvent } from "../support/messages";

const EXT = "chrome-extension://lifeguard/";

function setup(now?: () => number) {
  const router = new TabRouter({ extensionOrigin: EXT, now });
  const content = (tabId: number, frameId = 0, url = `https://tab${tabId}.test/f${frameId}`): FakePort => {
    const { client, server } = fakePortPair(CONTENT_PORT, { tab: { id: tabId }, frameId, url });
    router.connect(server);
    return client;
  };
  const panel = (tabId: number, url = `${EXT}src/panel/index.html?tabId=${tabId}`): FakePort => {
    const { client, server } = fakePortPair(panelPortName(tabId), { url });
    router.connect(server);
    return client;
  };
  return { router, content, panel };
}

const typesOf = (port: FakePort) => port.received.map((m) => (m as { type: string }).type);
/** What a content port got, less the `listening` notices (tested on their own below). */
const commands = (port: FakePort) => port.received.filter((m) => (m as { type: string }).type !== "listening");

describe("TabRouter", () => {
  it("pipes page messages of a tab to its panel, unchanged", async () => {
    const { content, panel } = setup();
    const page = content(1);
    const devtools = panel(1);
    const msg = eventsMessage([stateEvent("a:1", "open", 5)]);
    page.postMessage(msg);
    await flush();
    expect(devtools.received).toContainEqual(msg);
  });

  it("sends panel commands to every frame of the tab", async () => {
    const { content, panel } = setup();
    const top = content(1, 0);
    const sub = content(1, 7);
    const devtools = panel(1);
    devtools.postMessage(snapshotRequest());
    await flush();
    expect(commands(top)).toEqual([snapshotRequest()]);
    expect(commands(sub)).toEqual([snapshotRequest()]);
  });

  it("forwards every frame's messages to the panel", async () => {
    const { content, panel } = setup();
    const top = content(1, 0);
    const sub = content(1, 7);
    const devtools = panel(1);
    const fromTop = snapshotMessage([socketSnapshot("t:1")], "https://tab1.test/");
    const fromSub = snapshotMessage([socketSnapshot("s:1")], "https://ads.test/");
    top.postMessage(fromTop);
    sub.postMessage(fromSub);
    await flush();
    expect(devtools.received).toContainEqual(fromTop);
    expect(devtools.received).toContainEqual(fromSub);
  });

  it("tells a panel opened after the page which frames are there", async () => {
    const { content, panel } = setup();
    content(1, 0, "https://tab1.test/");
    content(1, 3, "https://frame.test/");
    const devtools = panel(1);
    await flush();
    expect(devtools.received).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: "frame-connected", frameId: 0, url: "https://tab1.test/" }),
        expect.objectContaining({ type: "frame-connected", frameId: 3, url: "https://frame.test/" }),
      ]),
    );
  });

  it("tells a panel opened before the page when a frame connects and goes", async () => {
    const { content, panel } = setup();
    const devtools = panel(1);
    const page = content(1, 4, "https://tab1.test/");
    await flush();
    expect(devtools.received).toEqual([
      expect.objectContaining({ source: "lifeguard-background", type: "frame-connected", frameId: 4 }),
    ]);
    const asked = commands(page).length;
    page.disconnect();
    await flush();
    expect(devtools.received.at(-1)).toEqual(expect.objectContaining({ type: "frame-disconnected", frameId: 4 }));
    devtools.postMessage(snapshotRequest());
    await flush();
    // A port that went hears nothing more.
    expect(commands(page)).toHaveLength(asked);
  });

  it("forgets a panel that disconnected, and keeps serving the others", async () => {
    const { router, content, panel } = setup();
    const page = content(1);
    const first = panel(1);
    const second = panel(1);
    first.disconnect();
    await flush();
    expect(router.stats(1)).toEqual({ contents: 1, panels: 1 });
    const msg = eventsMessage([]);
    page.postMessage(msg);
    await flush();
    expect(second.received).toContainEqual(msg);
    expect(first.received).not.toContainEqual(msg);
  });

  it("never leaks one tab's messages into another tab's panel", async () => {
    const { content, panel } = setup();
    const page1 = content(1);
    const page2 = content(2);
    const panel1 = panel(1);
    const panel2 = panel(2);
    page1.postMessage(eventsMessage([stateEvent("one:1", "open", 1)]));
    panel2.postMessage(snapshotRequest());
    await flush();
    expect(panel2.received.filter((m) => (m as { type: string }).type === "events")).toEqual([]);
    expect(commands(page1)).toEqual([]);
    expect(commands(page2)).toEqual([snapshotRequest()]);
    expect(typesOf(panel1)).toEqual(["frame-connected", "events"]);
  });

  it("drops malformed messages in both directions", async () => {
    const { content, panel } = setup();
    const page = content(1);
    const devtools = panel(1);
    await flush();
    const before = devtools.received.length;
    page.postMessage({ type: "events", events: [] }); // no envelope
    page.postMessage({ ...eventsMessage([]), source: "evil" });
    page.postMessage({ ...eventsMessage([]), events: [{ kind: "frame", frame: { socket: 1 } }] });
    page.postMessage({ ...eventsMessage([]), type: "frame-connected", frameId: 1, url: "x" }); // not the page's to send
    page.postMessage("hello");
    devtools.postMessage({ ...snapshotRequest(), type: "drop-everything" });
    devtools.postMessage(null);
    await flush();
    expect(devtools.received.length).toBe(before);
    expect(commands(page)).toEqual([]);
  });

  it("reports a frame that speaks another protocol version, once, instead of piping it", async () => {
    const { content, panel } = setup();
    const page = content(1);
    const devtools = panel(1);
    page.postMessage({ ...eventsMessage([]), v: PROTOCOL_VERSION + 1 });
    page.postMessage({ ...eventsMessage([]), v: PROTOCOL_VERSION + 1 });
    await flush();
    expect(typesOf(devtools)).toEqual(["frame-connected", "version-mismatch"]);
    expect(devtools.received[1]).toEqual(
      expect.objectContaining({ expected: PROTOCOL_VERSION, got: PROTOCOL_VERSION + 1 }),
    );
    // A panel that connects later learns it too.
    const late = panel(1);
    await flush();
    expect(typesOf(late)).toEqual(["frame-connected", "version-mismatch"]);
  });

  it("answers a panel of another protocol version with version-mismatch", async () => {
    const { content, panel } = setup();
    const page = content(1);
    const devtools = panel(1);
    devtools.postMessage({ ...snapshotRequest(), v: "0.9" });
    await flush();
    expect(commands(page)).toEqual([]);
    expect(devtools.received.at(-1)).toEqual(expect.objectContaining({ type: "version-mismatch", got: "0.9" }));
  });

  it("refuses panel ports that do not come from an extension page, and unknown ports", async () => {
    const { router, content, panel } = setup();
    content(1);
    const spy = panel(1, "https://evil.test/");
    const { client: stranger, server } = fakePortPair("something-else", { url: EXT });
    router.connect(server);
    await flush();
    expect(spy.received).toEqual([]);
    expect(server.disconnected).toBe(true);
    expect(stranger.received).toEqual([]);
    expect(router.stats(1)).toEqual({ contents: 1, panels: 0 });
  });

  it("refuses content ports that have no tab", async () => {
    const { router } = setup();
    const { server } = fakePortPair(CONTENT_PORT, { url: EXT });
    router.connect(server);
    expect(server.disconnected).toBe(true);
  });

  it("survives a panel that went away without its disconnect having run yet", async () => {
    const { router, content, panel } = setup();
    const page = content(1);
    // Chrome throws from postMessage on such a port; the router must not stop at it.
    const { server: gone } = fakePortPair(panelPortName(1), { url: `${EXT}src/panel/index.html` });
    gone.postMessage = () => {
      throw new Error("Attempting to use a disconnected port object");
    };
    router.connect(gone);
    const alive = panel(1);
    const msg = eventsMessage([]);
    page.postMessage(msg);
    await flush();
    expect(alive.received).toContainEqual(msg);
  });
});

describe("listening: page worlds post only while a panel of their tab is attached", () => {
  const on = (port: FakePort) => port.received.filter((m) => (m as { type: string }).type === "listening").map((m) => (m as { on: boolean }).on);

  it("says on to every frame when the first panel attaches, and off when the last one leaves", async () => {
    const { content, panel } = setup();
    const top = content(1, 0);
    const sub = content(1, 3);
    const other = content(2, 0);
    await flush();
    expect(on(top)).toEqual([]);
    const a = panel(1);
    const b = panel(1);
    await flush();
    expect(on(top)).toEqual([true]);
    expect(on(sub)).toEqual([true]);
    expect(on(other)).toEqual([]);
    a.disconnect();
    await flush();
    expect(on(top)).toEqual([true]);
    b.disconnect();
    await flush();
    expect(on(top)).toEqual([true, false]);
    expect(on(sub)).toEqual([true, false]);
  });

  it("says on to a frame that connects while a panel is attached", async () => {
    const { content, panel } = setup();
    panel(1);
    const late = content(1, 0);
    await flush();
    expect(on(late)).toEqual([true]);
  });

  it("asks a frame that connects while a panel is attached for its history (a reloaded page recorded before its relay connected)", async () => {
    const { content, panel } = setup();
    const devtools = panel(1);
    const late = content(1, 4);
    await flush();
    expect(commands(late)).toEqual([{ ...snapshotRequest(), source: "lifeguard-background" }]);
    // Its answer is expected: it reaches the panel.
    const answer = snapshotMessage([socketSnapshot("n:1")], "https://tab1.test/f4");
    late.postMessage(answer);
    await flush();
    expect(devtools.received).toContainEqual(answer);
    // With no panel, nothing is asked.
    const quiet = content(2, 0);
    await flush();
    expect(commands(quiet)).toEqual([]);
  });

  it("bounds a tab as a whole: many frames within their own budgets still cannot flood its panel", async () => {
    const t = 0;
    const { content, panel } = setup(() => t);
    const frames = Array.from({ length: 4 }, (_, i) => content(1, i));
    const devtools = panel(1);
    const other = panel(2);
    content(2, 0);
    // Each frame sends 150 batches (within a frame's burst of 200); the tab's burst is 400.
    for (const [i, frame] of frames.entries()) for (let k = 0; k < 150; k++) frame.postMessage(eventsMessage([stateEvent(`f${i}:1`, "open", k)], k + 1, `f${i}`));
    await flush();
    await new Promise((r) => setTimeout(r, 10));
    await flush();
    const passed = devtools.received.filter((m) => (m as { type: string }).type === "events").length;
    expect(passed).toBe(400);
    // Told at once, then the running totals at most once a second.
    const notices = () => devtools.received.filter((m) => (m as { type: string }).type === "over-budget");
    expect(notices()).toEqual([expect.objectContaining({ source: "lifeguard-background", dropped: expect.objectContaining({ messages: 1 }) })]);
    await new Promise((r) => setTimeout(r, 1100));
    await flush();
    expect(notices()).toHaveLength(2);
    expect(notices()[1]).toMatchObject({ dropped: { messages: 200, events: 200 } });
    // Another tab's panel hears none of it.
    expect(typesOf(other).filter((x) => x === "events" || x === "over-budget")).toEqual([]);
  });

  it("forwards a relay's notices to the tab's panels, and never takes them from a panel", async () => {
    const { content, panel } = setup();
    const page = content(1);
    const devtools = panel(1);
    const notice = { source: "lifeguard-relay", v: PROTOCOL_VERSION, type: "bridge-refused", relay: "r", frameUrl: "https://x/", reason: "second", count: 1 };
    page.postMessage(notice);
    devtools.postMessage(notice);
    await flush();
    expect(devtools.received).toContainEqual(notice);
    expect(commands(page)).toEqual([]);
  });
});
