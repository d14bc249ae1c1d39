import { describe, expect, it } from "vitest";
import {
  DEFAULTS,
  RULE_DEFAULTS,
  findRule,
  globToRegExp,
  isJsonPath,
  matchGlob,
  resolveRule,
  validateSettings,
  problemText,
  renderPhrase,
} from "../../src/shared/settings";

const rule0 = (section: Record<string, unknown>) => ({ rules: [{ match: "wss://*.example.com/*", ...section }] });

describe("validateSettings", () => {
  it("gives the defaults for nothing stored, and accepts the documented example unchanged", () => {
    expect(validateSettings(undefined)).toEqual({ settings: DEFAULTS, errors: [], problems: [] });
    const example = { enabled: true, rules: [{ match: "wss://*.example.com/*", ...RULE_DEFAULTS }], frameRules: [], record: DEFAULTS.record };
    const { settings, errors } = validateSettings(JSON.parse(JSON.stringify(example)));
    expect(errors).toEqual([]);
    expect(settings).toEqual(example);
  });

  it("has the defaults DESIGN.md shows", () => {
    expect(DEFAULTS).toEqual({ enabled: true, rules: [], frameRules: [], record: { maxFramesPerSocket: 10000, maxPreviewBytes: 65536 } });
    expect(RULE_DEFAULTS.reconnect).toEqual({
      enabled: true, minDelayMs: 500, maxDelayMs: 30000, factor: 2, maxAttempts: null, stableAfterMs: 5000,
      retryInitialConnect: true, initialMaxAttempts: 10, strategy: "auto", stopOnCodes: [1000, 1002, 1003, 1007, 1008, 1009, 1010],
    });
    expect(RULE_DEFAULTS.heartbeat).toEqual({
      enabled: true, intervalMs: 30000, timeoutMs: 10000, message: "auto", reply: null, hideReplies: true,
    });
    expect(RULE_DEFAULTS.queue).toEqual({ enabled: true, maxMessages: 1000, maxBytes: 1048576 });
    expect(RULE_DEFAULTS.resume.message).toBe('{"type":"resume","since":{{lastSeq}}}');
  });

  it("names the path of a negative delay and falls back to the default", () => {
    const { settings, errors } = validateSettings(rule0({ reconnect: { minDelayMs: -5, maxDelayMs: 1000 } }));
    expect(errors).toEqual(["rules[0].reconnect.minDelayMs: expected a non-negative number, got -5"]);
    const r = resolveRule(settings.rules[0]!);
    expect(r.reconnect.minDelayMs).toBe(500);
    expect(r.reconnect.maxDelayMs).toBe(1000);
  });

  it("reports wrong types", () => {
    const { errors } = validateSettings({
      enabled: "yes",
      rules: [{ match: "*", reconnect: { enabled: 1, strategy: "sometimes", maxAttempts: 1.5 }, heartbeat: { reply: 7 } }],
      record: "big",
    });
    expect(errors).toEqual([
      'enabled: expected true or false, got "yes"',
      "rules[0].reconnect.enabled: expected true or false, got 1",
      'rules[0].reconnect.strategy: expected one of "auto", "transparent", "surface", got "sometimes"',
      "rules[0].reconnect.maxAttempts: expected null or a non-negative integer, got 1.5",
      "rules[0].heartbeat.reply: expected a string or null, got 7",
      'record: expected an object, got "big"',
    ]);
  });

  it("rejects absurd values", () => {
    const { errors, settings } = validateSettings({
      rules: [
        {
          match: "*",
          reconnect: { maxDelayMs: 25 * 3600_000, factor: 0.5, stopOnCodes: [1000, 99] },
          heartbeat: { intervalMs: 50, timeoutMs: Number.NaN, message: "x".repeat(64 * 1024 + 1) },
          queue: { maxMessages: 1e6 + 1, maxBytes: Infinity },
        },
      ],
      record: { maxPreviewBytes: -1 },
    });
    expect(errors).toEqual([
      "rules[0].reconnect.maxDelayMs: must be at most 86400000, got 90000000",
      "rules[0].reconnect.factor: must be at least 1, got 0.5",
      "rules[0].reconnect.stopOnCodes[1]: expected a close code (an integer 1000-4999), got 99",
      "rules[0].heartbeat.intervalMs: must be at least 100, got 50",
      "rules[0].heartbeat.timeoutMs: expected a number of milliseconds, got NaN",
      "rules[0].heartbeat.message: longer than 65536 bytes (65537)",
      "rules[0].queue.maxMessages: must be at most 1000000, got 1000001",
      "rules[0].queue.maxBytes: expected a non-negative integer, got Infinity",
      "record.maxPreviewBytes: expected a non-negative integer, got -1",
    ]);
    expect(resolveRule(settings.rules[0]!)).toEqual({ match: "*", ...RULE_DEFAULTS });
  });

  it("takes initialMaxAttempts as null (no limit) or a non-negative integer, and names the path of anything else", () => {
    for (const ok of [null, 0, 3, 1_000_000]) {
      const { settings, errors } = validateSettings(rule0({ reconnect: { initialMaxAttempts: ok } }));
      expect(errors).toEqual([]);
      expect(resolveRule(settings.rules[0]!).reconnect.initialMaxAttempts).toBe(ok);
    }
    const { settings, errors } = validateSettings({
      rules: [
        { match: "a", reconnect: { initialMaxAttempts: -1 } },
        { match: "b", reconnect: { initialMaxAttempts: 2.5 } },
        { match: "c", reconnect: { initialMaxAttempts: "10" } },
        { match: "d", reconnect: { initialMaxAttempts: 1_000_001 } },
      ],
    });
    expect(errors).toEqual([
      "rules[0].reconnect.initialMaxAttempts: expected null or a non-negative integer, got -1",
      "rules[1].reconnect.initialMaxAttempts: expected null or a non-negative integer, got 2.5",
      'rules[2].reconnect.initialMaxAttempts: expected null or a non-negative integer, got "10"',
      "rules[3].reconnect.initialMaxAttempts: must be at most 1000000, got 1000001",
    ]);
    // A bad value takes the default.
    expect(settings.rules.map((r) => resolveRule(r).reconnect.initialMaxAttempts)).toEqual([10, 10, 10, 10]);
  });

  it("counts the heartbeat message in UTF-8 bytes", () => {
    const ok = "é".repeat(32 * 1024);
    const tooBig = ok + "é";
    expect(validateSettings(rule0({ heartbeat: { message: ok } })).errors).toEqual([]);
    expect(validateSettings(rule0({ heartbeat: { message: tooBig } })).errors).toEqual([
      "rules[0].heartbeat.message: longer than 65536 bytes (65538)",
    ]);
  });

  it("reports unknown keys at every level", () => {
    const { errors } = validateSettings({
      colour: "blue",
      rules: [{ match: "*", heartbeat: { foo: 1 }, extra: {}, delivery: { ackWhen: { bar: 2 } } }],
      record: { baz: 3 },
    });
    expect(errors).toEqual([
      "colour: unknown key",
      "rules[0].heartbeat.foo: unknown key",
      "rules[0].extra: unknown key",
      "rules[0].delivery.ackWhen.bar: unknown key",
      "record.baz: unknown key",
    ]);
  });

  it("drops a rule whose match is not a usable glob, and keeps the others", () => {
    const { settings, errors } = validateSettings({
      rules: [{ match: "" }, { match: 42 }, {}, "wss://x/*", { match: "a b" }, { match: "*".repeat(3) + "x*".repeat(40) }, { match: "wss://ok/*" }],
    });
    expect(settings.rules).toEqual([{ match: "wss://ok/*" }]);
    expect(errors).toEqual([
      "rules[0].match: expected a non-empty glob; rule dropped",
      "rules[1].match: expected a glob string, got 42; rule dropped",
      "rules[2].match: missing; rule dropped",
      'rules[3]: expected an object, got "wss://x/*"; rule dropped',
      "rules[4].match: glob contains whitespace or control characters; rule dropped",
      "rules[5].match: glob has more than 32 wildcards; rule dropped",
    ]);
  });

  it("validates delivery and resume, JSON paths by syntax only", () => {
    const { errors } = validateSettings(
      rule0({
        delivery: { idPath: "$.items[0].id", ackWhen: { path: "$..x", equals: {} }, ackIdPath: "id", maxAgeMs: -1 },
        resume: { seqPath: "$.a.b", queryParam: "a b", message: 5 },
      }),
    );
    expect(errors).toEqual([
      'rules[0].delivery.ackWhen.path: expected a JSON path like "$.a.b" or "$.items[0]", got "$..x"',
      "rules[0].delivery.ackWhen.equals: expected a string, number, boolean or null, got an object",
      'rules[0].delivery.ackIdPath: expected a JSON path like "$.a.b" or "$.items[0]", got "id"',
      "rules[0].delivery.maxAgeMs: expected a non-negative number, got -1",
      'rules[0].resume.queryParam: expected null or a query parameter name (1-64 of A-Z a-z 0-9 _ . ~ -), got "a b"',
      "rules[0].resume.message: expected a string, got 5",
    ]);
    expect(["$", "$.a", "$.a.b", "$.items[0]", "$.a[12].b_c"].every(isJsonPath)).toBe(true);
    expect(["", "a", "$.", "$[a]", "$.a[01]", "$.a()", "$['a']", "$.constructor;alert(1)"].some(isJsonPath)).toBe(false);
  });

  it("never throws, whatever it is given", () => {
    const weird: unknown[] = [null, 0, "x", [], [1], { rules: null }, { rules: [null] }, { rules: [{ match: "*", reconnect: [] }] }];
    const cyclic: Record<string, unknown> = { match: "*" };
    cyclic.heartbeat = cyclic;
    weird.push({ rules: [cyclic] }, Object.create(null), { rules: new Array(2000).fill({ match: "*" }) });
    for (const w of weird) expect(() => validateSettings(w)).not.toThrow();
    expect(validateSettings(5).errors).toEqual(["(root): expected an object, got 5"]);
    expect(validateSettings({ rules: new Array(2000).fill({ match: "*" }) }).settings.rules).toHaveLength(1000);
  });
});

