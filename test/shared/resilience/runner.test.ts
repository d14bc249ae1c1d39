import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CheckRun, PROGRESS_EVERY_MS, type CheckDriver, type CheckEnd, type CheckPlan, type CheckProgress } from "../../../src/shared/resilience/runner";
import type { Scenario, StepMark } from "../../../src/shared/resilience/types";
import type { FaultCommand, FaultTarget } from "../../../src/shared/protocol";

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

interface Sent {
  at: number;
  target: FaultTarget;
  fault: FaultCommand;
}

/** A driver on vitest's fake clock that writes down what it is asked to do. */
function recordingDriver(targets: () => FaultTarget[] = () => [{ socket: "s:1" }]) {
  const sent: Sent[] = [];
  const watched: { at: number; on: boolean }[] = [];
  const driver: CheckDriver = {
    now: () => Date.now(),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    fault: (target, fault) => sent.push({ at: Date.now() - T0, target, fault }),
    watch: (on) => watched.push({ at: Date.now() - T0, on }),
    targets,
  };
  return { driver, sent, watched };
}

function run(plan: CheckPlan, driver: CheckDriver) {
  const marks: StepMark[] = [];
  const progress: CheckProgress[] = [];
  let end: CheckEnd | null = null;
  const check = new CheckRun(plan, driver, {
    mark: (m) => marks.push(m),
    progress: (p) => progress.push(p),
    end: (e) => (end = e),
  });
  return { check, marks, progress, end: () => end };
}

const SCENARIO: Scenario = {
  name: "test",
  settleMs: 1000,
  steps: [
    { kind: "drop", observeMs: 3000 },
    { kind: "restart", code: 1012, durationMs: 5000, observeMs: 8000 },
    { kind: "offline", durationMs: 2000, observeMs: 4000 },
    { kind: "blackhole", durationMs: 6000, observeMs: 6000 },
    { kind: "latency", inMs: 2000, outMs: 1500, durationMs: 5000, observeMs: 7000 },
  ],
};

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});

afterEach(() => {
  vi.useRealTimers();
});

