// What scripts/build.mjs lets through of the build's output (scripts/build-log.mjs).
import { describe, expect, it } from "vitest";
import { sortBuildOutput } from "../../scripts/build-log.mjs";

describe("build output", () => {
  it("drops rolldown's redundant-inlineDynamicImports warning and the blank lines framing it", () => {
    const text = "  ✓ index.iife.ts\n\n WARN  `inlineDynamicImports` option is ignored because `codeSplitting: false` is set.\n\n  ✓ next\n";
    expect(sortBuildOutput(text)).toEqual({ text: "  ✓ index.iife.ts\n  ✓ next\n", fatal: [] });
  });

  it("drops it as printed to a pipe (no backticks), as in CI", () => {
    const text = "  ✓ a\n\n WARN  inlineDynamicImports option is ignored because codeSplitting: false is set.\n\n  ✓ b\n";
    expect(sortBuildOutput(text).text).toBe("  ✓ a\n  ✓ b\n");
  });

  it("drops it in colour too", () => {
    const text = "\u001b[33m WARN \u001b[39m `inlineDynamicImports` option is ignored because `codeSplitting: false` is set.\n";
    expect(sortBuildOutput(text).text.trim()).toBe("");
  });

  it("keeps every other warning, including other rolldown ones", () => {
    const text = " WARN  `advancedChunks` option is ignored because `codeSplitting` is set to `false`.\n(!) Some chunks are larger than 500 kB\n";
    expect(sortBuildOutput(text)).toEqual({ text, fatal: [] });
  });

  it("reports crxjs' async-loader notice as fatal", () => {
    const text = "\u001b[33m[crx:manifest] Some document_start content scripts use the async loader.\r\n  src/x.ts\u001b[39m\n";
    const { fatal } = sortBuildOutput(text);
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toContain("use the async loader");
  });
});
