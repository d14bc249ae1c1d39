/**
 * The Resilience view's words: steps, durations, where a check stands, and the report's cells, in the
 * user's language. The exported report (Markdown, JSON) is the shared module's, in English, the same
 * as the testing API's; the reasons measure.ts writes are shown as it wrote them.
 */
import { t, tPlural, type MessageKey } from "../shared/i18n";
import type { StepKind, Step, ConnectionStepResult, Verdict } from "../shared/resilience/types";
import type { CheckState } from "./resilience-session";

/** "12 s", "1.5 s", "2 min 5 s": a duration as a person reads it. */
export function formatDuration(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return t("resilienceSeconds", [String(Math.round(s * 10) / 10)]);
  const whole = Math.round(s);
  return t("resilienceMinutes", [String(Math.floor(whole / 60)), String(whole % 60)]);
}

/** A countdown: whole seconds, rounded up, so "0 s" means done. */
function countdown(ms: number): string {
  return formatDuration(Math.ceil(ms / 1000) * 1000);
}

const KIND_NAMES: Record<StepKind, MessageKey> = {
  drop: "resilienceKindDrop",
  restart: "resilienceKindRestart",
  offline: "resilienceKindOffline",
  blackhole: "resilienceKindBlackhole",
  latency: "resilienceKindLatency",
};

export function kindName(kind: StepKind): string {
  return t(KIND_NAMES[kind]);
}

/** What a step does, in a sentence: "Server restarts: closes with 1012, refuses connections for 5 s". */
export function stepTitle(step: Step): string {
  const lasts = formatDuration(step.durationMs ?? 0);
  switch (step.kind) {
    case "drop":
      return t("resilienceStepDrop");
    case "restart":
      return t("resilienceStepRestart", [String(step.code ?? 1012), lasts]);
    case "offline":
      return t("resilienceStepOffline", [lasts]);
    case "blackhole":
      return t("resilienceStepBlackhole", [lasts]);
    case "latency":
      return (step.inMs ?? 0) === (step.outMs ?? 0)
        ? t("resilienceStepLatencyBoth", [formatDuration(step.inMs ?? 0), lasts])
        : t("resilienceStepLatency", [formatDuration(step.inMs ?? 0), formatDuration(step.outMs ?? 0), lasts]);
  }
}

/** Where the check stands, in a line: "Step 2 of 5: Server restarts… 12 s left (1 min 40 s in all)". */
export function progressText(state: CheckState): string {
  const run = state.run === "unprotected" ? t("resilienceRunUnprotected") : state.run === "protected" ? t("resilienceRunProtected") : null;
  const text = phaseText(state);
  return run === null ? text : t("resilienceRunPrefix", [run, text]);
}

function phaseText(state: CheckState): string {
  const p = state.progress;
  switch (state.phase) {
    case "preparing":
      return t("resiliencePreparing");
    case "reloading":
      return t("resilienceReloading");
    case "measuring":
      return t("resilienceMeasuring");
    case "restoring":
      return t("resilienceRestoring");
    case "running": {
      if (!p) return t("resilienceStarting");
      const chaos = state.choice?.kind === "chaos";
      if (p.phase === "observe" && p.step) {
        return chaos
          ? t("resilienceChaosFault", [String(p.index + 1), stepTitle(p.step), countdown(p.leftMs)])
          : t("resilienceStepRunning", [String(p.index + 1), String(p.count), stepTitle(p.step), countdown(p.phaseLeftMs), countdown(p.leftMs)]);
      }
      return chaos
        ? t("resilienceChaosWaiting", [countdown(p.phaseLeftMs), countdown(p.leftMs)])
        : t("resilienceSettling", [String(p.index + 1), String(p.count), countdown(p.phaseLeftMs)]);
    }
    default:
      return "";
  }
}

const VERDICTS: Record<Verdict, MessageKey> = {
  passed: "resilienceVerdictPassed",
  degraded: "resilienceVerdictDegraded",
  failed: "resilienceVerdictFailed",
};

export function verdictName(verdict: Verdict): string {
  return t(VERDICTS[verdict]);
}

const BY: Record<string, MessageKey> = {
  close: "resilienceByClose",
  error: "resilienceByError",
  heartbeat: "resilienceByHeartbeat",
  "lifeguard-reconnect": "resilienceByLifeguardReconnect",
  lifeguard: "resilienceByLifeguard",
  page: "resilienceByPage",
  library: "resilienceByLibrary",
};

const byName = (by: string): string => (BY[by] ? t(BY[by]) : by);

export function detectedText(c: ConnectionStepResult): string {
  const d = c.detected;
  return d.at === null ? d.reason : t("resilienceDetectedAfter", [formatDuration(d.afterMs), byName(d.by)]);
}

export function recoveredText(c: ConnectionStepResult): string {
  const r = c.recovered;
  if (r.afterMs === null) return r.reason;
  const text = t("resilienceRecoveredAfter", [formatDuration(r.afterMs), byName(r.by)]);
  return r.attempts === undefined ? text : tPlural("resilienceWithAttempts", r.attempts, [text]);
}

const RESUBSCRIBED: Record<ConnectionStepResult["resubscribed"], MessageKey> = {
  yes: "resilienceResubscribedYes",
  no: "resilienceResubscribedNo",
  unknown: "resilienceResubscribedUnknown",
  "not needed": "resilienceResubscribedNotNeeded",
};

export function resubscribedText(c: ConnectionStepResult): string {
  return t(RESUBSCRIBED[c.resubscribed]);
}

export function messagesText(c: ConnectionStepResult): string {
  const m = c.messages;
  return t("resilienceMessagesCell", [String(m.sent), String(m.delivered), String(m.lost), String(m.duplicated)]);
}