describe("CheckRun: a scenario", () => {
  it("never starts by itself", () => {
    const { driver, sent, watched } = recordingDriver();
    run({ kind: "scenario", scenario: SCENARIO }, driver);
    vi.advanceTimersByTime(60_000);
    expect(sent).toEqual([]);
    expect(watched).toEqual([]);
  });

  it("sends each step's commands in order, observes, settles, marks, and stops watching at the end", () => {
    const { driver, sent, watched } = recordingDriver();
    const r = run({ kind: "scenario", scenario: SCENARIO }, driver);
    r.check.start();
    vi.advanceTimersByTime(60_000);
    const s = { socket: "s:1" };
    expect(sent).toEqual([
      { at: 0, target: s, fault: { kind: "drop" } },
      // restart: refused first, then the close, so a page that reconnects at once meets a server that is down
      { at: 4000, target: s, fault: { kind: "refuse", durationMs: 5000 } },
      { at: 4000, target: s, fault: { kind: "close", code: 1012, reason: "server restart" } },
      // offline is the network's: the whole tab
      { at: 13_000, target: { tab: true }, fault: { kind: "offline", durationMs: 2000 } },
      { at: 18_000, target: s, fault: { kind: "blackhole", durationMs: 6000 } },
      { at: 25_000, target: s, fault: { kind: "latency", inMs: 2000, outMs: 1500 } },
      // latency has no end of its own in the page world: the runner ends it after its duration
      { at: 30_000, target: s, fault: { kind: "latency", inMs: 0, outMs: 0 } },
    ]);
    expect(watched).toEqual([
      { at: 0, on: true },
      { at: 32_000, on: false },
    ]);
    expect(r.marks.map((m) => [m.index, m.step.kind, m.startT - T0, m.faultEndT - T0, m.endT - T0, m.stopped])).toEqual([
      [0, "drop", 0, 0, 3000, undefined],
      [1, "restart", 4000, 9000, 12_000, undefined],
      [2, "offline", 13_000, 15_000, 17_000, undefined],
      [3, "blackhole", 18_000, 24_000, 24_000, undefined],
      [4, "latency", 25_000, 30_000, 32_000, undefined],
    ]);
    expect(r.end()).toEqual({ startedAt: T0, endedAt: T0 + 32_000, marks: r.marks, stopped: false });
    expect(r.check.ended).toBe(true);
  });

  it("asks for the targets at each step, so a socket the page replaced is the one broken next", () => {
    let current = "s:1";
    const { driver, sent } = recordingDriver(() => [{ socket: current }]);
    const r = run({ kind: "scenario", scenario: { ...SCENARIO, steps: SCENARIO.steps.slice(0, 2) } }, driver);
    r.check.start();
    current = "s:2";
    vi.advanceTimersByTime(10_000);
    expect(sent.map((x) => x.target)).toEqual([{ socket: "s:1" }, { socket: "s:2" }, { socket: "s:2" }]);
  });

  it("a step with no live socket sends nothing and is still marked", () => {
    const { driver, sent } = recordingDriver(() => []);
    const r = run({ kind: "scenario", scenario: SCENARIO }, driver);
    r.check.start();
    vi.advanceTimersByTime(60_000);
    expect(sent).toEqual([]);
    expect(r.marks).toHaveLength(5);
  });

  it("breaks every socket of the tab, each getting the refusal before any close", () => {
    const { driver, sent } = recordingDriver(() => [{ socket: "a:1" }, { socket: "b:1" }]);
    const r = run({ kind: "scenario", scenario: { ...SCENARIO, steps: [SCENARIO.steps[1]!] } }, driver);
    r.check.start();
    expect(sent.map((x) => `${x.fault.kind} ${"socket" in x.target ? x.target.socket : "tab"}`)).toEqual([
      "refuse a:1",
      "refuse b:1",
      "close a:1",
      "close b:1",
    ]);
  });

  it("Stop mid-step ends the faults in force at once, stops watching and marks the step stopped", () => {
    const { driver, sent, watched } = recordingDriver();
    const r = run({ kind: "scenario", scenario: SCENARIO }, driver);
    r.check.start();
    vi.advanceTimersByTime(6000); // in restart's refusal (4000..9000)
    r.check.stop();
    const after = sent.filter((x) => x.at >= 6000);
    expect(after).toEqual([{ at: 6000, target: { socket: "s:1" }, fault: { kind: "refuse", durationMs: 0 } }]);
    expect(watched.at(-1)).toEqual({ at: 6000, on: false });
    expect(r.marks.at(-1)).toMatchObject({ index: 1, stopped: true, endT: T0 + 6000 });
    expect(r.end()).toMatchObject({ stopped: true, endedAt: T0 + 6000 });
    // Nothing more happens after a stop: no timer is left.
    const count = sent.length;
    vi.advanceTimersByTime(60_000);
    expect(sent.length).toBe(count);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("Stop ends each kind of fault with its own ending command", () => {
    const endings: [number, FaultCommand, FaultTarget][] = [
      [2, { kind: "offline", durationMs: 0 }, { tab: true }],
      [3, { kind: "blackhole", durationMs: 0 }, { socket: "s:1" }],
      [4, { kind: "latency", inMs: 0, outMs: 0 }, { socket: "s:1" }],
    ];
    for (const [index, ending, target] of endings) {
      const { driver, sent } = recordingDriver();
      const r = run({ kind: "scenario", scenario: { ...SCENARIO, steps: [SCENARIO.steps[index]!] } }, driver);
      r.check.start();
      vi.advanceTimersByTime(1000);
      r.check.stop();
      expect(sent.at(-1)).toEqual({ at: expect.any(Number), target, fault: ending });
    }
  });

  it("Stop after a fault ended by itself sends no ending for it; Stop while settling marks nothing stopped", () => {
    const { driver, sent } = recordingDriver();
    const r = run({ kind: "scenario", scenario: SCENARIO }, driver);
    r.check.start();
    vi.advanceTimersByTime(12_500); // restart's refusal ended at 9000; settling until 13000
    r.check.stop();
    expect(sent.map((x) => x.fault.kind)).toEqual(["drop", "refuse", "close"]);
    expect(r.marks.map((m) => m.stopped)).toEqual([undefined, undefined]);
  });

  it("a driver that throws ends the run, and the faults in force still end", () => {
    const { driver, sent, watched } = recordingDriver();
    let broken = false;
    const flaky: CheckDriver = {
      ...driver,
      fault: (target, fault) => {
        if (broken && fault.kind === "drop") throw new Error("port closed");
        driver.fault(target, fault);
      },
    };
    const r = run({ kind: "scenario", scenario: { ...SCENARIO, steps: [SCENARIO.steps[3]!, SCENARIO.steps[0]!] } }, flaky);
    r.check.start();
    broken = true;
    vi.advanceTimersByTime(7000); // black-hole until 6000, settle, then the drop throws
    expect(r.end()).toMatchObject({ stopped: true, error: "port closed" });
    expect(watched.at(-1)?.on).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    expect(sent.map((x) => x.fault.kind)).toEqual(["blackhole"]);
  });

  it("tells progress: the step, its count, and the time left in the step and the run", () => {
    const { driver } = recordingDriver();
    const r = run({ kind: "scenario", scenario: SCENARIO }, driver);
    r.check.start();
    vi.advanceTimersByTime(6000);
    expect(r.check.progress()).toMatchObject({
      phase: "observe",
      index: 1,
      count: 5,
      step: SCENARIO.steps[1],
      startT: T0 + 4000,
      phaseLeftMs: 6000,
      leftMs: 32_000 - 6000,
    });
    vi.advanceTimersByTime(6500); // settling after restart
    expect(r.check.progress()).toMatchObject({ phase: "settle", index: 1, step: null, phaseLeftMs: 500, leftMs: 32_000 - 12_500 });
    // Told at least every PROGRESS_EVERY_MS, and the time left only goes down.
    const lefts = r.progress.map((p) => p.leftMs);
    expect(lefts.length).toBeGreaterThanOrEqual(12_500 / PROGRESS_EVERY_MS);
    expect(lefts).toEqual([...lefts].sort((a, b) => b - a));
  });

  it("runs once", () => {
    const { driver } = recordingDriver();
    const r = run({ kind: "scenario", scenario: SCENARIO }, driver);
    r.check.start();
    expect(() => r.check.start()).toThrow(/once/);
  });
});

describe("CheckRun: a chaos schedule", () => {
  const schedule = [
    { atMs: 2000, step: { kind: "drop", observeMs: 5000 } as const },
    { atMs: 4000, step: { kind: "blackhole", durationMs: 3000, observeMs: 5000 } as const },
    { atMs: 12_000, step: { kind: "offline", durationMs: 1000, observeMs: 2000 } as const },
    { atMs: 30_000, step: { kind: "drop", observeMs: 1000 } as const },
  ];

  it("applies each fault at its time, each window cut by the next fault and by the total time", () => {
    const { driver, sent, watched } = recordingDriver();
    const r = run({ kind: "chaos", schedule, totalMs: 13_000 }, driver);
    r.check.start();
    vi.advanceTimersByTime(60_000);
    expect(sent.map((x) => [x.at, x.fault.kind])).toEqual([
      [2000, "drop"],
      [4000, "blackhole"],
      [12_000, "offline"],
    ]);
    expect(r.marks.map((m) => [m.index, m.startT - T0, m.endT - T0])).toEqual([
      [0, 2000, 4000],
      [1, 4000, 9000],
      [2, 12_000, 13_000],
    ]);
    expect(watched.at(-1)).toEqual({ at: 13_000, on: false });
    expect(r.end()).toMatchObject({ stopped: false, endedAt: T0 + 13_000 });
  });

  it("the same schedule replays the same faults at the same times", () => {
    const runs = [0, 1].map(() => {
      vi.setSystemTime(T0);
      const { driver, sent } = recordingDriver();
      run({ kind: "chaos", schedule, totalMs: 40_000 }, driver).check.start();
      vi.advanceTimersByTime(40_000);
      return sent;
    });
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[0]).toHaveLength(4);
  });

  it("runs until stopped within its total time, and tells the time left of the whole run", () => {
    const { driver, sent } = recordingDriver();
    const r = run({ kind: "chaos", schedule, totalMs: 40_000 }, driver);
    r.check.start();
    vi.advanceTimersByTime(5000);
    expect(r.check.progress()).toMatchObject({ phase: "observe", index: 1, count: 4, leftMs: 35_000 });
    r.check.stop();
    expect(sent.at(-1)!.fault).toEqual({ kind: "blackhole", durationMs: 0 });
    expect(r.marks.at(-1)).toMatchObject({ index: 1, stopped: true });
    expect(r.check.progress()).toBeNull();
  });
});
