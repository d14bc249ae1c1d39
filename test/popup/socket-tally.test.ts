import { describe, expect, it } from "vitest";
import { countTally, emptyTally, foldTally, type SocketTally } from "../../src/popup/socket-tally";
import type { PanelAction } from "../../src/panel/model";
import { envelope, type BackgroundToPanel, type RelayToPanel } from "../../src/shared/protocol";
import { eventsMessage, snapshotMessage, socketInfo, socketSnapshot, stateEvent } from "../support/messages";

const fold = (...actions: unknown[]): SocketTally => actions.reduce<SocketTally>((t, a) => foldTally(t, a as PanelAction), emptyTally);
const frameGone = (frameId: number) =>
  envelope<BackgroundToPanel, "frame-disconnected">("lifeguard-background", "frame-disconnected", { frameId });

describe("socket tally", () => {
  it("is unknown until a page world answers, even with frames connected", () => {
    const t = fold({ type: "port", connected: true }, envelope<BackgroundToPanel, "frame-connected">("lifeguard-background", "frame-connected", { frameId: 0, url: "https://a/" }));
    expect(t.known).toBe(false);
  });

  it("an empty snapshot is a known zero", () => {
    const t = fold(snapshotMessage([]));
    expect(t.known).toBe(true);
    expect(countTally(t)).toEqual({ total: 0, open: 0, protected: 0 });
  });

  it("counts snapshots from several frames, then follows events", () => {
    const t = fold(
      snapshotMessage([socketSnapshot("a:1", { state: "open", protected: true }), socketSnapshot("a:2", { state: "closed", protected: true })]),
      snapshotMessage([socketSnapshot("b:1", { state: "connecting" })], "https://frame/"),
      eventsMessage([
        { kind: "created", t: 5, socket: socketInfo("a:3") },
        stateEvent("a:3", "open", 6),
        stateEvent("b:1", "open", 6),
        { kind: "protection", t: 7, socket: "b:1", protected: true },
        stateEvent("zz:9", "open", 8),
      ]),
    );
    // a:2 is closed: counted as a socket of the tab, not as open or protected. zz:9 was never seen.
    expect(countTally(t)).toEqual({ total: 4, open: 3, protected: 2 });
  });

  it("a repeated snapshot does not count a socket twice", () => {
    const snap = snapshotMessage([socketSnapshot("a:1")]);
    expect(countTally(fold(snap, snap)).total).toBe(1);
  });

  it("forgets the sockets of a top document that went away, not of an iframe", () => {
    const snap = snapshotMessage([socketSnapshot("a:1")]);
    expect(fold(snap, frameGone(3)).sockets.size).toBe(1);
    expect(fold(snap, frameGone(0))).toEqual(emptyTally);
  });
});

describe("socket tally under a flood", () => {
  const parts = Array.from({ length: 50 }, (_, p) => snapshotMessage(Array.from({ length: 1000 }, (_, i) => socketSnapshot(`s:${p * 1000 + i}`, { state: "open" }))));

  it("counts at most the panel's cap of sockets, and says there were more", () => {
    const t = fold(...parts);
    expect(countTally(t)).toEqual({ total: 2000, open: 2000, protected: 0 });
    expect(t.overflow).toBe(48_000);
    // A socket it holds still follows its events at the cap; one past it is not added by them.
    const after = fold(...parts, eventsMessage([stateEvent("s:5", "closed", 9), { kind: "created", t: 9, socket: socketInfo("late:1") }]));
    expect(after.sockets.get("s:5")!.state).toBe("closed");
    expect(after.sockets.has("late:1")).toBe(false);
  });

  it("changes its sockets in place: a message costs what it holds, not a copy of every socket", () => {
    const first = fold(parts[0]!);
    let t = first;
    for (let b = 0; b < 1000; b++) t = foldTally(t, eventsMessage([stateEvent(`s:${b}`, "closed", b)]) as PanelAction);
    expect(t.sockets).toBe(first.sockets);
    expect(countTally(t).open).toBe(0);
    // The shared empty tally is never written to.
    expect(emptyTally.sockets.size).toBe(0);
  });

  it("ignores what only the panel shows: budgets and refused pairings", () => {
    const before = fold(snapshotMessage([socketSnapshot("a:1")]));
    const drops = { messages: 1, events: 1, sockets: 1, chars: 1 };
    expect(foldTally(before, envelope<BackgroundToPanel, "over-budget">("lifeguard-background", "over-budget", { dropped: drops }) as PanelAction)).toBe(before);
    expect(
      foldTally(before, envelope<RelayToPanel, "bridge-refused">("lifeguard-relay", "bridge-refused", { relay: "r", frameUrl: "https://a/", reason: "late", count: 1 }) as PanelAction),
    ).toBe(before);
  });
});
