/**
 * Measures a check from its record: for each step that ran (`StepMark`) and each logical connection
 * it hit, when the loss was detected and by whom, when and by whom the connection came back, whether
 * the page subscribed again, what became of the messages it sent meanwhile, and the page's errors.
 * Facts come from recorder events only (DESIGN.md: the panel never infers them again from timing or
 * payloads); the few rules that read payloads (shapes) or times (the window) are written down in
 * docs/resilience-report.md.
 *
 * A connection is tested in a step when one of its sockets could carry it as the step started (created
 * and not closed); sockets of the same connection created during the step join it (its replacements).
 */
import type { FrameRecord, SocketEvent, SocketId } from "../protocol";
import { countMessages } from "./messages";
import {
  firstAfter,
  firstAtOrAfter,
  indexRecord,
  protocolOf,
  socketOf,
  timeOf,
  usableBefore,
  type RecordIndex,
  type TrackedSocket,
} from "./record-index";
import { faultMsOf } from "./scenario";
import { formatSeconds } from "./seconds";
import { frameShape, isEngineIoHeartbeat } from "./shapes";
import type { CheckRecord, CheckTarget, ConnectionStepResult, PageError, RecoveredBy, StepMark, StepResult } from "./types";
import { judgeConnection, plural, worst } from "./verdict";

/** Frames compared for "resubscribed": the first this many the page sent after an open. */
export const SHAPES_COMPARED = 5;

/** Library names in reasons are cut here (they come from the page world's recognition, but a report is no place for a long one). */
const NAME_MAX = 60;

export const NO_CONNECTION_REASON = "no connection to test (none open when the step started)";

interface StepScope {
  index: RecordIndex;
  mark: StepMark;
  /** Event indices: the step's window is [from, to); the next step starts at `horizon`. */
  from: number;
  to: number;
  horizon: number;
  errors: PageError[];
}

export function measure(record: CheckRecord, marks: readonly StepMark[], target: CheckTarget): StepResult[] {
  const index = indexRecord(record.events);
  const only = "socket" in target ? (index.sockets.get(target.socket)?.key ?? null) : undefined;
  const starts = marks.map((m) => m.startT).sort((a, b) => a - b);
  return marks.map((mark) => {
    const next = starts.find((t) => t > mark.startT);
    const from = firstAtOrAfter(index, mark.startT);
    const to = Math.max(from, firstAfter(index, mark.endT));
    const horizon = next === undefined ? index.events.length : Math.max(to, firstAtOrAfter(index, next));
    const errors = record.errors.filter((e) => e.t >= mark.startT && e.t <= mark.endT);
    const scope: StepScope = { index, mark, from, to, horizon, errors };
    // A socket target the record does not know of has nothing to test (`null`); no target: every connection.
    const connections = only === null ? [] : connectionsOf(scope, only).map((sockets) => measureConnection(scope, sockets));
    return stepResult(mark, connections);
  });
}

/** The logical connections the step hit: each with its sockets as the step started, then those created during it. */
function connectionsOf(scope: StepScope, only: string | undefined): { atStart: TrackedSocket[]; joined: TrackedSocket[] }[] {
  const out: { atStart: TrackedSocket[]; joined: TrackedSocket[] }[] = [];
  for (const [key, list] of scope.index.connections) {
    if (only !== undefined && key !== only) continue;
    const atStart = list.filter((s) => usableBefore(scope.index, s, scope.from));
    if (atStart.length === 0) continue;
    const joined = list.filter((s) => s.createdAt >= scope.from && s.createdAt < scope.to);
    out.push({ atStart, joined });
  }
  return out;
}

function stepResult(mark: StepMark, connections: ConnectionStepResult[]): StepResult {
  const base = { index: mark.index, step: mark.step, startT: mark.startT, endT: mark.endT, stopped: mark.stopped === true, connections };
  if (connections.length === 0) return { ...base, verdict: "failed", reason: NO_CONNECTION_REASON };
  const verdict = worst(connections.map((c) => c.verdict));
  const first = connections.find((c) => c.verdict === verdict)!;
  const reason =
    connections.length === 1
      ? first.reason
      : `${first.endpoint}: ${first.reason} (${plural(connections.length, "connection")} tested)`;
  return { ...base, verdict, reason };
}

