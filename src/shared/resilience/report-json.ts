/**
 * The report as JSON (docs/resilience-report.md): keys always in the documented order, whatever order
 * the object was built or parsed in, so two exports of the same report are the same text and a diff
 * between runs shows only what changed. Only the documented fields are written.
 */
import type { ConnectionStepResult, PageError, ResilienceReport, Step, StepResult } from "./types";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The fields of `x` in the order of `keys`; absent (undefined) ones left out. */
function pick(x: object, keys: readonly string[], map: Record<string, (v: never) => Json> = {}): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  const record = x as Record<string, unknown>;
  for (const key of keys) {
    const value = record[key];
    if (value === undefined) continue;
    out[key] = map[key] ? map[key](value as never) : (value as Json);
  }
  return out;
}

const step = (s: Step): Json => pick(s, ["kind", "durationMs", "code", "inMs", "outMs", "observeMs"]);

const pageError = (e: PageError): Json => pick(e, ["t", "stream", "what", "message"]);

const connection = (c: ConnectionStepResult): Json =>
  pick(c, ["endpoint", "sockets", "detected", "recovered", "resubscribed", "resubscribeShapes", "messages", "errors", "verdict", "reason"], {
    detected: (d: ConnectionStepResult["detected"]) => (d.at === null ? pick(d, ["at", "reason"]) : pick(d, ["at", "afterMs", "by"])),
    recovered: (r: ConnectionStepResult["recovered"]) => (r.afterMs === null ? pick(r, ["afterMs", "reason"]) : pick(r, ["afterMs", "by", "attempts"])),
    resubscribeShapes: (s: NonNullable<ConnectionStepResult["resubscribeShapes"]>) => pick(s, ["before", "after"]),
    messages: (m: ConnectionStepResult["messages"]) => pick(m, ["sent", "delivered", "lost", "duplicated", "queued"]),
    errors: (errors: PageError[]) => errors.map(pageError),
  });

const stepResult = (s: StepResult): Json =>
  pick(s, ["index", "step", "startT", "endT", "stopped", "connections", "verdict", "reason"], {
    step,
    connections: (list: ConnectionStepResult[]) => list.map(connection),
  });

export function reportJson(report: ResilienceReport): Json {
  return pick(report, ["version", "scenario", "target", "protection", "startedAt", "endedAt", "steps", "summary"], {
    scenario: (s: ResilienceReport["scenario"]) => pick(s, ["name", "steps", "settleMs"], { steps: (list: Step[]) => list.map(step) }),
    target: (t: ResilienceReport["target"]) => pick(t, ["tab", "socket"]),
    protection: (p: ResilienceReport["protection"]) => pick(p, ["protected", "rule"]),
    steps: (list: StepResult[]) => list.map(stepResult),
    summary: (s: ResilienceReport["summary"]) => pick(s, ["passed", "degraded", "failed", "verdict", "text"]),
  });
}

/** The report's JSON text: documented key order, two-space indent. */
export function toJson(report: ResilienceReport): string {
  return JSON.stringify(reportJson(report), null, 2);
}
