/**
 * The panel's resilience check from click to report: one run (a scenario or a chaos schedule) or the
 * two runs of "Compare with and without protection", each a `CheckRun` (src/shared/resilience/runner.ts)
 * driven through the panel's port, measured from the model (resilience-record.ts) into a report.
 *
 * It lives as long as the panel does, not as long as the Resilience view: the user may look at the
 * timeline meanwhile, and a comparison reloads the page, which empties the socket list for a moment.
 *
 * A comparison changes the user's settings (a rule paused for the first run, a rule on for the second);
 * every way out of it (the end, Stop, an error, the panel going away) saves back what was stored before.
 */
import type { SettingsStore } from "../options/settings-store";
import { validateSettings, type Settings } from "../shared/settings";
import { t } from "../shared/i18n";
import { CheckRun, type CheckDriver, type CheckEnd, type CheckPlan, type CheckProgress, type ChaosFault } from "../shared/resilience/runner";
import { buildReport } from "../shared/resilience/report";
import type { CheckTarget, ResilienceReport, Scenario, StepMark } from "../shared/resilience/types";
import type { PanelModel } from "./model";
import type { PanelPort } from "./panel-port";
import { checkRecord } from "./resilience-record";
import { hasOwnRule, protectingMatch, withProtection, withoutProtection } from "./resilience-compare";
import { checkTargetOf, liveTargets, openSockets, protectionOf, socketIds, urlsOf, type CheckScope } from "./resilience-targets";

/** What to run: a scenario, or a chaos schedule made from `seed` (kept for the report's name). */
export type CheckChoice = { kind: "scenario"; scenario: Scenario } | { kind: "chaos"; seed: string; schedule: ChaosFault[]; totalMs: number };

export type CheckPhase = "idle" | "preparing" | "reloading" | "running" | "measuring" | "restoring" | "done";

export interface CheckResult {
  /** One report, or two for a comparison: unprotected first, then protected. */
  reports: ResilienceReport[];
  compared: boolean;
  /** After a comparison of a site that had no rule: the URLs "Protect with these settings" protects. */
  suggestion: string[] | null;
  stopped: boolean;
}

export interface CheckState {
  phase: CheckPhase;
  /** Which run of a comparison is on; null for a single check. */
  run: "unprotected" | "protected" | null;
  choice: CheckChoice | null;
  progress: CheckProgress | null;
  /** Steps that ran in this check (a comparison: in its current run), for the timeline and the live tally. */
  marks: StepMark[];
  /** When the current run started, and what it measures (null before the first run starts). */
  startedAt: number | null;
  target: CheckTarget | null;
  result: CheckResult | null;
  /** Why the check could not go on, in words. */
  problem: string | null;
  /** "Protect with these settings" was saved. */
  protectedSaved: boolean;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SessionDeps {
  /** The model as applied so far. */
  model(): PanelModel;
  port(): PanelPort | null;
  settings?: SettingsStore;
  reloadPage?: () => void;
  clock?: Clock;
  /** How long a reloaded page's sockets may take to open (ms). */
  openWaitMs?: number;
}

/** A reloaded page's sockets get this long to open before a run of a comparison gives up (ms). */
export const OPEN_WAIT_MS = 15_000;
/** After the first socket opened, the page's first messages (what resubscription is compared with) are let out. */
export const AFTER_OPEN_MS = 1500;
/** Batches cross at most every 50 ms per frame, then wait in the inbox: the last events are in after this. */
export const SETTLE_RECORD_MS = 500;
const POLL_MS = 100;

const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

const IDLE: CheckState = {
  phase: "idle",
  run: null,
  choice: null,
  progress: null,
  marks: [],
  startedAt: null,
  target: null,
  result: null,
  problem: null,
  protectedSaved: false,
};

/** Thrown inside a check that was stopped: unwinds it without a message. */
class Stopped extends Error {}

export class CheckSession {
  private current: CheckState = IDLE;
  private readonly listeners = new Set<(state: CheckState) => void>();
  private readonly clock: Clock;
  /** Goes up on every start and stop: an async step of an older check sees it and unwinds. */
  private generation = 0;
  private run: CheckRun | null = null;
  private waiting: { timer: unknown; reject: (e: Error) => void } | null = null;
  /** The settings stored before a comparison changed them, until they are saved back. */
  private restore: { value: unknown } | null = null;

  constructor(private readonly deps: SessionDeps) {
    this.clock = deps.clock ?? systemClock;
  }

  get state(): CheckState {
    return this.current;
  }

  get busy(): boolean {
    return this.current.phase !== "idle" && this.current.phase !== "done";
  }

