import { describe, expect, it } from "vitest";
import { addFrameRule, matcherLike, ruleLike, socketGlob } from "../../src/panel/frame-rule-draft";
import { frameMarks } from "../../src/panel/frame-marks";
import { FRAME_RULE_LIMITS } from "../../src/shared/frame-rule-types";
import { validateFrameRules } from "../../src/shared/frame-rules-validate";
import { frame } from "./frames-support";

describe("a frame rule drawn from a frame", () => {
  it("names the socket by origin and path, any query", () => {
    expect(socketGlob("wss://a.test:8443/live/feed?token=x")).toBe("wss://a.test:8443/live/feed*");
    expect(socketGlob("ws://127.0.0.1:9000/")).toBe("ws://127.0.0.1:9000/*");
    expect(socketGlob("https://a.test/")).toBeNull();
    expect(socketGlob("not a url")).toBeNull();
    // A path too long for a glob: the origin's sockets.
    expect(socketGlob(`wss://a.test/${"p".repeat(3000)}`)).toBe("wss://a.test/*");
  });

  it("a JSON message by its type-like field, whatever its order; other text by its start", () => {
    expect(matcherLike(frame("s", 1, { preview: '{"id":7,"op":"sub","type":"data"}' }))).toEqual({ path: "$.type", equals: "data" });
    expect(matcherLike(frame("s", 1, { preview: '{"id":7,"event":3}' }))).toEqual({ path: "$.event", equals: 3 });
    // A type field that is an object is no kind: the next field, else the text.
    expect(matcherLike(frame("s", 1, { preview: '{"type":{"a":1},"action":"go"}' }))).toEqual({ path: "$.action", equals: "go" });
    expect(matcherLike(frame("s", 1, { preview: '{"id":7}' }))).toEqual({ text: '{"id":7}' });
    expect(matcherLike(frame("s", 1, { preview: "[1,2]" }))).toEqual({ text: "[1,2]" });
    // A cut JSON text is not parsed: its start is what is known.
    const cut = `{"type":"a","x":"${"y".repeat(40)}`;
    expect(matcherLike(frame("s", 1, { preview: cut, truncated: true }))).toEqual({ text: cut.slice(0, 24) });
  });

  it("never cuts a character in two, and matches an empty text frame exactly", () => {
    const text = `${"a".repeat(23)}😀 and more`;
    expect(matcherLike(frame("s", 1, { preview: text }))).toEqual({ text: "a".repeat(23) });
    expect(matcherLike(frame("s", 1, { preview: "" }))).toEqual({ regex: "^$" });
  });

  it("binary by up to four bytes; a Blob the page never read gives none", () => {
    expect(matcherLike(frame("s", 1, { opcode: "binary", preview: "AABBCCDDEE" }))).toEqual({ hexPrefix: "aabbccdd" });
    expect(matcherLike(frame("s", 1, { opcode: "binary", preview: "0a" }))).toEqual({ hexPrefix: "0a" });
    expect(matcherLike(frame("s", 1, { opcode: "binary", preview: "", size: 9 }))).toBeNull();
    expect(ruleLike(frame("s", 1, { opcode: "binary", preview: "", size: 9 }), "wss://a.test/", "drop")).toBeNull();
  });
});

describe("what the settings take", () => {
  it("every rule drawn passes the settings' validation as it is", () => {
    const frames = [
      frame("s", 1, { preview: '{"type":"x","id":1}' }),
      frame("s", 2, { dir: "in", preview: "plain text" }),
      frame("s", 3, { preview: "" }),
      frame("s", 4, { dir: "in", opcode: "binary", preview: "0a0b0c0d0e" }),
      frame("s", 5, { opcode: "binary", preview: "ff" }),
    ];
    const rules = frames.flatMap((f) => [ruleLike(f, "wss://a.test/live?x=1", "drop")!, ruleLike(f, "ws://127.0.0.1:8080/", "pause")!]);
    expect(validateFrameRules(rules)).toEqual({ rules, problems: [] });
  });
});

describe("adding it to the stored settings", () => {
  const rule = ruleLike(frame("s", 1, { dir: "in", preview: "hi" }), "wss://a.test/x", "pause")!;

  it("goes last, keeping every other field as stored", () => {
    const stored = { rules: [{ match: "wss://a.test/*" }], frameRules: [{ match: "*", direction: "both", action: "drop" }], futureField: 1 };
    expect(addFrameRule(stored, rule)).toEqual({ settings: { ...stored, frameRules: [...stored.frameRules, rule] }, index: 1 });
    expect(stored.frameRules).toHaveLength(1);
  });

  it("a rule just like an enabled one is there already; a disabled twin does not count", () => {
    expect(addFrameRule({ frameRules: [rule] }, rule)).toEqual({ existing: 0 });
    expect(addFrameRule({ frameRules: [{ ...rule, enabled: false }] }, rule)).toMatchObject({ index: 1 });
  });

  it("numbers it as the page world does: among the rules validation keeps", () => {
    const bad = { match: "wss://a.test/*", direction: "sideways", action: "drop" };
    const good = { match: "wss://a.test/*", direction: "in", action: "drop" };
    expect(addFrameRule({ frameRules: [bad, good] }, rule)).toMatchObject({ index: 1 });
    expect(addFrameRule({ frameRules: [bad, good, rule] }, rule)).toEqual({ existing: 1 });
  });

  it("past the bound, nothing is added", () => {
    expect(addFrameRule({ frameRules: Array.from({ length: FRAME_RULE_LIMITS.rules }, () => ({})) }, rule)).toEqual({ full: true });
  });
});

describe("marks of what a rule did", () => {
  it("paused and replaced frames say so, with the rule counted from 1", () => {
    const marks = (over: Parameters<typeof frame>[2]) => frameMarks(frame("s", 1, over)).map((m) => [m.key, m.label]);
    expect(marks({ fate: "paused", rule: 0, pause: 1 })).toEqual([
      ["fate-paused", "paused"],
      ["rule", "rule 1"],
    ]);
    expect(marks({ fate: "edited", rule: 2 })).toEqual([
      ["fate-edited", "replaced"],
      ["rule", "rule 3"],
    ]);
    // What a rule made says which rule in its first tag.
    expect(marks({ from: "rule", rule: 4 })).toEqual([["from-rule", "rule 5"]]);
    expect(marks({ from: "rule" })).toEqual([["from-rule", "rule"]]);
  });
});
