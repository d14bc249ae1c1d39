/**
 * Verdicts from measured facts, with the reason in one sentence (English: the report's language; the
 * panel shows it as written):
 * - failed: the loss was never detected (a half-open connection nobody noticed), or the connection was
 *   not open again when the step's window closed;
 * - degraded: it came back, but did not send again what it subscribed to first, lost messages, showed
 *   the user errors, or came back more than `SLOW_RECOVERY_MS` after the fault was over; a connection
 *   that closed under latency and came back is degraded too;
 * - passed: otherwise.
 * A step's verdict is its worst connection's; a report's, its worst step's.
 */
import { formatSeconds } from "./seconds";
import type { ConnectionStepResult, StepKind, Verdict } from "./types";

/** A connection back later than this after its fault ended was slow. Counted from the fault's end, not the loss: an offline step of 10 s cannot come back sooner than 10 s. */
export const SLOW_RECOVERY_MS = 10_000;

/** Shapes named in a reason are cut here: the full ones are in `resubscribeShapes`. */
const SHAPE_IN_REASON = 60;

const RANK: Record<Verdict, number> = { passed: 0, degraded: 1, failed: 2 };

export function worst(verdicts: Iterable<Verdict>): Verdict {
  let w: Verdict = "passed";
  for (const v of verdicts) if (RANK[v] > RANK[w]) w = v;
  return w;
}

export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** What was measured of one connection in one step, for its verdict. */
export interface ConnectionFacts {
  kind: StepKind;
  /** A loss was seen (for a black-hole: detected). */
  lost: boolean;
  detected: ConnectionStepResult["detected"];
  recovered: ConnectionStepResult["recovered"];
  /** Who recovered it, in words: "Lifeguard", "the page", "its library (Socket.IO / Engine.IO)". */
  recoveredBy: string | null;
  /** How long after the fault's end the connection was open again, ms (0 when it was before). */
  lateMs: number | null;
  resubscribed: ConnectionStepResult["resubscribed"];
  /** Shapes sent after the first open and not after the recovery. */
  missingShapes: string[];
  messages: ConnectionStepResult["messages"];
  errors: number;
  /** Frames that still moved in the window, when the connection stayed open. */
  flowed: { in: number; out: number };
}

/** `during`: "the loss", or "the fault" when the connection stayed open through it. */
function messagesPhrase(m: ConnectionStepResult["messages"], during: string): string | null {
  if (m.sent === 0) return null;
  const dup = m.duplicated > 0 ? `, ${m.duplicated} duplicated` : "";
  if (m.delivered === m.sent && m.queued === m.sent) return `${plural(m.sent, "message")} queued and delivered${dup}`;
  if (m.delivered === m.sent) return `${plural(m.sent, "message")} sent during ${during}, all delivered${dup}`;
  return `${plural(m.sent, "message")} sent during ${during}: ${m.delivered} delivered, ${m.lost} lost${dup}`;
}

/** What makes an otherwise good outcome degraded, each in a few words. */
function troubles(f: ConnectionFacts): string[] {
  const out: string[] = [];
  if (f.resubscribed === "no") {
    const shapes = f.missingShapes.slice(0, 2).map((s) => (s.length > SHAPE_IN_REASON ? `${s.slice(0, SHAPE_IN_REASON - 1)}…` : s));
    const missing = shapes.length > 0 ? ` (${shapes.join(", ")}${f.missingShapes.length > 2 ? "…" : ""} not sent again)` : "";
    out.push(`did not resubscribe${missing}`);
  }
  if (f.messages.lost > 0) out.push(`${plural(f.messages.lost, "message")} lost`);
  if (f.messages.duplicated > 0) out.push(`${plural(f.messages.duplicated, "message")} duplicated`);
  if (f.errors > 0) out.push(`${plural(f.errors, "page error")}`);
  if (f.lateMs !== null && f.lateMs > SLOW_RECOVERY_MS) out.push(`back only ${formatSeconds(f.lateMs)} after the fault ended`);
  return out;
}

function sentence(head: string, rest: (string | null)[]): string {
  const parts = rest.filter((p): p is string => p !== null && p !== "");
  return parts.length === 0 ? head : `${head}; ${parts.join("; ")}`;
}

export function judgeConnection(f: ConnectionFacts): { verdict: Verdict; reason: string } {
  const halfOpen = f.kind === "blackhole";
  const messages = messagesPhrase(f.messages, f.lost || halfOpen ? "the loss" : "the fault");
  if (!f.lost) {
    if (f.detected.at === null && halfOpen) return { verdict: "failed", reason: sentence(f.detected.reason, [messages]) };
    const flow = f.flowed.in + f.flowed.out > 0 ? `frames kept flowing (${f.flowed.in} in, ${f.flowed.out} out)` : "no frame moved in the window";
    const issues = troubles(f);
    const head = `stayed open; ${flow}`;
    return issues.length > 0 ? { verdict: "degraded", reason: sentence(head, issues) } : { verdict: "passed", reason: sentence(head, [messages]) };
  }
  const detected = f.detected.at === null ? null : `detected after ${formatSeconds(f.detected.afterMs)}`;
  if (f.recovered.afterMs === null) return { verdict: "failed", reason: sentence(f.recovered.reason, [detected, messages]) };
  const head = `${f.kind === "latency" ? "closed under latency; " : ""}recovered by ${f.recoveredBy ?? "the page"} in ${formatSeconds(f.recovered.afterMs)}`;
  const issues = troubles(f);
  if (issues.length > 0) return { verdict: "degraded", reason: `${head}, but ${issues.join("; ")}` };
  if (f.kind === "latency") return { verdict: "degraded", reason: sentence(head, [messages]) };
  return { verdict: "passed", reason: sentence(head, [messages]) };
}
