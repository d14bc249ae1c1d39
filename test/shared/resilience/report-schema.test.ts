import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { toJson } from "../../../src/shared/resilience/markdown";
import { buildReport } from "../../../src/shared/resilience/report";
import { DEFAULT_SCENARIO } from "../../../src/shared/resilience/scenario";
import { REPORT_VERSION } from "../../../src/shared/resilience/types";
import { validate } from "./json-schema";
import { MARKS, protectedReport, unprotectedReport } from "./sample-checks";

const DOCS = fileURLToPath(new URL("../../../docs", import.meta.url));
const schema = JSON.parse(readFileSync(join(DOCS, "resilience-report.schema.json"), "utf8")) as Record<string, unknown>;
const doc = readFileSync(join(DOCS, "resilience-report.md"), "utf8");

/** The report as a consumer reads it: the exported JSON text, parsed. */
const exported = (report: Parameters<typeof toJson>[0]) => JSON.parse(toJson(report)) as Record<string, unknown>;

describe("docs/resilience-report.schema.json", () => {
  it("is draft 2020-12 and of the report's version", () => {
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect((schema.properties as { version: unknown }).version).toEqual({ const: REPORT_VERSION });
  });

  it("validates the reports the code makes: unprotected, protected, stopped, with no connection", () => {
    const stopped = MARKS.slice(0, 2).map((m, i) => (i === 1 ? { ...m, endT: m.startT + 1000, stopped: true } : m));
    const reports = [
      unprotectedReport(),
      protectedReport(),
      buildReport(DEFAULT_SCENARIO, { socket: "s:1" }, { protected: false }, stopped, { events: [], errors: [] }),
    ];
    for (const report of reports) expect(validate(schema, exported(report))).toEqual([]);
  });

  it("validates the example in docs/resilience-report.md", () => {
    const example = /```json\n([\s\S]*?)\n```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    expect(validate(schema, JSON.parse(example!))).toEqual([]);
  });

  it("rejects what is not a report (the validator is not a yes-machine)", () => {
    const good = exported(unprotectedReport());
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON document, edited freely to break it
    type Doc = Record<string, any>;
    const broken = (edit: (r: Doc) => void) => {
      const r = structuredClone(good) as Doc;
      edit(r);
      return validate(schema, r);
    };
    expect(broken((r) => delete r.summary)).toEqual(["$: missing summary"]);
    expect(broken((r) => (r.version = 2))).toEqual(["$.version: expected 1"]);
    expect(broken((r) => (r.extra = 1))).toEqual(["$: unexpected extra"]);
    expect(broken((r) => (r.steps[0].verdict = "fine"))).toHaveLength(1);
    expect(broken((r) => (r.steps[0].connections[0].messages.lost = -1))).toEqual(["$.steps[0].connections[0].messages.lost: below 0"]);
    expect(broken((r) => (r.steps[0].connections[0].messages.sent = 1.5))).toHaveLength(1);
    // `detected` is one of two forms, not a mix of them.
    expect(broken((r) => (r.steps[0].connections[0].detected = { at: null, afterMs: 3, by: "close" }))).toEqual([
      "$.steps[0].connections[0].detected: matches 0 of oneOf, not exactly 1",
    ]);
    expect(broken((r) => (r.target = { tab: true, socket: "s:1" }))).toHaveLength(1);
    expect(broken((r) => (r.steps[0].connections[0].resubscribeShapes.before = Array(6).fill("text")))).toHaveLength(1);
    expect(broken((r) => (r.scenario.name = "x".repeat(201)))).toHaveLength(1);
  });

  it("orders every object's keys in the JSON as the schema lists them (the documented order)", () => {
    const defs = schema.$defs as Record<string, Record<string, unknown>>;
    const checked: string[] = [];
    const walk = (node: Record<string, unknown>, value: unknown, path: string): void => {
      if (typeof node.$ref === "string") return walk(defs[node.$ref.split("/").pop()!]!, value, path);
      if (Array.isArray(node.oneOf)) {
        const branch = (node.oneOf as Record<string, unknown>[]).find((b) => validate({ $defs: defs, ...b }, value).length === 0)!;
        return walk(branch, value, path);
      }
      if (Array.isArray(value) && node.items) return value.forEach((v, i) => walk(node.items as Record<string, unknown>, v, `${path}[${i}]`));
      if (typeof value !== "object" || value === null || !node.properties) return;
      const order = Object.keys(node.properties);
      const keys = Object.keys(value);
      expect(keys, path).toEqual(order.filter((k) => keys.includes(k)));
      checked.push(path);
      for (const key of keys) walk((node.properties as Record<string, Record<string, unknown>>)[key]!, (value as Record<string, unknown>)[key], `${path}.${key}`);
    };
    walk(schema, exported(unprotectedReport()), "$");
    expect(checked).toContain("$.steps[0].connections[0].messages");
    expect(checked).toContain("$.steps[0].connections[0].recovered");
  });

  it("every field it names is documented in docs/resilience-report.md", () => {
    const names = new Set<string>();
    const walk = (x: unknown): void => {
      if (Array.isArray(x)) return x.forEach(walk);
      if (typeof x !== "object" || x === null) return;
      const record = x as Record<string, unknown>;
      if (record.properties) for (const key of Object.keys(record.properties)) names.add(key);
      Object.values(record).forEach(walk);
    };
    walk(schema);
    expect(names.size).toBeGreaterThan(30);
    const undocumented = [...names].filter((name) => !doc.includes(`\`${name}\``) && !doc.includes(`"${name}"`));
    expect(undocumented).toEqual([]);
  });
});
