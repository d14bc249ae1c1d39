/**
 * What the panel needs from the protocol decoders (`src/panel/decoders/`, being written alongside):
 * `decodeFrame(frame, ctx)` gives a protocol name, a one-line summary, a kind and a tree, or null.
 *
 * TODO [2026-12-31]: import the decoders' `decodeFrame` as `defaultDecoder` once they land; until
 * then the panel shows raw previews and the App takes a decoder as a prop (tests pass one in).
 */
import type { FrameRecord } from "../shared/protocol";

/** The decoders' tree node (`decoders/types.ts`): plain data, rendered as text. */
export interface DecodedNode {
  key?: string;
  value?: string | number | boolean | null;
  type: "object" | "array" | "string" | "number" | "boolean" | "null" | "bytes";
  children?: DecodedNode[];
  /** The marker for what a bound cut away. */
  cut?: true;
}

export interface Decoded {
  protocol: string;
  summary: string;
  kind?: "control" | "heartbeat" | "data";
  tree?: DecodedNode;
  error?: string;
}

/** What a decoder may know of the socket a frame belongs to. */
export interface DecodeContext {
  url: string;
  protocols: string[];
  /** The socket's first outbound frame, when the panel still has it (the MQTT level of CONNECT). */
  firstOutbound?: Pick<FrameRecord, "opcode" | "preview" | "truncated" | "dir">;
}

export type Decoder = (frame: FrameRecord, ctx: DecodeContext) => Decoded | null;

export const defaultDecoder: Decoder = () => null;

/**
 * Decoded frames by log index, computed once. A decoder that throws on hostile input must not take
 * the panel down: that frame is shown undecoded.
 */
export class DecodeCache {
  private results: (Decoded | null | undefined)[] = [];
  private epoch = -1;

  constructor(private decoder: Decoder) {}

  get(index: number, frame: FrameRecord, ctx: DecodeContext, epoch: number): Decoded | null {
    if (epoch !== this.epoch) {
      this.results = [];
      this.epoch = epoch;
    }
    let result = this.results[index];
    if (result === undefined) {
      try {
        result = this.decoder(frame, ctx);
      } catch {
        result = null;
      }
      this.results[index] = result;
    }
    return result;
  }
}
