/**
 * HAR export and import in Chrome's shape for WebSockets: an entry per socket with `_resourceType:
 * "websocket"`, `response.status: 101` and `_webSocketMessages: [{ type: "send" | "receive", time:
 * <seconds since the epoch>, opcode: 1 | 2, data }]`, binary data in base64. A HAR saved from Chrome
 * DevTools opens here, and ours opens there.
 *
 * What Chrome's shape cannot say travels in keys Chrome ignores, so ours re-imports as it was: per
 * message `_from` and `_fate` (who made the frame and what became of it, only when not the page's own
 * frame gone its ordinary way), `_rule` / `_pause` (the frame rule that touched it, the breakpoint it waited at), `_size` / `_truncated` / `_seq`; per entry `_lifeguardEvents` (the
 * socket's lifecycle, each event with `_afterSeq`, the `seq` of the frame it came after) and
 * `_lifeguard` (frame URL, state, protection...).
 *
 * Every record goes in `_webSocketMessages`, queued, held and dropped frames too (with their `_fate`):
 * Chrome lists them as messages, Lifeguard marks them as they were.
 */
import type { Fate, FrameRecord, Provenance, RecorderEvent, SocketInfo } from "../shared/protocol";
import { FATES, PROVENANCES, isRecorderEvent } from "../shared/protocol";
import type { ImportedSocket, SocketView } from "./model";
import type { LifecycleEvent, SocketLog } from "./socket-log";
import { bytesToHex, hexToBytes } from "./frame-info";

export interface HarMessage {
  type: "send" | "receive";
  time: number;
  opcode: 1 | 2;
  data: string;
  /** Only when the frame was recorded in part: its true size. */
  _size?: number;
  _truncated?: true;
  /** Only when not one more than the previous message's (the page's ring had dropped older frames). */
  _seq?: number;
  /** Only when not `page`. */
  _from?: Provenance;
  /** Only when not `delivered` (inbound) / `sent` (outbound). */
  _fate?: Fate;
  /** Only when a frame rule touched it: its index in the settings' `frameRules`. */
  _rule?: number;
  /** Only when it waited at a breakpoint: the pause id its records share. */
  _pause?: number;
}

/** A lifecycle event as the export writes it: the event, and the `seq` of the frame it came after. */
export type HarLifecycleEvent = LifecycleEvent & { _afterSeq?: number };

interface LifeguardEntryExtras {
  id: string;
  frameUrl: string;
  topFrame: boolean;
  protocols: string[];
  createdAt: number;
  state: SocketView["state"];
  protected: boolean;
  reconnects: number;
}

const CREATOR = { name: "Lifeguard", version: "0.1.0" };
/** Caps for a file from anywhere: past them, the rest is left out. */
const MAX_ENTRIES = 10_000;
const MAX_MESSAGES = 2_000_000;

const encoder = new TextEncoder();

