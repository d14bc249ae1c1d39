import { describe, expect, it } from "vitest";
import { FRAME_RULE_LIMITS, type ActiveFrameRule, type FrameMatcher } from "../../src/shared/frame-rule-types";
import { compileFrameRules, hexBytes, jsonEqual, matchFrame, renderTemplate } from "../../src/shared/frame-rules";

const rule = (when: FrameMatcher | undefined, extra: Partial<ActiveFrameRule> = {}): ActiveFrameRule => ({
  index: 0,
  match: "*",
  direction: "both",
  action: "drop",
  ...(when ? { when } : {}),
  ...extra,
});

/** Whether a single rule with `when` matches `data` going `dir`. */
const hits = (when: FrameMatcher | undefined, data: unknown, dir: "in" | "out" = "in"): boolean =>
  matchFrame(compileFrameRules([rule(when)]), dir, data) !== null;

const bytes = (...b: number[]): ArrayBuffer => new Uint8Array(b).buffer;

describe("matchFrame", () => {
  it("text: a text frame that contains the string", () => {
    expect(hits({ text: "ping" }, '{"type":"ping"}')).toBe(true);
    expect(hits({ text: "ping" }, '{"type":"pong"}')).toBe(false);
    expect(hits({ text: "ping" }, new TextEncoder().encode("ping"))).toBe(false);
  });

  it("regex: a text frame the expression matches (no flags)", () => {
    expect(hits({ regex: "^\\{\"type\":\"(sub|unsub)\"" }, '{"type":"sub","id":1}')).toBe(true);
    expect(hits({ regex: "^\\{\"type\":\"(sub|unsub)\"" }, ' {"type":"sub"}')).toBe(false);
    expect(hits({ regex: "PING" }, "ping")).toBe(false);
    expect(hits({ regex: "ab" }, bytes(0x61, 0x62))).toBe(false);
  });

  it("path: a JSON frame with a value there; with equals, that value (deep, key order free)", () => {
    expect(hits({ path: "$.id" }, '{"id":0}')).toBe(true);
    expect(hits({ path: "$.id" }, '{"id":null}')).toBe(true);
    expect(hits({ path: "$.id" }, '{"other":1}')).toBe(false);
    expect(hits({ path: "$.id" }, "not json")).toBe(false);
    expect(hits({ path: "$.type", equals: "ack" }, '{"type":"ack"}')).toBe(true);
    expect(hits({ path: "$.type", equals: "ack" }, '{"type":"ackx"}')).toBe(false);
    expect(hits({ path: "$.n", equals: 1 }, '{"n":"1"}')).toBe(false);
    expect(hits({ path: "$.o", equals: { a: 1, b: [1, 2] } }, '{"o":{"b":[1,2],"a":1}}')).toBe(true);
    expect(hits({ path: "$.o", equals: { a: 1, b: [1, 2] } }, '{"o":{"b":[2,1],"a":1}}')).toBe(false);
    expect(hits({ path: "$.v", equals: null }, '{"v":null}')).toBe(true);
    expect(hits({ path: "$.v", equals: null }, "{}")).toBe(false);
  });

  it("path: arrays at the top (Phoenix frames) and inside", () => {
    expect(hits({ path: "$[3]", equals: "heartbeat" }, '[null,"1","phoenix","heartbeat",{}]')).toBe(true);
    expect(hits({ path: "$.items[1].id", equals: 7 }, '{"items":[{"id":6},{"id":7}]}')).toBe(true);
  });

  it("hexPrefix: a binary frame (ArrayBuffer or any view) starting with those bytes; never a text frame", () => {
    expect(hits({ hexPrefix: "c000" }, bytes(0xc0, 0x00, 0x01))).toBe(true);
    expect(hits({ hexPrefix: "C0 00" }, bytes(0xc0, 0x00))).toBe(true);
    expect(hits({ hexPrefix: "c000" }, bytes(0xc0))).toBe(false);
    expect(hits({ hexPrefix: "c000" }, bytes(0xc0, 0x01))).toBe(false);
    // A view on the middle of a buffer: its own bytes count, not the buffer's.
    const buf = new Uint8Array([9, 9, 0xc0, 0x00]).buffer;
    expect(hits({ hexPrefix: "c000" }, new Uint8Array(buf, 2))).toBe(true);
    expect(hits({ hexPrefix: "c000" }, new DataView(buf, 2))).toBe(true);
    expect(hits({ hexPrefix: "0909" }, new Uint8Array(buf, 2))).toBe(false);
    expect(hits({ hexPrefix: "6869" }, "hi")).toBe(false);
  });

  it("hexPrefix: an ArrayBuffer of another realm (a same-origin child frame's socket) is read too; a look-alike is not", async () => {
    const { runInNewContext } = await import("node:vm");
    const foreign = runInNewContext("new Uint8Array([0xc0, 0x00, 1]).buffer") as ArrayBuffer;
    expect(foreign instanceof ArrayBuffer).toBe(false);
    expect(hits({ hexPrefix: "c000" }, foreign)).toBe(true);
    const lookalike = { byteLength: 3, [Symbol.toStringTag]: "ArrayBuffer", 0: 0xc0, 1: 0 };
    expect(hits({ hexPrefix: "c000" }, lookalike)).toBe(false);
  });

  it("every given condition must hold", () => {
    const when = { text: "order", path: "$.qty", equals: 2 };
    expect(hits(when, '{"order":1,"qty":2}')).toBe(true);
    expect(hits(when, '{"item":1,"qty":2}')).toBe(false);
    expect(hits(when, '{"order":1,"qty":3}')).toBe(false);
    expect(hits({ text: "a", hexPrefix: "61" }, "a")).toBe(false);
    expect(hits({ text: "a", hexPrefix: "61" }, bytes(0x61))).toBe(false);
  });

  it("no condition: every frame of the direction, Blobs included; a Blob meets no condition", () => {
    const blob = new Blob(["ping"]);
    expect(hits(undefined, "x")).toBe(true);
    expect(hits({}, bytes(1))).toBe(true);
    expect(hits(undefined, blob)).toBe(true);
    expect(hits({ text: "ping" }, blob)).toBe(false);
    expect(hits({ hexPrefix: "70" }, blob)).toBe(false);
  });

  it("respects the direction: in, out, both", () => {
    const rules = compileFrameRules([
      rule({ text: "a" }, { index: 0, direction: "in" }),
      rule({ text: "a" }, { index: 1, direction: "out" }),
      rule({ text: "b" }, { index: 2, direction: "both" }),
    ]);
    expect(matchFrame(rules, "in", "a")?.index).toBe(0);
    expect(matchFrame(rules, "out", "a")?.index).toBe(1);
    expect(matchFrame(rules, "in", "b")?.index).toBe(2);
    expect(matchFrame(rules, "out", "b")?.index).toBe(2);
    expect(matchFrame(rules, "out", "c")).toBeNull();
  });

  it("first match wins, and the compiled rule carries the rule's fields", () => {
    const rules = compileFrameRules([
      rule({ text: "x" }, { index: 3, action: "replace", with: "{{$.id}}" }),
      rule(undefined, { index: 5, action: "pause", pauseTimeoutMs: 1000 }),
      rule(undefined, { index: 6, action: "delay", delayMs: 20 }),
    ]);
    const first = matchFrame(rules, "out", "x")!;
    expect(first).toMatchObject({ index: 3, action: "replace", with: "{{$.id}}", direction: "both" });
    expect(matchFrame(rules, "out", "y")).toMatchObject({ index: 5, action: "pause", pauseTimeoutMs: 1000 });
  });

  it("text conditions look only at frames up to matchBytes characters, regexes up to regexBytes", () => {
    for (const [limit, when] of [
      [FRAME_RULE_LIMITS.matchBytes, { text: "ping" }],
      [FRAME_RULE_LIMITS.regexBytes, { regex: "ping$" }],
    ] as const) {
      expect(hits(when, "a".repeat(limit - 4) + "ping")).toBe(true);
      expect(hits(when, "a".repeat(limit - 3) + "ping")).toBe(false);
    }
    const limit = FRAME_RULE_LIMITS.matchBytes;
    const over = "a".repeat(limit - 3) + "ping";
    const json = (n: number): string => `{"id":1,"p":"${"a".repeat(n - 15)}"}`;
    expect(json(limit)).toHaveLength(limit);
    expect(hits({ path: "$.id" }, json(limit))).toBe(true);
    expect(hits({ path: "$.id" }, json(limit + 1))).toBe(false);
    // A rule with no text condition still takes a large frame.
    expect(hits(undefined, over)).toBe(true);
  });

  it("a leading .* changes no answer", () => {
    for (const regex of [".*foo", ".*?foo", ".*", ".*|x"]) {
      const plain = new RegExp(regex);
      for (const frame of ["xfooy", "foo", "fo\no", "", "x"]) expect(hits({ regex }, frame), `${regex} on ${JSON.stringify(frame)}`).toBe(plain.test(frame));
    }
    const rules = compileFrameRules([rule({ regex: ".*foo" })]);
    const large = "a".repeat(FRAME_RULE_LIMITS.regexBytes);
    expect(matchFrame(rules, "in", large)).toBeNull();
    expect(matchFrame(rules, "in", `${large.slice(3)}foo`)).not.toBeNull();
  });

  it("a regex the engine refuses makes its rule inert, never throws; the others work", () => {
    const rules = compileFrameRules([
      rule({ regex: "(" }, { index: 0 }),
      rule({ regex: "[z-a]" }, { index: 1 }),
      rule({ regex: "x".repeat(FRAME_RULE_LIMITS.regexChars + 1) }, { index: 2 }),
      rule({ path: "$..a" }, { index: 3 }),
      rule({ hexPrefix: "abc" }, { index: 4 }),
      rule({ text: "x" }, { index: 5 }),
    ]);
    expect(rules.map((r) => r.index)).toEqual([5]);
    expect(matchFrame(rules, "in", "(x")?.index).toBe(5);
  });

  it("leaves out disabled and malformed rules", () => {
    const rules = compileFrameRules([
      rule(undefined, { index: 0, enabled: false }),
      rule(undefined, { index: 1, direction: "sideways" as never }),
      null as never,
      rule(null as never, { index: 2 }),
      rule(undefined, { index: 3, enabled: true }),
    ]);
    expect(rules.map((r) => r.index)).toEqual([2, 3]);
    expect(compileFrameRules("nope" as never)).toEqual([]);
  });
});

