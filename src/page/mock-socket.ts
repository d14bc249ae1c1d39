/**
 * A page socket served by a mock (DESIGN.md, "Change the conversation"; `MockSpec`): there is no
 * server. The page's own object was dialled to nowhere (`unreachable`, as an offline fault does), and
 * its native `error` and `close` never reach the page; what the page sees is made here, with the
 * browser's lifecycle: CONNECTING until the mock's conversation arrives from the relay, then `open`
 * (the mock's subprotocol), the recorded server frames as `message` events in answer to the page's
 * frames (mock-player.ts), and a `close` as native gives one. No mock (the relay answered null, or
 * never): `error`, then `close` 1006, as an unreachable server.
 *
 * Every frame is recorded: the page's as sent (to the mock), the mock's as delivered `from: "mock"`.
 * A mocked socket has no wire and no engine: it is never protected, and neither faults nor frame rules
 * act on it.
 */
import type { MockFrame, MockSpec } from "../shared/frame-rule-types";
import { mockPlayer, type MockPlayer } from "../shared/mock-player";
import type { SocketState } from "../shared/protocol";
import { byteSize } from "../core/send-queue";
import type { SendData } from "../core/types";
import { decode } from "./faults";
import type { HookedSocket } from "./hook";
import { newRoute, type MessageRoute } from "./listeners";
import { apply, NO_ARGS, type Natives } from "./natives";
import { frameMark, type Recorder, type SocketLog } from "./recorder";

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

/** What a mocked socket needs from the page world. */
export interface MockWorld {
  readonly recorder: Recorder;
  /** Lifeguard is on: it records. */
  readonly enabled: boolean;
}

const SENT = frameMark("page", "sent");
const DROPPED = frameMark("page", "dropped");
const FROM_MOCK = frameMark("mock", "delivered");

export class MockSocket implements HookedSocket {
  readonly route: MessageRoute;
  log: SocketLog | null = null;
  private state: number = CONNECTING;
  private protocol = "";
  private player: MockPlayer | null = null;
  private readonly origin: string;

  constructor(
    readonly id: string,
    readonly ws: WebSocket,
    private readonly n: Natives,
    /** The URL the page asked for, resolved (the object itself was dialled to nowhere). */
    readonly url: string,
    private readonly world: MockWorld,
  ) {
    this.route = newRoute(ws, n, this.verdict);
    let origin = "";
    try {
      origin = new n.URL(url).origin;
    } catch {
      // The hook resolved it already; an origin is for the events only.
    }
    this.origin = origin;
  }

  /** The page's listeners hear what this socket dispatches; the native object, dialled to nowhere, has nothing to say. */
  readonly verdict = (ev: Event): boolean => !ev.isTrusted;

  onEvent(ev: Event): boolean {
    return !ev.isTrusted;
  }

  read<K extends "readyState" | "bufferedAmount" | "protocol" | "extensions">(name: K, _native: WebSocket[K]): WebSocket[K] {
    switch (name) {
      case "readyState":
        return this.state as WebSocket[K];
      case "protocol":
        return this.protocol as WebSocket[K];
      default:
        // Nothing waits to go to a mock; no extension was negotiated with it.
        return (name === "bufferedAmount" ? 0 : "") as WebSocket[K];
    }
  }

  get usable(): boolean {
    return this.state !== CLOSED;
  }

  // --- The mock's answer ------------------------------------------------------------------------

  /** The conversation arrived (or null: none serves this URL any more): the socket opens, or fails as unreachable. */
  answer(spec: MockSpec | null): void {
    if (this.state !== CONNECTING) return;
    if (!spec) return this.fail();
    this.state = OPEN;
    this.protocol = spec.protocol;
    this.note(`served by a mock of ${spec.source ?? spec.match}`);
    this.recordState("open", { protocol: spec.protocol, extensions: "" });
    // Playing before `open` is dispatched: what the page sends from its `onopen` (a login, say) is its
    // first frame. Nothing arrives inside this task: the player delivers from timers.
    const n = this.n;
    this.player = mockPlayer(spec, { now: n.now, setTimeout: (fn, ms) => n.setTimeout(fn, ms), clearTimeout: (h) => n.clearTimeout(h as number) });
    this.player.start((frame) => this.deliver(frame));
    this.dispatch(new n.Event("open"));
  }

  /** As an unreachable server: `error`, then `close` 1006. */
  private fail(): void {
    this.state = CLOSED;
    this.recordError();
    this.dispatch(new this.n.Event("error"));
    this.closed(1006, "", false);
  }

