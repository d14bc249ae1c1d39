import { describe, expect, it } from "vitest";
import { MAX_MATCH_CHARS, compilePath, idString, readJsonObject, valueAt } from "../../src/core/json-path";
import { isJsonPath } from "../../src/shared/settings";

const at = (frame: unknown, path: string) => valueAt(frame, compilePath(path));

describe("json-path: compilePath", () => {
  it("reads keys and indices", () => {
    expect(compilePath("$")).toEqual([]);
    expect(compilePath("$.id")).toEqual(["id"]);
    expect(compilePath("$.a.b")).toEqual(["a", "b"]);
    expect(compilePath("$.items[0]")).toEqual(["items", 0]);
    expect(compilePath("$.a[2].b[10]")).toEqual(["a", 2, "b", 10]);
    expect(compilePath("$[3]")).toEqual([3]);
    expect(compilePath("$._x.$y")).toEqual(["_x", "$y"]);
  });

  it("rejects anything else with a message that says where", () => {
    expect(() => compilePath("id")).toThrow('must start with "$"');
    expect(() => compilePath("$.")).toThrow("unexpected");
    expect(() => compilePath("$.a..b")).toThrow("unexpected");
    expect(() => compilePath("$.items[01]")).toThrow("unexpected");
    expect(() => compilePath("$.items[-1]")).toThrow("unexpected");
    expect(() => compilePath("$['a']")).toThrow("unexpected");
    expect(() => compilePath("$.a[*]")).toThrow("unexpected");
    expect(() => compilePath("$.constructor()")).toThrow("unexpected \"()\" at 13");
    expect(() => compilePath(`$${".a".repeat(200)}`)).toThrow("longer than 256");
  });

  it("accepts exactly what the settings validator accepts", () => {
    for (const p of ["$", "$.a", "$.a.b", "$.items[0]", "$.a[2].b", "x", "$.", "$[01]", "$.a b", "$..a", "$[1].x[999999999]"]) {
      let compiled = true;
      try {
        compilePath(p);
      } catch {
        compiled = false;
      }
      expect(compiled, p).toBe(isJsonPath(p));
    }
  });
});

describe("json-path: valueAt", () => {
  const frame = { id: 7, type: "ack", a: { b: "deep" }, items: [{ id: "x" }, null], flag: false, nil: null };

  it("finds values of every JSON type", () => {
    expect(at(frame, "$.id")).toBe(7);
    expect(at(frame, "$.type")).toBe("ack");
    expect(at(frame, "$.a.b")).toBe("deep");
    expect(at(frame, "$.items[0].id")).toBe("x");
    expect(at(frame, "$.items[1]")).toBeNull();
    expect(at(frame, "$.flag")).toBe(false);
    expect(at(frame, "$.nil")).toBeNull();
    expect(at(frame, "$.a")).toEqual({ b: "deep" });
    expect(at(frame, "$")).toBe(frame);
  });

  it("missing fields and wrong kinds are undefined", () => {
    expect(at(frame, "$.nope")).toBeUndefined();
    expect(at(frame, "$.a.b.c")).toBeUndefined();
    expect(at(frame, "$.items[2]")).toBeUndefined();
    expect(at(frame, "$.a[0]")).toBeUndefined();
    expect(at(frame, "$.items.length")).toBeUndefined();
    expect(at(frame, "$.nil.x")).toBeUndefined();
    expect(at("text", "$.length")).toBeUndefined();
  });

  it("never reaches the prototype", () => {
    expect(at({}, "$.constructor")).toBeUndefined();
    expect(at({}, "$.__proto__")).toBeUndefined();
    expect(at({}, "$.toString")).toBeUndefined();
    const parsed = JSON.parse('{"__proto__": {"id": 1}}') as unknown;
    expect(at(parsed, "$.__proto__.id")).toBe(1);
  });

  it("ids and sequences become strings; other values are no id", () => {
    expect(idString("a")).toBe("a");
    expect(idString(7)).toBe("7");
    expect(idString(7.5)).toBe("7.5");
    expect(idString(null)).toBeUndefined();
    expect(idString(true)).toBeUndefined();
    expect(idString({})).toBeUndefined();
    expect(idString(Infinity)).toBeUndefined();
  });
});

describe("json-path: readJsonObject", () => {
  it("parses text that is a JSON object", () => {
    expect(readJsonObject(' {"id":1}\n')).toEqual({ ok: true, value: { id: 1 } });
  });

  it("says why anything else is not matched", () => {
    expect(readJsonObject(new ArrayBuffer(4))).toEqual({ ok: false, reason: "not matched: binary frame" });
    expect(readJsonObject("[1,2]")).toEqual({ ok: false, reason: "not matched: not a JSON object" });
    expect(readJsonObject("42")).toEqual({ ok: false, reason: "not matched: not a JSON object" });
    expect(readJsonObject("hello")).toEqual({ ok: false, reason: "not matched: not a JSON object" });
    expect(readJsonObject("{")).toEqual({ ok: false, reason: "not matched: not a JSON object" });
    expect(readJsonObject("{nope}")).toEqual({ ok: false, reason: "not matched: invalid JSON (SyntaxError)" });
    expect(readJsonObject("")).toEqual({ ok: false, reason: "not matched: not a JSON object" });
  });

  it("a 10 MiB frame is refused before parsing, in bounded time", () => {
    const big = `{"id":1,"pad":"${"x".repeat(10 * 1024 * 1024)}"}`;
    const t0 = performance.now();
    const r = readJsonObject(big);
    const ms = performance.now() - t0;
    expect(r).toEqual({ ok: false, reason: `not matched: too large (${big.length} characters > ${MAX_MATCH_CHARS})` });
    // Refusing is a length check: nothing near the ~50 ms a parse of 10 MiB takes.
    expect(ms).toBeLessThan(5);
  });

  it("a frame just under the cap is parsed", () => {
    const pad = "x".repeat(MAX_MATCH_CHARS - 20);
    const r = readJsonObject(`{"id":1,"p":"${pad}"}`);
    expect(r.ok).toBe(true);
  });

  it("deeply nested JSON neither throws nor overflows the stack; a path walk stays bounded", () => {
    const depth = 200_000;
    const nested = `{"a":${"[".repeat(depth)}${"]".repeat(depth)}}`;
    const r = readJsonObject(nested, 1 << 21);
    if (r.ok) {
      // Parsed (V8's JSON.parse is iterative): walking a path takes one step per segment.
      expect(at(r.value, "$.a[0][0][0][0]")).toEqual(expect.anything());
      expect(at(r.value, "$.a[0].b")).toBeUndefined();
    } else {
      expect(r.reason).toMatch(/^not matched: invalid JSON/);
    }
    const objects = `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
    const r2 = readJsonObject(objects, 1 << 21);
    expect(r2.ok || /^not matched: invalid JSON/.test(r2.reason)).toBe(true);
  });
});
