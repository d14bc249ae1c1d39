/**
 * The rows of the frames table: the frames a filter lets through and, among them, the lifecycle events
 * it lets through (opened, closed 1006, reconnecting #2 in 300 ms...), in the order they happened.
 *
 * Built for 500,000 frames: a row is one number in one array, as a frame index alone was before
 * lifecycle rows came (a frame's row is its log index; a lifecycle row is `-(k + 1)`, `k` its place in
 * `events`), so frames cost nothing more. Extended incrementally like the frame list it replaces: a new
 * batch's frames and events are merged onto the end; the whole is rebuilt only when the filter, the
 * socket or the log's order changed.
 *
 * Where an event goes is what the stream said: among its own socket's frames, after the frame it came
 * after (`SocketLog.anchorOf`); among other sockets' frames, by time.
 */
import type { FrameRecord, SocketId } from "../shared/protocol";
import { socketOfEvent } from "../shared/protocol";
import type { EventMatcher, FrameMatcher } from "./frame-filter";
import type { LifecycleEvent, SocketLog } from "./socket-log";

/** The code of lifecycle row `k`, and back. */
export const eventCode = (k: number): number => -k - 1;
export const eventSlot = (code: number): number => -code - 1;

export class FrameRows {
  /** Row codes, in order: a log index (>= 0) for a frame, `eventCode(k)` for `events[k]`. Appended in place. */
  codes: number[] = [];
  /** The lifecycle events shown, in row order. */
  events: LifecycleEvent[] = [];
  /** Frame rows among `codes`. */
  frameCount = 0;
  /** Goes up when the rows were rebuilt rather than appended to. */
  generation = 0;
  private frameMatcher: FrameMatcher | null = null;
  private eventMatcher: EventMatcher | null = null;
  private socket: SocketId | null = null;
  private epoch = -1;
  private lifecycleEpoch = -1;
  /** How many candidate frames (log indices, or the socket's own list) and lifecycle events were merged already. */
  private scannedFrames = 0;
  private scannedEvents = 0;

  /** Brings the rows up to date with the log; call with the same matchers while the filter is unchanged. */
  update(log: SocketLog, socket: SocketId | null, frameMatcher: FrameMatcher, eventMatcher: EventMatcher | null): this {
    let lifecycle: readonly LifecycleEvent[] = log.lifecycle;
    if (
      frameMatcher !== this.frameMatcher ||
      eventMatcher !== this.eventMatcher ||
      socket !== this.socket ||
      log.epoch !== this.epoch ||
      log.lifecycleEpoch !== this.lifecycleEpoch
    ) {
      this.codes = [];
      this.events = [];
      this.frameCount = 0;
      this.scannedFrames = 0;
      this.scannedEvents = 0;
      this.frameMatcher = frameMatcher;
      this.eventMatcher = eventMatcher;
      this.socket = socket;
      this.epoch = log.epoch;
      this.generation++;
      // Page frames' batches may have interleaved: a whole merge reads the events in time order.
      lifecycle = log.lifecycleInOrder();
      this.lifecycleEpoch = log.lifecycleEpoch;
    }
    const frames = log.frames;
    const own = socket === null ? null : log.framesOf(socket);
    const end = own ? own.length : frames.length;
    const eventsEnd = eventMatcher ? lifecycle.length : this.scannedEvents;
    let e = this.scannedEvents;
    // The next event to show, or null.
    const nextEvent = (): LifecycleEvent | null => {
      for (; e < eventsEnd; e++) {
        const event = lifecycle[e]!;
        if ((socket === null || socketOfEvent(event) === socket) && eventMatcher!(event)) return event;
      }
      return null;
    };
    let pending = nextEvent();
    for (let k = this.scannedFrames; k < end; k++) {
      const i = own ? own[k]! : k;
      const frame = frames[i]!;
      if (!frameMatcher(frame, i)) continue;
      while (pending && this.comesBefore(log, pending, frame)) {
        this.pushEvent(pending);
        e++;
        pending = nextEvent();
      }
      this.codes.push(i);
      this.frameCount++;
    }
    while (pending) {
      this.pushEvent(pending);
      e++;
      pending = nextEvent();
    }
    this.scannedFrames = end;
    this.scannedEvents = eventsEnd;
    return this;
  }

  /** The lifecycle event of a row code (< 0). */
  eventOf(code: number): LifecycleEvent {
    return this.events[eventSlot(code)]!;
  }

  /** When the row's frame or event happened. */
  timeOf(code: number, frames: readonly FrameRecord[]): number {
    return code >= 0 ? frames[code]!.t : this.eventOf(code).t;
  }

  private pushEvent(event: LifecycleEvent): void {
    this.codes.push(eventCode(this.events.length));
    this.events.push(event);
  }

  /** Whether `event` goes before `frame`: after its own socket's frame it came after; else by time. */
  private comesBefore(log: SocketLog, event: LifecycleEvent, frame: FrameRecord): boolean {
    return socketOfEvent(event) === frame.socket ? log.anchorOf(event) < frame.seq : event.t < frame.t;
  }
}
