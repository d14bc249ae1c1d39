/**
 * Which frames the table shows: a socket (or all), direction, text or regex over the preview, type,
 * "hide heartbeats" (Lifeguard's own: the frames recorded `from: "heartbeat"`), and whether lifecycle
 * rows show among them. The result is a list of log indices, extended incrementally: a new batch is
 * scanned alone, not the 100,000 frames before it.
 */
import type { FrameRecord, SocketId } from "../shared/protocol";
import type { LifecycleEvent, SocketLog } from "./socket-log";

/**
 * What the Type column says: the opcode; `control` for what the decoder calls its protocol's own
 * control or ping frames; `heartbeat` for Lifeguard's own heartbeat frames (their record says so).
 */
export type FrameType = "text" | "binary" | "control" | "heartbeat";

export interface FrameFilter {
  /** null: every socket. */
  socket: SocketId | null;
  dir: "all" | "in" | "out";
  text: string;
  regex: boolean;
  type: "all" | FrameType;
  hideHeartbeats: boolean;
  /** Hides the lifecycle rows (opened, closed, reconnecting...) shown among the frames. */
  hideLifecycle: boolean;
}

export const NO_FILTER: FrameFilter = { socket: null, dir: "all", text: "", regex: false, type: "all", hideHeartbeats: false, hideLifecycle: false };

export type FrameMatcher = (frame: FrameRecord, index: number) => boolean;
export type EventMatcher = (event: LifecycleEvent) => boolean;

/** The text test of a filter (null: no text), or the error of an invalid regex. */
function compileText(filter: FrameFilter): ((s: string) => boolean) | null | { error: string } {
  if (filter.text === "") return null;
  if (!filter.regex) {
    const needle = filter.text.toLowerCase();
    return (s) => s.toLowerCase().includes(needle);
  }
  let re: RegExp;
  try {
    re = new RegExp(filter.text);
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
  return (s) => re.test(s);
}

/** Compiles a filter; an invalid regex gives its error message instead. */
export function compileFilter(filter: FrameFilter, typeOf: (frame: FrameRecord, index: number) => FrameType): FrameMatcher | { error: string } {
  const textTest = compileText(filter);
  if (textTest && typeof textTest !== "function") return textTest;
  const { dir, type, hideHeartbeats } = filter;
  return (frame, index) => {
    if (dir !== "all" && frame.dir !== dir) return false;
    // The record says who made it: nothing is guessed from payloads or timing.
    if (hideHeartbeats && frame.from === "heartbeat") return false;
    if (textTest && !textTest(frame.preview)) return false;
    if (type !== "all" && typeOf(frame, index) !== type) return false;
    return true;
  };
}

/** What makes a lifecycle event a row, and the row's text (lifecycle-rows.ts). */
export interface LifecycleRowReader {
  isRow(event: LifecycleEvent): boolean;
  text(event: LifecycleEvent): string | null;
}

/**
 * Which lifecycle events show as rows: none when hidden; else the events that make rows, with "hide
 * heartbeats" taking Lifeguard's routine heartbeat rows too, and the text filter matched against the
 * row's text (made only when there is a text filter: a rebuild reads up to 100,000 events). Null: no
 * lifecycle rows at all.
 */
export function compileLifecycleFilter(filter: FrameFilter, rows: LifecycleRowReader): EventMatcher | null {
  if (filter.hideLifecycle) return null;
  const textTest = compileText(filter);
  if (textTest && typeof textTest !== "function") return null;
  const { hideHeartbeats } = filter;
  return (event) => {
    if (hideHeartbeats && event.kind === "heartbeat" && event.phase !== "missed") return false;
    if (!rows.isRow(event)) return false;
    if (!textTest) return true;
    const text = rows.text(event);
    return text !== null && textTest(text);
  };
}

/**
 * The indices of the frames a filter lets through, kept up to date as the log grows. Call `update`
 * with the same matcher and socket while the filter is unchanged: only frames appended since are tested.
 * The frames view uses `FrameRows` (frame-rows.ts), which merges the lifecycle rows in the same way;
 * this frames-only list is what bench/panel-ingest.test.ts measures filters with.
 */
export class FilteredFrames {
  /** Log indices, ascending. Appended in place. */
  indices: number[] = [];
  private matcher: FrameMatcher | null = null;
  private socket: SocketId | null = null;
  private epoch = -1;
  /** How many of the candidate frames were tested already. */
  private scanned = 0;

  update(log: SocketLog, socket: SocketId | null, matcher: FrameMatcher): readonly number[] {
    if (matcher !== this.matcher || socket !== this.socket || log.epoch !== this.epoch) {
      this.indices = [];
      this.scanned = 0;
      this.matcher = matcher;
      this.socket = socket;
      this.epoch = log.epoch;
    }
    const frames = log.frames;
    if (socket === null) {
      for (let i = this.scanned; i < frames.length; i++) if (matcher(frames[i]!, i)) this.indices.push(i);
      this.scanned = frames.length;
    } else {
      const own = log.framesOf(socket);
      for (let k = this.scanned; k < own.length; k++) {
        const i = own[k]!;
        if (matcher(frames[i]!, i)) this.indices.push(i);
      }
      this.scanned = own.length;
    }
    return this.indices;
  }
}
