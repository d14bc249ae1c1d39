/**
 * The scenario the user edited in the Resilience view, remembered in the panel's own localStorage. What
 * is read back is untrusted (another version of Lifeguard, a hand edit): it goes through
 * `validateScenario`, and a value that fails gives the defaults and says so.
 */
import { DEFAULT_SCENARIO, validateScenario } from "../shared/resilience/scenario";
import type { Scenario } from "../shared/resilience/types";

export const SCENARIO_KEY = "lifeguard.resilience.scenario";

export interface StoredScenario {
  scenario: Scenario;
  /** The stored value was there but not a valid scenario: the defaults stand in for it. */
  invalid: boolean;
}

export function loadScenario(): StoredScenario {
  let raw: string | null | undefined;
  try {
    raw = globalThis.localStorage?.getItem(SCENARIO_KEY);
  } catch {
    // Storage switched off: as if nothing were stored.
    raw = null;
  }
  if (raw == null) return { scenario: DEFAULT_SCENARIO, invalid: false };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { scenario: DEFAULT_SCENARIO, invalid: true };
  }
  const checked = validateScenario(parsed);
  return checked.ok ? { scenario: checked.scenario, invalid: false } : { scenario: DEFAULT_SCENARIO, invalid: true };
}

export function saveScenario(scenario: Scenario): void {
  try {
    globalThis.localStorage?.setItem(SCENARIO_KEY, JSON.stringify(scenario));
  } catch {
    // Storage full or off: the scenario holds for this session only.
  }
}

/** Back to the defaults: nothing stored, so a later change of the defaults applies. */
export function forgetScenario(): void {
  try {
    globalThis.localStorage?.removeItem(SCENARIO_KEY);
  } catch {
    // Storage off: nothing was stored either.
  }
}
