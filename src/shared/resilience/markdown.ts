/**
 * The report as Markdown, to paste into a bug: the scenario, a table per step, the summary; with a
 * second report (the same check run under protection), the two side by side. English, as the JSON.
 *
 * Text that came from the page (endpoints, frame shapes, error messages, and the reasons that quote
 * them) is escaped for a table cell, where `|` ends the cell and a line break ends the table, and
 * clipped, so a page cannot reshape the report.
 */
import { stepLabel } from "./scenario";
import { formatSeconds } from "./seconds";
import type { ConnectionStepResult, ResilienceReport, StepResult } from "./types";

// The panel exports both formats from here.
export { toJson } from "./report-json";

/** Page-derived text in a cell is cut here (characters). */
export const CELL_MAX = 200;

/** Error messages listed in a cell, at most. */
const ERRORS_LISTED = 3;

/** Text made safe for a table cell: line breaks become spaces, `|` and `\` are escaped, at most `max` characters of the text. */
export function cell(text: string, max = CELL_MAX): string {
  const flat = text.replace(/\r\n|[\r\n\u2028\u2029]/g, " ");
  const clipped = flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
  return clipped.replace(/\\/g, "\\\\").replace(/\|/g, "\\|");
}

function row(cells: string[]): string {
  return `| ${cells.join(" | ")} |`;
}

function table(header: string[], rows: string[][]): string {
  return [row(header), row(header.map(() => "---")), ...rows.map(row)].join("\n");
}

function detectedText(c: ConnectionStepResult): string {
  const d = c.detected;
  return d.at === null ? d.reason : `after ${formatSeconds(d.afterMs)} (${d.by})`;
}

function recoveredText(c: ConnectionStepResult): string {
  const r = c.recovered;
  if (r.afterMs === null) return r.reason;
  const attempts = r.attempts === undefined ? "" : `, ${r.attempts} attempt${r.attempts === 1 ? "" : "s"}`;
  return `by ${r.by} in ${formatSeconds(r.afterMs)}${attempts}`;
}

function resubscribedText(c: ConnectionStepResult): string {
  const shapes = c.resubscribeShapes;
  if (!shapes || c.resubscribed === "not needed") return c.resubscribed;
  const list = (s: string[]) => (s.length === 0 ? "nothing" : s.join(", "));
  return `${c.resubscribed} (before: ${list(shapes.before)}; after: ${list(shapes.after)})`;
}

function messagesText(c: ConnectionStepResult): string {
  const m = c.messages;
  return `${m.sent} sent (${m.queued} queued): ${m.delivered} delivered, ${m.lost} lost, ${m.duplicated} duplicated`;
}

function errorsText(c: ConnectionStepResult): string {
  if (c.errors.length === 0) return "0";
  const listed = c.errors.slice(0, ERRORS_LISTED).map((e) => `${e.what}: ${e.message}`);
  const more = c.errors.length > ERRORS_LISTED ? `; ${c.errors.length - ERRORS_LISTED} more` : "";
  return `${c.errors.length}: ${listed.join("; ")}${more}`;
}

function verdictText(c: { verdict: string; reason: string }): string {
  return `**${c.verdict}**: ${c.reason}`;
}

const COLUMNS = ["Endpoint", "Detected", "Recovered", "Resubscribed", "Messages", "Errors", "Verdict"];

/** Each cell, escaped and clipped: every one can carry something the page said. */
function connectionCells(c: ConnectionStepResult): string[] {
  return [
    cell(c.endpoint),
    cell(detectedText(c)),
    cell(recoveredText(c)),
    cell(resubscribedText(c)),
    cell(messagesText(c)),
    cell(errorsText(c)),
    // The verdict's own words are ours; its reason may quote shapes.
    `**${c.verdict}**: ${cell(c.reason)}`,
  ];
}

function heading(step: StepResult): string {
  return `### Step ${step.index + 1}: ${cell(stepLabel(step.step))}${step.stopped ? " (stopped)" : ""}`;
}

/** A time as ISO 8601 (UTC); a number no date can be made of (a report edited by hand) as it is. */
function isoTime(t: number): string {
  const date = new Date(t);
  return Number.isNaN(date.getTime()) ? String(t) : date.toISOString();
}

