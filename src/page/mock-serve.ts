/**
 * The page world's mocks: which socket URLs a mock serves (the globs of `config.mocks`), and the
 * conversation for each, asked of the relay once per URL (`mock-query`) and kept until the settings
 * change. A socket created to a URL a glob matches is dialled to nowhere by the hook and served by a
 * `MockSocket` (mock-socket.ts) once its conversation arrives.
 */
import { MOCK_LIMITS, type MockFrame, type MockSpec } from "../shared/frame-rule-types";
import type { FaultCommand, FaultTarget } from "../shared/protocol";
import { matchGlob } from "../shared/settings";
import type { MockSocket } from "./mock-socket";
import type { Natives } from "./natives";

/**
 * How long a socket waits for its conversation: past it, it fails as an unreachable server does. The
 * relay answers in milliseconds; one that never does (a query dropped past its rate limit, an
 * extension reloaded) must not leave the page's socket CONNECTING for ever.
 */
export const MOCK_ANSWER_TIMEOUT_MS = 10_000;

/** Why a fault does nothing to a mocked socket, in its record (the testing API reads `not ...` as a refusal). */
export const MOCK_NOT_APPLIED = "not applied: the socket is served by a mock";

/** Past this many mocked sockets known, those the page can no longer use are forgotten. */
const PRUNE_ABOVE = 256;
/**
 * Answers kept, the oldest forgotten first: each is a copy of a recording (up to MOCK_LIMITS.charsPerMock),
 * and a page that puts a fresh token in every socket URL asks for each one.
 */
const ANSWERS_KEPT = 8;

export class Mocks {
  private globs: string[] = [];
  /** Answers by URL: the conversation, or null (no mock serves it). */
  private readonly answers = new Map<string, MockSpec | null>();
  /** Sockets waiting for their URL's answer, and the timer that gives up on it. */
  private readonly waiting = new Map<string, { sockets: MockSocket[]; timer: unknown }>();
  /** Mocked sockets by id, for the faults aimed at them. */
  private readonly sockets = new Map<string, MockSocket>();

  constructor(
    private readonly n: Natives,
    /** Asks the relay for the conversation of a socket URL; the answer comes to `answer`. */
    private readonly ask: (url: string) => void,
  ) {}

  /** Whether new sockets may be mocked at all (asked before any URL is converted). */
  get any(): boolean {
    return this.globs.length > 0;
  }

  /** The globs in force (none while Lifeguard is off); a change makes every kept answer stale. */
  configure(globs: readonly string[]): void {
    // Runs of stars collapsed, as rules' globs are matched (settings.ts).
    this.globs = globs.filter((g) => typeof g === "string" && g.length > 0).map((g) => g.replace(/\*+/g, "*"));
    this.answers.clear();
  }

  /** Whether a socket to `url` (resolved) is served by a mock. */
  serves(url: string): boolean {
    for (const glob of this.globs) if (matchGlob(glob, url)) return true;
    return false;
  }

  /** A socket to serve: it opens when its URL's conversation is known (never in the task that made it). */
  serve(socket: MockSocket): MockSocket {
    if (this.sockets.size > PRUNE_ABOVE) for (const [id, s] of this.sockets) if (!s.usable) this.sockets.delete(id);
    this.sockets.set(socket.id, socket);
    const url = socket.url;
    if (this.answers.has(url)) {
      const spec = this.answers.get(url)!;
      this.n.setTimeout(() => socket.answer(spec), 0);
      return socket;
    }
    const wait = this.waiting.get(url);
    if (wait) {
      wait.sockets.push(socket);
      return socket;
    }
    const timer = this.n.setTimeout(() => this.answer(url, null, false), MOCK_ANSWER_TIMEOUT_MS);
    this.waiting.set(url, { sockets: [socket], timer });
    this.ask(url);
    return socket;
  }

  /** The usable mocked sockets a fault target names. */
  targets(target: FaultTarget): MockSocket[] {
    const found = "tab" in target ? [...this.sockets.values()] : [this.sockets.get(target.socket)].filter((s): s is MockSocket => !!s);
    return found.filter((s) => s.usable);
  }

  /** The relay's answer for `url` (`keep`: remembered for later sockets; a timeout is not). */
  answer(url: string, raw: unknown, keep = true): void {
    const spec = asMockSpec(raw);
    if (keep) {
      this.answers.delete(url);
      this.answers.set(url, spec);
      if (this.answers.size > ANSWERS_KEPT) this.answers.delete(this.answers.keys().next().value!);
    }
    const wait = this.waiting.get(url);
    if (!wait) return;
    this.waiting.delete(url);
    this.n.clearTimeout(wait.timer as number);
    for (const socket of wait.sockets) {
      try {
        socket.answer(spec);
      } catch {
        // One socket's page handler cannot keep the others waiting.
      }
    }
  }
}

/**
 * A fault from the panel or a test has no wire to act on in a mocked socket (there is no connection to
 * drop, hold or slow): each mocked socket it is aimed at, by id or as one of the tab's, gets a record
 * that it was not applied, rather than silence. Ending a fault touches nothing and is not recorded.
 */
export function refuseFaults(mocks: Mocks, target: FaultTarget, fault: FaultCommand, record: (socket: string) => void): void {
  if (ends(fault)) return;
  for (const s of mocks.targets(target)) record(s.id);
}

function ends(fault: FaultCommand): boolean {
  switch (fault.kind) {
    case "blackhole":
    case "offline":
    case "refuse":
      return fault.durationMs <= 0;
    case "latency":
      return fault.inMs <= 0 && fault.outMs <= 0;
    default:
      return false;
  }
}

/**
 * The relay validated the mocks it serves (src/shared/mock-validate.ts); this only makes sure the
 * shape is one the player can read, so nothing it does throws into the page. Anything else: no mock.
 */
export function asMockSpec(x: unknown): MockSpec | null {
  if (typeof x !== "object" || x === null) return null;
  const m = x as Record<string, unknown>;
  if (typeof m.match !== "string" || typeof m.protocol !== "string" || !Array.isArray(m.frames)) return null;
  if (m.frames.length > MOCK_LIMITS.framesPerMock || !m.frames.every(isMockFrame)) return null;
  const replay = m.replay as Record<string, unknown> | null;
  if (typeof replay !== "object" || replay === null) return null;
  if (replay.by !== "order" && !(replay.by === "path" && typeof replay.path === "string")) return null;
  if (m.timing !== "recorded" && m.timing !== "fast") return null;
  if (m.source !== undefined && typeof m.source !== "string") return null;
  return m as unknown as MockSpec;
}

function isMockFrame(x: unknown): x is MockFrame {
  if (typeof x !== "object" || x === null) return false;
  const f = x as Record<string, unknown>;
  return (
    (f.dir === "in" || f.dir === "out") &&
    typeof f.t === "number" &&
    Number.isFinite(f.t) &&
    (f.opcode === "text" || f.opcode === "binary") &&
    typeof f.data === "string"
  );
}
