/**
 * The resilience check's scenarios: the default one (issue 20's five steps), the validation of one that
 * comes from storage or an import (untrusted: it never throws, and says which field is wrong), and a
 * step's label in the English report.
 */
import { FAULT_LIMITS, isServerCloseCode } from "../protocol";
import { formatSeconds } from "./seconds";
import { STEP_KINDS, type Scenario, type Step, type StepKind } from "./types";

export const DEFAULT_SCENARIO: Scenario = {
  name: "Default",
  settleMs: 5000,
  steps: [
    { kind: "drop", observeMs: 15000 },
    { kind: "restart", code: 1012, durationMs: 5000, observeMs: 20000 },
    { kind: "offline", durationMs: 10000, observeMs: 25000 },
    { kind: "blackhole", durationMs: 60000, observeMs: 65000 },
    { kind: "latency", inMs: 2000, outMs: 2000, durationMs: 20000, observeMs: 25000 },
  ],
};

export const SCENARIO_LIMITS = { maxSteps: 20, maxNameLength: 200, maxMs: FAULT_LIMITS.maxDurationMs } as const;

/** The close code a restart step sends when its scenario names none. */
export const DEFAULT_RESTART_CODE = 1012;

/** The fields each kind of step reads; any other field of a stored step is ignored (and left out). */
const FIELDS: Record<StepKind, readonly ("durationMs" | "code" | "inMs" | "outMs")[]> = {
  drop: [],
  restart: ["code", "durationMs"],
  offline: ["durationMs"],
  blackhole: ["durationMs"],
  latency: ["inMs", "outMs", "durationMs"],
};

/** Fields a step of this kind cannot do without: an outage needs to last some time to be one. */
const REQUIRED: Record<StepKind, readonly string[]> = {
  drop: [],
  restart: [],
  offline: ["durationMs"],
  blackhole: ["durationMs"],
  latency: [],
};

export type ScenarioCheck = { ok: true; scenario: Scenario } | { ok: false; problems: string[] };

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

const isMs = (x: unknown): x is number => typeof x === "number" && Number.isInteger(x) && x >= 0 && x <= SCENARIO_LIMITS.maxMs;

const MS_RULE = `must be an integer from 0 to ${SCENARIO_LIMITS.maxMs}`;

function readStep(x: unknown, at: string, problems: string[]): Step | null {
  if (!isRecord(x)) {
    problems.push(`${at} must be an object`);
    return null;
  }
  const kind = x.kind;
  if (typeof kind !== "string" || !(STEP_KINDS as readonly string[]).includes(kind)) {
    problems.push(`${at}.kind must be one of ${STEP_KINDS.join(", ")}`);
    return null;
  }
  const k = kind as StepKind;
  const step: Step = { kind: k, observeMs: 0 };
  const before = problems.length;
  if (isMs(x.observeMs)) step.observeMs = x.observeMs;
  else problems.push(`${at}.observeMs ${MS_RULE}`);
  for (const field of FIELDS[k]) {
    const value = x[field];
    if (value === undefined) {
      if (REQUIRED[k].includes(field)) problems.push(`${at}.${field} is required for ${k} steps`);
      continue;
    }
    if (field === "code") {
      if (isServerCloseCode(value)) step.code = value;
      else problems.push(`${at}.code must be a close code a server may send (1000-1003, 1007-1014, 3000-4999)`);
      continue;
    }
    if (isMs(value)) step[field] = value;
    else problems.push(`${at}.${field} ${MS_RULE}`);
  }
  if (problems.length === before && step.durationMs !== undefined && step.observeMs < step.durationMs) {
    problems.push(`${at}.observeMs must be at least durationMs (${step.durationMs}): the step is watched while its fault lasts`);
  }
  return problems.length === before ? step : null;
}

/** A scenario from storage or an import, checked field by field; a clean copy (unknown fields left out) when it is valid. */
export function validateScenario(x: unknown): ScenarioCheck {
  try {
    return check(x);
  } catch {
    // A hostile object (a throwing getter, a proxy): nothing of it is used.
    return { ok: false, problems: ["scenario could not be read"] };
  }
}

function check(x: unknown): ScenarioCheck {
  if (!isRecord(x)) return { ok: false, problems: ["scenario must be an object"] };
  const problems: string[] = [];
  const name = x.name;
  if (typeof name !== "string" || name.length > SCENARIO_LIMITS.maxNameLength) {
    problems.push(`name must be a string of at most ${SCENARIO_LIMITS.maxNameLength} characters`);
  }
  if (!isMs(x.settleMs)) problems.push(`settleMs ${MS_RULE}`);
  const steps: Step[] = [];
  if (!Array.isArray(x.steps) || x.steps.length < 1 || x.steps.length > SCENARIO_LIMITS.maxSteps) {
    problems.push(`steps must be a list of 1 to ${SCENARIO_LIMITS.maxSteps} steps`);
  } else {
    x.steps.forEach((s: unknown, i) => {
      const step = readStep(s, `steps[${i}]`, problems);
      if (step) steps.push(step);
    });
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, scenario: { name: name as string, settleMs: x.settleMs as number, steps } };
}

/** How long a step's fault lasts: latency with no duration of its own lasts its whole window (as the runner does it). */
export function faultMsOf(step: Step): number {
  if (step.kind === "drop") return 0;
  return step.durationMs ?? (step.kind === "latency" ? step.observeMs : 0);
}

/** A step in words: "Server restarts: closes with 1012, refuses connections for 5 s". */
export function stepLabel(step: Step): string {
  const lasts = formatSeconds(faultMsOf(step));
  switch (step.kind) {
    case "drop":
      return "Server drops the connection (1006)";
    case "restart": {
      const closes = `Server restarts: closes with ${step.code ?? DEFAULT_RESTART_CODE}`;
      return faultMsOf(step) > 0 ? `${closes}, refuses connections for ${lasts}` : closes;
    }
    case "offline":
      return `Network offline for ${lasts}`;
    case "blackhole":
      return `Half-open for ${lasts} (black-hole)`;
    case "latency": {
      const inMs = step.inMs ?? 0;
      const outMs = step.outMs ?? 0;
      return inMs === outMs
        ? `Slow network: ${formatSeconds(inMs)} latency both ways for ${lasts}`
        : `Slow network: latency in ${formatSeconds(inMs)}, out ${formatSeconds(outMs)} for ${lasts}`;
    }
  }
}
