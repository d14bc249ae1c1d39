/**
 * `lg.mock` and `lg.unmock`: the mocks in force are storage.local `mocks` (MOCKS_KEY), a list of
 * `MockSpec`s the relay serves to the page worlds (the first whose glob fits a socket URL wins), the
 * same list the panel's "Serve as mock" writes. Pure here: a recording becomes a spec, checked as the
 * relay checks it, and goes into the list; the worker calls (worker-calls.ts) read and write it.
 */
import { MOCK_LIMITS, type MockSpec } from "../shared/frame-rule-types";
import { NotHarError, mockOf, mocksFromHar, type RecordedConversation } from "../shared/mock-from-har";
import { validateMocks } from "../shared/mock-validate";
import { problemText } from "../shared/settings-problems";
import { InvalidMockError, NoWebSocketInHarError } from "./errors";
import { urlMatches } from "./url-glob";

export interface MockOptions {
  /**
   * Which recorded inbound frames a page frame releases: `{ by: "order" }` (default: the page's n-th
   * frame releases what the server sent after the recording's n-th) or `{ by: "path", path: "$.id" }`
   * (the answers carrying the page frame's value at that path).
   */
  replay?: MockSpec["replay"];
  /** `recorded` (default): the recorded gaps; `fast`: as soon as possible, order kept. */
  timing?: MockSpec["timing"];
  /** Which WebSocket of the HAR to replay (a glob over its URL); default: the first `glob` matches, else the first. */
  socketUrl?: string;
}

/** The spec `lg.mock(glob, recording, opts)` writes: a HAR's conversation, or a spec of the caller's. Throws typed errors. */
export function mockSpecFor(glob: string, recording: string | MockSpec, opts: MockOptions = {}): MockSpec {
  urlMatches(glob, "");
  let spec: MockSpec;
  if (typeof recording === "string") {
    spec = mockOf(conversationOf(recording, glob, opts.socketUrl), { match: glob });
  } else if (typeof recording === "object" && recording !== null) {
    spec = { ...recording, match: glob };
  } else {
    throw new InvalidMockError(["the recording must be a HAR file's text or a MockSpec"]);
  }
  if (opts.replay !== undefined) spec.replay = opts.replay;
  if (opts.timing !== undefined) spec.timing = opts.timing;
  const { mocks, problems } = validateMocks([spec]);
  if (problems.length > 0 || mocks.length !== 1) throw new InvalidMockError(problems.map(problemText));
  return mocks[0]!;
}

function conversationOf(har: string, glob: string, socketUrl: string | undefined): RecordedConversation {
  let all: RecordedConversation[];
  try {
    all = mocksFromHar(har);
  } catch (e) {
    if (e instanceof NotHarError) throw new InvalidMockError([e.message]);
    throw e;
  }
  const urls = all.map((c) => c.url);
  let chosen: RecordedConversation | undefined;
  if (socketUrl !== undefined) {
    chosen = all.find((c) => urlMatches(socketUrl, c.url));
    if (!chosen) throw new NoWebSocketInHarError(socketUrl, urls);
  } else {
    chosen = all.find((c) => urlMatches(glob, c.url)) ?? all[0];
    if (!chosen) throw new NoWebSocketInHarError(undefined, urls);
  }
  // Replaying part of a conversation would answer the page's frames wrongly: say so rather than play it.
  if (chosen.truncated > 0) {
    throw new InvalidMockError([
      `${chosen.truncated} frame(s) of ${chosen.url} were recorded in part (truncated): record with a larger record.maxPreviewBytes, or save the HAR from the browser's Network panel`,
    ]);
  }
  if (chosen.overLimit > 0) {
    throw new InvalidMockError([`the conversation of ${chosen.url} is larger than a mock may be (${MOCK_LIMITS.framesPerMock} frames, ${MOCK_LIMITS.charsPerMock} characters)`]);
  }
  return chosen;
}

/** The list with `spec` first (the first match wins), replacing any mock for the same glob. */
export function withMock(list: readonly unknown[], spec: MockSpec): unknown[] {
  const rest = list.filter((m) => !sameGlob(m, spec.match));
  if (rest.length + 1 > MOCK_LIMITS.mocks) throw new InvalidMockError([`at most ${MOCK_LIMITS.mocks} mocks may be in force: lg.unmock(glob) one first`]);
  return [spec, ...rest];
}

/** The list without the mock for `glob` (none given: empty). */
export function withoutMock(list: readonly unknown[], glob?: string): unknown[] {
  return glob === undefined ? [] : list.filter((m) => !sameGlob(m, glob));
}

function sameGlob(m: unknown, glob: string): boolean {
  return typeof m === "object" && m !== null && (m as { match?: unknown }).match === glob;
}
