/**
 * Runs a resilience check: a scenario's steps one after the other, or a chaos schedule's faults at their
 * times, through a driver that sends the faults and says which sockets are there to break. It marks when
 * each step really ran (`StepMark`); `measure.ts` reads those marks against the recorder's events.
 *
 * Pure: the clock, the timers and the way to the page come in through `CheckDriver`, so the panel and
 * the testing API run the very same steps, and tests drive it with fake timers. A run never starts by
 * itself (`start`), and whatever way it ends (last step, `stop`, a driver that threw) it ends every
 * fault it started that is still in force and stops watching the page's errors.
 */
import type { FaultCommand, FaultTarget } from "../protocol";
import type { Scenario, Step, StepMark } from "./types";

export interface CheckDriver {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Sends a fault the check started (the page world ends such faults when the check ends, too). */
  fault(target: FaultTarget, fault: FaultCommand): void;
  /** Whether the page world records page errors (`check` on / off). */
  watch(on: boolean): void;
  /** Live sockets of the target now (for {socket} targets: the current socket of its logical connection — the page may have replaced it). */
  targets(): FaultTarget[];
}

/** A fault of a chaos schedule: its step, `atMs` after the run started. */
export interface ChaosFault {
  atMs: number;
  step: Step;
}

/** What a run runs. */
export type CheckPlan =
  | { kind: "scenario"; scenario: Scenario }
  /** The faults in time order; the run lasts `totalMs` unless stopped. */
  | { kind: "chaos"; schedule: readonly ChaosFault[]; totalMs: number };

/**
 * Where a run stands. `observe`: step `index`'s fault was sent at `startT` and its window is open;
 * `settle`: the pause after it; `wait`: a chaos run waits for its next fault.
 */
export interface CheckProgress {
  phase: "observe" | "settle" | "wait";
  /** The step observed, or the last one that ran (-1 before the first). */
  index: number;
  /** Steps in the scenario, faults in the schedule. */
  count: number;
  /** The step observed (phase `observe`), else null. */
  step: Step | null;
  startT: number | null;
  /** Time left in this phase, and in the whole run, ms. */
  phaseLeftMs: number;
  leftMs: number;
}

export interface CheckEnd {
  startedAt: number;
  endedAt: number;
  marks: StepMark[];
  /** Ended by `stop` (or a driver that threw) before its last step was done. */
  stopped: boolean;
  /** What the driver threw, when that ended the run. */
  error?: string;
}

export interface CheckListener {
  progress?(progress: CheckProgress): void;
  /** A step's window closed (or the run was stopped during it). */
  mark?(mark: StepMark): void;
  end?(end: CheckEnd): void;
}

/** How often progress is told while nothing else changes (the view counts seconds down). */
export const PROGRESS_EVERY_MS = 1000;

/** The reason of the close that stands for a server restart. */
export const RESTART_REASON = "server restart";

/** A fault a step put in force that does not end with the step's own window, and how it is ended. */
interface InForce {
  until: number;
  targets: FaultTarget[];
  end: FaultCommand;
  /** The runner's own timer that ends it (latency has no duration of its own in the page world). */
  timer?: unknown;
}

type RunState =
  | { name: "ready" }
  | {
      name: "running";
      phase: CheckProgress["phase"];
      index: number;
      /** The step whose window is open (phase `observe`). */
      open: { index: number; step: Step; startT: number; faultEndT: number } | null;
      phaseEndsAt: number;
      timer: unknown;
    }
  | { name: "ended" };

/** Ending commands of the faults that last: what `stop` sends for a fault still in force. */
function endingOf(step: Step): FaultCommand | null {
  switch (step.kind) {
    case "drop":
      return null;
    case "restart":
      return { kind: "refuse", durationMs: 0 };
    case "offline":
      return { kind: "offline", durationMs: 0 };
    case "blackhole":
      return { kind: "blackhole", durationMs: 0 };
    case "latency":
      return { kind: "latency", inMs: 0, outMs: 0 };
  }
}

/** The commands that start a step's fault, in the order they are sent. */
function startingOf(step: Step): FaultCommand[] {
  const durationMs = step.durationMs ?? 0;
  switch (step.kind) {
    case "drop":
      return [{ kind: "drop" }];
    case "restart":
      // Refused first: a page that reconnects at once on the close must already meet a server that is down.
      return [
        ...(durationMs > 0 ? [{ kind: "refuse", durationMs } as const] : []),
        { kind: "close", code: step.code ?? 1012, reason: RESTART_REASON },
      ];
    case "offline":
      return [{ kind: "offline", durationMs }];
    case "blackhole":
      return [{ kind: "blackhole", durationMs }];
    case "latency":
      return [{ kind: "latency", inMs: step.inMs ?? 0, outMs: step.outMs ?? 0 }];
  }
}

