/**
 * What one page-facing socket's engine tells the recorder (DESIGN.md, "Records"): lifecycle states,
 * heartbeat, queue, delivery, resume and protection events and notes, each stamped with the socket's id
 * and the time; and the frames queued during an outage.
 */
import type { RecorderEvent, SocketState } from "../shared/protocol";
import type { Clock, Provenance, RecorderSink, SendData } from "./types";

type Stamped = "kind" | "t" | "socket";
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A `state` event's details: cause, close code, attempt, the negotiated protocol... */
export type StateDetails = Omit<Extract<RecorderEvent, { kind: "state" }>, Stamped | "state">;

/** An event the engine makes, before it is stamped. */
export type EngineEvent = DistributiveOmit<
  Extract<RecorderEvent, { kind: "heartbeat" | "queue" | "delivery" | "resume" | "protection" }>,
  "t" | "socket"
>;

export class SocketJournal {
  constructor(
    private readonly recorder: RecorderSink,
    private readonly clock: Clock,
    private readonly socket: string,
  ) {}

  state(state: SocketState, details: StateDetails): void {
    this.recorder.record({ kind: "state", t: this.clock.now(), socket: this.socket, state, ...details });
  }

  event(event: EngineEvent): void {
    this.recorder.record({ ...event, t: this.clock.now(), socket: this.socket });
  }

  note(text: string): void {
    this.recorder.record({ kind: "note", t: this.clock.now(), socket: this.socket, text });
  }

  /** A frame sent during an outage went into the queue (it is recorded as sent when it really goes). */
  queued(data: SendData, from: Provenance): void {
    this.recorder.queued?.(data, from);
  }

  /** A frame sent after the end that no native socket took. */
  discarded(data: SendData, from: Provenance): void {
    this.recorder.discarded?.(data, from);
  }
}
