import { describe, expect, it } from "vitest";
import { FRAME_RULE_LIMITS, type FrameRule } from "../../src/shared/frame-rule-types";
import { regexProblem, validateFrameRules } from "../../src/shared/frame-rules-validate";
import { regexShape } from "../../src/shared/regex-shape";
import { DEFAULTS, findFrameRules, phraseText, problemText, validateSettings, type Settings } from "../../src/shared/settings";

const ok = (rule: Record<string, unknown>): FrameRule => ({ match: "wss://a.test/*", direction: "in", action: "drop", ...rule }) as FrameRule;

/** The English problems of one rule (`frameRules[0]...: message`). */
const problemsOf = (rule: unknown): string[] => validateFrameRules([rule]).problems.map(problemText);

describe("validateFrameRules", () => {
  it("keeps valid rules of every action as written", () => {
    const rules = [
      ok({ when: { text: "ping" } }),
      ok({ direction: "out", action: "replace", with: '{"id":{{$.id}}}', when: { path: "$.type", equals: "sub" } }),
      ok({ direction: "out", action: "respond", with: '{"type":"ack","id":{{$.id}}}', forward: false }),
      ok({ direction: "both", action: "delay", delayMs: 250, when: { regex: "^\\{\"type\":\"(sub|unsub)\"" } }),
      ok({ action: "pause", pauseTimeoutMs: 5000, when: { hexPrefix: "c0 00" }, enabled: false }),
      ok({ when: { path: "$.o", equals: { a: [1, null, "x"] } } }),
    ];
    expect(validateFrameRules(rules)).toEqual({ rules, problems: [] });
    expect(validateFrameRules(undefined)).toEqual({ rules: [], problems: [] });
  });

  it("drops a rule with any problem (a drop rule without its matcher would drop every frame), and keeps the others", () => {
    const { rules, problems } = validateFrameRules([ok({ when: { regex: "(" } }), ok({ when: { text: "keep" } })]);
    expect(rules).toEqual([ok({ when: { text: "keep" } })]);
    expect(problems.map(problemText)).toEqual([expect.stringMatching(/^frameRules\[0\]\.when\.regex: not a regular expression \(.+\); rule dropped$/)]);
  });

  it("names wrong types and unknown values, each at its field", () => {
    expect(problemsOf("drop")).toEqual(['frameRules[0]: expected an object, got "drop"; rule dropped']);
    expect(problemsOf(ok({ action: "block" }))).toEqual([
      'frameRules[0].action: expected one of "drop", "replace", "respond", "delay", "pause", got "block"; rule dropped',
    ]);
    expect(problemsOf(ok({ direction: "up" }))).toEqual(['frameRules[0].direction: expected one of "in", "out", "both", got "up"; rule dropped']);
    expect(problemsOf(ok({ enabled: "yes", forward: 1 }))).toEqual([
      'frameRules[0].enabled: expected true or false, got "yes"; rule dropped',
      "frameRules[0].forward: expected true or false, got 1; rule dropped",
    ]);
    expect(problemsOf(ok({ when: { text: 5, colour: "red" } }))).toEqual([
      "frameRules[0].when.text: expected a string, got 5; rule dropped",
      "frameRules[0].when.colour: unknown key; rule dropped",
    ]);
    expect(problemsOf(ok({ when: "ping" }))).toEqual(['frameRules[0].when: expected an object, got "ping"; rule dropped']);
    expect(problemsOf(ok({ dealyMs: 5 }))).toEqual(["frameRules[0].dealyMs: unknown key; rule dropped"]);
    expect(validateFrameRules({}).problems.map(problemText)).toEqual(["frameRules: expected an array, got an object"]);
  });

  it("needs match, direction and action", () => {
    expect(problemsOf({})).toEqual([
      "frameRules[0].match: missing; rule dropped",
      "frameRules[0].direction: missing; rule dropped",
      "frameRules[0].action: missing; rule dropped",
    ]);
    expect(problemsOf(ok({ match: "wss://a b" }))).toEqual(["frameRules[0].match: glob contains whitespace or control characters; rule dropped"]);
  });

  it("needs with for replace and respond, delayMs for delay; respond only on outbound frames", () => {
    expect(problemsOf(ok({ action: "replace" }))).toEqual(["frameRules[0].with: required when action is replace; rule dropped"]);
    expect(problemsOf(ok({ direction: "out", action: "respond" }))).toEqual(["frameRules[0].with: required when action is respond; rule dropped"]);
    expect(problemsOf(ok({ action: "delay" }))).toEqual(["frameRules[0].delayMs: required when action is delay; rule dropped"]);
    expect(problemsOf(ok({ direction: "both", action: "respond", with: "x" }))).toEqual([
      "frameRules[0].direction: respond answers the page's own frames: set direction to out; rule dropped",
    ]);
  });

  it("bounds delayMs and pauseTimeoutMs", () => {
    expect(problemsOf(ok({ action: "delay", delayMs: -1 }))).toEqual(["frameRules[0].delayMs: expected a number of milliseconds, got -1; rule dropped"]);
    expect(problemsOf(ok({ action: "delay", delayMs: FRAME_RULE_LIMITS.delayMsMax + 1 }))).toEqual([
      `frameRules[0].delayMs: must be at most ${FRAME_RULE_LIMITS.delayMsMax}, got ${FRAME_RULE_LIMITS.delayMsMax + 1}; rule dropped`,
    ]);
    expect(problemsOf(ok({ action: "delay", delayMs: "5" }))).toEqual(['frameRules[0].delayMs: expected a number of milliseconds, got "5"; rule dropped']);
    expect(problemsOf(ok({ action: "pause", pauseTimeoutMs: 10 }))).toEqual(["frameRules[0].pauseTimeoutMs: must be at least 100, got 10; rule dropped"]);
    expect(problemsOf(ok({ action: "pause", pauseTimeoutMs: FRAME_RULE_LIMITS.pauseTimeoutMsMax + 1 }))).toHaveLength(1);
  });

  it("matchers: hex, equals only with path, paths of the grammar, never binary and text at once", () => {
    expect(problemsOf(ok({ when: { hexPrefix: "c0f" } }))).toEqual(['frameRules[0].when.hexPrefix: expected bytes in hex (pairs of 0-9 a-f, blanks allowed), got "c0f"; rule dropped']);
    expect(problemsOf(ok({ when: { hexPrefix: "zz" } }))).toHaveLength(1);
    expect(problemsOf(ok({ when: { equals: "ack" } }))).toEqual(["frameRules[0].when.equals: equals compares the value at path: add path, or remove equals; rule dropped"]);
    expect(problemsOf(ok({ when: { path: "$..a" } }))).toEqual([
      'frameRules[0].when.path: expected a JSON path like "$.a.b" or "$.items[0]", got "$..a"; rule dropped',
    ]);
    expect(problemsOf(ok({ when: { path: "a.b" } }))).toHaveLength(1);
    expect(problemsOf(ok({ when: { text: "a", hexPrefix: "61" } }))).toEqual([
      "frameRules[0].when.hexPrefix: hexPrefix looks at binary frames and text, regex and path at text frames, so no frame can match: split it into two rules; rule dropped",
    ]);
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(problemsOf(ok({ when: { path: "$.a", equals: deep } }))).toEqual([
      "frameRules[0].when.equals: expected a JSON value at most 32 levels deep, got an array; rule dropped",
    ]);
    expect(problemsOf(ok({ when: { path: "$.a", equals: Number.NaN } }))).toHaveLength(1);
  });

  it("templates: every {{...}} is a path of the grammar", () => {
    expect(problemsOf(ok({ action: "replace", with: "{{$.a}} {{$['a']}}" }))).toEqual([
      `frameRules[0].with: the template has {{$['a']}}, which is not a JSON path like "$.a.b" or "$.items[0]"; rule dropped`,
    ]);
    expect(problemsOf(ok({ action: "replace", with: "{not a placeholder} {{ $.a }}" }))).toEqual([]);
  });

  it("bounds strings and the number of rules", () => {
    expect(problemsOf(ok({ when: { text: "x".repeat(FRAME_RULE_LIMITS.stringChars + 1) } }))).toEqual([
      `frameRules[0].when.text: longer than ${FRAME_RULE_LIMITS.stringChars} bytes (${FRAME_RULE_LIMITS.stringChars + 1}); rule dropped`,
    ]);
    const many = Array.from({ length: FRAME_RULE_LIMITS.rules + 3 }, () => ok({}));
    const { rules, problems } = validateFrameRules(many);
    expect(rules).toHaveLength(FRAME_RULE_LIMITS.rules);
    expect(problems.map(problemText)).toEqual([`frameRules: more than ${FRAME_RULE_LIMITS.rules} rules; the rest are ignored`]);
  });
});