describe("globs and rules", () => {
  it("treats * as any run and everything else as literal, anchored", () => {
    const re = globToRegExp("wss://*.example.com/*");
    expect(re.test("wss://a.example.com/x")).toBe(true);
    expect(re.test("wss://a.b.example.com/")).toBe(true);
    expect(re.test("wss://a.exampleXcom/x")).toBe(false);
    expect(re.test("xwss://a.example.com/x")).toBe(false);
    expect(globToRegExp("ws://h/?a=(1)+[2]").test("ws://h/?a=(1)+[2]")).toBe(true);
    expect(globToRegExp("ws://h/?a").test("ws://h/a")).toBe(false);
    expect(() => globToRegExp("x".repeat(3000))).toThrow(/longer than/);
  });

  it("matchGlob agrees with globToRegExp", () => {
    const globs = ["*", "a*", "*a", "a*b*c", "**", "ws://*:80/*", "a?b", "*.*", "abc"];
    const texts = ["", "a", "abc", "aXbYc", "acb", "ws://h:80/", "a?b", "ab", "x.y", "ws://h:8080/"];
    for (const g of globs) for (const t of texts) expect(matchGlob(g, t), `${g} ~ ${t}`).toBe(globToRegExp(g).test(t));
  });

  it("matches a long hostile URL quickly", () => {
    const glob = "*a*a*a*a*a*a*a*a*a*a*a*a*b";
    const url = "a".repeat(100_000);
    const t0 = Date.now();
    expect(findRule({ ...DEFAULTS, rules: [{ match: glob }] }, url)).toBeNull();
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it("findRule: first match wins, resolved with defaults; none -> null", () => {
    const settings = validateSettings({
      rules: [
        { match: "wss://api.example.com/*", heartbeat: { message: "ping" } },
        { match: "wss://*.example.com/*", queue: { enabled: false } },
      ],
    }).settings;
    const a = findRule(settings, "wss://api.example.com/socket");
    expect(a?.match).toBe("wss://api.example.com/*");
    expect(a?.heartbeat).toEqual({ ...RULE_DEFAULTS.heartbeat, message: "ping" });
    expect(findRule(settings, "wss://chat.example.com/x")?.queue.enabled).toBe(false);
    expect(findRule(settings, "wss://example.org/")).toBeNull();
  });

  it("a paused rule (enabled: false) keeps its tuning and matches nothing; a bad enabled is reported", () => {
    const { settings, errors } = validateSettings({
      rules: [
        { match: "wss://api.example.com/*", enabled: false, heartbeat: { message: "ping" } },
        { match: "wss://*.example.com/*", enabled: true, queue: { enabled: false } },
        { match: "wss://x.test/*", enabled: "no" },
      ],
    });
    expect(settings.rules[0]).toEqual({ match: "wss://api.example.com/*", enabled: false, heartbeat: { message: "ping" } });
    expect(findRule(settings, "wss://api.example.com/socket")?.match).toBe("wss://*.example.com/*");
    expect(settings.rules[2]).toEqual({ match: "wss://x.test/*" });
    expect(errors).toEqual(['rules[2].enabled: expected true or false, got "no"']);
  });

  it("resolveRule does not share arrays with the defaults", () => {
    const r = resolveRule({ match: "*" });
    r.reconnect.stopOnCodes.push(4000);
    expect(RULE_DEFAULTS.reconnect.stopOnCodes).not.toContain(4000);
  });
});

describe("validateSettings: problems for a reader to translate", () => {
  it("say where as a path of keys and indexes, and what as a code with substitutions; errors are their English form", () => {
    const { problems, errors } = validateSettings({
      rules: [{ match: "*", reconnect: { stopOnCodes: [1000, 99] }, heartbeat: { message: [] } }, 5],
    });
    expect(problems).toEqual([
      { path: ["rules", 0, "reconnect", "stopOnCodes", 1], message: { code: "expectedCloseCode", subs: ["99"] } },
      { path: ["rules", 0, "heartbeat", "message"], message: { code: "expectedString", subs: [{ code: "gotArray", subs: [] }] } },
      { path: ["rules", 1], message: { code: "ruleDropped", subs: [{ code: "expectedObject", subs: ["5"] }] } },
    ]);
    expect(errors).toEqual(problems.map(problemText));
    expect(errors).toEqual([
      "rules[0].reconnect.stopOnCodes[1]: expected a close code (an integer 1000-4999), got 99",
      "rules[0].heartbeat.message: expected a string, got an array",
      "rules[1]: expected an object, got 5; rule dropped",
    ]);
  });

  it("renders a phrase with any lookup, nested phrases first", () => {
    const p = { code: "ruleDropped" as const, subs: [{ code: "globTooLong" as const, subs: ["2048"] }] };
    expect(renderPhrase(p, (code, subs) => `<${code}:${subs.join("|")}>`)).toBe("<ruleDropped:<globTooLong:2048>>");
    expect(problemText({ path: [], message: { code: "expectedJsonPath", subs: ["1"] } })).toBe('(root): expected a JSON path like "$.a.b" or "$.items[0]", got 1');
  });
});

