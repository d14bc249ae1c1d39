import type { FrameRecord } from "../../shared/protocol";

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
  /** e.g. "Socket.IO", "Engine.IO", "MQTT", "JSON". */
  protocol: string;
  /** One line for the frames table. */
  summary: string;
  /** `heartbeat`: the protocol's own pings and pongs (the panel can hide them). */
  kind?: "control" | "heartbeat" | "data";
  /** Structured view, bounded: depth <= 64, <= 5000 nodes, cut parts replaced by a `cut` marker node. */
  tree?: DecodedNode;
  /** The frame claims to be this protocol but is malformed: what is wrong. */
  error?: string;
}

/** What the socket was opened with. */
export interface DecodeContext {
  url: string;
  /** Subprotocols the page offered. */
  protocols: string[];
  /** The subprotocol the server chose, when known. */
  negotiated?: string;
  /**
   * The socket's first outbound frame, when the panel still has it. Optional: it tells a stateless
   * decoder what the handshake said (the MQTT protocol level of CONNECT, which the later packets do
   * not repeat).
   */
  firstOutbound?: FrameInput;
}

export type FrameInput = Pick<FrameRecord, "opcode" | "preview" | "truncated" | "dir">;

export interface Decoder {
  name: string;
  /** The socket's URL or subprotocol says it speaks this protocol. */
  matches(ctx: DecodeContext): boolean;
  /** Decodes a frame of a socket this decoder matched; null when the frame is not of this protocol at all. */
  decode(frame: FrameInput, ctx: DecodeContext): Decoded | null;
  /** Recognises the protocol from the frame alone, for sockets no decoder matched; null when unsure. */
  sniff?(frame: FrameInput, ctx: DecodeContext): Decoded | null;
}
