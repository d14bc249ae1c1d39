import { describe, expect, it } from "vitest";
import { createModel, reduce, type PanelAction, type PanelModel } from "../../src/panel/model";
import { PANEL_LIMITS, type PanelLimits } from "../../src/panel/limits";
import { SocketLog } from "../../src/panel/socket-log";
import { envelope, type BackgroundToPanel, type BudgetDrops, type RecorderEvent, type RelayToPanel } from "../../src/shared/protocol";
import { eventsMessage, frameEvent, snapshotMessage, socketInfo, socketSnapshot } from "../support/messages";
import { frame } from "./frames-support";

const run = (limits: Partial<PanelLimits>, ...actions: PanelAction[]): PanelModel => actions.reduce(reduce, createModel({ limits }));
const created = (id: string): RecorderEvent => ({ kind: "created", t: 1, socket: socketInfo(id) });
const drops = (over: Partial<BudgetDrops> = {}): BudgetDrops => ({ messages: 0, events: 0, sockets: 0, chars: 0, ...over });
const relayDrops = (relay: string, dropped: BudgetDrops) =>
  envelope<RelayToPanel, "over-budget">("lifeguard-relay", "over-budget", { relay, frameUrl: "https://a.test/", dropped });
const routerDrops = (dropped: BudgetDrops) => envelope<BackgroundToPanel, "over-budget">("lifeguard-background", "over-budget", { dropped });
const refused = (relay: string, count: number, frameUrl = "https://a.test/") =>
  envelope<RelayToPanel, "bridge-refused">("lifeguard-relay", "bridge-refused", { relay, frameUrl, reason: "late", count });

describe("panel caps", () => {
  it("keeps 2,000 of a page's sockets, 500,000 frames: the defaults", () => {
    expect(PANEL_LIMITS).toMatchObject({ sockets: 2_000, frames: 500_000 });
  });

  it("drops sockets a page declares past the cap, and counts them and their events", () => {
    const model = run(
      { sockets: 3 },
      eventsMessage([created("a:1"), created("a:2"), created("a:3"), created("a:4"), created("a:5")]),
      eventsMessage([frameEvent("a:4", "in", 1, 10), frameEvent("a:1", "in", 1, 10)]),
      snapshotMessage([socketSnapshot("a:2", { framesIn: 7 }), socketSnapshot("b:1", { events: [frameEvent("b:1", "in", 1, 5), frameEvent("b:1", "in", 1, 6, 2)] })]),
    );
    expect([...model.sockets.keys()]).toEqual(["a:1", "a:2", "a:3"]);
    // A known socket is still updated at the cap.
    expect(model.sockets.get("a:2")!.framesIn).toBe(7);
    expect(model.sockets.get("a:1")!.framesIn).toBe(1);
    // a:4, a:5 and b:1; a:4's frame and b:1's two.
    expect(model.drops.total()).toMatchObject({ sockets: 3, events: 3 });
    expect(model.log.framesOf("b:1")).toHaveLength(0);
  });

  it("counts imported sockets apart: a HAR does not take the page's room, nor the page a HAR's", () => {
    const view = (id: string) => ({ ...socketSnapshot(id).info, state: "closed" as const, protected: false, framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0, lastSeq: 0, lastActivity: 1, reconnects: 0, origin: "imported" as const });
    const model = run(
      { sockets: 2 },
      { type: "import", sockets: [1, 2, 3].map((i) => ({ view: view(`import-1:${i}`), frames: [], events: [] })) },
      eventsMessage([created("a:1"), created("a:2"), created("a:3")]),
    );
    expect(model.sockets.size).toBe(5);
    expect(model.sockets.full).toBe(true);
    expect(model.drops.total().sockets).toBe(1);
  });

  it("a navigation or a clear makes room again", () => {
    let model = run({ sockets: 2 }, eventsMessage([created("a:1"), created("a:2"), created("a:3")]));
    model = reduce(model, envelope<BackgroundToPanel, "frame-disconnected">("lifeguard-background", "frame-disconnected", { frameId: 0 }));
    model = reduce(model, eventsMessage([created("b:1"), created("b:2")]));
    expect([...model.sockets.keys()]).toEqual(["b:1", "b:2"]);
  });

  it("drops the oldest frames past the frame cap, a tenth at a time, and counts them; indices stay right", () => {
    const log = new SocketLog({ ...PANEL_LIMITS, frames: 1000 });
    for (let seq = 1; seq <= 1000; seq++) log.appendFrame(frame(seq % 2 ? "a:1" : "b:1", seq));
    expect(log.frames).toHaveLength(1000);
    const epoch = log.epoch;
    log.appendFrame(frame("a:1", 1001));
    // 1,001 held is past the cap: down to 900 at once, so the next 100 appends cost nothing.
    expect(log.frames).toHaveLength(900);
    expect(log.epoch).toBeGreaterThan(epoch);
    const chars = Array.from({ length: 101 }, (_, i) => `message ${i + 1}`.length).reduce((a, b) => a + b);
    expect(log.dropped).toMatchObject({ events: 101, chars });
    expect(log.frames[0]!.seq).toBe(102);
    for (const id of ["a:1", "b:1"]) expect(log.framesOf(id).every((i) => log.frames[i]!.socket === id)).toBe(true);
    expect(log.framesOf("a:1").map((i) => log.frames[i]!.seq).at(-1)).toBe(1001);
    for (let seq = 1002; seq <= 1100; seq++) log.appendFrame(frame("a:1", seq));
    expect(log.frames).toHaveLength(999);
    // A dropped frame never comes back with a later snapshot.
    expect(log.appendFrame(frame("a:1", 3))).toBe(false);
  });

  it("drops the oldest frames past the characters of previews the log holds", () => {
    const log = new SocketLog({ ...PANEL_LIMITS, frameChars: 10_000 });
    for (let seq = 1; seq <= 30; seq++) log.appendFrame(frame("a:1", seq, { preview: "p".repeat(1000) }));
    expect(log.frames.length).toBeLessThanOrEqual(10);
    expect(log.frames.at(-1)!.seq).toBe(30);
    expect(log.dropped.events).toBe(30 - log.frames.length);
    expect(log.dropped.chars).toBe(log.dropped.events * 1000);
  });

  it("the model counts the frames its log drops with the rest", () => {
    const model = run({ frames: 100 }, eventsMessage([created("a:1")]), eventsMessage(Array.from({ length: 150 }, (_, i) => frameEvent("a:1", "in", 1, 10 + i, i + 1))));
    expect(model.log.frames.length).toBeLessThanOrEqual(100);
    expect(model.drops.total().events).toBe(150 - model.log.frames.length);
    // The counters still count every frame the page reported.
    expect(model.sockets.get("a:1")!.framesIn).toBe(150);
  });

  it("past the lifecycle bound, the busiest sockets lose their oldest events, a quiet one keeps its own", () => {
    const log = new SocketLog({ ...PANEL_LIMITS, events: 100 });
    const note = (socket: string, t: number): RecorderEvent => ({ kind: "note", t, socket, text: `n${t}` });
    for (let t = 0; t < 5; t++) log.appendEvent(note("quiet:1", t) as never);
    for (let t = 0; t < 200; t++) log.appendEvent(note("busy:1", 1000 + t) as never);
    expect(log.eventsOf("quiet:1")).toHaveLength(5);
    expect(log.eventsOf("busy:1").length).toBeLessThanOrEqual(95);
    expect(log.eventsOf("busy:1").at(-1)!.t).toBe(1199);
    expect(log.dropped.events).toBe(205 - 5 - log.eventsOf("busy:1").length);
    // A dropped event can come back (its key went with it), and then counts as held.
    expect(log.appendEvent(note("busy:1", 1000) as never)).toBe(true);
  });
});

