import { describe, expect, it } from "vitest";
import { createModel, reduce, socketsByFrame, type PanelAction, type PanelModel } from "../../src/panel/model";
import { PROTOCOL_VERSION } from "../../src/shared/protocol";
import { eventsMessage, frameEvent, snapshotMessage, socketInfo, socketSnapshot, stateEvent } from "../support/messages";

const run = (...actions: PanelAction[]): PanelModel => actions.reduce(reduce, createModel());
const bg = <T extends object>(type: string, payload: T) =>
  ({ source: "lifeguard-background", v: PROTOCOL_VERSION, type, ...payload }) as unknown as PanelAction;

describe("panel model", () => {
  it("takes sockets, counters and protection from a snapshot", () => {
    const model = run(
      snapshotMessage([
        socketSnapshot("a:1", {
          state: "closed",
          protected: true,
          framesIn: 3,
          framesOut: 1,
          bytesIn: 30,
          bytesOut: 4,
          events: [stateEvent("a:1", "closed", 1500, { code: 1006 }), frameEvent("a:1", "in", 10, 1400)],
        }),
      ]),
    );
    expect(model.sockets.get("a:1")).toMatchObject({
      state: "closed",
      protected: true,
      framesIn: 3,
      framesOut: 1,
      bytesIn: 30,
      bytesOut: 4,
      lastActivity: 1500,
      closeCode: 1006,
    });
  });

  it("takes a snapshot given in parts (one socket's events over several messages) as the whole one", () => {
    const events = [
      { kind: "created", t: 1000, socket: socketInfo("a:1") } as const,
      frameEvent("a:1", "out", 3, 1500, 1),
      stateEvent("a:1", "open", 1600),
      frameEvent("a:1", "in", 7, 2000, 2),
      { kind: "delivery", t: 2100, socket: "a:1", id: "1", status: "resent" } as const,
      frameEvent("a:1", "in", 5, 2200, 3),
      stateEvent("a:1", "closed", 2300, { code: 4000, reason: "bye" }),
    ];
    const snap = socketSnapshot("a:1", { state: "closed", framesIn: 2, framesOut: 1, bytesIn: 12, bytesOut: 3, lastSeq: 3, events });
    const whole = run(snapshotMessage([snap]));
    const parts = run(
      snapshotMessage([{ ...snap, events: events.slice(0, 2) }]),
      snapshotMessage([{ ...snap, events: events.slice(2, 5) }, socketSnapshot("b:1")]),
      snapshotMessage([{ ...snap, events: events.slice(5) }]),
    );
    expect(parts.sockets.get("a:1")).toEqual(whole.sockets.get("a:1"));
    const frames = (m: typeof whole) => m.log.framesOf("a:1").map((i) => m.log.frames[i]!.seq);
    expect(frames(parts)).toEqual([1, 2, 3]);
    expect(frames(parts)).toEqual(frames(whole));
    expect(parts.log.eventsOf("a:1")).toEqual(whole.log.eventsOf("a:1"));
  });

  it("applies events on top of a snapshot: state, frames, bytes, last activity", () => {
    const model = run(
      snapshotMessage([socketSnapshot("a:1", { framesIn: 1, bytesIn: 5, lastSeq: 1 })]),
      eventsMessage([frameEvent("a:1", "in", 7, 2000, 2), frameEvent("a:1", "out", 3, 2001, 3), stateEvent("a:1", "closing", 2002)]),
      eventsMessage([stateEvent("a:1", "closed", 2003, { code: 4000 })]),
    );
    expect(model.sockets.get("a:1")).toMatchObject({
      state: "closed",
      framesIn: 2,
      framesOut: 1,
      bytesIn: 12,
      bytesOut: 3,
      lastActivity: 2003,
      closeCode: 4000,
    });
  });

  it("does not count again the frames of a batch that crossed a snapshot", () => {
    // The page posted frames 2 and 3 as events, then answered a snapshot request that already
    // counts them; the batch arrives after the snapshot.
    const model = run(
      snapshotMessage([socketSnapshot("a:1", { framesIn: 3, bytesIn: 30, lastSeq: 3 })]),
      eventsMessage([frameEvent("a:1", "in", 10, 2000, 2), frameEvent("a:1", "in", 10, 2001, 3), frameEvent("a:1", "in", 10, 2002, 4)]),
    );
    expect(model.sockets.get("a:1")).toMatchObject({ framesIn: 4, bytesIn: 40, lastSeq: 4 });
  });

  it("a repeated snapshot replaces, never adds", () => {
    const model = run(
      snapshotMessage([socketSnapshot("a:1", { framesIn: 2 })]),
      eventsMessage([frameEvent("a:1", "in", 1, 2000)]),
      snapshotMessage([socketSnapshot("a:1", { framesIn: 3 })]),
    );
    expect(model.sockets.get("a:1")!.framesIn).toBe(3);
  });

  it("learns a socket from its `created` event, unprotected as the recorder starts it", () => {
    const model = run(eventsMessage([{ kind: "created", t: 10, socket: socketInfo("b:1", { createdAt: 10 }) }, stateEvent("b:1", "open", 11)]));
    expect(model.sockets.get("b:1")).toMatchObject({ state: "open", protected: false, lastActivity: 11 });
  });

  it("follows the recorder's protection events", () => {
    const protection = (on: boolean, t: number) => ({ kind: "protection" as const, t, socket: "a:1", protected: on });
    let model = run(snapshotMessage([socketSnapshot("a:1", { protected: false })]), eventsMessage([protection(true, 5)]));
    expect(model.sockets.get("a:1")!.protected).toBe(true);
    model = reduce(model, eventsMessage([{ kind: "note", t: 6, socket: "a:1", text: "error" }]));
    expect(model.sockets.get("a:1")!.protected).toBe(true);
    model = reduce(model, eventsMessage([protection(false, 7)]));
    expect(model.sockets.get("a:1")!.protected).toBe(false);
  });

  it("a `created` event does not reset a socket the snapshot brought", () => {
    const model = run(
      snapshotMessage([socketSnapshot("a:1", { framesIn: 9 })]),
      eventsMessage([{ kind: "created", t: 10, socket: socketInfo("a:1") }]),
    );
    expect(model.sockets.get("a:1")!.framesIn).toBe(9);
  });

  it("skips events of sockets it does not know, and returns the same model when nothing changed", () => {
    const before = run(snapshotMessage([socketSnapshot("a:1")]));
    const after = reduce(before, eventsMessage([frameEvent("zz:9", "in", 5, 1)]));
    expect(after).toBe(before);
  });

  it("tracks connected frames, and starts afresh when the top document goes", () => {
    let model = run({ type: "port", connected: true }, bg("frame-connected", { frameId: 0, url: "https://a.test/" }));
    model = reduce(model, bg("frame-connected", { frameId: 3, url: "https://f.test/" }));
    model = reduce(model, snapshotMessage([socketSnapshot("a:1")]));
    model = reduce(model, bg("frame-disconnected", { frameId: 3 }));
    expect([...model.frames.keys()]).toEqual([0]);
    expect(model.sockets.size).toBe(1);
    // The new document's relay may connect before the old one's goodbye arrives.
    model = reduce(model, bg("frame-connected", { frameId: 0, url: "https://a.test/2" }));
    model = reduce(model, bg("frame-disconnected", { frameId: 0 }));
    expect(model.frames.get(0)).toBe(1);
    expect(model.sockets.size).toBe(0);
  });

  it("changes the sockets in place: a batch costs what it holds, not a copy of every socket", () => {
    const before = run(snapshotMessage(Array.from({ length: 1000 }, (_, i) => socketSnapshot(`a:${i}`))));
    const sockets = before.sockets;
    const untouched = sockets.get("a:500");
    const after = reduce(before, eventsMessage([frameEvent("a:1", "in", 5, 2000, 1)]));
    expect(after).not.toBe(before);
    expect(after.sockets).toBe(sockets);
    expect(after.socketsVersion).toBeGreaterThan(before.socketsVersion);
    expect(after.sockets.get("a:500")).toBe(untouched);
    expect(after.sockets.get("a:1")!.framesIn).toBe(1);
  });

  it("records a version mismatch", () => {
    const model = run(bg("version-mismatch", { expected: 1, got: 2 }));
    expect(model.versionMismatch).toEqual({ expected: 1, got: 2 });
  });

  it("groups by frame with the top frame first", () => {
    const model = run(
      snapshotMessage([
        socketSnapshot("s:1", {}, { topFrame: false, frameUrl: "https://f.test/" }),
        socketSnapshot("t:1", {}, { topFrame: true }),
        socketSnapshot("s:2", {}, { topFrame: false, frameUrl: "https://f.test/" }),
      ]),
    );
    expect(socketsByFrame(model).map((g) => [g.topFrame, g.sockets.map((s) => s.id)])).toEqual([
      [true, ["t:1"]],
      [false, ["s:1", "s:2"]],
    ]);
  });
});