  private deliver(frame: MockFrame): void {
    if (this.state !== OPEN) return;
    const n = this.n;
    let data: string | ArrayBuffer | Blob = frame.data;
    if (frame.opcode === "binary") {
      let bytes: ArrayBuffer;
      try {
        bytes = decode(frame.data, "base64", n) as ArrayBuffer;
      } catch {
        // Not base64 after all: the frame cannot be what was recorded, so it is not made up.
        return;
      }
      data = apply(n.binaryType, this.ws, NO_ARGS) === "blob" ? new n.Blob([new Uint8Array(bytes)]) : bytes;
    }
    this.recordFrame(false, data, FROM_MOCK);
    this.dispatch(new n.MessageEvent("message", { data, origin: this.origin }));
  }

  // --- What the page does -----------------------------------------------------------------------

  send(args: unknown[]): void {
    const n = this.n;
    // No argument: the browser's own TypeError (it checks arguments before state).
    if (args.length === 0) return void apply(n.send, this.ws, args);
    if (this.state === CONNECTING) {
      // The native object may still be connecting to nowhere: then its own InvalidStateError, message and all.
      if (apply(n.readyState, this.ws, NO_ARGS) === CONNECTING) {
        try {
          apply(n.send, this.ws, args);
        } catch (e) {
          this.refused(args[0]);
          throw e;
        }
      }
      this.refused(args[0]);
      throw new n.win.DOMException("Failed to execute 'send' on 'WebSocket': Still in CONNECTING state.", "InvalidStateError");
    }
    const data = payload(args[0]);
    if (this.state !== OPEN) {
      // As native after close(): discarded silently; the record says the message was lost.
      this.recordFrame(true, data, DROPPED);
      return;
    }
    this.recordFrame(true, data, SENT);
    this.player?.onOutbound(data);
  }

  close(args: unknown[]): void {
    const n = this.n;
    // The browser checks the code and reason (its own exceptions); on an object dialled to nowhere the
    // call has no other effect the page sees (its native events are hidden).
    apply(n.close, this.ws, args);
    if (this.state === CLOSING || this.state === CLOSED) return;
    const code = args[0] === undefined ? 1005 : (args[0] as number) & 0xffff;
    const reason = args[1] === undefined ? "" : `${args[1] as string}`;
    if (this.state === CONNECTING) {
      // Native close() while connecting fails the connection: error, then close 1006.
      this.state = CLOSING;
      n.setTimeout(() => {
        this.state = CLOSED;
        this.recordError();
        this.dispatch(new n.Event("error"));
        this.closed(1006, "", false);
      }, 0);
      return;
    }
    this.state = CLOSING;
    this.player?.stop();
    this.player = null;
    // The mock answers the closing handshake at once: the page's code and reason come back, cleanly.
    n.setTimeout(() => {
      this.state = CLOSED;
      this.closed(code, reason, true);
    }, 0);
  }

  // --- Records and events -------------------------------------------------------------------------

  private closed(code: number, reason: string, wasClean: boolean): void {
    this.state = CLOSED;
    this.player?.stop();
    this.player = null;
    this.recordState("closed", { code, reason, wasClean });
    this.dispatch(new this.n.CloseEvent("close", { code, reason, wasClean }));
  }

  private dispatch(ev: Event): void {
    apply(this.n.dispatchEvent, this.ws, [ev]);
  }

  /** A page `send()` that threw: recorded as a queue drop, as for any socket (protocol `RecorderEvent`). */
  private refused(data: unknown): void {
    if (!this.log || !this.world.enabled) return;
    try {
      const bytes = byteSize(data as SendData);
      this.world.recorder.record({ kind: "queue", t: this.n.now(), socket: this.id, action: "dropped", count: 1, bytes, reason: "send() threw InvalidStateError" });
    } catch {
      // The page gets its exception whatever becomes of the record.
    }
  }

  private recordFrame(out: boolean, data: unknown, mark: number): void {
    if (!this.log || !this.world.enabled) return;
    try {
      this.world.recorder.frameOf(this.log, out, data, mark);
    } catch {
      // Only the record of this frame is lost.
    }
  }

  private recordState(state: SocketState, extra: { protocol?: string; extensions?: string; code?: number; reason?: string; wasClean?: boolean }): void {
    if (this.log && this.world.enabled) this.world.recorder.state(this.id, state, extra);
  }

  private recordError(): void {
    this.note("error");
  }

  private note(text: string): void {
    if (this.log && this.world.enabled) this.world.recorder.record({ kind: "note", t: this.n.now(), socket: this.id, text });
  }
}

/** What `send` was given, as the browser converts it: binary kinds as they are, anything else as a string. */
function payload(data: unknown): unknown {
  if (typeof data === "string") return data;
  if (typeof data === "object" && data !== null) {
    const tag = Object.prototype.toString.call(data);
    if (tag === "[object ArrayBuffer]" || tag === "[object Blob]" || ArrayBuffer.isView(data)) return data;
  }
  return `${data as string}`;
}
