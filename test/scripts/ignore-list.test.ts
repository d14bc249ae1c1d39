// The page-world script carries an inline source map that puts all of it on DevTools' ignore list
// (scripts/ignore-list.mjs, applied by scripts/build.mjs).
import { describe, expect, it } from "vitest";
import { ignoreListedSourceMap, ignoresEverySource, inlineSourceMap, withIgnoreListedSourceMap } from "../../scripts/ignore-list.mjs";

const CODE = "(function(){var W=window.WebSocket;})();\nconsole.log(1);";

describe("the page world's ignore-list source map", () => {
  it("ends the script with an inline sourceMappingURL whose map ignore-lists every source", () => {
    const out = withIgnoreListedSourceMap(CODE, "index.iife.js");
    expect(out.startsWith(CODE)).toBe(true);
    expect(out).toMatch(/\n\/\/# sourceMappingURL=data:application\/json;charset=utf-8;base64,[A-Za-z0-9+/=]+\n$/);
    const map = inlineSourceMap(out)!;
    expect(map.version).toBe(3);
    expect(map.file).toBe("index.iife.js");
    expect(map.sources.length).toBeGreaterThan(0);
    expect(map.x_google_ignoreList).toEqual(map.sources.map((_, i) => i));
    expect(map.ignoreList).toEqual(map.sources.map((_, i) => i));
    expect(ignoresEverySource(map)).toBe(true);
  });

  it("maps the script's first position, which covers every later one, to an ignore-listed source", () => {
    // "AAAA": generated column 0 of line 1 -> source 0, line 1, column 1. DevTools resolves a
    // position to the last mapping at or before it, so one segment covers the whole script.
    const map = ignoreListedSourceMap("index.iife.js");
    expect(map.mappings).toBe("AAAA");
    expect(map.x_google_ignoreList).toContain(0);
  });

  it("replaces a sourceMappingURL the bundler left, and is idempotent", () => {
    const once = withIgnoreListedSourceMap(`${CODE}\n//# sourceMappingURL=index.iife.js.map`, "index.iife.js");
    expect(once.match(/sourceMappingURL=/g)).toHaveLength(1);
    expect(withIgnoreListedSourceMap(once, "index.iife.js")).toBe(once);
  });

  it("costs the script well under a kilobyte (no sources or real mappings shipped)", () => {
    expect(withIgnoreListedSourceMap(CODE, "index.iife.js").length - CODE.length).toBeLessThan(600);
  });

  it("tells a map that leaves a source off the list, or has none, from one that does not", () => {
    expect(ignoresEverySource({ version: 3, sources: ["a", "b"], names: [], mappings: "", ignoreList: [0, 1], x_google_ignoreList: [0] })).toBe(false);
    expect(ignoresEverySource({ version: 3, sources: [], names: [], mappings: "" })).toBe(false);
    expect(ignoresEverySource(null)).toBe(false);
  });
});
