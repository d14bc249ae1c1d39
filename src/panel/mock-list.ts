/**
 * The mocks in force as stored under `MOCKS_KEY` (an array of `MockSpec`), changed by the panel's
 * "Serve as mock" and "Stop". Pure: stored value in, value to store out. What is stored may come from
 * anywhere (another version, a hand edit): the strip lists what the relay takes (the same validation),
 * and edits keep every other entry as it is.
 */
import { MOCK_LIMITS, type MockSpec } from "../shared/frame-rule-types";
import { validateMocks } from "../shared/mock-validate";

/** What the strip shows of a stored mock. */
export interface MockInForce {
  match: string;
  source?: string;
  frames: number;
  replay: string;
  timing: string;
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
const listOf = (stored: unknown): unknown[] => (Array.isArray(stored) ? stored : []);
const matchOf = (x: unknown): string | null => (isRecord(x) && typeof x.match === "string" ? x.match : null);

/** The stored mocks that are in force: those the relay takes. */
export function mocksInForce(stored: unknown): MockInForce[] {
  return validateMocks(stored).mocks.map((m) => ({
    match: m.match,
    ...(m.source !== undefined ? { source: m.source } : {}),
    frames: m.frames.length,
    replay: m.replay.by === "path" ? m.replay.path : "order",
    timing: m.timing,
  }));
}

/** The stored mocks with `mock` in, in place of one with the same `match`; `full` when there is no room. */
export function putMock(stored: unknown, mock: MockSpec): { mocks: unknown[]; replaced: boolean } | { full: true } {
  const list = listOf(stored);
  const at = list.findIndex((x) => matchOf(x) === mock.match);
  if (at >= 0) return { mocks: list.map((x, i) => (i === at ? mock : x)), replaced: true };
  if (list.length >= MOCK_LIMITS.mocks) return { full: true };
  return { mocks: [...list, mock], replaced: false };
}

/** The stored mocks without the one(s) serving `match`. */
export function removeMock(stored: unknown, match: string): unknown[] {
  return listOf(stored).filter((x) => matchOf(x) !== match);
}
