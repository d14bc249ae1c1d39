import { ruleVerdict as testRule } from "../../src/options/rule-verdict";
import { describe, expect, it } from "vitest";
import {
  deleteFor,
  isTuned,
  originRule,
  pausedMatching,
  pauseFor,
  protectOrigin,
  resumeFor,
  ruleFor,
  rulesMatching,
  setPingMessage,
  siteSocketUrl,
} from "../../src/shared/rules";
import { DEFAULTS, findRule, resolveRule, RULE_DEFAULTS, type Rule, type Settings } from "../../src/shared/settings";

const settings = (...matches: string[]): Settings => ({ ...DEFAULTS, rules: matches.map((match) => ({ match })) });

describe("originRule", () => {
  it("matches every socket of the origin, and only those", () => {
    const rule = originRule("wss://chat.example.com/socket?token=1");
    expect(rule).toEqual({ match: "wss://chat.example.com/*" });
    const s = { ...DEFAULTS, rules: [rule] };
    expect(findRule(s, "wss://chat.example.com/")).not.toBeNull();
    expect(findRule(s, "wss://chat.example.com/a/b?c=d")).not.toBeNull();
    expect(findRule(s, "ws://chat.example.com/")).toBeNull();
    expect(findRule(s, "wss://chat.example.com:8443/")).toBeNull();
    expect(findRule(s, "wss://chat.example.com.evil.test/")).toBeNull();
    expect(findRule(s, "wss://other.example.com/")).toBeNull();
  });

  it("keeps a non-default port and drops a default one, as the socket's own url does", () => {
    expect(originRule("ws://127.0.0.1:8080/x").match).toBe("ws://127.0.0.1:8080/*");
    expect(originRule("ws://host:80/x").match).toBe("ws://host/*");
    expect(originRule("wss://host:443/x").match).toBe("wss://host/*");
  });

  it("carries the defaults (only match is stored)", () => {
    const resolved = resolveRule(originRule("wss://a.test/"));
    expect(resolved).toEqual({ match: "wss://a.test/*", ...RULE_DEFAULTS });
  });

  it("refuses URLs that are not ws: or wss:", () => {
    expect(() => originRule("https://a.test/")).toThrow(/not a WebSocket URL/);
    expect(() => originRule("not a url")).toThrow();
  });
});

describe("siteSocketUrl", () => {
  it("maps a page's http(s) origin to its socket origin; other pages have none", () => {
    expect(siteSocketUrl("https://a.test/page?q=1")).toBe("wss://a.test/");
    expect(siteSocketUrl("http://127.0.0.1:3000/")).toBe("ws://127.0.0.1:3000/");
    expect(siteSocketUrl("chrome://extensions/")).toBeNull();
    expect(siteSocketUrl("about:blank")).toBeNull();
    expect(siteSocketUrl(undefined)).toBeNull();
    expect(siteSocketUrl("")).toBeNull();
  });
});

describe("protectOrigin", () => {
  it("adds the origin rule first, so it wins over broader rules", () => {
    const before = settings("wss://*/*");
    const after = protectOrigin(before, "wss://a.test/ws");
    expect(after.rules.map((r) => r.match)).toEqual(["wss://a.test/*", "wss://*/*"]);
    expect(ruleFor(after, "wss://a.test/ws")?.index).toBe(0);
    // The input is not modified.
    expect(before.rules.map((r) => r.match)).toEqual(["wss://*/*"]);
  });

  it("keeps enabled and record as they are", () => {
    const before: Settings = { enabled: false, rules: [], frameRules: [], record: { maxFramesPerSocket: 5, maxPreviewBytes: 6 } };
    const after = protectOrigin(before, "ws://h:1/");
    expect(after.enabled).toBe(false);
    expect(after.record).toEqual(before.record);
  });

  it("changes nothing when an equivalent rule exists, wherever it stands (** counts as *)", () => {
    const before = settings("wss://*/*", "wss://a.test/**");
    expect(protectOrigin(before, "wss://a.test/x")).toBe(before);
  });
});