/** How long a step's fault lasts (latency without a duration: its whole window). */
function durationOf(step: Step): number {
  if (step.kind === "drop") return 0;
  return step.durationMs ?? (step.kind === "latency" ? step.observeMs : 0);
}

export class CheckRun {
  private state: RunState = { name: "ready" };
  private readonly marks: StepMark[] = [];
  private readonly inForce: InForce[] = [];
  private startedAt = 0;
  private tickTimer: unknown = undefined;

  constructor(
    private readonly plan: CheckPlan,
    private readonly driver: CheckDriver,
    private readonly listener: CheckListener = {},
  ) {}

  get running(): boolean {
    return this.state.name === "running";
  }

  get ended(): boolean {
    return this.state.name === "ended";
  }

  /** The marks of the steps whose window closed so far. */
  get done(): readonly StepMark[] {
    return this.marks;
  }

  private get count(): number {
    return this.plan.kind === "scenario" ? this.plan.scenario.steps.length : this.plan.schedule.length;
  }

  private stepAt(index: number): Step {
    return this.plan.kind === "scenario" ? this.plan.scenario.steps[index]! : this.plan.schedule[index]!.step;
  }

  /** Starts the run: the page is watched, and the first step runs (a chaos run waits for its first fault). */
  start(): void {
    if (this.state.name !== "ready") throw new Error("a check runs once: make a new CheckRun");
    this.startedAt = this.driver.now();
    this.state = { name: "running", phase: "wait", index: -1, open: null, phaseEndsAt: this.startedAt, timer: undefined };
    this.guard(() => {
      this.driver.watch(true);
      if (this.plan.kind === "scenario") this.runStep(0);
      else this.waitFor(0);
      this.tick();
    });
  }

  /** Ends the run at once: its faults in force end, the step being observed is marked stopped. */
  stop(): void {
    if (this.state.name === "ready") {
      this.state = { name: "ended" };
      return;
    }
    if (this.state.name === "running") this.finish(true);
  }

  /** Where the run stands now, or null when it is not running. */
  progress(): CheckProgress | null {
    const s = this.state;
    if (s.name !== "running") return null;
    const now = this.driver.now();
    const phaseLeftMs = Math.max(0, s.phaseEndsAt - now);
    return {
      phase: s.phase,
      index: s.index,
      count: this.count,
      step: s.open?.step ?? null,
      startT: s.open?.startT ?? null,
      phaseLeftMs,
      leftMs: this.leftMs(s.phase, s.index, phaseLeftMs, now),
    };
  }

  private leftMs(phase: CheckProgress["phase"], index: number, phaseLeftMs: number, now: number): number {
    if (this.plan.kind === "chaos") return Math.max(0, this.startedAt + this.plan.totalMs - now);
    const { steps, settleMs } = this.plan.scenario;
    let left = phaseLeftMs;
    for (let j = index + 1; j < steps.length; j++) left += steps[j]!.observeMs + settleMs;
    // Still to come after the current observation: a settle before each later step, not after the last.
    if (phase === "settle") left -= settleMs;
    return Math.max(0, left);
  }

  private runStep(index: number): void {
    const step = this.stepAt(index);
    const startT = this.driver.now();
    const durationMs = durationOf(step);
    const faultEndT = startT + durationMs;
    const windowMs = this.windowOf(index, startT);
    this.enter("observe", index, { index, step, startT, faultEndT }, windowMs, () => this.closeStep(index));
    // With no live socket, nothing is sent; the mark still says the step ran (measure: "no connection to test").
    const targets = this.driver.targets();
    if (targets.length === 0) return;
    const to = step.kind === "offline" ? [{ tab: true } as const] : targets;
    const ending = endingOf(step);
    if (ending && durationMs > 0) {
      const entry: InForce = { until: faultEndT, targets: to, end: ending };
      // The page world ends offline, black-hole and refusal by itself; latency is ended from here.
      if (step.kind === "latency") entry.timer = this.driver.setTimeout(() => this.guard(() => this.endInForce(entry)), durationMs);
      this.inForce.push(entry);
    }
    for (const command of startingOf(step)) for (const target of to) this.driver.fault(target, command);
  }