/** An event that says the connection was lost, and who learnt of it first. */
function lossBy(event: SocketEvent): "close" | "heartbeat" | "lifeguard-reconnect" | null {
  switch (event.kind) {
    case "heartbeat":
      return event.phase === "missed" ? "heartbeat" : null;
    case "state":
      if (event.state === "reconnecting") return "lifeguard-reconnect";
      // Closing is the page's own close(): its own ping found the connection dead (a server's close records `closed`).
      return event.state === "closed" || event.state === "closing" ? "close" : null;
    case "created":
      // The page (or its library) dialled the same endpoint again: it gave the old socket up.
      return "close";
    default:
      return null;
  }
}

interface Recovery {
  at: number;
  socket: SocketId;
  by: RecoveredBy;
  attempts?: number;
}

function findRecovery(scope: StepScope, ids: ReadonlySet<SocketId>, loss: number, library: boolean): Recovery | null {
  const { events } = scope.index;
  // Attempts of this outage as recorded (one `reconnecting` event each). The events' own `attempt`
  // numbers run on across outages closer together than the rule's `stableAfterMs`, so they are not it.
  const reconnecting = new Map<SocketId, number>();
  const fresh = new Set<SocketId>();
  for (let i = loss; i < scope.to; i++) {
    const e = events[i]!;
    const id = socketOf(e);
    if (!ids.has(id)) continue;
    if (e.kind === "created") fresh.add(id);
    if (e.kind !== "state") continue;
    if (e.state === "reconnecting") {
      reconnecting.set(id, (reconnecting.get(id) ?? 0) + 1);
      continue;
    }
    if (e.state !== "open" || i === loss) continue;
    const attempts = reconnecting.get(id);
    if (attempts !== undefined) {
      return { at: i, socket: id, by: "lifeguard", attempts };
    }
    if (fresh.has(id)) return { at: i, socket: id, by: library ? "library" : "page", attempts: fresh.size };
  }
  return null;
}

const isPageSend = (frame: FrameRecord): boolean =>
  frame.dir === "out" && (frame.from === undefined || frame.from === "page") && frame.fate !== "queued";

/**
 * Shapes of the first frames the page sent on `socket` after event `open`, before `until` and before
 * that connection ended (a state change of the socket): one connection's frames, never the next one's
 * (a protected socket keeps its id across reconnects, and its queue flushes after the new open).
 */
function shapesAfter(scope: StepScope, socket: SocketId, open: number, until: number, engineIo: boolean): string[] {
  const shapes: string[] = [];
  let frames = 0;
  for (let i = open + 1; i < until && frames < SHAPES_COMPARED; i++) {
    const e = scope.index.events[i]!;
    if (e.kind === "state" && e.socket === socket) break;
    if (e.kind !== "frame" || e.frame.socket !== socket || !isPageSend(e.frame)) continue;
    if (engineIo && e.frame.opcode === "text" && isEngineIoHeartbeat(e.frame.preview)) continue;
    frames++;
    const shape = frameShape(e.frame, engineIo);
    if (!shapes.includes(shape)) shapes.push(shape);
  }
  return shapes;
}

/** The connection's first open in the whole record, before the loss: what it sent then is what it subscribes to. */
function baselineOpen(scope: StepScope, key: string, before: number): { at: number; socket: SocketId } | null {
  const { events, sockets } = scope.index;
  for (let i = 0; i < before; i++) {
    const e = events[i]!;
    if (e.kind === "state" && e.state === "open" && sockets.get(e.socket)?.key === key) return { at: i, socket: e.socket };
  }
  return null;
}

/** Frames that moved in the window (reached the page, or left it for the server), any provenance: the connection was alive. */
function flowed(scope: StepScope, ids: ReadonlySet<SocketId>): { in: number; out: number } {
  const flow = { in: 0, out: 0 };
  for (let i = scope.from; i < scope.to; i++) {
    const e = scope.index.events[i]!;
    if (e.kind !== "frame" || !ids.has(e.frame.socket)) continue;
    const fate = e.frame.fate ?? (e.frame.dir === "in" ? "delivered" : "sent");
    if (fate === "delivered" || fate === "sent" || fate === "delayed") flow[e.frame.dir]++;
  }
  return flow;
}

