import type { FrameRecord } from "../../shared/protocol";
import type { ProtocolId } from "../../shared/protocol-catalogue";

/** One node of the detail pane's tree. Plain data only: the panel renders `value` as text. */
export interface DecodedNode {
  key?: string;
  value?: string | number | boolean | null;
  type: "object" | "array" | "string" | "number" | "boolean" | "null" | "bytes";
  children?: DecodedNode[];
  /** Set on the marker node that stands for what a bound (depth, node count, string length) cut away. */
  cut?: true;
}

export interface Decoded {
  /** The layer that was read, shown in the panel: "Socket.IO", "Engine.IO", "MQTT", "JSON". */
  protocol: string;
  /** The catalogue protocol the socket was recognised as; absent when a generic decoder read the frame. */
  protocolId?: ProtocolId;
  /** One line for the frames table. */
  summary: string;
  /** `heartbeat`: the protocol's own pings and pongs (the panel can hide them). */
  kind?: "control" | "heartbeat" | "data";
  /** Structured view, bounded: depth <= 64, <= 5000 nodes, cut parts replaced by a `cut` marker node. */
  tree?: DecodedNode;
  /** The frame claims to be this protocol but is malformed: what is wrong. */
  error?: string;
}

/** What the socket was opened with, and what it said first: all the panel recognises it by (./recognition.ts). */
export interface DecodeContext {
  url: string;
  /** Subprotocols the page offered. */
  protocols: string[];
  /** The subprotocol the server chose, when known. */
  negotiated?: string;
  /**
   * The connection's first frames, both ways, in wire order, as the engine's recognisers saw them
   * (`recognitionFrames` picks them from the socket's log), when the panel still has them.
   */
  firstFrames?: readonly FrameInput[];
  /**
   * The socket's first outbound frame, when the panel still has it: the one first frame the panel
   * knew before `firstFrames`. It also tells a stateless decoder what the handshake said (the MQTT
   * protocol level of CONNECT, which the later packets do not repeat).
   */
  firstOutbound?: FrameInput;
}

export type FrameInput = Pick<FrameRecord, "opcode" | "preview" | "truncated" | "dir">;

/**
 * The panel half of a catalogue protocol (src/shared/protocol-catalogue.ts): it decodes the frames of
 * sockets the core's recognisers said speak protocol `id`. It has no say in which sockets those are.
 */
export interface ProtocolDecoder {
  id: ProtocolId;
  /** A frame of a socket of this protocol; null when this decoder cannot read it (left to the generic decoders). */
  decode(frame: FrameInput, ctx: DecodeContext): Decoded | null;
}

/**
 * A format, not a protocol (JSON, MessagePack, CBOR): read by content, frame by frame, on sockets no
 * protocol was recognised for, or whose protocol decoder left a frame alone.
 */
export interface GenericDecoder {
  name: string;
  /** The frame, when its content is a whole value of this format; null otherwise. */
  sniff(frame: FrameInput): Decoded | null;
}
