import { describe, expect, it } from "vitest";
import { MOCK_LIMITS, type MockSpec } from "../../src/shared/frame-rule-types";
import { validateMocks } from "../../src/shared/mock-validate";
import { problemText } from "../../src/shared/settings";

const good = (extra: Record<string, unknown> = {}): MockSpec =>
  ({
    match: "ws://127.0.0.1:*/feed",
    protocol: "graphql-transport-ws",
    frames: [
      { dir: "out", t: 0, opcode: "text", data: '{"type":"connection_init"}' },
      { dir: "in", t: 12, opcode: "text", data: '{"type":"connection_ack"}' },
      { dir: "in", t: 30, opcode: "binary", data: "AAEC/w==" },
    ],
    replay: { by: "order" },
    timing: "recorded",
    ...extra,
  }) as MockSpec;

const problemsOf = (mock: unknown): string[] => validateMocks([mock]).problems.map(problemText);

describe("validateMocks", () => {
  it("keeps valid mocks as written; nothing stored is none", () => {
    const mocks = [good(), good({ replay: { by: "path", path: "$.id" }, timing: "fast", source: "chat.har" })];
    expect(validateMocks(mocks)).toEqual({ mocks, problems: [] });
    expect(validateMocks(undefined)).toEqual({ mocks: [], problems: [] });
    expect(validateMocks(null)).toEqual({ mocks: [], problems: [] });
  });

  it("drops a mock with any problem, naming the field, and keeps the others", () => {
    const { mocks, problems } = validateMocks([good({ timing: "slow" }), good()]);
    expect(mocks).toEqual([good()]);
    expect(problems.map(problemText)).toEqual(['mocks[0].timing: expected one of "recorded", "fast", got "slow"; mock dropped']);
  });

  it("names wrong types, missing and unknown fields", () => {
    expect(validateMocks("x").problems.map(problemText)).toEqual(['mocks: expected an array, got "x"']);
    expect(problemsOf(5)).toEqual(["mocks[0]: expected an object, got 5; mock dropped"]);
    expect(problemsOf({})).toEqual([
      "mocks[0].match: missing; mock dropped",
      "mocks[0].protocol: missing; mock dropped",
      "mocks[0].timing: missing; mock dropped",
      "mocks[0].replay: missing; mock dropped",
      "mocks[0].frames: missing; mock dropped",
    ]);
    expect(problemsOf(good({ extra: 1 }))).toEqual(["mocks[0].extra: unknown key; mock dropped"]);
    expect(problemsOf(good({ match: "" }))).toEqual(["mocks[0].match: expected a non-empty glob; mock dropped"]);
    expect(problemsOf(good({ replay: { by: "random" } }))).toEqual(['mocks[0].replay.by: expected one of "order", "path", got "random"; mock dropped']);
    expect(problemsOf(good({ replay: { by: "path", path: "id" } }))).toEqual([
      'mocks[0].replay.path: expected a JSON path like "$.a.b" or "$.items[0]", got "id"; mock dropped',
    ]);
    expect(problemsOf(good({ replay: { by: "order", path: "$.id" } }))).toEqual(["mocks[0].replay.path: unknown key; mock dropped"]);
  });

  it("checks every frame: direction, time, opcode, text, base64 for binary", () => {
    const frames = [
      { dir: "up", t: 0, opcode: "text", data: "x" },
      { dir: "in", t: -1, opcode: "text", data: "x" },
      { dir: "in", t: 0, opcode: "close", data: "x" },
      { dir: "in", t: 0, opcode: "text", data: 7 },
      { dir: "in", t: 0, opcode: "binary", data: "not base64!" },
      { dir: "in", t: 0, opcode: "binary", data: "AAE" },
    ];
    expect(problemsOf(good({ frames }))).toEqual([
      'mocks[0].frames[0].dir: expected one of "in", "out", got "up"; mock dropped',
      "mocks[0].frames[1].t: expected a number of milliseconds, got -1; mock dropped",
      'mocks[0].frames[2].opcode: expected one of "text", "binary", got "close"; mock dropped',
      "mocks[0].frames[3].data: expected a string, got 7; mock dropped",
      'mocks[0].frames[4].data: expected binary frame data as base64, got "not base64!"; mock dropped',
      'mocks[0].frames[5].data: expected binary frame data as base64, got "AAE"; mock dropped',
    ]);
  });

  it("bounds mocks, frames per mock and characters per mock", () => {
    const many = Array.from({ length: MOCK_LIMITS.mocks + 1 }, () => good());
    const kept = validateMocks(many);
    expect(kept.mocks).toHaveLength(MOCK_LIMITS.mocks);
    expect(kept.problems.map(problemText)).toEqual([`mocks: more than ${MOCK_LIMITS.mocks} entries; the rest are ignored`]);
    const frame = { dir: "in", t: 0, opcode: "text", data: "x" };
    expect(problemsOf(good({ frames: Array.from({ length: MOCK_LIMITS.framesPerMock + 1 }, () => frame) }))).toEqual([
      `mocks[0].frames: more than ${MOCK_LIMITS.framesPerMock} frames: import a shorter recording; mock dropped`,
    ]);
    const half = "x".repeat(MOCK_LIMITS.charsPerMock / 2);
    expect(problemsOf(good({ frames: [{ ...frame, data: half }, { ...frame, data: half }] }))).toEqual([]);
    expect(problemsOf(good({ frames: [{ ...frame, data: half }, { ...frame, data: `${half}x` }] }))).toEqual([
      `mocks[0].frames: more than ${MOCK_LIMITS.charsPerMock} characters of frame data: import a shorter recording; mock dropped`,
    ]);
  });

  it("reports only the first problems of a broken recording", () => {
    const frames = Array.from({ length: 50 }, () => ({ dir: "x", t: 0, opcode: "text", data: "" }));
    expect(problemsOf(good({ frames }))).toHaveLength(10);
  });
});
