import { describe, expect, it } from "vitest";
import { cell, toJson, toMarkdown } from "../../../src/shared/resilience/markdown";
import { buildReport, summarise } from "../../../src/shared/resilience/report";
import { DEFAULT_SCENARIO } from "../../../src/shared/resilience/scenario";
import { REPORT_VERSION, type ResilienceReport, type StepResult } from "../../../src/shared/resilience/types";
import { T0 } from "./record-builder";
import { MARKS, protectedReport, unprotectedReport, URL_B } from "./sample-checks";

describe("buildReport", () => {
  it("measures every step and sums them up", () => {
    const report = unprotectedReport();
    expect(report.version).toBe(REPORT_VERSION);
    expect(report.scenario).toBe(DEFAULT_SCENARIO);
    expect(report.target).toEqual({ tab: true });
    expect(report.protection).toEqual({ protected: false });
    expect([report.startedAt, report.endedAt]).toEqual([T0 + 10_000, T0 + 180_000]);
    expect(report.steps.map((s) => s.verdict)).toEqual(["passed", "passed", "passed", "failed", "degraded"]);
    expect(report.summary).toEqual({ passed: 3, degraded: 1, failed: 1, verdict: "failed", text: "3 of 5 steps passed, 1 degraded, 1 failed" });
    expect(report.steps[4]!.reason).toBe("stayed open; frames kept flowing (0 in, 1 out); 1 page error");
  });

  it("the protected run passes every step", () => {
    const report = protectedReport();
    expect(report.summary).toEqual({ passed: 5, degraded: 0, failed: 0, verdict: "passed", text: "5 of 5 steps passed, 0 degraded, 0 failed" });
    expect(report.steps[0]!.reason).toBe("recovered by Lifeguard in 0.4 s; 1 message queued and delivered");
  });

  it("without a span, the run is its first step's start to its last step's end; a stopped check says where it stopped", () => {
    const stopped = MARKS.slice(0, 2).map((m, i) => (i === 1 ? { ...m, endT: m.startT + 1000, stopped: true } : m));
    const report = buildReport(DEFAULT_SCENARIO, { tab: true }, { protected: false }, stopped, { events: [], errors: [] });
    expect([report.startedAt, report.endedAt]).toEqual([MARKS[0]!.startT, MARKS[1]!.startT + 1000]);
    expect(report.summary.text).toBe("0 of 2 steps passed, 0 degraded, 2 failed (stopped after step 2 of 5)");
    expect(buildReport(DEFAULT_SCENARIO, { tab: true }, { protected: false }, [], { events: [], errors: [] }).summary).toEqual({
      passed: 0,
      degraded: 0,
      failed: 0,
      verdict: "failed",
      text: "no step ran",
    });
  });

  it("the summary's verdict is the worst step's", () => {
    const step = (verdict: StepResult["verdict"]) => ({ verdict, stopped: false }) as StepResult;
    expect(summarise([step("passed"), step("degraded")], 2).verdict).toBe("degraded");
    expect(summarise([step("passed"), step("passed")], 2).verdict).toBe("passed");
  });
});

describe("toJson", () => {
  it("writes the documented key order, whatever order the report was built in", () => {
    const report = unprotectedReport();
    const text = toJson(report);
    expect(Object.keys(JSON.parse(text))).toEqual(["version", "scenario", "target", "protection", "startedAt", "endedAt", "steps", "summary"]);
    expect(Object.keys(JSON.parse(text).steps[0].connections[0])).toEqual([
      "endpoint",
      "sockets",
      "detected",
      "recovered",
      "resubscribed",
      "resubscribeShapes",
      "messages",
      "errors",
      "verdict",
      "reason",
    ]);
    const shuffled = shuffle(JSON.parse(text)) as ResilienceReport;
    expect(Object.keys(shuffled)[0]).not.toBe("version");
    expect(toJson(shuffled)).toBe(text);
    expect(text).toBe(JSON.stringify(JSON.parse(text), null, 2));
  });

  it("leaves out what the schema does not document", () => {
    const report = { ...unprotectedReport(), secret: "x" } as ResilienceReport;
    expect(JSON.parse(toJson(report)).secret).toBeUndefined();
  });
});

/** The same JSON with every object's keys in reverse order. */
function shuffle(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(shuffle);
  if (typeof x !== "object" || x === null) return x;
  return Object.fromEntries(Object.entries(x).reverse().map(([k, v]) => [k, shuffle(v)]));
}