describe("drops reported by relays and the router", () => {
  it("keeps each relay's latest running totals and the router's, and sums them with the panel's own", () => {
    const model = run(
      { sockets: 1 },
      relayDrops("r1", drops({ messages: 1, events: 10 })),
      relayDrops("r2", drops({ messages: 2, events: 5, sockets: 1 })),
      relayDrops("r1", drops({ messages: 3, events: 30 })),
      routerDrops(drops({ messages: 1, events: 100, sockets: 4 })),
      eventsMessage([created("a:1"), created("a:2")]),
    );
    expect(model.drops.total()).toEqual(drops({ messages: 6, events: 135, sockets: 6 }));
    expect(model.drops.dropped()).toBe(141);
  });

  it("a router that started again (a new service worker) adds its new totals to the old ones", () => {
    const model = run({}, routerDrops(drops({ events: 100 })), routerDrops(drops({ events: 5 })), routerDrops(drops({ events: 7 })));
    expect(model.drops.total().events).toBe(107);
  });

  it("tells relay drops from the router's by their source, though both are `over-budget`", () => {
    const model = run({}, relayDrops("r1", drops({ events: 10 })), routerDrops(drops({ events: 1 })), relayDrops("r2", drops({ events: 20 })));
    expect(model.drops.total().events).toBe(31);
  });

  it("clear starts counting afresh", () => {
    let model = run({}, relayDrops("r1", drops({ events: 10 })), refused("r1", 3));
    model = reduce(model, { type: "clear" });
    expect(model.drops.dropped()).toBe(0);
    expect(model.refusals.total()).toBe(0);
    model = reduce(model, relayDrops("r1", drops({ events: 12 })));
    model = reduce(model, refused("r1", 4));
    expect(model.drops.dropped()).toBe(2);
    expect(model.refusals.total()).toBe(1);
  });

  it("sums refused pairings over relays, and names the frame of the latest", () => {
    const model = run({}, refused("r1", 2, "https://a.test/"), refused("r2", 1, "https://ads.test/"), refused("r1", 5, "https://a.test/"), refused("r2", 1, "https://late.test/"));
    expect(model.refusals.total()).toBe(6);
    expect(model.refusals.frameUrl).toBe("https://a.test/");
    expect(model.alertsVersion).toBeGreaterThan(0);
  });

  it("remembers a bounded number of relays, keeping the sum of those it lets go", () => {
    let model = createModel();
    for (let i = 0; i < 1000; i++) model = reduce(model, relayDrops(`r${i}`, drops({ events: 1 })));
    model = reduce(model, relayDrops("r999", drops({ events: 2 })));
    expect(model.drops.total().events).toBe(1001);
    expect((model.drops as unknown as { relays: Map<string, unknown> }).relays.size).toBeLessThanOrEqual(256);
  });
});
