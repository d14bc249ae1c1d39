/**
 * How the panel uses the protocol decoders (`./decoders`): `decodeFrame(frame, ctx)` gives a protocol
 * name, a one-line summary, a kind and a bounded tree, or null. The App takes another decoder as a
 * prop (tests pass their own).
 */
import type { FrameRecord } from "../shared/protocol";
import { decodeFrame } from "./decoders";
import type { DecodeContext, Decoded } from "./decoders/types";

export type { DecodeContext, Decoded, DecodedNode } from "./decoders/types";

export type Decoder = (frame: FrameRecord, ctx: DecodeContext) => Decoded | null;

export const defaultDecoder: Decoder = decodeFrame;

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
