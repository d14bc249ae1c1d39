/**
 * What a test reads, made from a tab's snapshots (every frame's sockets and the events their rings
 * hold): sockets, frames with provenance and fate, and whether a fault the test asked for is in force.
 * Pure: the facts come from the page world's recorder (DESIGN.md, "Records"); nothing is inferred
 * from timing or payloads.
 */
import type { FaultKind, Fate, Provenance, RecorderEvent, SocketEvent, SocketSnapshot, SocketState } from "../shared/protocol";
import type { TabAnswer } from "../background/testing-answer";
import { urlMatches } from "./url-glob";

/**
 * The page world's clock and Node's are the same machine's wall clock, but the page reads it through
 * its own timers: events stamped up to this much before a command was sent still count as after it.
 */
export const CLOCK_SLACK_MS = 50;

export interface SocketView {
  /** The page world's id (unique in the tab); a socket the page made again (a library's reconnect) has a new one. */
  id: string;
  url: string;
  /** The document (frame) that created it. */
  frameUrl: string;
  state: SocketState;
  protected: boolean;
  /** `transparent` or `surface` while protected (the rule's choice, or what `auto` picked); null otherwise or not known yet. */
  strategy: string | null;
  framesIn: number;
  framesOut: number;
  /** Recoveries Lifeguard made behind the page's back (each one an `open` after a loss). */
  reconnects: number;
}

export interface FrameView {
  socket: string;
  url: string;
  seq: number;
  t: number;
  dir: "in" | "out";
  opcode: "text" | "binary";
  size: number;
  /** Text, or the first bytes as hex; cut at the recorder's preview bound (`truncated`). */
  preview: string;
  truncated: boolean;
  from: Provenance;
  fate: Fate;
  /** The frame rule that touched it (its index in the settings' `frameRules`), if one did. */
  rule?: number;
  /** The breakpoint it waited at (fate `paused`), if it did: the id `resolvePause` answers. */
  pause?: number;
}

export function socketsOf(answer: TabAnswer): SocketSnapshot[] {
  return answer.frames.flatMap((f) => f.sockets);
}

export function socketView(s: SocketSnapshot): SocketView {
  let strategy: string | null = null;
  let reconnects = 0;
  for (const e of s.events) {
    if (e.kind === "protection") strategy = e.protected ? (e.strategy ?? strategy) : null;
    if (isRecovery(e)) reconnects++;
  }
  return {
    id: s.info.id,
    url: s.info.url,
    frameUrl: s.info.frameUrl,
    state: s.state,
    protected: s.protected,
    strategy: s.protected ? strategy : null,
    framesIn: s.framesIn,
    framesOut: s.framesOut,
    reconnects,
  };
}

/** Frames of the sockets matching `glob`, in each socket's order, with provenance and fate spelt out. */
export function framesOf(sockets: readonly SocketSnapshot[], glob?: string): FrameView[] {
  const out: FrameView[] = [];
  for (const s of sockets) {
    if (!urlMatches(glob, s.info.url)) continue;
    for (const e of s.events) {
      if (e.kind !== "frame") continue;
      const f = e.frame;
      out.push({
        socket: f.socket,
        url: s.info.url,
        seq: f.seq,
        t: f.t,
        dir: f.dir,
        opcode: f.opcode,
        size: f.size,
        preview: f.preview,
        truncated: f.truncated,
        from: f.from ?? "page",
        fate: f.fate ?? (f.dir === "in" ? "delivered" : "sent"),
        ...(f.rule !== undefined ? { rule: f.rule } : {}),
        ...(f.pause !== undefined ? { pause: f.pause } : {}),
      });
    }
  }
  return out;
}

/** Sockets a fault can still act on: every one the page has not seen end. */
export function usableSockets(sockets: readonly SocketSnapshot[], glob?: string): SocketSnapshot[] {
  return sockets.filter((s) => s.state !== "closed" && urlMatches(glob, s.info.url));
}

/** An `open` the engine reached after a loss (its cause says `reconnected after N attempt(s)`). */
export function isRecovery(e: RecorderEvent): boolean {
  return e.kind === "state" && e.state === "open" && typeof e.attempt === "number" && (e.cause ?? "").startsWith("reconnected");
}

export type FaultVerdict = { kind: "in-force" } | { kind: "pending" } | { kind: "refused"; reason: string };

/**
 * Whether the fault sent at `since` is in force on socket `s`, from what its ring recorded since:
 * - the page world's refusal (a `fault` event whose detail says `not ...`) is final;
 * - drop, close: recorded, and the page's socket left `open` (closed, or reconnecting when protected);
 * - blackhole, latency, offline: recorded as active (or as ended, for a duration or latency of 0);
 * - inject: the injected frame reached the wire record; send: the frame went out (or was queued);
 * - reconnect: recorded (a protected socket waiting on backoff dials now).
 */
export function faultVerdict(kind: FaultKind, s: SocketSnapshot, since: number): FaultVerdict {
  const recent = s.events.filter((e) => timeOf(e) >= since - CLOCK_SLACK_MS);
  const faults = recent.filter((e): e is Extract<SocketEvent, { kind: "fault" }> => e.kind === "fault" && e.fault === kind);
  const refusal = faults.find((e) => !e.active && (e.detail ?? "").startsWith("not "));
  if (refusal) return { kind: "refused", reason: refusal.detail! };
  switch (kind) {
    case "drop":
    case "close": {
      const left = recent.some((e) => e.kind === "state" && e.state !== "open" && e.state !== "connecting");
      return faults.length && left ? { kind: "in-force" } : { kind: "pending" };
    }
    case "inject":
    case "send": {
      const want: { dir: "in" | "out"; from: Provenance } = kind === "inject" ? { dir: "in", from: "injected" } : { dir: "out", from: "panel" };
      const seen = recent.some((e) => e.kind === "frame" && e.frame.dir === want.dir && e.frame.from === want.from);
      return seen ? { kind: "in-force" } : { kind: "pending" };
    }
    default:
      return faults.length ? { kind: "in-force" } : { kind: "pending" };
  }
}

/**
 * Whether a socket matching `glob` recovered since `since`: Lifeguard's own reconnect, or a new socket the
 * page made that is open. No clock slack here: a recovery from the fault sent at `since` is stamped
 * after the page world got the command, so after `since`; with slack, the recovery from the fault
 * before it (a drop, then a black-hole within 50 ms) passed for this one.
 */
export function recoveredSince(sockets: readonly SocketSnapshot[], glob: string | undefined, since: number): boolean {
  return sockets.some(
    (s) => urlMatches(glob, s.info.url) && (s.events.some((e) => isRecovery(e) && timeOf(e) >= since) || (s.info.createdAt >= since && s.state === "open")),
  );
}

/** A short account of the sockets, for an error message. */
export function describeSockets(sockets: readonly SocketSnapshot[]): string {
  if (!sockets.length) return "The page has no WebSocket.";
  return `Sockets: ${sockets
    .slice(0, 10)
    .map((s) => `${s.info.url} (${s.state}${s.protected ? ", protected" : ""})`)
    .join(", ")}.`;
}

function timeOf(e: RecorderEvent): number {
  return e.kind === "frame" ? e.frame.t : e.kind === "created" ? e.t : e.t;
}
