import { describe, expect, it } from "vitest";
import { jsonErrorPosition, jsonSyntaxErrorOffset, positionAt, positionFromMessage } from "../../src/options/json-position";

const BAD = [
  '{ "enabled": tru }',
  '{\n  "a": 1,\n}',
  "{ nope",
  "",
  "[1,2",
  '{"a":"x\ny"}',
  '{\n  "rules": [\n    { "match": "a" }\n    { "match": "b" }\n  ]\n}',
  '{"a": 01}',
  '{"a": "\\q"}',
  "[1] 2",
  '{"a":1}}',
  "nul",
  '"\\u12G4"',
  '{"a" 1}',
  '{"a": [1 2]}',
];

function v8Message(text: string): string {
  try {
    JSON.parse(text);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`parsed: ${text}`);
}

describe("JSON error position", () => {
  it("counts lines and columns from 1", () => {
    expect(positionAt("ab\ncd", 0)).toEqual({ line: 1, column: 1 });
    expect(positionAt("ab\ncd", 4)).toEqual({ line: 2, column: 2 });
    expect(positionAt("ab\n", 3)).toEqual({ line: 2, column: 1 });
  });

  it("reads V8's message shape (offset, and the newer line/column)", () => {
    const text = '{\n  "a": 1,\n}';
    expect(positionFromMessage("Expected double-quoted property name in JSON at position 12", text)).toEqual({ line: 3, column: 1 });
    expect(positionFromMessage("Expected double-quoted property name in JSON at position 12 (line 3 column 1)", text)).toEqual({ line: 3, column: 1 });
    expect(positionFromMessage("Unexpected token ' ', \"…\" is not valid JSON", text)).toBeNull();
  });

  it("reads SpiderMonkey's message shape", () => {
    expect(positionFromMessage("JSON.parse: expected double-quoted property name at line 3 column 1 of the JSON data", "x")).toEqual({ line: 3, column: 1 });
  });

  it("without a position in the message, scans: the first character that cannot continue the JSON", () => {
    expect(jsonErrorPosition('{ "enabled": tru }', "Unexpected token ' ', \"{ \"enabled\": tru }\" is not valid JSON")).toEqual({ line: 1, column: 17 });
    expect(jsonErrorPosition('{\n  "a": [1,\n', "Unexpected end of JSON input")).toEqual({ line: 3, column: 1 });
    expect(jsonSyntaxErrorOffset('{"a": [1, {"b": null}], "c": "\\u00e9\\n", "d": -1.5e3}')).toBeNull();
  });

  it("the scan agrees with this engine wherever its message names a position, and finds one for every bad text", () => {
    for (const text of BAD) {
      const offset = jsonSyntaxErrorOffset(text);
      expect(offset, text).not.toBeNull();
      const named = /at position (\d+)/.exec(v8Message(text));
      if (named) expect(offset, text).toBe(Number(named[1]));
    }
  });

  it("absurd nesting gives no position rather than a crash", () => {
    expect(() => jsonSyntaxErrorOffset("[".repeat(200_000))).not.toThrow();
  });
});