describe("regexes", () => {
  it("refuses one longer than the limit, and one the engine refuses", () => {
    const long = "a".repeat(FRAME_RULE_LIMITS.regexChars + 1);
    expect(problemsOf(ok({ when: { regex: long } }))).toEqual([
      `frameRules[0].when.regex: a regular expression of ${long.length} characters, longer than ${FRAME_RULE_LIMITS.regexChars}: shorten it; rule dropped`,
    ]);
    expect(regexProblem("a".repeat(FRAME_RULE_LIMITS.regexChars))).toBeNull();
    expect(phraseText(regexProblem("[z-a]")!)).toMatch(/^not a regular expression \(Invalid regular expression: .*\)$/);
    expect(phraseText(regexProblem(5)!)).toBe("expected a string, got 5");
  });

  it("refuses shapes that backtrack catastrophically, naming the part and what to do", () => {
    expect(phraseText(regexProblem("^(a+)+$")!)).toBe(
      "repeats (a+)+, which repeats inside: this can take exponential time on some frames; repeat only once",
    );
    expect(phraseText(regexProblem("(a|a)*x")!)).toBe(
      "repeats (a|a)*, whose alternatives can match the same text (or nothing): this can take exponential time on some frames; make each alternative start differently",
    );
    expect(phraseText(regexProblem("id=\\d+\\d+;")!)).toBe(
      "\\d+\\d+ repeats twice in a row over the same characters: this can take very long on long frames; merge the two into one",
    );
    expect(phraseText(regexProblem("(\\w)\\1")!)).toBe("uses a backreference (\\1), which can take exponential time: match the text without it");
  });

  it.each([
    ["(a+)+", "nested"],
    ["(a*)*", "nested"],
    ["(?:x{2,})+", "nested"],
    ["((ab)*c)+", "nested"],
    ["(?=(a+)+)b", "nested"],
    ["(a|a)*", "alternatives"],
    ["(a|ab)+", "alternatives"],
    ["(\\w|\\d)*", "alternatives"],
    ["(.|a)*", "alternatives"],
    ["(a|)*", "alternatives"],
    ["([a-c]|b)+", "alternatives"],
    ["\\d+\\d+", "adjacent"],
    [".*.*x", "adjacent"],
    ["a*\\s*a+", "adjacent"],
    ["(a*)a*", "adjacent"],
    ["(.)\\1", "backreference"],
    ["(?<q>')\\k<q>", "backreference"],
  ])("%s: %s", (source, kind) => {
    expect(regexShape(source)?.kind).toBe(kind);
  });

  it.each([
    "^\\{\"type\":\"(sub|unsub)\"",
    "ping",
    ".*foo",
    "\\s*\\w+",
    "(ab|cd)+",
    "[a-z]+@[a-z]+\\.com",
    "a{2}b{3,}",
    "(?:a|b)*c",
    '"(?:[^"\\\\]|\\\\.)*"',
    "[\\d-x]+",
    "(\\r\\n|\\n)+",
    "^\\d+(\\.\\d+)?$",
    "\\[(\\d+)\\]",
  ])("accepts %s", (source) => {
    expect(regexProblem(source)).toBeNull();
  });

  it("a refused shape really is slow, and what the check accepts of the same intent is fast", () => {
    // The check is no superstition: the exponential shape takes tens of ms at 22 characters, doubling with each one more.
    const hostile = "a".repeat(22) + "!";
    const time = (source: string): number => {
      const re = new RegExp(source);
      const t0 = performance.now();
      re.test(hostile);
      return performance.now() - t0;
    };
    expect(regexProblem("^(a+)+$")).not.toBeNull();
    expect(time("^(a+)+$")).toBeGreaterThan(20);
    expect(regexProblem("^a+$")).toBeNull();
    expect(time("^a+$")).toBeLessThan(10);
  });
});

