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
 * The orders of a Williams design for `n` configurations: a Latin square (each configuration once in
 * each position) in which each configuration comes right after each other one equally often: once for
 * even `n` (n orders), twice for odd `n` (2n orders: the square and its reverse).
 */
export function williamsOrders(n: number): number[][] {
  // 0, 1, n-1, 2, n-2 ... and that shifted by 1, 2 ... n-1.
  const base = Array.from({ length: n }, (_, k) => (k === 0 ? 0 : k % 2 === 1 ? (k + 1) / 2 : n - k / 2));
  const rows = Array.from({ length: n }, (_, i) => base.map((x) => (x + i) % n));
  return n % 2 === 0 || n === 1 ? rows : [...rows, ...rows.map((r) => [...r].reverse())];
}

/**
 * Runs every configuration once per round, the rounds' orders taken in turn from a Williams design
 * (`williamsOrders`), so that a slow spell of the machine (others run browsers on it too) falls on all
 * of them alike, and so does whatever one sample leaves behind for the next. A fixed rotation (A B C,
 * B C A ...) always ran each configuration right after the same one: in the throughput section,
 * Lifeguard inspect-only always came right after native. Returns the samples per configuration, in
 * the order the configurations were given.
 */
export async function alternate<K extends string, T>(
  configs: readonly K[],
  rounds: number,
  run: (config: K, round: number) => Promise<T>,
): Promise<Record<K, T[]>> {
  const samples = Object.fromEntries(configs.map((c) => [c, [] as T[]])) as Record<K, T[]>;
  const orders = williamsOrders(configs.length);
  for (let r = 0; r < rounds; r++) {
    for (const i of orders[r % orders.length]!) {
      const config = configs[i]!;
      samples[config].push(await run(config, r));
    }
  }
  return samples;
}

export const round = (x: number, digits = 2): number => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);
