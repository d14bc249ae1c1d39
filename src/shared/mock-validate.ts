/**
 * Checks untrusted mocks (storage.local `mocks`, written by the panel's HAR import or the testing API),
 * in the settings validator's words and paths (`mocks[0].frames[3].dir`). A mock with any problem is
 * dropped whole: half a recorded conversation would answer the page wrongly.
 */
import { compilePath } from "../core/json-path";
import { globProblem } from "./glob";
import { MOCK_LIMITS, type MockFrame, type MockSpec } from "./frame-rule-types";
import { describe, isRecord, num, oneOf, phrase, text, type Check, type SettingsProblem } from "./settings-problems";

type Path = (string | number)[];

/** A subprotocol or a source name: short text. */
const shortText = text(1024, false);
const frameDir = oneOf(["in", "out"]);
const opcode = oneOf(["text", "binary"]);
const timing = oneOf(["recorded", "fast"]);
/** A day of recording is more than any conversation a mock replays. */
const frameT = num(0, 24 * 60 * 60 * 1000, { what: "expectedMilliseconds" });

/** Standard base64 with padding; a loop, not a regex: a frame's data may be megabytes long. */
function isBase64(s: string): boolean {
  if (s.length % 4 !== 0) return false;
  const pad = s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0;
  for (let i = 0; i < s.length - pad; i++) {
    const c = s.charCodeAt(i);
    const ok = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
    if (!ok) return false;
  }
  return true;
}

const has = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

function unknownKeys(input: Record<string, unknown>, known: readonly string[], path: Path, found: SettingsProblem[]): void {
  for (const key of Object.keys(input)) if (!known.includes(key)) found.push({ path: [...path, key], message: phrase("unknownKey") });
}

function field(input: Record<string, unknown>, key: string, check: Check, path: Path, found: SettingsProblem[]): void {
  if (!has(input, key)) {
    found.push({ path: [...path, key], message: phrase("missing") });
    return;
  }
  const err = check(input[key]);
  if (err) found.push({ path: [...path, key], message: err });
}

/** The frame's problems into `found`; the number of characters of its data. */
function validateFrame(input: unknown, path: Path, found: SettingsProblem[]): number {
  if (!isRecord(input)) {
    found.push({ path, message: phrase("expectedObject", describe(input)) });
    return 0;
  }
  unknownKeys(input, ["dir", "t", "opcode", "data"], path, found);
  field(input, "dir", frameDir, path, found);
  field(input, "t", frameT, path, found);
  field(input, "opcode", opcode, path, found);
  const data = input.data;
  if (typeof data !== "string") {
    found.push({ path: [...path, "data"], message: data === undefined ? phrase("missing") : phrase("expectedString", describe(data)) });
    return 0;
  }
  if (input.opcode === "binary" && !isBase64(data)) found.push({ path: [...path, "data"], message: phrase("expectedBase64", describe(data)) });
  return data.length;
}

function validateReplay(input: unknown, path: Path, found: SettingsProblem[]): void {
  if (!isRecord(input)) {
    found.push({ path, message: phrase("expectedObject", describe(input)) });
    return;
  }
  const by = oneOf(["order", "path"])(input.by);
  if (by) {
    found.push({ path: [...path, "by"], message: input.by === undefined ? phrase("missing") : by });
    return;
  }
  unknownKeys(input, input.by === "path" ? ["by", "path"] : ["by"], path, found);
  if (input.by === "path") {
    field(input, "path", (x) => {
      try {
        compilePath(x as string);
        return null;
      } catch {
        return phrase("expectedJsonPath", describe(x));
      }
    }, path, found);
  }
}

function validateMock(input: unknown, path: Path): { mock: MockSpec | null; found: SettingsProblem[] } {
  const found: SettingsProblem[] = [];
  if (!isRecord(input)) {
    found.push({ path, message: phrase("expectedObject", describe(input)) });
    return { mock: null, found };
  }
  unknownKeys(input, ["match", "protocol", "frames", "replay", "timing", "source"], path, found);
  const matchErr = globProblem(input.match);
  if (matchErr) found.push({ path: [...path, "match"], message: input.match === undefined ? phrase("missing") : matchErr });
  field(input, "protocol", shortText, path, found);
  if (has(input, "source")) field(input, "source", shortText, path, found);
  field(input, "timing", timing, path, found);
  if (has(input, "replay")) validateReplay(input.replay, [...path, "replay"], found);
  else found.push({ path: [...path, "replay"], message: phrase("missing") });
  const frames = input.frames;
  if (!Array.isArray(frames)) {
    found.push({ path: [...path, "frames"], message: frames === undefined ? phrase("missing") : phrase("expectedArray", describe(frames)) });
  } else if (frames.length > MOCK_LIMITS.framesPerMock) {
    found.push({ path: [...path, "frames"], message: phrase("mockTooManyFrames", String(MOCK_LIMITS.framesPerMock)) });
  } else {
    let chars = 0;
    frames.forEach((f: unknown, i) => {
      chars += validateFrame(f, [...path, "frames", i], found);
    });
    if (chars > MOCK_LIMITS.charsPerMock) found.push({ path: [...path, "frames"], message: phrase("mockTooLarge", String(MOCK_LIMITS.charsPerMock)) });
  }
  if (found.length > 0) return { mock: null, found };
  const mock: MockSpec = {
    match: input.match as string,
    protocol: input.protocol as string,
    frames: (frames as MockFrame[]).map(({ dir, t, opcode, data }) => ({ dir, t, opcode, data })),
    replay: input.replay as MockSpec["replay"],
    timing: input.timing as MockSpec["timing"],
  };
  if (typeof input.source === "string") mock.source = input.source;
  return { mock, found };
}

/**
 * The usable mocks of `raw` (an array), in order, and what is wrong with the others (each problem says
 * its mock was dropped). Paths start at `path` (`mocks`, the storage key). Never throws.
 */
export function validateMocks(raw: unknown, path: Path = ["mocks"]): { mocks: MockSpec[]; problems: SettingsProblem[] } {
  const problems: SettingsProblem[] = [];
  const mocks: MockSpec[] = [];
  if (raw === undefined || raw === null) return { mocks, problems };
  if (!Array.isArray(raw)) {
    problems.push({ path, message: phrase("expectedArray", describe(raw)) });
    return { mocks, problems };
  }
  if (raw.length > MOCK_LIMITS.mocks) problems.push({ path, message: phrase("tooManyEntries", String(MOCK_LIMITS.mocks)) });
  raw.slice(0, MOCK_LIMITS.mocks).forEach((m: unknown, i) => {
    const { mock, found } = validateMock(m, [...path, i]);
    if (mock) mocks.push(mock);
    // Only the first few problems of a large recording: one is enough to say why it was dropped.
    for (const p of found.slice(0, 10)) problems.push({ path: p.path, message: phrase("mockDropped", p.message) });
  });
  return { mocks, problems };
}