describe("settings.frameRules", () => {
  it("defaults to none, and is validated with the rest: invalid rules dropped with their messages, valid ones kept", () => {
    expect(validateSettings({}).settings.frameRules).toEqual([]);
    const keep = ok({ when: { text: "x" } });
    const { settings, errors } = validateSettings({ frameRules: [ok({ action: "delay" }), keep], rules: [] });
    expect(settings.frameRules).toEqual([keep]);
    expect(errors).toEqual(["frameRules[0].delayMs: required when action is delay; rule dropped"]);
  });

  it("findFrameRules: enabled rules whose glob fits, in settings order, with their index", () => {
    const settings: Settings = {
      ...DEFAULTS,
      frameRules: [
        ok({ match: "wss://a.test/*", when: { text: "1" } }),
        ok({ match: "wss://b.test/*" }),
        ok({ match: "wss://a.test/*", enabled: false }),
        ok({ match: "wss://*.test/**", action: "pause" }),
        ok({ match: "" }),
      ],
    };
    expect(findFrameRules(settings, "wss://a.test/live")).toEqual([
      { ...settings.frameRules[0], index: 0 },
      { ...settings.frameRules[3], index: 3 },
    ]);
    expect(findFrameRules(settings, "wss://c.test/").map((r) => r.index)).toEqual([3]);
    expect(findFrameRules(settings, "ws://a.test/")).toEqual([]);
    expect(findFrameRules({ ...DEFAULTS }, "wss://a.test/")).toEqual([]);
  });
});