describe("deleteFor", () => {
  it("removes every rule matching the URL, broader ones included, and keeps the rest in order", () => {
    const before = settings("wss://b.test/*", "wss://a.test/*", "wss://*", "wss://a.test/only-this");
    const after = deleteFor(before, "wss://a.test/ws");
    expect(after.rules.map((r) => r.match)).toEqual(["wss://b.test/*", "wss://a.test/only-this"]);
    expect(ruleFor(after, "wss://a.test/ws")).toBeNull();
    expect(ruleFor(after, "wss://b.test/ws")).not.toBeNull();
  });

  it("is the undo of protectOrigin", () => {
    const before = settings("wss://b.test/*");
    expect(deleteFor(protectOrigin(before, "wss://a.test/x"), "wss://a.test/x")).toEqual(before);
  });

  it("returns the same object when nothing matches", () => {
    const before = settings("wss://b.test/*");
    expect(deleteFor(before, "wss://a.test/")).toBe(before);
  });

  it("leaves unusable rules alone (the page world ignores them too)", () => {
    const before = settings("", "wss://a.test/*");
    expect(deleteFor(before, "wss://a.test/").rules).toEqual([{ match: "" }]);
  });
});

describe("pauseFor and resumeFor", () => {
  const tuned: Rule = { match: "wss://a.test/*", heartbeat: { intervalMs: 5000, message: "ping" }, reconnect: { maxDelayMs: 9000 } };
  const tunedSettings = (): Settings => ({ ...DEFAULTS, rules: [{ match: "wss://b.test/*" }, tuned, { match: "wss://*" }] });

  it("pausing keeps every rule and its tuning, and leaves the URL unprotected", () => {
    const before = tunedSettings();
    const after = pauseFor(before, "wss://a.test/ws");
    expect(after.rules).toEqual([{ match: "wss://b.test/*" }, { ...tuned, enabled: false }, { match: "wss://*", enabled: false }]);
    expect(findRule(after, "wss://a.test/ws")).toBeNull();
    expect(ruleFor(after, "wss://a.test/ws")).toBeNull();
    expect(findRule(after, "wss://b.test/ws")).not.toBeNull();
    // The input is not modified.
    expect(before.rules[1]).toEqual(tuned);
  });

  it("resume is the exact inverse of pause", () => {
    const before = tunedSettings();
    expect(resumeFor(pauseFor(before, "wss://a.test/ws"), "wss://a.test/ws")).toEqual(before);
    expect(findRule(resumeFor(pauseFor(before, "wss://a.test/ws"), "wss://a.test/ws"), "wss://a.test/ws")?.heartbeat.message).toBe("ping");
  });

  it("pausedMatching lists what resumeFor would resume", () => {
    const after = pauseFor(tunedSettings(), "wss://a.test/ws");
    expect(pausedMatching(after, "wss://a.test/ws").map((m) => m.index)).toEqual([1, 2]);
    expect(pausedMatching(tunedSettings(), "wss://a.test/ws")).toEqual([]);
  });

  it("return the same object when there is nothing to pause or resume", () => {
    const before = tunedSettings();
    expect(resumeFor(before, "wss://a.test/ws")).toBe(before);
    const none = settings("wss://b.test/*");
    expect(pauseFor(none, "wss://a.test/")).toBe(none);
  });

  it("delete takes paused rules too", () => {
    const after = deleteFor(pauseFor(tunedSettings(), "wss://a.test/ws"), "wss://a.test/ws");
    expect(after.rules).toEqual([{ match: "wss://b.test/*" }]);
  });

  it("protectOrigin resumes the paused origin rule instead of adding a second one", () => {
    const paused = pauseFor(tunedSettings(), "wss://a.test/ws");
    const after = protectOrigin(paused, "wss://a.test/ws");
    expect(after.rules[1]).toEqual(tuned);
    expect(after.rules).toHaveLength(3);
  });
});

