/**
 * Which frames the table shows: a socket (or all), direction, text or regex over the preview, type,
 * and "hide heartbeats". The result is a list of log indices, extended incrementally: a new batch is
 * scanned alone, not the 100,000 frames before it.
 */
import type { FrameRecord, SocketId } from "../shared/protocol";
import type { SocketLog } from "./socket-log";

/** What the Type column says: the opcode, or what the decoder / Lifeguard's own heartbeat tell. */
export type FrameType = "text" | "binary" | "control" | "heartbeat";

export interface FrameFilter {
  /** null: every socket. */
  socket: SocketId | null;
  dir: "all" | "in" | "out";
  text: string;
  regex: boolean;
  type: "all" | FrameType;
  hideHeartbeats: boolean;
}

export const NO_FILTER: FrameFilter = { socket: null, dir: "all", text: "", regex: false, type: "all", hideHeartbeats: false };

export type FrameMatcher = (frame: FrameRecord, index: number) => boolean;

/** Compiles a filter; an invalid regex gives its error message instead. */
export function compileFilter(filter: FrameFilter, typeOf: (frame: FrameRecord, index: number) => FrameType): FrameMatcher | { error: string } {
  let textTest: ((s: string) => boolean) | null = null;
  if (filter.text !== "") {
    if (filter.regex) {
      let re: RegExp;
      try {
        re = new RegExp(filter.text);
      } catch (e) {
        return { error: e instanceof Error ? e.message : String(e) };
      }
      textTest = (s) => re.test(s);
    } else {
      const needle = filter.text.toLowerCase();
      textTest = (s) => s.toLowerCase().includes(needle);
    }
  }
  const { dir, type, hideHeartbeats } = filter;
  const needType = type !== "all" || hideHeartbeats;
  return (frame, index) => {
    if (dir !== "all" && frame.dir !== dir) return false;
    if (textTest && !textTest(frame.preview)) return false;
    if (needType) {
      const t = typeOf(frame, index);
      if (hideHeartbeats && t === "heartbeat") return false;
      if (type !== "all" && t !== type) return false;
    }
    return true;
  };
}

/**
 * The indices of the frames a filter lets through, kept up to date as the log grows. Call `update`
 * with the same matcher and socket while the filter is unchanged: only frames appended since are tested.
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