  /** Whether a comparison can run here: it needs the settings and a way to reload the page. */
  get canCompare(): boolean {
    return this.deps.settings !== undefined && this.deps.reloadPage !== undefined;
  }

  subscribe(listener: (state: CheckState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** One run against the page as it is. */
  start(choice: CheckChoice, scope: CheckScope): void {
    if (this.busy) return;
    const generation = ++this.generation;
    this.set({ ...IDLE, phase: "running", choice });
    void this.single(choice, scope, generation);
  }

  /** Two runs, each after a reload: without protection, then with it; the settings are saved back after. */
  compare(choice: CheckChoice, scope: CheckScope): void {
    if (this.busy || !this.canCompare) return;
    const generation = ++this.generation;
    this.set({ ...IDLE, phase: "preparing", run: "unprotected", choice });
    void this.comparison(choice, scope, generation);
  }

  /** Ends the check at once: the run's faults end, a comparison's settings are saved back. */
  stop(): void {
    if (!this.busy) return;
    this.generation++;
    this.halt();
  }

  /** The panel goes away: as Stop, without telling anyone. */
  dispose(): void {
    this.generation++;
    this.halt();
    this.listeners.clear();
  }

  /** After a comparison: saves the protection its second run used ("Protect with these settings"). */
  async protectSuggested(): Promise<void> {
    const urls = this.current.result?.suggestion;
    const store = this.deps.settings;
    if (!urls || !store) return;
    try {
      const current = validateSettings(await store.load()).settings;
      await store.save(withProtection(current, urls));
      this.set({ ...this.current, protectedSaved: true, problem: null });
    } catch (e) {
      this.set({ ...this.current, problem: t("panelSaveFailed", [messageOf(e)]) });
    }
  }

  private halt(): void {
    const run = this.run;
    this.run = null;
    run?.stop();
    if (this.waiting) {
      this.clock.clearTimeout(this.waiting.timer);
      this.waiting.reject(new Stopped());
      this.waiting = null;
    }
    void this.restoreSettings();
  }

  private set(state: CheckState): void {
    this.current = state;
    for (const listener of [...this.listeners]) listener(state);
  }

  private alive(generation: number): void {
    if (generation !== this.generation) throw new Stopped();
  }

  private async single(choice: CheckChoice, scope: CheckScope, generation: number): Promise<void> {
    try {
      const outcome = await this.runOnce(choice, scope, generation, protectionOf(this.deps.model(), scope));
      this.finish({ reports: [outcome.report], compared: false, suggestion: null, stopped: outcome.stopped }, outcome.problem);
    } catch (e) {
      this.finish(null, e instanceof Stopped ? null : messageOf(e));
    }
  }

  private async comparison(choice: CheckChoice, scope: CheckScope, generation: number): Promise<void> {
    const store = this.deps.settings!;
    const reports: ResilienceReport[] = [];
    let stopped = false;
    let suggestion: string[] | null = null;
    let problem: string | null = null;
    try {
      const raw = await store.load();
      this.alive(generation);
      const before = validateSettings(raw).settings;
      let saved = before;
      const urls = urlsOf(this.deps.model(), scope);
      if (urls.length === 0) throw new Error(t("resilienceNoSocket"));
      const own = hasOwnRule(before, urls);

      const runs: { run: "unprotected" | "protected"; settings: Settings }[] = [
        { run: "unprotected", settings: withoutProtection(before, urls) },
        { run: "protected", settings: withProtection(before, urls) },
      ];
      for (const { run, settings } of runs) {
        this.set({ ...this.current, phase: "preparing", run, progress: null, marks: [] });
        if (settings !== saved) {
          // Nothing stored means the defaults: those are saved back, as storage cannot hold "nothing".
          this.restore ??= { value: raw === undefined ? before : raw };
          await store.save(settings);
          saved = settings;
        }
        this.alive(generation);
        await this.reloadAndWait(scope, generation);
        const match = run === "protected" ? protectingMatch(settings, urls[0]) : null;
        const protection = match === null ? ({ protected: false } as const) : { protected: true as const, rule: match };
        const outcome = await this.runOnce(choice, scope, generation, protection, run);
        reports.push(outcome.report);
        if (outcome.stopped) {
          stopped = true;
          problem = outcome.problem;
          break;
        }
      }
      if (!own && reports.length === 2) suggestion = urls;
    } catch (e) {
      // Stopped: what ran so far is still reported; anything else is said as well.
      if (!(e instanceof Stopped)) problem = messageOf(e);
      stopped = true;
    }
    this.set({ ...this.current, phase: "restoring", progress: null });
    await this.restoreSettings();
    this.finish(reports.length === 0 ? null : { reports, compared: true, suggestion, stopped }, problem);
  }

  /** Saves back the settings a comparison changed (once); a failure is said, the check ends anyway. */
  private async restoreSettings(): Promise<void> {
    const restore = this.restore;
    const store = this.deps.settings;
    this.restore = null;
    if (!restore || !store) return;
    try {
      await store.save(restore.value);
    } catch (e) {
      this.set({ ...this.current, problem: t("resilienceRestoreFailed", [messageOf(e)]) });
    }
  }

  /** Reloads the page and waits for a socket of the scope to open in the new document. */
  private async reloadAndWait(scope: CheckScope, generation: number): Promise<void> {
    const model = this.deps.model;
    const old = socketIds(model());
    this.set({ ...this.current, phase: "reloading" });
    this.deps.reloadPage!();
    const deadline = this.clock.now() + (this.deps.openWaitMs ?? OPEN_WAIT_MS);
    while (openSockets(model(), scope, old).length === 0) {
      if (this.clock.now() >= deadline) throw new Error(t("resilienceNoOpenAfterReload", [String(Math.round((this.deps.openWaitMs ?? OPEN_WAIT_MS) / 1000))]));
      await this.sleep(POLL_MS, generation);
    }
    await this.sleep(AFTER_OPEN_MS, generation);
  }

  private sleep(ms: number, generation: number): Promise<void> {
    this.alive(generation);
    return new Promise((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        this.waiting = null;
        resolve();
      }, ms);
      this.waiting = { timer, reject };
    });
  }