function describeRun(report: ResilienceReport): string {
  const target = "tab" in report.target ? "all sockets of the tab" : `socket ${cell(report.target.socket)}`;
  const protection = report.protection.protected ? `protected by the rule \`${cell(report.protection.rule).replace(/`/g, "'")}\`` : "unprotected";
  const when = `${isoTime(report.startedAt)} to ${isoTime(report.endedAt)}`;
  return `Target: ${target}. Protection: ${protection}. Ran ${when}. Report version ${report.version}.`;
}

function scenarioList(report: ResilienceReport): string {
  const s = report.scenario;
  const steps = s.steps.map((step, i) => `${i + 1}. ${cell(stepLabel(step))}, watched for ${formatSeconds(step.observeMs)}`);
  return [`Scenario **${cell(s.name)}**, ${formatSeconds(s.settleMs)} between steps:`, "", ...steps].join("\n");
}

function stepSection(step: StepResult): string {
  const body =
    step.connections.length === 0
      ? `**${step.verdict}**: ${cell(step.reason)}`
      : table(COLUMNS, step.connections.map(connectionCells));
  return `${heading(step)}\n\n${body}`;
}

/** One report, or (with `compare`: the protected run of the same scenario) both side by side. */
export function toMarkdown(report: ResilienceReport, compare?: ResilienceReport): string {
  if (compare) return comparison(report, compare);
  return [
    `# Resilience check: ${cell(report.scenario.name)}`,
    describeRun(report),
    scenarioList(report),
    "## Steps",
    ...report.steps.map(stepSection),
    "## Summary",
    `**${report.summary.verdict}**: ${cell(report.summary.text)}.`,
  ].join("\n\n") + "\n";
}

/** The rows of one measurement for one endpoint, unprotected beside protected. */
const MEASURES: [string, (c: ConnectionStepResult) => string][] = [
  ["Detected", detectedText],
  ["Recovered", recoveredText],
  ["Resubscribed", resubscribedText],
  ["Messages", messagesText],
  ["Errors", errorsText],
  ["Verdict", (c) => verdictText(c)],
];

function sideBySide(a: StepResult | undefined, b: StepResult | undefined): string {
  const step = (a ?? b)!;
  const endpoints: string[] = [];
  for (const c of [...(a?.connections ?? []), ...(b?.connections ?? [])]) if (!endpoints.includes(c.endpoint)) endpoints.push(c.endpoint);
  const parts = [heading(step)];
  if (endpoints.length === 0) {
    parts.push(table(["", "Unprotected", "Protected"], [["Verdict", side(a), side(b)]]));
    return parts.join("\n\n");
  }
  for (const endpoint of endpoints) {
    const ca = a?.connections.find((c) => c.endpoint === endpoint);
    const cb = b?.connections.find((c) => c.endpoint === endpoint);
    const rows = MEASURES.map(([name, text]) => [name, ca ? cell(text(ca)) : "not tested", cb ? cell(text(cb)) : "not tested"]);
    parts.push(table([`\`${cell(endpoint).replace(/`/g, "'")}\``, "Unprotected", "Protected"], rows));
  }
  return parts.join("\n\n");
}

/** A step's verdict in a cell: its reason is the step's own (it may quote the page). */
function side(step: StepResult | undefined): string {
  return step ? `**${step.verdict}**: ${cell(step.reason)}` : "did not run";
}

function comparison(unprotected: ResilienceReport, protectedRun: ResilienceReport): string {
  const count = Math.max(unprotected.steps.length, protectedRun.steps.length);
  const overview: string[][] = [];
  const sections: string[] = [];
  for (let i = 0; i < count; i++) {
    const a = unprotected.steps[i];
    const b = protectedRun.steps[i];
    const step = (a ?? b)!;
    overview.push([`${i + 1}. ${cell(stepLabel(step.step))}`, side(a), side(b)]);
    sections.push(sideBySide(a, b));
  }
  return [
    `# Resilience check: ${cell(unprotected.scenario.name)}, unprotected and protected`,
    `Unprotected run: ${describeRun(unprotected)}`,
    `Protected run: ${describeRun(protectedRun)}`,
    scenarioList(unprotected),
    "## Unprotected | Protected",
    table(["Step", "Unprotected", "Protected"], overview),
    "## Steps",
    ...sections,
    "## Summary",
    table(
      ["", "Unprotected", "Protected"],
      [["Verdict", `**${unprotected.summary.verdict}**: ${cell(unprotected.summary.text)}`, `**${protectedRun.summary.verdict}**: ${cell(protectedRun.summary.text)}`]],
    ),
  ].join("\n\n") + "\n";
}
