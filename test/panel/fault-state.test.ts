import { describe, expect, it } from "vitest";
import { activeFaults } from "../../src/panel/fault-state";
import { createModel, reduce } from "../../src/panel/model";
import { envelope, type BackgroundToPanel, type FaultKind, type RecorderEvent } from "../../src/shared/protocol";
import { eventsMessage, snapshotMessage, socketInfo, socketSnapshot } from "../support/messages";

type FaultEvent = Extract<RecorderEvent, { kind: "fault" }>;

const fault = (socket: string, kind: FaultKind, active: boolean, t: number, extra: Partial<FaultEvent> = {}): FaultEvent => ({ kind: "fault", t, socket, fault: kind, active, ...extra });

/** A small deterministic generator: the same sequences every run. */
function random(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

describe("faults in force, followed as events come", () => {
  it("say what the events of each socket say, in whatever order batches and snapshots bring them", () => {
    const next = random(7);
    const kinds: FaultKind[] = ["offline", "blackhole", "latency", "drop"];
    const sockets = ["a:1", "a:2", "a:3"];
    for (let round = 0; round < 40; round++) {
      let model = reduce(createModel(), snapshotMessage(sockets.map((id) => socketSnapshot(id))));
      const all: FaultEvent[] = [];
      for (let m = 0; m < 6; m++) {
        const events = Array.from({ length: 5 }, () => {
          const kind = kinds[Math.floor(next() * kinds.length)]!;
          const active = next() < 0.6;
          // Times collide on purpose (ties), and go back (a snapshot merged late).
          const t = Math.floor(next() * 20) * 100;
          return fault(sockets[Math.floor(next() * 3)]!, kind, active, t, kind === "latency" ? { detail: `in ${t} ms` } : { untilT: t + Math.floor(next() * 3000) });
        });
        all.push(...events);
        model = reduce(model, next() < 0.3 ? snapshotMessage(sockets.map((id) => socketSnapshot(id, { events: events.filter((e) => e.socket === id) }))) : eventsMessage(events));
      }
      for (const now of [0, 900, 1500, 2500, 5000]) {
        let offline: number | undefined;
        for (const id of sockets) {
          const expected = activeFaults(model.log.eventsOf(id), now);
          expect(model.faults.of(id, now), `round ${round}, ${id} at ${now}`).toEqual(expected);
          if (expected.offlineUntil !== undefined) offline = Math.max(offline ?? 0, expected.offlineUntil);
        }
        expect(model.faults.offlineUntil(now)).toBe(offline);
        const ticking = sockets.some((id) => {
          const f = activeFaults(model.log.eventsOf(id), now);
          return f.offlineUntil !== undefined || f.blackholeUntil !== undefined;
        });
        expect(model.faults.ticking(now)).toBe(ticking);
      }
      expect(all.length).toBe(30);
    }
  });

  it("go with the sockets a navigation removes, and with a clear", () => {
    let model = reduce(createModel(), eventsMessage([{ kind: "created", t: 1, socket: socketInfo("a:1") }, fault("a:1", "offline", true, 10, { untilT: 5000 })]));
    expect(model.faults.offlineUntil(100)).toBe(5000);
    model = reduce(model, { type: "clear" });
    expect(model.faults.offlineUntil(100)).toBeUndefined();
    model = reduce(model, eventsMessage([fault("a:1", "blackhole", true, 20, { untilT: 6000 })]));
    expect(model.faults.ticking(100)).toBe(true);
    model = reduce(model, envelope<BackgroundToPanel, "frame-disconnected">("lifeguard-background", "frame-disconnected", { frameId: 0 }));
    expect(model.faults.ticking(100)).toBe(false);
    expect(model.faults.of("a:1", 100)).toEqual({});
  });
});