  /** One run of the check, then its report from the model once the last events are in. */
  private async runOnce(
    choice: CheckChoice,
    scope: CheckScope,
    generation: number,
    protection: ResilienceReport["protection"],
    run: CheckState["run"] = null,
  ): Promise<{ report: ResilienceReport; stopped: boolean; problem: string | null }> {
    this.alive(generation);
    const model = this.deps.model;
    const target = checkTargetOf(model(), scope);
    const plan: CheckPlan = choice.kind === "scenario" ? { kind: "scenario", scenario: choice.scenario } : choice;
    const end = await new Promise<CheckEnd>((resolve) => {
      const runner = new CheckRun(plan, this.driver(scope), {
        progress: (progress) => this.set({ ...this.current, phase: "running", run, progress }),
        mark: (mark) => this.set({ ...this.current, marks: [...this.current.marks, mark] }),
        end: resolve,
      });
      this.run = runner;
      this.set({ ...this.current, phase: "running", run, marks: [], startedAt: this.clock.now(), target });
      runner.start();
    });
    this.run = null;
    this.set({ ...this.current, phase: "measuring", progress: null });
    // Stopped or not, what ran is measured: a stopped step says so in the report.
    await new Promise<void>((resolve) => this.clock.setTimeout(resolve, SETTLE_RECORD_MS));
    const scenario = scenarioOf(choice, end.marks);
    const report = buildReport(scenario, target, protection, end.marks, checkRecord(model(), end.startedAt), { startedAt: end.startedAt, endedAt: end.endedAt });
    return { report, stopped: end.stopped, problem: end.error === undefined ? null : t("resilienceDriverFailed", [end.error]) };
  }

  private driver(scope: CheckScope): CheckDriver {
    const port = (): PanelPort => {
      const p = this.deps.port();
      if (!p) throw new Error(t("resilienceNotConnected"));
      return p;
    };
    return {
      now: () => this.clock.now(),
      setTimeout: (fn, ms) => this.clock.setTimeout(fn, ms),
      clearTimeout: (h) => this.clock.clearTimeout(h),
      fault: (target, fault) => port().fault(target, fault, true),
      watch: (on) => this.deps.port()?.check(on),
      targets: () => liveTargets(this.deps.model(), scope),
    };
  }

  /** The check is over: its result (none when nothing ran to the end of a run), and why it ended early. */
  private finish(result: CheckResult | null, problem: string | null): void {
    this.set({ ...this.current, phase: "done", progress: null, result, problem: problem ?? this.current.problem });
  }
}

/** The scenario a report names: the one run, or a chaos schedule's faults that ran, under its seed. */
function scenarioOf(choice: CheckChoice, marks: readonly StepMark[]): Scenario {
  if (choice.kind === "scenario") return choice.scenario;
  const ran = marks.length === 0 ? 0 : marks[marks.length - 1]!.index + 1;
  return { name: t("resilienceChaosName", [choice.seed]), steps: choice.schedule.slice(0, ran).map((f) => f.step), settleMs: 0 };
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
