/**
 * Reconnect delays: exponential backoff with "full jitter"
 * (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
 */

export interface BackoffPolicy {
  /** The base of the curve, not a floor: with full jitter an attempt may come at once. */
  minDelayMs: number;
  /** The cap of the curve. */
  maxDelayMs: number;
  factor: number;
}

/**
 * The wait before reconnect attempt `attempt`, counted from 1 like the page's `reconnecting`
 * `detail.attempt`: `random() * min(maxDelayMs, minDelayMs * factor^(attempt - 1))`, whole milliseconds.
 * Attempt 1 waits up to `minDelayMs`, attempt 2 up to `minDelayMs * factor`, and so on.
 */
export function nextDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  const cap = Math.max(0, policy.maxDelayMs);
  const base = Math.max(0, policy.minDelayMs);
  // factor^exponent may overflow to Infinity; base 0 must stay 0 (0 * Infinity is NaN).
  const curve = base === 0 ? 0 : Math.min(cap, base * Math.pow(Math.max(1, policy.factor), exponent));
  const r = random();
  const jitter = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0;
  return Math.floor(jitter * curve);
}

/** The bounds `ReconnectAttempts` checks (a rule's `reconnect`); a missing `initialMaxAttempts` is no limit. */
export interface AttemptLimits {
  maxAttempts: number | null;
  initialMaxAttempts?: number | null;
}

/**
 * The reconnect attempts of one page-facing socket (DESIGN.md, "Details that tests rely on"): numbered
 * from 1, the count restarting only after a connection stayed open `stableAfterMs`; `maxAttempts`
 * bounds one outage, and a first connect that never once opened stops after `initialMaxAttempts`.
 */
export class ReconnectAttempts {
  /** Attempts since the last connection that stayed open `stableAfterMs`. */
  count = 0;
  /** When the outage began, and the close code that began it. */
  since = 0;
  code = 1006;

  begin(code: number, now: number): void {
    this.since = now;
    this.code = code;
  }

  /** No attempt is left: `maxAttempts` used up, or before the first open `initialMaxAttempts`. */
  exhausted(limits: AttemptLimits, everOpened: boolean): boolean {
    if (limits.maxAttempts !== null && this.count >= limits.maxAttempts) return true;
    const initial = limits.initialMaxAttempts;
    return !everOpened && typeof initial === "number" && this.count >= initial;
  }

  /** Counts the next attempt and returns its wait: `fixedMs` when given (offline), else the backoff curve's. */
  next(policy: BackoffPolicy, random: () => number, fixedMs: number | null): number {
    this.count += 1;
    return fixedMs ?? nextDelay(this.count, policy, random);
  }
}
