/** Small statistics and the alternating schedule every comparison uses. */

export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

/** Linear-interpolated quantile (q in 0..1); NaN for no samples. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

/**
 * Runs every configuration once per round, in a rotating order (A B C, B C A, C A B ...), so that a
 * slow spell of the machine (others run browsers on it too) falls on all of them alike. Returns the
 * samples per configuration, in the order the configurations were given.
 */
export async function alternate<K extends string, T>(
  configs: readonly K[],
  rounds: number,
  run: (config: K, round: number) => Promise<T>,
): Promise<Record<K, T[]>> {
  const samples = Object.fromEntries(configs.map((c) => [c, [] as T[]])) as Record<K, T[]>;
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < configs.length; i++) {
      const config = configs[(i + r) % configs.length]!;
      samples[config].push(await run(config, r));
    }
  }
  return samples;
}

export const round = (x: number, digits = 2): number => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);
