/**
 * `lg.resilienceCheck(page, scenario?)`: the panel's resilience check (DESIGN.md "Measure resilience")
 * run from a test. The very same `CheckRun` drives the steps and the very same `buildReport` measures
 * them, so the report's JSON is the one the panel exports; only the way to the tab differs: the
 * testing hook's connection instead of the panel's port.
 */
import { envelope, type FaultCommand, type FaultTarget, type PanelToPage, type SocketSnapshot } from "../shared/protocol";
import { ruleFor } from "../shared/rules";
import type { Settings } from "../shared/settings";
import { buildReport } from "../shared/resilience/report";
import { CheckRun, type CheckDriver, type CheckEnd } from "../shared/resilience/runner";
import { DEFAULT_SCENARIO, validateScenario } from "../shared/resilience/scenario";
import type { ResilienceReport, Scenario } from "../shared/resilience/types";
import type { TabAnswer } from "../background/testing-answer";
import { checkRecordOf, pageErrorsIn } from "./check-record";
import { InvalidScenarioError, PageClosedError } from "./errors";
import { socketsOf, usableSockets } from "./records";

/** The way to one page's tab, as lifeguard.ts has it. */
export interface CheckPort {
  /** Posts a panel command (null: none) and answers with the tab's snapshots after it. */
  ask(command: unknown): Promise<TabAnswer>;
  /** The hook's messages for the tab since the last take (its inbox is bounded: taken often). */
  take(): Promise<unknown[]>;
  settings(): Promise<Settings>;
  closed(): boolean;
}

/** How often the inbox is emptied and the page looked at while the check runs. */
export const POLL_MS = 1_000;
/** After the last step, the page world's last batches (~50 ms apart) are let in before the record is read; as the panel waits. */
export const SETTLE_RECORD_MS = 500;

/** Throws InvalidScenarioError naming each field that is wrong; no scenario: the default. */
export function scenarioToRun(raw: unknown): Scenario {
  const checked = validateScenario(raw ?? DEFAULT_SCENARIO);
  if (!checked.ok) throw new InvalidScenarioError(checked.problems);
  return checked.scenario;
}

/** Protected, and by which rule: the settings' first rule for the first protected socket. */
export function protectionOf(sockets: readonly SocketSnapshot[], settings: Settings): ResilienceReport["protection"] {
  const guarded = usableSockets(sockets).find((s) => s.protected);
  if (!guarded) return { protected: false };
  return { protected: true, rule: ruleFor(settings, guarded.info.url)?.rule.match ?? "" };
}

const command = <K extends "fault" | "check">(type: K, payload: PanelToPage[K]): unknown => envelope<PanelToPage, K>("lifeguard-panel", type, payload);

export async function runResilienceCheck(port: CheckPort, rawScenario?: unknown): Promise<ResilienceReport> {
  const scenario = scenarioToRun(rawScenario);
  if (port.closed()) throw new PageClosedError();
  // The first request opens the hook's connection, so that the take after it empties the right inbox.
  const before = socketsOf(await port.ask(null));
  await port.take();
  const protection = protectionOf(before, await port.settings());

  const messages: unknown[] = [];
  let failure: unknown = null;
  // The runner's calls return at once; the commands go one after the other ("restart" is refuse, then close).
  let chain: Promise<void> = Promise.resolve();
  let run = null as CheckRun | null;
  const fail = (e: unknown): void => {
    failure ??= e;
    run?.stop();
  };
  const send = (message: unknown): void => {
    // Every command is tried even after a failure: the endings of the faults in force come last.
    chain = chain.then(() => port.ask(message)).then(() => undefined, fail);
  };
  const driver: CheckDriver = {
    now: () => Date.now(),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    fault: (target: FaultTarget, fault: FaultCommand) => send(command("fault", { target, fault, check: true })),
    watch: (on) => send(command("check", { on })),
    targets: () => [{ tab: true }],
  };

  let taking = false;
  const poll = setInterval(() => {
    if (port.closed()) return fail(new PageClosedError());
    if (taking) return;
    taking = true;
    port.take().then(
      (got) => void messages.push(...got),
      () => undefined,
    ).finally(() => (taking = false));
  }, POLL_MS);

  let end: CheckEnd;
  try {
    end = await new Promise<CheckEnd>((resolve) => {
      run = new CheckRun({ kind: "scenario", scenario }, driver, { end: resolve });
      run.start();
    });
    await chain;
  } finally {
    clearInterval(poll);
    run?.stop();
  }
  if (failure !== null) throw failure;
  await new Promise((r) => setTimeout(r, SETTLE_RECORD_MS));
  if (port.closed()) throw new PageClosedError();
  const after = socketsOf(await port.ask(null));
  messages.push(...(await port.take()));
  const record = checkRecordOf(after, pageErrorsIn(messages, end.startedAt), end.startedAt);
  return buildReport(scenario, { tab: true }, protection, end.marks, record, { startedAt: end.startedAt, endedAt: end.endedAt });
}