  /** A step's observation window: its own, cut short in a chaos run by the next fault or the run's end. */
  private windowOf(index: number, startT: number): number {
    const step = this.stepAt(index);
    if (this.plan.kind === "scenario") return step.observeMs;
    const runEnd = this.startedAt + this.plan.totalMs;
    const next = this.plan.schedule[index + 1];
    const nextAt = next ? this.startedAt + next.atMs : Infinity;
    return Math.max(0, Math.min(step.observeMs, nextAt - startT, runEnd - startT));
  }

  private closeStep(index: number): void {
    this.markOpen(false);
    if (this.plan.kind === "scenario") {
      if (index + 1 >= this.count) return this.finish(false);
      const settleMs = this.plan.scenario.settleMs;
      if (settleMs <= 0) this.runStep(index + 1);
      else this.enter("settle", index, null, settleMs, () => this.runStep(index + 1));
      return;
    }
    this.waitFor(index + 1);
  }

  /** Chaos: waits for fault `index` (or the run's end when there is none left within it). */
  private waitFor(index: number): void {
    if (this.plan.kind !== "chaos") return;
    const now = this.driver.now();
    const runEnd = this.startedAt + this.plan.totalMs;
    const next = this.plan.schedule[index];
    const at = next ? this.startedAt + next.atMs : Infinity;
    if (at >= runEnd) {
      if (runEnd <= now) this.finish(false);
      else this.enter("wait", index - 1, null, runEnd - now, () => this.finish(false));
      return;
    }
    // A window cut short by this very fault: it starts now, not a timer's tick later.
    if (at <= now) this.runStep(index);
    else this.enter("wait", index - 1, null, at - now, () => this.runStep(index));
  }

  private enter(
    phase: CheckProgress["phase"],
    index: number,
    open: Extract<RunState, { name: "running" }>["open"],
    ms: number,
    then: () => void,
  ): void {
    const waitMs = Math.max(0, ms);
    const timer = this.driver.setTimeout(() => this.guard(then), waitMs);
    this.state = { name: "running", phase, index, open, phaseEndsAt: this.driver.now() + waitMs, timer };
    this.told();
  }

  /** Marks the step whose window is open, if any: closed now, or stopped. */
  private markOpen(stopped: boolean): void {
    if (this.state.name !== "running" || !this.state.open) return;
    const { index, step, startT, faultEndT } = this.state.open;
    const endT = this.driver.now();
    const mark: StepMark = { index, step, startT, faultEndT, endT, ...(stopped ? { stopped: true } : {}) };
    this.marks.push(mark);
    this.state = { ...this.state, open: null };
    this.listener.mark?.(mark);
  }

  private endInForce(entry: InForce): void {
    const at = this.inForce.indexOf(entry);
    if (at < 0) return;
    this.inForce.splice(at, 1);
    for (const target of entry.targets) this.driver.fault(target, entry.end);
  }

  private finish(stopped: boolean, error?: string): void {
    if (this.state.name !== "running") return;
    const now = this.driver.now();
    this.driver.clearTimeout(this.state.timer);
    this.driver.clearTimeout(this.tickTimer);
    this.markOpen(stopped);
    this.state = { name: "ended" };
    // Every path out ends what is still in force, even when a command of it throws.
    const problems: string[] = error === undefined ? [] : [error];
    for (const entry of this.inForce.splice(0)) {
      if (entry.timer !== undefined) this.driver.clearTimeout(entry.timer);
      if (entry.until <= now) continue;
      for (const target of entry.targets) attempt(() => this.driver.fault(target, entry.end), problems);
    }
    attempt(() => this.driver.watch(false), problems);
    this.listener.end?.({
      startedAt: this.startedAt,
      endedAt: now,
      marks: this.marks.slice(),
      stopped,
      ...(problems.length > 0 ? { error: problems.join("; ") } : {}),
    });
  }

  private tick(): void {
    this.tickTimer = this.driver.setTimeout(() => {
      if (this.state.name !== "running") return;
      this.told();
      this.tick();
    }, PROGRESS_EVERY_MS);
  }

  private told(): void {
    const progress = this.progress();
    if (progress) this.listener.progress?.(progress);
  }

  /** Runs a part of the run; a driver that throws (the port went away) ends the run as a stop would. */
  private guard(part: () => void): void {
    try {
      part();
    } catch (e) {
      this.finish(true, e instanceof Error ? e.message : String(e));
    }
  }
}

function attempt(part: () => void, problems: string[]): void {
  try {
    part();
  } catch (e) {
    problems.push(e instanceof Error ? e.message : String(e));
  }
}
