import { useState } from "preact/hooks";
import type { ConnectionStepResult, ResilienceReport as Report, StepResult, Verdict } from "../shared/resilience/types";
import { toJson, toMarkdown } from "../shared/resilience/markdown";
import { t } from "../shared/i18n";
import { copyText } from "./clipboard";
import { clip, formatClock } from "./format";
import { detectedText, messagesText, recoveredText, resubscribedText, stepTitle, verdictName } from "./resilience-labels";
import type { CheckResult } from "./resilience-session";
import "./Resilience.css";

export interface ResilienceReportProps {
  result: CheckResult;
  saveFile(name: string, text: string): void;
  /** "Protect with these settings" (after a comparison of a site with no rule of its own). */
  onProtect(): void;
  protectedSaved: boolean;
}

/** Errors of a step listed in a cell's title, at most this many, each clipped. */
const ERRORS_LISTED = 5;

function VerdictBadge({ verdict }: { verdict: Verdict }) {
  return (
    <span class={`resilience-verdict resilience-verdict-${verdict}`} data-testid="verdict" data-verdict={verdict}>
      {verdictName(verdict)}
    </span>
  );
}

function errorsTitle(c: ConnectionStepResult): string | undefined {
  if (c.errors.length === 0) return undefined;
  return c.errors
    .slice(0, ERRORS_LISTED)
    .map((e) => `${formatClock(e.t)} ${e.what}: ${clip(e.message, 200)}`)
    .join("\n");
}

const COLUMNS = [
  "resilienceColEndpoint",
  "resilienceColDetected",
  "resilienceColRecovered",
  "resilienceColResubscribed",
  "resilienceColMessages",
  "resilienceColErrors",
  "resilienceColVerdict",
] as const;

