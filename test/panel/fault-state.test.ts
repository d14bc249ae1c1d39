import { describe, expect, it } from "vitest";
import { activeFaults } from "../../src/panel/fault-state";
import { createModel, reduce, type PanelModel } from "../../src/panel/model";
import { envelope, type BackgroundToPanel, type FaultKind, type RecorderEvent } from "../../src/shared/protocol";
import { eventsMessage, snapshotMessage, socketInfo, socketSnapshot } from "../support/messages";

type FaultEvent = Extract<RecorderEvent, { kind: "fault" }>;

const fault = (socket: string, kind: FaultKind, active: boolean, t: number, extra: Partial<FaultEvent> = {}): FaultEvent => ({ kind: "fault", t, socket, fault: kind, active, ...extra });

/** A small deterministic generator: the same sequences every run. */
function random(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

/**
 * The tab's offline, read from every event: the latest start over each socket's latest offline event,
 * unless an end came after it on any socket (the page world records the end on usable sockets only).
 */
function tabOffline(model: PanelModel, sockets: string[], now: number): number | undefined {
  const offline = sockets.flatMap((id) => model.log.eventsOf(id).filter((e): e is FaultEvent => e.kind === "fault" && e.fault === "offline"));
  const lastEnd = Math.max(-Infinity, ...offline.filter((e) => !e.active).map((e) => e.t));
  const starts = sockets
    .map((id) => model.log.eventsOf(id).filter((e): e is FaultEvent => e.kind === "fault" && e.fault === "offline").at(-1))
    .filter((e): e is FaultEvent => !!e && e.active && e.t >= lastEnd)
    .sort((a, b) => a.t - b.t || a.untilT! - b.untilT!);
  const until = starts.at(-1)?.untilT;
  return until !== undefined && until > now ? until : undefined;
}

describe("faults in force, followed as events come", () => {
  it("say what the events of each socket say, in whatever order batches and snapshots bring them", () => {
    const next = random(7);
    const kinds: FaultKind[] = ["offline", "blackhole", "latency", "drop", "refuse"];
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
        const inForce = model.faults.inForce(now, (id) => model.sockets.get(id));
        const on = (kind: string, id: string) => inForce.filter((f) => f.kind === kind && f.sockets.some((s) => s.id === id));
        for (const id of sockets) {
          const expected = activeFaults(model.log.eventsOf(id), now);
          expect(model.faults.of(id, now), `round ${round}, ${id} at ${now}`).toEqual(expected);
          expect(on("blackhole", id).map((f) => f.until)).toEqual(expected.blackholeUntil === undefined ? [] : [expected.blackholeUntil]);
          expect(on("latency", id).map((f) => f.detail)).toEqual(expected.latency === undefined ? [] : [expected.latency]);
          expect(on("refuse", id).map((f) => f.until)).toEqual(expected.refuseUntil === undefined ? [] : [expected.refuseUntil]);
        }
        // Identical faults go together: one entry per kind and end (or detail).
        const keys = inForce.map((f) => `${f.kind} ${f.until} ${f.detail}`);
        expect(new Set(keys).size).toBe(keys.length);
        expect(inForce.find((f) => f.kind === "offline")?.until).toBe(tabOffline(model, sockets, now));
        const ticking = sockets.some((id) => {
          const f = activeFaults(model.log.eventsOf(id), now);
          return f.offlineUntil !== undefined || f.blackholeUntil !== undefined || f.refuseUntil !== undefined;
        });
        expect(model.faults.ticking(now)).toBe(ticking);
      }
      expect(all.length).toBe(30);
    }
  });

  it("go with the sockets a navigation removes, and with a clear", () => {
    const view = (model: PanelModel) => (id: string) => model.sockets.get(id);
    let model = reduce(createModel(), eventsMessage([{ kind: "created", t: 1, socket: socketInfo("a:1") }, fault("a:1", "offline", true, 10, { untilT: 5000 })]));
    expect(model.faults.inForce(100, view(model))).toEqual([{ kind: "offline", sockets: [], until: 5000 }]);
    model = reduce(model, { type: "clear" });
    expect(model.faults.inForce(100, view(model))).toEqual([]);
    model = reduce(model, eventsMessage([fault("a:1", "blackhole", true, 20, { untilT: 6000 })], 3));
    expect(model.faults.ticking(100)).toBe(true);
    expect(model.faults.inForce(100, view(model)).map((f) => f.kind)).toEqual(["blackhole"]);
    model = reduce(model, envelope<BackgroundToPanel, "frame-disconnected">("lifeguard-background", "frame-disconnected", { frameId: 0 }));
    expect(model.faults.ticking(100)).toBe(false);
    expect(model.faults.of("a:1", 100)).toEqual({});
    expect(model.faults.inForce(100, view(model))).toEqual([]);
  });

  it("list every fault in force over the tab, identical ones together, none on a closed socket", () => {
    const ids = ["a:1", "a:2", "a:3", "a:4"];
    let model = reduce(createModel(), snapshotMessage(ids.map((id) => socketSnapshot(id, {}, { url: `wss://app.test/${id}` }))));
    model = reduce(
      model,
      eventsMessage([
        fault("a:1", "blackhole", true, 10, { untilT: 9000, detail: "8990 ms" }),
        fault("a:2", "blackhole", true, 10, { untilT: 9000, detail: "8990 ms" }),
        fault("a:3", "blackhole", true, 20, { untilT: 7000 }),
        fault("a:1", "latency", true, 30, { detail: "in 200 ms, out 0 ms" }),
        fault("a:4", "latency", true, 30, { detail: "in 200 ms, out 0 ms" }),
        fault("a:2", "latency", true, 30, { detail: "in 5 ms, out 5 ms" }),
      ]),
    );
    const list = () =>
      model.faults.inForce(100, (id) => model.sockets.get(id)).map((f) => `${f.kind} ${f.until ?? f.detail}: ${f.sockets.map((s) => s.id).join(",")}`);
    expect(list()).toEqual(["blackhole 7000: a:3", "blackhole 9000: a:1,a:2", "latency in 200 ms, out 0 ms: a:1,a:4", "latency in 5 ms, out 5 ms: a:2"]);
    // A socket that closed carries none of them any more.
    model = reduce(model, eventsMessage([{ kind: "state", t: 40, socket: "a:1", state: "closed", code: 1006, reason: "", wasClean: false }], 7));
    expect(list()).toEqual(["blackhole 7000: a:3", "blackhole 9000: a:2", "latency in 5 ms, out 5 ms: a:2", "latency in 200 ms, out 0 ms: a:4"]);
    // Ended: gone.
    model = reduce(model, eventsMessage([fault("a:3", "blackhole", false, 50), fault("a:2", "latency", false, 50)], 8));
    expect(list()).toEqual(["blackhole 9000: a:2", "latency in 200 ms, out 0 ms: a:4"]);
  });

  it("the tab's offline ends on the end the page world records on the sockets still usable, not on the ones it dropped", () => {
    const ids = ["a:1", "a:2"];
    let model = reduce(createModel(), snapshotMessage(ids.map((id) => socketSnapshot(id))));
    const offline = () => model.faults.inForce(100, (id) => model.sockets.get(id)).find((f) => f.kind === "offline")?.until;
    // Both get the start; a:1 (unprotected) closes; ended early, only a:2 (protected, still usable) gets the end.
    model = reduce(
      model,
      eventsMessage([
        fault("a:1", "offline", true, 10, { untilT: 60_000 }),
        fault("a:2", "offline", true, 10, { untilT: 60_000 }),
        { kind: "state", t: 11, socket: "a:1", state: "closed", code: 1006, reason: "", wasClean: false },
      ]),
    );
    expect(offline()).toBe(60_000);
    model = reduce(model, eventsMessage([fault("a:2", "offline", false, 20)], 4));
    expect(offline()).toBeUndefined();
    // Started again: its own end time, whatever the sockets' earlier ones said.
    model = reduce(model, eventsMessage([fault("a:2", "offline", true, 30, { untilT: 5000 })], 5));
    expect(offline()).toBe(5000);
  });

  it("a refusal stays in force after the socket it was started on closed (a server restart closes it at once), until it ends", () => {
    let model = reduce(createModel(), snapshotMessage([socketSnapshot("a:1", {}, { url: "wss://app.test/live" })]));
    const list = (now: number) => model.faults.inForce(now, (id) => model.sockets.get(id)).map((f) => `${f.kind} ${f.until}: ${f.sockets.map((s) => s.id).join(",")}`);
    model = reduce(
      model,
      eventsMessage([
        fault("a:1", "refuse", true, 10, { untilT: 5010, detail: "5000 ms" }),
        fault("a:1", "close", false, 11, { detail: "1012" }),
        { kind: "state", t: 12, socket: "a:1", state: "closed", code: 1012, reason: "", wasClean: true },
      ]),
    );
    expect(list(100)).toEqual(["refuse 5010: a:1"]);
    expect(model.faults.of("a:1", 100).refuseUntil).toBe(5010);
    expect(model.faults.ticking(100)).toBe(true);
    // Past its end: gone, and nothing ticks.
    expect(list(5010)).toEqual([]);
    expect(model.faults.ticking(5010)).toBe(false);
    // Ended early: gone at once.
    model = reduce(model, eventsMessage([fault("a:1", "refuse", false, 20)], 4));
    expect(list(100)).toEqual([]);
  });
});
