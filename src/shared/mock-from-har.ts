/**
 * Mocks from recordings: the conversations of a HAR file (Chrome's `_webSocketMessages`, or
 * Lifeguard's export with its extra keys: src/panel/har.ts) or of a socket's frame records, as the
 * frames a `MockSpec` replays (src/shared/mock-player.ts).
 *
 * A mock stands in for the server, so it replays what really crossed the wire, as the page saw it:
 * the server's frames that were delivered and the page's own frames that were sent. Lifeguard's
 * records say which those are; left out are heartbeats (Lifeguard's, not the page's), frames Lifeguard
 * made (resume, resend, panel, injected, rule), frames hidden from the page, and first records of
 * frames whose second record says how they went (queued, paused). Chrome's HAR has none of these
 * marks: every message is taken.
 *
 * Times become milliseconds from the socket's open. A frame recorded in part (`truncated`) cannot be
 * replayed as it was: it is left out and counted.
 */
import type { Fate, Provenance } from "./protocol";
import { MOCK_LIMITS, type MockFrame, type MockSpec } from "./frame-rule-types";

/** A recorded frame as the panel holds it (`FrameRecord`): binary `preview` in hex. */
export interface RecordedFrame {
  dir: "in" | "out";
  /** Milliseconds since the epoch. */
  t: number;
  opcode: "text" | "binary";
  preview: string;
  truncated: boolean;
  from?: Provenance;
  fate?: Fate;
}

export interface MockOptions {
  /** The glob the mock serves; default: the socket URL (its query, if any, as `*`). */
  match?: string;
  replay?: MockSpec["replay"];
  timing?: MockSpec["timing"];
  /** When the socket opened (ms since the epoch): frame times count from there. Default: the first frame's time. */
  openedAt?: number;
  source?: string;
}

/** A conversation read from a recording, and how many frames could not be kept. */
export interface RecordedConversation {
  url: string;
  protocol: string;
  frames: MockFrame[];
  /** Frames recorded in part: left out. */
  truncated: number;
  /** Frames past `MOCK_LIMITS` (count or characters): left out, with everything after them. */
  overLimit: number;
}

/** Thrown when a text is not a HAR document at all. */
export class NotHarError extends Error {
  override name = "NotHarError";
}

/** Caps for a file from anywhere (as the panel's import). */
const MAX_ENTRIES = 10_000;

/** The conversation of every WebSocket entry of a HAR document (none: `[]`). Throws `NotHarError` for a text that is no HAR. */
export function mocksFromHar(harText: string): RecordedConversation[] {
  let doc: unknown;
  try {
    doc = JSON.parse(harText);
  } catch {
    throw new NotHarError("not a HAR file: it is not JSON");
  }
  const entries = isRecord(doc) && isRecord(doc.log) && Array.isArray(doc.log.entries) ? doc.log.entries : null;
  if (!entries) throw new NotHarError("not a HAR file: no log.entries");
  const out: RecordedConversation[] = [];
  for (const entry of entries.slice(0, MAX_ENTRIES)) {
    if (!isRecord(entry) || !Array.isArray(entry._webSocketMessages)) continue;
    if (entry._resourceType !== undefined && entry._resourceType !== "websocket") continue;
    // The handshake's request: some tools write it with its HTTP scheme.
    const url = isRecord(entry.request) && typeof entry.request.url === "string" ? entry.request.url.replace(/^http(s?):/i, "ws$1:") : "";
    const opened = openOf(entry);
    const frames: RecordedFrame[] = [];
    for (const m of entry._webSocketMessages) {
      const frame = harMessage(m);
      if (frame) frames.push(frame);
      if (frames.length > MOCK_LIMITS.framesPerMock * 2) break;
    }
    const protocol = opened.protocol ?? header(entry.response, "sec-websocket-protocol") ?? "";
    out.push({ url, protocol, ...conversation(frames, opened.t ?? frames[0]?.t ?? 0) });
  }
  return out;
}

/** A mock of one socket's records (the panel's "Serve as mock"). */
export function mockFromFrames(url: string, protocol: string, frames: readonly RecordedFrame[], opts: MockOptions = {}): MockSpec {
  return buildMock(url, protocol, frames, opts).mock;
}

/** `mockFromFrames`, and what was left out (to tell the user). */
export function buildMock(
  url: string,
  protocol: string,
  frames: readonly RecordedFrame[],
  opts: MockOptions = {},
): { mock: MockSpec; truncated: number; overLimit: number } {
  const c = conversation(frames, opts.openedAt ?? frames[0]?.t ?? 0);
  return { mock: mockOf({ url, protocol, ...c }, opts), truncated: c.truncated, overLimit: c.overLimit };
}