function StepTable({ step }: { step: StepResult }) {
  // Each cell names its column too: a narrow dock stacks the cells and hides the header row.
  const [endpoint, detected, recovered, resubscribed, messages, errors, verdict] = COLUMNS.map((key) => t(key)) as string[];
  return (
    <table class="resilience-table" data-testid="report-table">
      <thead>
        <tr>
          {COLUMNS.map((key) => (
            <th key={key} scope="col">
              {t(key)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {step.connections.map((c, i) => (
          <tr key={i} data-testid="report-row">
            <td class="resilience-endpoint" data-label={endpoint} title={clip(c.endpoint, 4096)}>
              {clip(c.endpoint, 120)}
            </td>
            <td data-label={detected}>{detectedText(c)}</td>
            <td data-label={recovered}>{recoveredText(c)}</td>
            <td
              data-label={resubscribed}
              title={c.resubscribeShapes ? clip(`${c.resubscribeShapes.before.join(", ")} → ${c.resubscribeShapes.after.join(", ")}`, 1000) : undefined}
            >
              {resubscribedText(c)}
            </td>
            <td data-label={messages}>{messagesText(c)}</td>
            <td data-label={errors} title={errorsTitle(c)}>
              {String(c.errors.length)}
            </td>
            <td data-label={verdict}>
              <VerdictBadge verdict={c.verdict} /> {c.reason}
            </td>
          </tr>
        ))}
        {step.connections.length === 0 && (
          <tr data-testid="report-row">
            <td colSpan={7}>{step.reason}</td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

/** What a run says of a connection it has no row for: why the step had none, or that it did not run. */
function missing(step: StepResult | undefined): string {
  return step ? step.reason : t("resilienceNotRun");
}

/** The measures of a compared step, one per row, each as text for one run's connection. */
const MEASURES: readonly { key: (typeof COLUMNS)[number]; text(c: ConnectionStepResult): string }[] = [
  { key: "resilienceColDetected", text: detectedText },
  { key: "resilienceColRecovered", text: recoveredText },
  { key: "resilienceColResubscribed", text: resubscribedText },
  { key: "resilienceColMessages", text: messagesText },
  { key: "resilienceColErrors", text: (c) => String(c.errors.length) },
];

/**
 * A compared step: one table per endpoint, the measures down the side and the two runs across, so the
 * two answers to each question sit next to each other and a narrow dock still reads whole words.
 */
function CompareTables({ a, b }: { a: StepResult | undefined; b: StepResult | undefined }) {
  const endpoints = [...new Set([...(a?.connections ?? []), ...(b?.connections ?? [])].map((c) => c.endpoint))];
  const runs = [
    { step: a, label: t("resilienceRunUnprotected") },
    { step: b, label: t("resilienceRunProtected") },
  ];
  if (endpoints.length === 0) {
    return (
      <div class="resilience-side">
        {runs.map(({ step, label }) => (
          <p key={label} class="resilience-side-label" data-testid="report-run">
            <span class="resilience-caption">{label}</span> {step && <VerdictBadge verdict={step.verdict} />} {missing(step)}
          </p>
        ))}
      </div>
    );
  }
  return (
    <>
      {endpoints.map((endpoint) => {
        const cells = runs.map(({ step }) => step?.connections.find((c) => c.endpoint === endpoint));
        return (
          <table key={endpoint} class="resilience-table resilience-compare" data-testid="report-table">
            <caption class="resilience-endpoint" title={clip(endpoint, 4096)}>
              {clip(endpoint, 120)}
            </caption>
            <thead>
              <tr>
                <td class="resilience-compare-corner" />
                {runs.map(({ step, label }) => (
                  <th key={label} scope="col" data-testid="report-run">
                    {label} {step && <VerdictBadge verdict={step.verdict} />}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {MEASURES.map(({ key, text }) => (
                <tr key={key} data-testid="report-row">
                  <th scope="row">{t(key)}</th>
                  {cells.map((c, i) => (
                    <td key={i} title={key === "resilienceColErrors" && c ? errorsTitle(c) : undefined}>
                      {c ? text(c) : missing(runs[i]!.step)}
                    </td>
                  ))}
                </tr>
              ))}
              <tr data-testid="report-row">
                <th scope="row">{t("resilienceColVerdict")}</th>
                {cells.map((c, i) => (
                  <td key={i}>{c ? <><VerdictBadge verdict={c.verdict} /> {c.reason}</> : missing(runs[i]!.step)}</td>
                ))}
              </tr>
            </tbody>
          </table>
        );
      })}
    </>
  );
}

function Summary({ report, label }: { report: Report; label: string | null }) {
  return (
    <p class="resilience-summary" data-testid="report-summary">
      {label !== null && <span class="resilience-caption">{label}</span>} <VerdictBadge verdict={report.summary.verdict} /> {report.summary.text}
    </p>
  );
}

const stamp = (t: number): string => new Date(t).toISOString().replace(/[:.]/g, "-");

/**
 * A check's report: the summary, a table per step (endpoint, detected, recovered, resubscribed,
 * messages, errors, verdict with its reason), the two runs of a comparison side by side; exports.
 */
export function ResilienceReport({ result, saveFile, onProtect, protectedSaved }: ResilienceReportProps) {
  const [copied, setCopied] = useState<boolean | null>(null);
  const [first, second] = result.reports as [Report, Report | undefined];
  const compared = result.compared;
  const markdown = (): string => (second ? toMarkdown(first, second) : toMarkdown(first));
  const name = `lifeguard-resilience-${stamp(first.startedAt)}`;

  const exportJson = (): void => {
    if (!compared) return saveFile(`${name}.json`, toJson(first));
    saveFile(`${name}-unprotected.json`, toJson(first));
    if (second) saveFile(`${name}-protected.json`, toJson(second));
  };
  const copy = (): void => {
    void copyText(markdown()).then(setCopied);
  };

  const steps = Math.max(first.steps.length, second?.steps.length ?? 0);
  return (
    <section class="resilience-report" aria-label={t("resilienceReport")} data-testid="resilience-report">
      <div class="resilience-controls resilience-actions">
        <button type="button" data-testid="export-markdown" onClick={() => saveFile(`${name}.md`, markdown())}>
          {t("resilienceExportMarkdown")}
        </button>
        <button type="button" data-testid="export-json" onClick={exportJson}>
          {t("resilienceExportJson")}
        </button>
        <button type="button" data-testid="copy-markdown" onClick={copy}>
          {t("resilienceCopyMarkdown")}
        </button>
        {copied !== null && (
          <span role="status" data-testid="copy-status">
            {copied ? t("resilienceCopied") : t("resilienceCopyFailed")}
          </span>
        )}
        {result.suggestion && !protectedSaved && (
          <button type="button" class="resilience-primary" data-testid="protect-suggested" onClick={onProtect}>
            {t("resilienceProtectWith")}
          </button>
        )}
        {protectedSaved && (
          <span role="status" data-testid="protect-saved">
            {t("resilienceProtectSaved")}
          </span>
        )}
      </div>
      {result.stopped && (
        <p class="resilience-notice" data-testid="report-stopped">
          {t("resilienceStoppedNote")}
        </p>
      )}
      <Summary report={first} label={compared ? t("resilienceRunUnprotected") : null} />
      {second && <Summary report={second} label={t("resilienceRunProtected")} />}
      {Array.from({ length: steps }, (_, i) => {
        const a = first.steps[i];
        const b = second?.steps[i];
        const step = (a ?? b)!;
        const headingId = `resilience-step-${i}`;
        return (
          <section key={i} class="resilience-report-step" aria-labelledby={headingId} data-testid="report-step">
            <h3 id={headingId} class="resilience-step-heading">
              {t("resilienceStepHeading", [String(i + 1), stepTitle(step.step)])}
            </h3>
            {compared ? (
              <CompareTables a={a} b={b} />
            ) : (
              <>
                <p class="resilience-side-label">
                  <VerdictBadge verdict={step.verdict} /> {step.reason}
                  {step.stopped && ` ${t("resilienceStepStopped")}`}
                </p>
                <StepTable step={step} />
              </>
            )}
          </section>
        );
      })}
    </section>
  );
}
