/** Binary previews arrive as lowercase hex; these turn them back into bytes and read them. */

const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) NIBBLE[48 + i] = i;
for (let i = 0; i < 6; i++) {
  NIBBLE[97 + i] = 10 + i;
  NIBBLE[65 + i] = 10 + i;
}

/** Hex (as in a binary FrameRecord's preview) to bytes. Throws RangeError on odd length or a non-hex digit. */
export function hexToBytes(hex: string): Uint8Array {
  if (hex.length % 2 !== 0) throw new RangeError("hex string has an odd number of digits");
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = NIBBLE[hex.charCodeAt(2 * i)] ?? -1;
    const lo = NIBBLE[hex.charCodeAt(2 * i + 1)] ?? -1;
    if (hi < 0 || lo < 0) throw new RangeError(`not a hex digit at ${hi < 0 ? 2 * i : 2 * i + 1}`);
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/**
 * The bytes of a whole (not truncated) binary frame whose first byte passes `startsContainer`, or
 * null: what the content-sniffing binary decoders (MessagePack, CBOR) look at before parsing.
 */
export function wholeBinary(frame: { opcode: string; truncated: boolean; preview: string }, startsContainer: (first: number) => boolean): Uint8Array | null {
  if (frame.opcode !== "binary" || frame.truncated || frame.preview.length === 0) return null;
  let bytes: Uint8Array;
  try {
    bytes = hexToBytes(frame.preview);
  } catch {
    return null;
  }
  return startsContainer(bytes[0]!) ? bytes : null;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

export function bytesToHex(bytes: Uint8Array, max = bytes.length): string {
  let s = "";
  const n = Math.min(max, bytes.length);
  for (let i = 0; i < n; i++) s += HEX[bytes[i]!];
  return s;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Bytes as text when they are valid UTF-8, else null. With `cut` (the bytes end where the preview
 * was truncated) a multi-byte character split at the end is dropped instead of failing.
 */
export function utf8OrNull(bytes: Uint8Array, cut = false): string | null {
  try {
    if (!cut) return strictUtf8.decode(bytes);
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes, { stream: true });
  } catch {
    return null;
  }
}

/** The bytes ran out: at the end of a truncated preview this is not the sender's fault. */
export class OutOfBytes extends Error {}

/** A cursor over bytes for length-prefixed binary protocols. Every read checks its bounds. */
export class ByteReader {
  pos = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly end = bytes.length,
  ) {}

  get left(): number {
    return this.end - this.pos;
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.end) throw new OutOfBytes(`${what}: needs ${n} byte(s) at offset ${this.pos}, ${this.left} left`);
  }

  u8(what = "byte"): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }

  u16(what = "two-byte integer"): number {
    this.need(2, what);
    const v = (this.bytes[this.pos]! << 8) | this.bytes[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  u32(what = "four-byte integer"): number {
    this.need(4, what);
    const b = this.bytes;
    const v = b[this.pos]! * 0x1000000 + ((b[this.pos + 1]! << 16) | (b[this.pos + 2]! << 8) | b[this.pos + 3]!);
    this.pos += 4;
    return v;
  }

  /** MQTT's variable byte integer: 7 bits a byte, least significant first, at most 4 bytes. */
  varint(what = "variable byte integer"): number {
    let value = 0;
    let mult = 1;
    for (let i = 0; i < 4; i++) {
      const b = this.u8(what);
      value += (b & 0x7f) * mult;
      if ((b & 0x80) === 0) return value;
      mult *= 128;
    }
    throw new Error(`${what}: longer than 4 bytes`);
  }

  take(n: number, what = "bytes"): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  rest(): Uint8Array {
    const out = this.bytes.subarray(this.pos, this.end);
    this.pos = this.end;
    return out;
  }
}