describe("toMarkdown", () => {
  it("has a heading, the scenario, a table per step, and the summary", () => {
    const md = toMarkdown(unprotectedReport());
    expect(md.startsWith("# Resilience check: Default\n")).toBe(true);
    expect(md).toContain("Target: all sockets of the tab. Protection: unprotected.");
    expect(md).toContain("1. Server drops the connection (1006), watched for 15 s");
    expect(md).toContain("### Step 4: Half-open for 60 s (black-hole)");
    expect(md).toContain("| Endpoint | Detected | Recovered | Resubscribed | Messages | Errors | Verdict |");
    expect(md).toContain(
      `| ${URL_B} | after 0 s (close) | by page in 1 s, 1 attempt | yes (before: {"channel","type"} type=subscribe; after: {"channel","type"} type=subscribe) | 0 sent (0 queued): 0 delivered, 0 lost, 0 duplicated | 0 | **passed**: recovered by the page in 1 s |`,
    );
    expect(md).toContain("## Summary\n\n**failed**: 3 of 5 steps passed, 1 degraded, 1 failed.");
    expect(md.match(/^### Step/gm)).toHaveLength(5);
  });

  it("escapes and clips what came from the page, so it cannot break the table", () => {
    const md = toMarkdown(unprotectedReport());
    // The page's error message had a | and a line break.
    expect(md).toContain("1: unhandledrejection: Timeout \\| waiting for quote");
    // Every row of the step tables has its 7 cells: no unescaped | slipped in.
    const rows = md.split("\n").filter((l) => l.startsWith("| ws:"));
    expect(rows).toHaveLength(5);
    for (const row of rows) expect(row.replace(/\\\|/g, "").split("|")).toHaveLength(9);
    expect(cell("a|b\r\nc\nd\\")).toBe("a\\|b c d\\\\");
    const long = cell("x".repeat(500));
    expect(long.length).toBe(200);
    expect(long.endsWith("…")).toBe(true);

    const report = unprotectedReport();
    const evil = "ws://evil/|x\n# Injected heading";
    const tampered: ResilienceReport = {
      ...report,
      scenario: { ...report.scenario, name: "N|ame\n## Not a heading" },
      steps: report.steps.map((s) => ({ ...s, connections: s.connections.map((c) => ({ ...c, endpoint: evil })) })),
    };
    const out = toMarkdown(tampered);
    expect(out).not.toMatch(/^# Injected heading/m);
    expect(out).not.toMatch(/^## Not a heading/m);
    expect(out).toContain("ws://evil/\\|x # Injected heading");
  });

  it("side by side with the protected run: an overview, then per step and endpoint, Unprotected | Protected", () => {
    const md = toMarkdown(unprotectedReport(), protectedReport());
    expect(md).toContain("## Unprotected | Protected");
    expect(md).toContain("| Step | Unprotected | Protected |");
    expect(md).toContain(
      "| 4. Half-open for 60 s (black-hole) | **failed**: half-open for 60 s went unnoticed; 1 message sent during the loss, all delivered | **passed**: recovered by Lifeguard in 0.3 s |",
    );
    expect(md).toContain(`| \`${URL_B}\` | Unprotected | Protected |`);
    expect(md).toContain("| Detected | half-open for 60 s went unnoticed | after 40 s (heartbeat) |");
    expect(md).toContain("| Verdict | **failed**: 3 of 5 steps passed, 1 degraded, 1 failed | **passed**: 5 of 5 steps passed, 0 degraded, 0 failed |");
    expect(md).toContain("Protected run: Target: all sockets of the tab. Protection: protected by the rule `ws://127.0.0.1:8080/*`.");
    expect(md.match(/^### Step/gm)).toHaveLength(5);
  });

  it("a step with no connection, and a run that stopped early, still make a table", () => {
    const report = buildReport(DEFAULT_SCENARIO, { tab: true }, { protected: false }, MARKS.slice(0, 1), { events: [], errors: [] });
    expect(toMarkdown(report)).toContain("**failed**: no connection to test (none open when the step started)");
    const md = toMarkdown(report, protectedReport());
    expect(md).toContain("| 2. Server restarts: closes with 1012, refuses connections for 5 s | did not run | **passed**");
    expect(md).toContain("| Detected | not tested | after 0 s (lifeguard-reconnect) |");
  });
});