describe("renderTemplate", () => {
  it("puts the JSON value at each path: numbers stay numbers, strings are quoted", () => {
    const frame = '{"id":42,"user":{"name":"ann"},"tags":["a","b"],"ok":true}';
    expect(renderTemplate('{"type":"ack","id":{{$.id}},"who":{{ $.user.name }}}', frame)).toBe(
      '{"type":"ack","id":42,"who":"ann"}',
    );
    expect(renderTemplate("{{$.tags}} {{$.tags[1]}} {{$.ok}} {{$.user}}", frame)).toBe('["a","b"] "b" true {"name":"ann"}');
    expect(renderTemplate("{{$}}", '{"a":1}')).toBe('{"a":1}');
  });

  it("null when the value is absent, the frame is not JSON, is binary or too large", () => {
    expect(renderTemplate("{{$.missing}}", '{"id":1}')).toBe("null");
    expect(renderTemplate("id={{$.id}}", "hello")).toBe("id=null");
    expect(renderTemplate("{{$.id}}", bytes(0x7b))).toBe("null");
    const big = `{"id":1,"p":"${"a".repeat(FRAME_RULE_LIMITS.matchBytes)}"}`;
    expect(renderTemplate("{{$.id}}", big)).toBe("null");
    expect(renderTemplate("{{$..bad}}", '{"id":1}')).toBe("null");
  });

  it("leaves text without placeholders as it is", () => {
    expect(renderTemplate("plain {text} {{not a path}}", '{"a":1}')).toBe("plain {text} {{not a path}}");
    expect(renderTemplate("", "x")).toBe("");
  });
});

describe("helpers", () => {
  it("hexBytes: whole bytes of hex, blanks allowed", () => {
    expect(Array.from(hexBytes("00ff 7F")!)).toEqual([0, 255, 127]);
    expect(hexBytes("0")).toBeNull();
    expect(hexBytes("zz")).toBeNull();
    expect(Array.from(hexBytes("")!)).toEqual([]);
  });

  it("jsonEqual: deep, arrays in order", () => {
    expect(jsonEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(jsonEqual([1], { 0: 1 })).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
  });
});