describe("setPingMessage and isTuned", () => {
  it("writes the message into the rule that protects the URL, keeping the rest of its heartbeat", () => {
    const before: Settings = { ...DEFAULTS, rules: [{ match: "wss://a.test/*", heartbeat: { intervalMs: 5000 } }, { match: "wss://*" }] };
    const after = setPingMessage(before, "wss://a.test/x", '{"type":"ping"}');
    expect(after.rules[0]).toEqual({ match: "wss://a.test/*", heartbeat: { intervalMs: 5000, message: '{"type":"ping"}' } });
    expect(after.rules[1]).toBe(before.rules[1]);
    expect(findRule(after, "wss://a.test/x")?.heartbeat).toMatchObject({ enabled: true, intervalMs: 5000, message: '{"type":"ping"}' });
    expect(before.rules[0]!.heartbeat).toEqual({ intervalMs: 5000 });
  });

  it("throws when no rule protects the URL", () => {
    expect(() => setPingMessage(pauseFor(settings("wss://a.test/*"), "wss://a.test/x"), "wss://a.test/x", "p")).toThrow(/no rule protects/);
  });

  it("a rule is tuned when it holds anything besides match and enabled", () => {
    expect(isTuned({ match: "wss://a/*" })).toBe(false);
    expect(isTuned({ match: "wss://a/*", enabled: false })).toBe(false);
    expect(isTuned({ match: "wss://a/*", heartbeat: {} })).toBe(true);
  });
});

describe("ruleFor and rulesMatching", () => {
  it("ruleFor skips paused rules, as findRule does", () => {
    const s: Settings = { ...DEFAULTS, rules: [{ match: "wss://a.test/*", enabled: false }, { match: "wss://*" }] };
    expect(ruleFor(s, "wss://a.test/x")?.index).toBe(1);
    expect(findRule(s, "wss://a.test/x")?.match).toBe("wss://*");
  });

  it("ruleFor gives the first matching rule and its index, like findRule", () => {
    const s = settings("wss://b.test/*", "wss://*.test/*", "wss://a.test/*");
    expect(ruleFor(s, "wss://a.test/x")).toEqual({ index: 1, rule: { match: "wss://*.test/*" } });
    expect(findRule(s, "wss://a.test/x")?.match).toBe("wss://*.test/*");
    expect(ruleFor(s, "ws://a.test/x")).toBeNull();
  });

  it("rulesMatching lists what deleteFor would remove", () => {
    const s = settings("wss://b.test/*", "wss://*.test/*", "wss://a.test/*");
    expect(rulesMatching(s, "wss://a.test/x").map((m) => m.index)).toEqual([1, 2]);
  });
});

describe("testRule", () => {
  it("says why a URL fits", () => {
    expect(testRule({ match: "wss://*.a.test/*" }, "wss://x.a.test/ws")).toEqual({
      matches: true,
      why: '"wss://x.a.test/ws" fits "wss://*.a.test/*" (* stands for any run of characters)',
    });
    expect(testRule({ match: "wss://a.test/ws" }, "wss://a.test/ws").why).toBe('"wss://a.test/ws" is exactly "wss://a.test/ws"');
  });

  it("names the literal part the URL lacks", () => {
    expect(testRule({ match: "wss://a.test/*" }, "ws://a.test/x")).toEqual({
      matches: false,
      why: '"ws://a.test/x" does not start with "wss://a.test/"',
    });
    expect(testRule({ match: "wss://*/chat/*" }, "wss://a.test/feed").why).toBe(
      '"wss://a.test/feed" has no "/chat/" after "wss://"',
    );
    expect(testRule({ match: "wss://*.test" }, "wss://a.test/").why).toBe('"wss://a.test/" does not end with ".test"');
    expect(testRule({ match: "wss://a.test/" }, "wss://a.test/x").why).toContain("is not exactly");
  });

  it("a middle part may not overlap the suffix", () => {
    // "ab" is found, but the URL's last "b" cannot be both the end of "ab" and the final "b".
    const r = testRule({ match: "x*ab*b" }, "xab");
    expect(r.matches).toBe(false);
    expect(r.why).toBe('"xab" does not end with "b"');
  });

  it("reports an unusable pattern", () => {
    expect(testRule({ match: "" }, "wss://a/")).toEqual({
      matches: false,
      why: '"" is not a usable pattern: expected a non-empty glob',
    });
    expect(testRule({ match: "wss://a b/*" }, "wss://a b/").matches).toBe(false);
  });

  it("agrees with the page world's matching on a sample of patterns", () => {
    const globs = ["*", "a*", "*a", "a*b", "*a*", "a**b", "ab", "*ab*ba*", "x*ab*b"];
    const texts = ["", "a", "b", "ab", "ba", "aab", "abba", "xab", "xabb", "abab"];
    for (const g of globs) {
      for (const t of texts) {
        expect(testRule({ match: g }, t).matches, `${g} ~ ${t}`).toBe(findRule(settings(g), t) !== null);
      }
    }
  });
});
