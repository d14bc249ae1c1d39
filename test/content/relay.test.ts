/**
 * The relay in one process with everything around it, React-DevTools style: the page world's end of a
 * real MessageChannel, the relay, the background router, and a panel port.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { TabRouter } from "../../src/background/router";
import { startRelay, type Relay } from "../../src/content/relay";
import { CONTENT_PORT, PROTOCOL_VERSION, envelope, panelPortName, type PageToRelay } from "../../src/shared/protocol";
import type { Refusal } from "../../src/shared/page-channel";
import { DEFAULTS, type Settings } from "../../src/shared/settings";
import type { FrameRule, MockSpec } from "../../src/shared/frame-rule-types";
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

function setup(offer = true, opts: { settings?: Settings; now?: () => number; mocks?: MockSpec[] } = {}) {
  const bg = fakeBackground();
  const channel = new MessageChannel();
  const pageReceived: unknown[] = [];
  channel.port1.onmessage = (ev) => pageReceived.push(ev.data);
  let current = opts.settings;
  const changeListeners: ((s: Settings) => void)[] = [];
  let currentMocks = opts.mocks ?? [];
  const mockListeners: ((m: MockSpec[]) => void)[] = [];
  const relay: Relay = startRelay({
    connect: bg.connectContent,
    frameUrl: () => "https://app.test/",
    now: opts.now,
    settings: current && {
      get: async () => current!,
      onChange: (l) => void changeListeners.push(l),
    },
    mocks: {
      get: async () => currentMocks,
      onChange: (l) => void mockListeners.push(l),
    },
    reconnectDelay: () => 5,
  });
  if (offer) relay.port(channel.port2);
  cleanups.push(() => {
    relay.stop();
    channel.port1.close();
  });
  const pagePost = (m: unknown) => channel.port1.postMessage(m);
  const changeSettings = (s: Settings) => {
    current = s;
    for (const l of changeListeners) l(s);
  };
  const changeMocks = (m: MockSpec[]) => {
    currentMocks = m;
    for (const l of mockListeners) l(m);
  };
  const received = (type: string) => pageReceived.filter((m) => (m as { type: string }).type === type);
  return { bg, relay, pagePost, pageReceived, received, refuse: (r: Refusal) => relay.refused(r), changeSettings, changeMocks };
}

const typeOf = (m: unknown) => (m as { type: string }).type;

describe("relay", () => {
  it("does nothing when the page world offers no port (Lifeguard disabled)", () => {
    const { bg } = setup(false);
    expect(bg.state.connects).toBe(0);
  });

  it("carries the page's messages to the panel and the panel's commands to the page", async () => {
    const { bg, pagePost, pageReceived } = setup();
    const panel = bg.openPanel();
    const events = eventsMessage([stateEvent("page:1", "open", 10)]);
    pagePost(events);
    await vi.waitFor(() => expect(panel.received).toContainEqual(events));

    panel.postMessage(snapshotRequest());
    await vi.waitFor(() => expect(pageReceived.filter((m) => typeOf(m) !== "listening")).toEqual([{ ...snapshotRequest(), source: "lifeguard-relay" }]));
  });

  it("drops what is not a page-to-panel message from the page, and what is not a command from outside", async () => {
    const { bg, pagePost, pageReceived } = setup();
    const panel = bg.openPanel();
    pagePost({ ...eventsMessage([]), source: "lifeguard-background" }); // forged source
    pagePost({ ...eventsMessage([]), events: "all of them" });
    pagePost({ ...snapshotRequest(), source: "lifeguard-page" }); // a command is not the page's to send
    const marker = eventsMessage([stateEvent("page:1", "closed", 99)]);
    pagePost(marker);
    await vi.waitFor(() => expect(panel.received).toContainEqual(marker));
    expect(panel.received.filter((m) => typeOf(m) !== "frame-connected")).toEqual([marker]);

    // A malformed command from the extension side never reaches the page.
    bg.state.servers[0]!.postMessage({ ...snapshotRequest(), type: "eval" });
    panel.postMessage(snapshotRequest());
    await vi.waitFor(() => expect(pageReceived.filter((m) => typeOf(m) === "snapshot-request")).toHaveLength(1));
    expect(pageReceived.filter((m) => typeOf(m) !== "listening")).toEqual([{ ...snapshotRequest(), source: "lifeguard-relay" }]);
  });

  it("lets a page world speak only for its own stream and its own sockets", async () => {
    const { bg, pagePost } = setup();
    const panel = bg.openPanel();
    pagePost(eventsMessage([stateEvent("page:1", "open", 1)], 1, "page"));
    // Another frame's stream, another frame's socket, a snapshot of another frame's socket.
    pagePost(eventsMessage([stateEvent("other:1", "open", 2)], 2, "other"));
    pagePost(eventsMessage([stateEvent("other:1", "closed", 3)], 2, "page"));
    const marker = eventsMessage([stateEvent("page:1", "closed", 4)], 3, "page");
    pagePost(marker);
    await vi.waitFor(() => expect(panel.received).toContainEqual(marker));
    const events = panel.received.filter((m) => typeOf(m) === "events") as { events: { socket: string }[] }[];
    expect(events.flatMap((m) => m.events.map((e) => e.socket))).toEqual(["page:1", "page:1"]);
    await vi.waitFor(() =>
      expect(panel.received).toContainEqual(expect.objectContaining({ type: "over-budget", source: "lifeguard-relay", dropped: expect.objectContaining({ messages: 2 }) })),
      // The second drop is told with the next notice, a second after the first.
      { timeout: 3000 },
    );
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
      expect(pageReceived.filter((m) => typeOf(m) !== "listening")).toEqual([expect.objectContaining({ type: "snapshot-request", source: "lifeguard-relay" })]),
    );

    // The page recorder answers; the panel (reconnected too) gets the history back.
    const panel = bg.openPanel();
    const snapshot = snapshotMessage([socketSnapshot("page:1", { framesIn: 3 })]);
    pagePost(snapshot);
    await vi.waitFor(() => expect(panel.received).toContainEqual(snapshot));
  });

  it("lets a snapshot through only in answer to a request", async () => {
    const { bg, pagePost } = setup();
    const panel = bg.openPanel();
    const unasked = snapshotMessage([socketSnapshot("page:1", { framesIn: 1 })]);
    pagePost(unasked);
    const marker = eventsMessage([stateEvent("page:1", "open", 1)]);
    pagePost(marker);
    await vi.waitFor(() => expect(panel.received).toContainEqual(marker));
    expect(panel.received).not.toContainEqual(unasked);

    panel.postMessage(snapshotRequest());
    // Another page world's request (a targeted one) opens nothing here.
    panel.postMessage(snapshotRequest("elsewhere"));
    await new Promise((r) => setTimeout(r, 20));
    const asked = snapshotMessage([socketSnapshot("page:1", { framesIn: 2 })]);
    pagePost(asked);
    await vi.waitFor(() => expect(panel.received).toContainEqual(asked));
  });

  it("forwards what it admits in order and no faster than its pace: a big answer does not go out at once", async () => {
    const { bg, pagePost } = setup();
    const panel = bg.openPanel();
    panel.postMessage(snapshotRequest());
    await new Promise((r) => setTimeout(r, 20));
    const preview = "p".repeat(1 << 20);
    const parts = 6;
    for (let part = 0; part < parts; part++) {
      const frames = [0, 1].map((k) => ({ kind: "frame" as const, frame: { socket: "page:1", seq: part * 2 + k + 1, t: 1, dir: "in" as const, opcode: "text" as const, size: 1, preview, truncated: false } }));
      pagePost(snapshotMessage([socketSnapshot("page:1", { events: frames })], "https://app.test/", { upTo: 12, part, parts }));
    }
    // A batch after the answer comes after it.
    pagePost(eventsMessage([stateEvent("page:1", "closed", 99)], 13));
    const arrivals: [string, number][] = [];
    const seen = new Set<unknown>();
    await vi.waitFor(
      () => {
        for (const m of panel.received) {
          const type = (m as { type: string }).type;
          if ((type === "snapshot" || type === "events") && !seen.has(m)) {
            seen.add(m);
            arrivals.push([type === "snapshot" ? `part ${(m as { part: number }).part}` : "events", Date.now()]);
          }
        }
        expect(arrivals).toHaveLength(parts + 1);
      },
      { timeout: 5000, interval: 5 },
    );
    expect(arrivals.map(([what]) => what)).toEqual([...Array.from({ length: parts }, (_, i) => `part ${i}`), "events"]);
    // 12 Mi characters at 32 Mi a second past a burst of 4 Mi: 250 ms from first to last, less what
    // refilled while the parts crossed the port (unpaced, they arrive within a few ms).
    expect(arrivals.at(-1)![1] - arrivals[0]![1]).toBeGreaterThanOrEqual(100);
  });

  it("drops a flood past the frame's budget, whole messages, and tells the panel the running totals at most once a second", async () => {
    let t = 0;
    const { bg, pagePost } = setup(true, { now: () => t });
    const panel = bg.openPanel();
    // 1,000 small batches at one instant: the message bucket holds a burst of 200.
    for (let i = 0; i < 1000; i++) pagePost(eventsMessage([stateEvent("page:1", "open", i)], i + 1));
    const passed = () => panel.received.filter((m) => typeOf(m) === "events").length;
    const notices = () => panel.received.filter((m) => typeOf(m) === "over-budget") as { dropped: { messages: number; events: number } }[];
    await vi.waitFor(() => expect(passed() + (notices().at(-1)?.dropped.messages ?? 0)).toBe(1000), { timeout: 5000 });
    expect(passed()).toBe(200);
    expect(notices().at(-1)!.dropped).toMatchObject({ messages: 800, events: 800 });
    expect(notices().length).toBeLessThanOrEqual(2);
    // Time refills the budget.
    t += 1000;
    const later = eventsMessage([stateEvent("page:1", "closed", 2000)], 1001);
    pagePost(later);
    await vi.waitFor(() => expect(panel.received).toContainEqual(later));
  });

  it("reports every refused hand-over to the panel, with a running count", async () => {
    const { bg, refuse } = setup();
    const panel = bg.openPanel();
    refuse("second");
    refuse("second");
    refuse("late");
    await vi.waitFor(() =>
      expect(panel.received).toContainEqual(
        expect.objectContaining({ type: "bridge-refused", source: "lifeguard-relay", count: 3, reason: "late", frameUrl: "https://app.test/" }),
      ),
      { timeout: 3000 },
    );
    // The first went at once; the rest waited for the second's turn: two notices, the latest totals last.
    expect(panel.received.filter((m) => typeOf(m) === "bridge-refused")).toHaveLength(2);
  });

  it("tells a panel that attaches later what was refused before it was there", async () => {
    const { bg, refuse } = setup();
    refuse("second");
    refuse("late");
    await new Promise((r) => setTimeout(r, 20));
    const panel = bg.openPanel();
    await vi.waitFor(() => expect(panel.received).toContainEqual(expect.objectContaining({ type: "bridge-refused", count: 2 })));
  });

  it("not paired, reports a refused hand-over only while Lifeguard is enabled", async () => {
    const on = setup(false, { settings: { ...DEFAULTS, enabled: true } });
    const panel = on.bg.openPanel();
    on.refuse("late");
    await vi.waitFor(() => expect(panel.received).toContainEqual(expect.objectContaining({ type: "bridge-refused", count: 1 })));

    const off = setup(false, { settings: { ...DEFAULTS, enabled: false } });
    off.refuse("late");
    await new Promise((r) => setTimeout(r, 30));
    expect(off.bg.state.connects).toBe(0);
  });

  it("answers a rule question with the one rule for that URL, and sends config, again on every change", async () => {
    const settings: Settings = {
      ...DEFAULTS,
      rules: [{ match: "wss://bank.example/*" }, { match: "wss://chat.example/*", heartbeat: { message: "ping" } }],
    };
    const { pagePost, received, changeSettings } = setup(true, { settings });
    await vi.waitFor(() => expect(received("config")).toEqual([expect.objectContaining({ enabled: true, record: DEFAULTS.record, source: "lifeguard-relay" })]));
    pagePost(envelope<PageToRelay, "rule-query">("lifeguard-page", "rule-query", { url: "wss://chat.example/room" }));
    pagePost(envelope<PageToRelay, "rule-query">("lifeguard-page", "rule-query", { url: "wss://nowhere.example/" }));
    await vi.waitFor(() => expect(received("rule")).toHaveLength(2));
    const [chat, none] = received("rule") as { url: string; rule: { match: string; heartbeat: { message: string } } | null }[];
    expect(chat!.rule).toMatchObject({ match: "wss://chat.example/*", heartbeat: { message: "ping", intervalMs: 30000 } });
    expect(none!.rule).toBeNull();
    // Nothing the page world got names the other site's rule.
    expect(JSON.stringify(received("rule"))).not.toContain("bank.example");
    expect(JSON.stringify(received("config"))).not.toContain("bank.example");

    changeSettings({ ...settings, enabled: false });
    await vi.waitFor(() => expect(received("config")).toHaveLength(2));
    expect(received("config")[1]).toMatchObject({ enabled: false });
    // Off, no rule goes to a page, even for a URL a rule matches.
    pagePost(envelope<PageToRelay, "rule-query">("lifeguard-page", "rule-query", { url: "wss://chat.example/room" }));
    await vi.waitFor(() => expect(received("rule")).toHaveLength(3));
    expect((received("rule")[2] as { rule: unknown }).rule).toBeNull();
  });
  it("answers a rule question with the frame rules whose glob fits that URL, in order, with their index; none while off", async () => {
    const frameRules: FrameRule[] = [
      { match: "wss://bank.example/*", direction: "both", action: "drop" },
      { match: "wss://chat.example/*", direction: "in", action: "drop", when: { text: "typing" } },
      { match: "wss://chat.example/*", direction: "out", action: "pause", enabled: false },
      { match: "wss://*", direction: "out", action: "delay", delayMs: 100 },
    ];
    const settings: Settings = { ...DEFAULTS, frameRules };
    const { pagePost, received, changeSettings } = setup(true, { settings });
    const ask = (url: string) => pagePost(envelope<PageToRelay, "rule-query">("lifeguard-page", "rule-query", { url }));
    ask("wss://chat.example/room");
    ask("ws://plain.example/");
    await vi.waitFor(() => expect(received("rule")).toHaveLength(2));
    const [chat, plain] = received("rule") as { rule: unknown; frameRules: unknown[] }[];
    expect(chat!.rule).toBeNull();
    expect(chat!.frameRules).toEqual([
      { ...frameRules[1], index: 1 },
      { ...frameRules[3], index: 3 },
    ]);
    expect(plain!.frameRules).toEqual([]);
    expect(JSON.stringify(received("rule"))).not.toContain("bank.example");

    // A change reaches the page world as config; it asks again, and gets the rules as they are now.
    changeSettings({ ...settings, frameRules: [frameRules[2]!, { ...frameRules[2]!, enabled: true }] });
    await vi.waitFor(() => expect(received("config")).toHaveLength(2));
    ask("wss://chat.example/room");
    await vi.waitFor(() => expect(received("rule")).toHaveLength(3));
    expect((received("rule")[2] as { frameRules: unknown[] }).frameRules).toEqual([{ ...frameRules[2], enabled: true, index: 1 }]);

    changeSettings({ ...settings, enabled: false });
    await vi.waitFor(() => expect(received("config")).toHaveLength(3));
    ask("wss://chat.example/room");
    await vi.waitFor(() => expect(received("rule")).toHaveLength(4));
    expect((received("rule")[3] as { frameRules: unknown[] }).frameRules).toEqual([]);
  });

  const mock = (match: string, data = "hello"): MockSpec => ({
    match,
    protocol: "",
    frames: [{ dir: "in", t: 0, opcode: "text", data }],
    replay: { by: "order" },
    timing: "fast",
  });

  it("sends the globs of the mocks in force with config, again when they change; none while off", async () => {
    const { received, changeMocks, changeSettings } = setup(true, { settings: { ...DEFAULTS }, mocks: [mock("ws://127.0.0.1:*/feed")] });
    await vi.waitFor(() => expect(received("config")).toHaveLength(1));
    expect(received("config")[0]).toMatchObject({ enabled: true, mocks: ["ws://127.0.0.1:*/feed"] });
    // The conversations themselves stay in the relay until asked for.
    expect(JSON.stringify(received("config"))).not.toContain("hello");

    changeMocks([mock("wss://a.test/*"), mock("wss://b.test/*")]);
    await vi.waitFor(() => expect(received("config")).toHaveLength(2));
    expect(received("config")[1]).toMatchObject({ mocks: ["wss://a.test/*", "wss://b.test/*"] });

    changeSettings({ ...DEFAULTS, enabled: false });
    await vi.waitFor(() => expect(received("config")).toHaveLength(3));
    expect(received("config")[2]).toMatchObject({ enabled: false, mocks: [] });
  });

  it("answers a mock question with the first mock whose glob fits the URL, or null; null while off", async () => {
    const mocks = [mock("wss://a.test/*", "first"), mock("wss://*", "second")];
    const { pagePost, received, changeSettings } = setup(true, { settings: { ...DEFAULTS }, mocks });
    const ask = (url: string) => pagePost(envelope<PageToRelay, "mock-query">("lifeguard-page", "mock-query", { url }));
    ask("wss://a.test/live");
    ask("wss://z.test/");
    ask("ws://a.test/");
    await vi.waitFor(() => expect(received("mock")).toHaveLength(3));
    expect(received("mock")).toEqual([
      expect.objectContaining({ url: "wss://a.test/live", mock: mocks[0], source: "lifeguard-relay" }),
      expect.objectContaining({ url: "wss://z.test/", mock: mocks[1] }),
      expect.objectContaining({ url: "ws://a.test/", mock: null }),
    ]);
    changeSettings({ ...DEFAULTS, enabled: false });
    ask("wss://a.test/live");
    await vi.waitFor(() => expect(received("mock")).toHaveLength(4));
    expect((received("mock")[3] as { mock: unknown }).mock).toBeNull();
  });

  it("rate-limits rule and mock questions together, and tells the panel what it dropped", async () => {
    const { bg, pagePost, received } = setup(true, { settings: { ...DEFAULTS }, mocks: [mock("wss://*")], now: () => 0 });
    const panel = bg.openPanel();
    await vi.waitFor(() => expect(received("config")).toHaveLength(1));
    for (let i = 0; i < 1_500; i++) {
      pagePost(envelope<PageToRelay, "rule-query">("lifeguard-page", "rule-query", { url: `wss://a.test/${i}` }));
      pagePost(envelope<PageToRelay, "mock-query">("lifeguard-page", "mock-query", { url: `wss://a.test/${i}` }));
    }
    await vi.waitFor(() => expect(received("rule").length + received("mock").length).toBe(2_000));
    // The first notice goes at the first drop; the running total follows a second later.
    await vi.waitFor(
      () => expect(panel.received).toContainEqual(expect.objectContaining({ type: "over-budget", dropped: expect.objectContaining({ messages: 1_000 }) })),
      { timeout: 5_000 },
    );
  });
});
