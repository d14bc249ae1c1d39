/**
 * The mocks in force as stored under `MOCKS_KEY` (an array of `MockSpec`), changed by the panel's
 * "Serve as mock" and "Stop". Pure: stored value in, value to store out. What is stored may come from
 * anywhere (another version, a hand edit): entries this panel cannot read are kept as they are, and
 * only a `match` string is needed to list or remove one.
 */
import { MOCK_LIMITS, type MockSpec } from "../shared/frame-rule-types";

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

/** The stored mocks the strip can name (at most `MOCK_LIMITS.mocks`, as the page world takes them). */
export function mocksInForce(stored: unknown): MockInForce[] {
  const out: MockInForce[] = [];
  for (const x of listOf(stored).slice(0, MOCK_LIMITS.mocks)) {
    const match = matchOf(x);
    if (match === null || !isRecord(x)) continue;
    const replay = isRecord(x.replay) && x.replay.by === "path" && typeof x.replay.path === "string" ? x.replay.path : "order";
    out.push({
      match,
      ...(typeof x.source === "string" ? { source: x.source } : {}),
      frames: Array.isArray(x.frames) ? x.frames.length : 0,
      replay,
      timing: x.timing === "fast" ? "fast" : "recorded",
    });
  }
  return out;
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
