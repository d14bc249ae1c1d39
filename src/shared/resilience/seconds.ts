/**
 * Durations as the English report writes them: "15 s", "0.8 s". One decimal at most, because the
 * recorder's clock is in milliseconds but a reader compares recoveries, not milliseconds.
 */
export function formatSeconds(ms: number): string {
  const tenths = Math.round(ms / 100);
  return `${tenths % 10 === 0 ? String(tenths / 10) : (tenths / 10).toFixed(1)} s`;
}