/** A read conversation as a mock, with the options' replay and timing (default: by order, recorded timing). */
export function mockOf(c: Pick<RecordedConversation, "url" | "protocol" | "frames">, opts: MockOptions = {}): MockSpec {
  const mock: MockSpec = {
    match: opts.match ?? defaultGlob(c.url),
    protocol: c.protocol,
    frames: c.frames,
    replay: opts.replay ?? { by: "order" },
    timing: opts.timing ?? "recorded",
  };
  if (opts.source !== undefined) mock.source = opts.source;
  return mock;
}

/** The socket URL as a glob: itself, with a query (a token that changes each visit, say) as `*`. */
export function defaultGlob(url: string): string {
  const q = url.search(/[?#]/);
  return q < 0 ? url : `${url.slice(0, q + 1)}*`;
}

/** Whether a record is of a frame that crossed the wire as the page's or the server's own, and went its way. */
export function crossed(f: Pick<RecordedFrame, "dir" | "from" | "fate">): boolean {
  const from = f.from ?? "page";
  if (f.dir === "out") return from === "page" && (f.fate ?? "sent") === "sent";
  // A mock stands where the server stood: a recording of a mocked socket replays as well.
  return (from === "page" || from === "mock") && (f.fate ?? "delivered") === "delivered";
}

function conversation(frames: readonly RecordedFrame[], openedAt: number): Omit<RecordedConversation, "url" | "protocol"> {
  const out: MockFrame[] = [];
  let truncated = 0;
  let overLimit = 0;
  let chars = 0;
  for (const f of frames) {
    if (!crossed(f)) continue;
    if (f.truncated) {
      truncated++;
      continue;
    }
    const data = f.opcode === "binary" ? base64FromHex(f.preview) : f.preview;
    if (overLimit > 0 || data === null || out.length >= MOCK_LIMITS.framesPerMock || chars + data.length > MOCK_LIMITS.charsPerMock) {
      // A conversation cut short is still one; what follows a gap would answer the wrong frames.
      overLimit++;
      continue;
    }
    chars += data.length;
    out.push({ dir: f.dir, t: Math.max(0, round(f.t - openedAt)), opcode: f.opcode, data });
  }
  return { frames: out, truncated, overLimit };
}

/** A `_webSocketMessages` item as a record (binary in hex, as the panel's), or null when it is not one. */
function harMessage(m: unknown): RecordedFrame | null {
  if (!isRecord(m) || (m.type !== "send" && m.type !== "receive") || typeof m.data !== "string") return null;
  if (typeof m.time !== "number" || !Number.isFinite(m.time)) return null;
  const binary = m.opcode === 2;
  const preview = binary ? hexFromBase64(m.data) : m.data;
  if (preview === null) return null;
  const frame: RecordedFrame = {
    dir: m.type === "send" ? "out" : "in",
    // Chrome writes seconds since the epoch.
    t: m.time * 1000,
    opcode: binary ? "binary" : "text",
    preview,
    truncated: m._truncated === true,
  };
  if (typeof m._from === "string") frame.from = m._from as Provenance;
  if (typeof m._fate === "string") frame.fate = m._fate as Fate;
  return frame;
}

/**
 * When the socket opened and what it negotiated: Lifeguard's first `open` event; else its creation
 * (`_lifeguard.createdAt`); else the entry's start (Chrome's, the handshake's request).
 */
function openOf(entry: Record<string, unknown>): { t: number | null; protocol: string | null } {
  const events = Array.isArray(entry._lifeguardEvents) ? entry._lifeguardEvents : [];
  for (const e of events) {
    if (isRecord(e) && e.kind === "state" && e.state === "open" && typeof e.t === "number" && Number.isFinite(e.t)) {
      return { t: e.t, protocol: typeof e.protocol === "string" ? e.protocol : null };
    }
  }
  const extras = entry._lifeguard;
  if (isRecord(extras) && typeof extras.createdAt === "number" && Number.isFinite(extras.createdAt)) return { t: extras.createdAt, protocol: null };
  const started = typeof entry.startedDateTime === "string" ? Date.parse(entry.startedDateTime) : NaN;
  return { t: Number.isFinite(started) ? started : null, protocol: null };
}

function header(message: unknown, name: string): string | null {
  if (!isRecord(message) || !Array.isArray(message.headers)) return null;
  for (const h of message.headers) {
    if (isRecord(h) && typeof h.name === "string" && h.name.toLowerCase() === name && typeof h.value === "string") return h.value.trim();
  }
  return null;
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/** Milliseconds to the microsecond: seconds times 1000 leaves float noise. */
const round = (ms: number): number => Math.round(ms * 1e3) / 1e3;

function hexFromBase64(b64: string): string | null {
  let bin: string;
  try {
    bin = atob(b64);
  } catch {
    return null;
  }
  let hex = "";
  for (let i = 0; i < bin.length; i++) hex += bin.charCodeAt(i).toString(16).padStart(2, "0");
  return hex;
}

function base64FromHex(hex: string): string | null {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
  let bin = "";
  for (let i = 0; i < hex.length; i += 2) bin += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16));
  return btoa(bin);
}
