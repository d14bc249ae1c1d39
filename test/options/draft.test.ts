import { describe, expect, it } from "vitest";
import {
  draftProblems,
  draftFromText,
  draftFromValue,
  getAt,
  parseCodesText,
  parseNullableNumberText,
  parseNumberText,
  pathString,
  routeErrors,
  sameSettings,
  setAt,
  showNullableNumber,
  showNumber,
} from "../../src/options/draft";

describe("draft paths", () => {
  it("names paths the way the validator does", () => {
    expect(pathString(["rules", 0, "reconnect", "minDelayMs"])).toBe("rules[0].reconnect.minDelayMs");
    expect(pathString(["enabled"])).toBe("enabled");
  });

  it("setAt copies along the path, creates what is missing, and removes a key set to undefined", () => {
    const root = { rules: [{ match: "a", reconnect: { minDelayMs: 1 } }] };
    const next = setAt(root, ["rules", 0, "reconnect", "minDelayMs"], 2);
    expect(getAt(next, ["rules", 0, "reconnect", "minDelayMs"])).toBe(2);
    expect(root.rules[0]!.reconnect.minDelayMs).toBe(1);
    expect(setAt({}, ["rules", 0, "queue", "enabled"], false)).toEqual({ rules: [{ queue: { enabled: false } }] });
    expect(setAt(root, ["rules", 0, "reconnect", "minDelayMs"], undefined)).toEqual({ rules: [{ match: "a", reconnect: {} }] });
    // A section that is not an object becomes one.
    expect(setAt({ rules: [{ match: "a", heartbeat: 5 }] }, ["rules", 0, "heartbeat", "intervalMs"], 100)).toEqual({
      rules: [{ match: "a", heartbeat: { intervalMs: 100 } }],
    });
  });
});

describe("routeErrors", () => {
  const shown = ["enabled", "rules", "rules[0]", "rules[0].match", "rules[0].reconnect", "rules[0].reconnect.stopOnCodes"];

  const at = (...path: (string | number)[]) => ({ path, message: { code: "unknownKey" as const, subs: [] } });

  it("gives each problem to the most specific shown path, the rest to unplaced", () => {
    const { byPath, unplaced } = routeErrors(
      [at("rules", 0, "reconnect", "stopOnCodes", 1), at("rules", 0, "delivery", "idPath"), at("rules", 0, "reconnect"), at("colour"), at("enabledX"), at()],
      shown,
    );
    expect(byPath.get("rules[0].reconnect.stopOnCodes")).toEqual([at("rules", 0, "reconnect", "stopOnCodes", 1)]);
    expect(byPath.get("rules[0]")).toEqual([at("rules", 0, "delivery", "idPath")]);
    expect(byPath.get("rules[0].reconnect")).toEqual([at("rules", 0, "reconnect")]);
    // "enabledX" is not under "enabled": a prefix must end at a path boundary. The root is no field's.
    expect(unplaced).toEqual([at("colour"), at("enabledX"), at()]);
  });
});

describe("field text", () => {
  it("numbers: empty is not set, numbers parse, anything else stays text", () => {
    expect(parseNumberText("")).toBeUndefined();
    expect(parseNumberText("  ")).toBeUndefined();
    expect(parseNumberText("250")).toBe(250);
    expect(parseNumberText("-5")).toBe(-5);
    expect(parseNumberText("1.5")).toBe(1.5);
    expect(parseNumberText("1e3")).toBe(1000);
    expect(parseNumberText("12a")).toBe("12a");
    expect(parseNumberText("0x10")).toBe("0x10");
  });

  it("numbers that take null (maxAttempts, initialMaxAttempts): the text null is null and shows as null", () => {
    expect(parseNumberText("null")).toBe("null");
    expect(parseNullableNumberText(" null ")).toBeNull();
    expect(parseNullableNumberText("")).toBeUndefined();
    expect(parseNullableNumberText("3")).toBe(3);
    expect(parseNullableNumberText("nul")).toBe("nul");
    expect(showNumber(null)).toBe("");
    expect(showNullableNumber(null)).toBe("null");
    expect(showNullableNumber(undefined)).toBe("");
    expect(showNullableNumber(7)).toBe("7");
  });

  it("close codes: a comma or space list; a bad token stays text", () => {
    expect(parseCodesText("")).toBeUndefined();
    expect(parseCodesText("1000, 1002 1003,")).toEqual([1000, 1002, 1003]);
    expect(parseCodesText("1000, abc")).toEqual([1000, "abc"]);
  });
});

describe("draft", () => {
  it("keeps the last parsed value while the text is not JSON, and reports no validation errors then", () => {
    const a = draftFromValue({ enabled: false });
    const b = draftFromText('{ "enabled": tru', a);
    expect(b.value).toEqual({ enabled: false });
    expect(b.parseError).not.toBeNull();
    expect(draftProblems(b)).toEqual([]);
    const c = draftFromText('{ "enabled": "no" }', b);
    expect(c.parseError).toBeNull();
    expect(draftProblems(c)).toEqual([{ path: ["enabled"], message: { code: "expectedBool", subs: ['"no"'] } }]);
  });
});

describe("sameSettings", () => {
  it("compares content, not identity or key order", () => {
    expect(sameSettings({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 })).toBe(true);
    expect(sameSettings({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameSettings([1, 2], [2, 1])).toBe(false);
    expect(sameSettings({ a: [] }, { a: {} })).toBe(false);
    expect(sameSettings({ a: "1" }, { a: 1 })).toBe(false);
  });
});