function measureConnection(scope: StepScope, group: { atStart: TrackedSocket[]; joined: TrackedSocket[] }): ConnectionStepResult {
  const { index, mark, from, to } = scope;
  const { events } = index;
  const step = mark.step;
  const all = [...group.atStart, ...group.joined];
  const ids = new Set(all.map((s) => s.info.id));
  const first = group.atStart[0]!;
  const windowMs = mark.endT - mark.startT;
  const stopped = mark.stopped === true;

  let loss = -1;
  for (let i = from; i < to && loss < 0; i++) if (ids.has(socketOf(events[i]!)) && lossBy(events[i]!)) loss = i;
  const lossT = loss >= 0 ? timeOf(events[loss]!) : null;

  const lostSocket = loss >= 0 ? (group.atStart.find((s) => s.info.id === socketOf(events[loss]!)) ?? group.atStart.at(-1)!) : first;
  const library = protocolOf(index, lostSocket);
  const engineIo = library?.id === "engineio";

  let detected: ConnectionStepResult["detected"];
  if (loss >= 0) detected = { at: lossT!, afterMs: lossT! - mark.startT, by: lossBy(events[loss]!)! };
  else if (step.kind === "blackhole") {
    const halfOpenMs = Math.min(faultMsOf(step), windowMs);
    detected = { at: null, reason: `half-open for ${formatSeconds(halfOpenMs)} went unnoticed${stopped ? " before the check was stopped" : ""}` };
  } else detected = { at: null, reason: "no loss in this step" };

  const recovery = loss >= 0 ? findRecovery(scope, ids, loss, library !== null) : null;
  let recovered: ConnectionStepResult["recovered"];
  if (loss < 0) {
    recovered = { afterMs: null, reason: step.kind === "blackhole" ? "never detected, so never recovered" : "not needed: the connection stayed open" };
  } else if (!recovery) {
    recovered = {
      afterMs: null,
      reason: stopped ? `not recovered before the check was stopped, ${formatSeconds(windowMs)} into the step` : `not recovered within ${formatSeconds(windowMs)}`,
    };
  } else {
    recovered = { afterMs: timeOf(events[recovery.at]!) - lossT!, by: recovery.by, ...(recovery.attempts !== undefined ? { attempts: recovery.attempts } : {}) };
  }

  // Resubscribed: what the page sent after the connection's first open, sent again after the new one.
  let resubscribed: ConnectionStepResult["resubscribed"] = "not needed";
  let resubscribeShapes: ConnectionStepResult["resubscribeShapes"];
  let missingShapes: string[] = [];
  if (loss >= 0) {
    const base = baselineOpen(scope, first.key, loss);
    const before = base ? shapesAfter(scope, base.socket, base.at, loss, engineIo) : [];
    const after = recovery ? shapesAfter(scope, recovery.socket, recovery.at, scope.horizon, engineIo) : [];
    resubscribeShapes = { before, after };
    missingShapes = before.filter((s) => !after.includes(s));
    if (before.length === 0 || !recovery) resubscribed = "unknown";
    else resubscribed = missingShapes.length === 0 ? "yes" : "no";
  }

  // From the loss until the connection is open again, or the window closes; a black-hole and latency
  // hold frames from the fault's start, so for them from the start.
  const holds = step.kind === "blackhole" || step.kind === "latency";
  const messages = countMessages(index, {
    sockets: ids,
    from: holds || loss < 0 ? from : loss,
    to: recovery ? recovery.at : to,
    horizon: scope.horizon,
  });

  // Offline and a restart keep the endpoint unreachable until the fault ends; other faults do not stop a new connection.
  const reachableT = step.kind === "offline" || step.kind === "restart" ? mark.faultEndT : mark.startT;
  const lateMs = recovery ? Math.max(0, timeOf(events[recovery.at]!) - Math.max(lossT!, reachableT)) : null;
  const recoveredBy =
    recovery === null ? null : recovery.by === "lifeguard" ? "Lifeguard" : recovery.by === "library" ? `its library (${library!.name.slice(0, NAME_MAX)})` : "the page";

  const { verdict, reason } = judgeConnection({
    kind: step.kind,
    lost: loss >= 0,
    detected,
    recovered,
    recoveredBy,
    lateMs,
    resubscribed,
    missingShapes,
    messages,
    errors: scope.errors.length,
    flowed: loss < 0 ? flowed(scope, ids) : { in: 0, out: 0 },
  });

  return {
    endpoint: first.endpoint,
    sockets: all.map((s) => s.info.id),
    detected,
    recovered,
    resubscribed,
    ...(resubscribeShapes ? { resubscribeShapes } : {}),
    messages,
    errors: scope.errors,
    verdict,
    reason,
  };
}
