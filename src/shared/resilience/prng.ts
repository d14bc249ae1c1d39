/**
 * A small, well-known seeded random source for the chaos schedule: xmur3 turns the seed text into
 * 32 bits, mulberry32 makes the stream (both public domain, by bryc: github.com/bryc/code, "PRNGs").
 * Not for secrets; for the same faults from the same seed in every browser and in Node, which
 * `Math.random` cannot give.
 */

/** xmur3: a 32-bit hash of a string (MurmurHash3's mixing), the seed of `mulberry32`. */
export function xmur3(text: string): number {
  let h = 1779033703 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  h = Math.imul(h ^ (h >>> 16), 2246822507);
  h = Math.imul(h ^ (h >>> 13), 3266489909);
  return (h ^= h >>> 16) >>> 0;
}

/** mulberry32: numbers in [0, 1), the same sequence for the same 32-bit seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The random source of a seed: text as it is, a number as its decimal text (so 42 and "42" agree). */
export function seeded(seed: string | number): () => number {
  return mulberry32(xmur3(String(seed)));
}
