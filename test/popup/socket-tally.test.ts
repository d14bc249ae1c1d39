import { describe, expect, it } from "vitest";
import { countTally, emptyTally, foldTally, type SocketTally } from "../../src/popup/socket-tally";
import type { PanelAction } from "../../src/panel/model";
import { envelope, type BackgroundToPanel } from "../../src/shared/protocol";
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