function base64FromHex(hex: string): string {
  const bytes = hexToBytes(hex);
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

function hexFromBase64(b64: string): string | null {
  try {
    const bin = atob(b64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytesToHex(bytes);
  } catch {
    return null;
  }
}

/** Seconds since the epoch, as Chrome writes them; back to ms to the microsecond (no float noise). */
const toSeconds = (ms: number): number => ms / 1000;
const toMs = (seconds: number): number => Math.round(seconds * 1e6) / 1e3;

function lifecycleWithSocket(event: LifecycleEvent, id: string): LifecycleEvent {
  if (event.kind === "created") return { ...event, socket: { ...event.socket, id } };
  return { ...event, socket: id };
}

/** A HAR 1.2 document with one websocket entry per socket. */
export function exportHar(sockets: readonly SocketView[], log: SocketLog): string {
  const entries = sockets.map((view) => {
    let prevSeq = 0;
    const messages: HarMessage[] = log.framesOf(view.id).map((i) => {
      const f = log.frames[i]!;
      const m: HarMessage = {
        type: f.dir === "out" ? "send" : "receive",
        time: toSeconds(f.t),
        opcode: f.opcode === "binary" ? 2 : 1,
        data: f.opcode === "binary" ? base64FromHex(f.preview) : f.preview,
      };
      if (f.truncated || f.size !== derivedSize(f.opcode, f.preview)) m._size = f.size;
      if (f.truncated) m._truncated = true;
      if (f.seq !== prevSeq + 1) m._seq = f.seq;
      if (f.from && f.from !== "page") m._from = f.from;
      if (f.fate && f.fate !== (f.dir === "out" ? "sent" : "delivered")) m._fate = f.fate;
      if (f.rule !== undefined) m._rule = f.rule;
      if (f.pause !== undefined) m._pause = f.pause;
      prevSeq = f.seq;
      return m;
    });
    const events: HarLifecycleEvent[] = log.eventsOf(view.id).map((event) => ({ ...event, _afterSeq: log.anchorOf(event) }));
    const last = messages.length ? toMs(messages[messages.length - 1]!.time) : view.lastActivity;
    const extras: LifeguardEntryExtras = {
      id: view.id,
      frameUrl: view.frameUrl,
      topFrame: view.topFrame,
      protocols: view.protocols,
      createdAt: view.createdAt,
      state: view.state,
      protected: view.protected,
      reconnects: view.reconnects,
    };
    const protocolHeader = view.protocols.length ? [{ name: "Sec-WebSocket-Protocol", value: view.protocols.join(", ") }] : [];
    return {
      _resourceType: "websocket",
      _priority: "High",
      cache: {},
      startedDateTime: new Date(view.createdAt).toISOString(),
      time: Math.max(0, last - view.createdAt),
      request: {
        method: "GET",
        url: view.url,
        httpVersion: "HTTP/1.1",
        headers: [{ name: "Upgrade", value: "websocket" }, ...protocolHeader],
        queryString: [],
        cookies: [],
        headersSize: -1,
        bodySize: 0,
      },
      response: {
        status: 101,
        statusText: "Switching Protocols",
        httpVersion: "HTTP/1.1",
        headers: [],
        cookies: [],
        content: { size: 0, mimeType: "x-unknown" },
        redirectURL: "",
        headersSize: -1,
        bodySize: 0,
        _transferSize: 0,
      },
      timings: { blocked: -1, dns: -1, ssl: -1, connect: -1, send: 0, wait: 0, receive: 0 },
      _webSocketMessages: messages,
      _lifeguardEvents: events,
      _lifeguard: extras,
    };
  });
  return JSON.stringify({ log: { version: "1.2", creator: CREATOR, pages: [], entries } }, null, 2);
}

function derivedSize(opcode: "text" | "binary", preview: string): number {
  return opcode === "binary" ? preview.length >> 1 : encoder.encode(preview).length;
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
const str = (x: unknown, fallback = ""): string => (typeof x === "string" ? x : fallback);
const num = (x: unknown): number | null => (typeof x === "number" && Number.isFinite(x) ? x : null);
const count = (x: unknown): number | null => (typeof x === "number" && Number.isSafeInteger(x) && x >= 0 ? x : null);

const PROVENANCE_SET = new Set<unknown>(PROVENANCES);
const FATE_SET = new Set<unknown>(FATES);

/** The entry's lifecycle events and their anchors; those that are not events of the protocol's shape are left out. */
function eventsOf(entry: Record<string, unknown>): { events: LifecycleEvent[]; anchors: (number | undefined)[] } {
  // `_lifeguard.events`: where Lifeguard's exports before `_lifeguardEvents` kept them (no anchors).
  const extras = entry._lifeguard;
  const list = Array.isArray(entry._lifeguardEvents) ? entry._lifeguardEvents : isRecord(extras) && Array.isArray(extras.events) ? extras.events : [];
  const events: LifecycleEvent[] = [];
  const anchors: (number | undefined)[] = [];
  for (const item of list) {
    if (!isRecord(item)) continue;
    const { _afterSeq, ...event } = item;
    // A page error is no socket's (and an export never writes one): it has no place in an entry.
    if (!isRecorderEvent(event) || (event as RecorderEvent).kind === "frame" || (event as RecorderEvent).kind === "page-error") continue;
    events.push(event as LifecycleEvent);
    anchors.push(num(_afterSeq) ?? undefined);
  }
  return { events, anchors };
}

function extrasOf(entry: Record<string, unknown>): Partial<LifeguardEntryExtras> {
  const x = entry._lifeguard;
  if (!isRecord(x)) return {};
  const states = ["connecting", "open", "closing", "closed", "reconnecting"];
  return {
    frameUrl: typeof x.frameUrl === "string" ? x.frameUrl : undefined,
    topFrame: typeof x.topFrame === "boolean" ? x.topFrame : undefined,
    protocols: Array.isArray(x.protocols) ? x.protocols.filter((p): p is string => typeof p === "string") : undefined,
    createdAt: num(x.createdAt) ?? undefined,
    state: typeof x.state === "string" && states.includes(x.state) ? (x.state as SocketView["state"]) : undefined,
    protected: typeof x.protected === "boolean" ? x.protected : undefined,
    reconnects: num(x.reconnects) ?? undefined,
  };
}

function headerValue(request: unknown, name: string): string | null {
  if (!isRecord(request) || !Array.isArray(request.headers)) return null;
  for (const h of request.headers) if (isRecord(h) && str(h.name).toLowerCase() === name) return str(h.value);
  return null;
}

/**
 * The websocket entries of a HAR document as read-only sockets. `batch` makes the ids unique per
 * import. Throws with a message a user can act on when the file is not a HAR with sockets.
 */
export function importHar(text: string, batch: number, fileName = "HAR"): ImportedSocket[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error("not a HAR file: it is not JSON");
  }
  const entries = isRecord(doc) && isRecord(doc.log) && Array.isArray(doc.log.entries) ? doc.log.entries : null;
  if (!entries) throw new Error("not a HAR file: no log.entries");
  const sockets: ImportedSocket[] = [];
  let messageBudget = MAX_MESSAGES;
  for (const entry of entries.slice(0, MAX_ENTRIES)) {
    if (!isRecord(entry) || !Array.isArray(entry._webSocketMessages)) continue;
    if (entry._resourceType !== undefined && entry._resourceType !== "websocket") continue;
    const request = entry.request;
    const url = isRecord(request) ? str(request.url) : "";
    const extras = extrasOf(entry);
    const id = `imported:${batch}:${sockets.length + 1}`;
    const started = Date.parse(str(entry.startedDateTime));
    const protocolHeader = headerValue(request, "sec-websocket-protocol");
    const frames: FrameRecord[] = [];
    let seq = 0;
    for (const m of entry._webSocketMessages) {
      if (messageBudget-- <= 0) break;
      if (!isRecord(m) || (m.type !== "send" && m.type !== "receive") || typeof m.data !== "string") continue;
      const time = num(m.time);
      if (time === null) continue;
      const binary = m.opcode === 2;
      const preview = binary ? hexFromBase64(m.data) : m.data;
      if (preview === null) continue;
      seq = num(m._seq) ?? seq + 1;
      const opcode = binary ? "binary" : "text";
      const frame: FrameRecord = {
        socket: id,
        seq,
        t: toMs(time),
        dir: m.type === "send" ? "out" : "in",
        opcode,
        size: num(m._size) ?? derivedSize(opcode, preview),
        preview,
        truncated: m._truncated === true,
      };
      if (PROVENANCE_SET.has(m._from)) frame.from = m._from as Provenance;
      if (FATE_SET.has(m._fate)) frame.fate = m._fate as Fate;
      const rule = count(m._rule);
      if (rule !== null) frame.rule = rule;
      const pause = count(m._pause);
      if (pause !== null) frame.pause = pause;
      frames.push(frame);
    }
    const createdAt = extras.createdAt ?? (Number.isFinite(started) ? started : (frames[0]?.t ?? 0));
    const info: SocketInfo = {
      id,
      url,
      protocols: extras.protocols ?? (protocolHeader ? protocolHeader.split(",").map((p) => p.trim()).filter(Boolean) : []),
      frameUrl: extras.frameUrl ?? fileName,
      topFrame: extras.topFrame ?? true,
      createdAt,
    };
    const view: SocketView = {
      ...info,
      state: extras.state ?? "closed",
      protected: extras.protected ?? false,
      framesIn: 0,
      framesOut: 0,
      bytesIn: 0,
      bytesOut: 0,
      lastSeq: seq,
      lastActivity: createdAt,
      reconnects: extras.reconnects ?? 0,
      origin: "imported",
    };
    for (const f of frames) {
      if (f.dir === "in") {
        view.framesIn++;
        view.bytesIn += f.size;
      } else {
        view.framesOut++;
        view.bytesOut += f.size;
      }
      view.lastActivity = Math.max(view.lastActivity, f.t);
    }
    const lifecycle = eventsOf(entry);
    const events = lifecycle.events.map((e) => lifecycleWithSocket(e, id));
    for (const e of events) view.lastActivity = Math.max(view.lastActivity, e.t);
    sockets.push({ view, frames, events, anchors: lifecycle.anchors });
  }
  if (sockets.length === 0) throw new Error("no WebSocket entries in this HAR file");
  return sockets;
}
