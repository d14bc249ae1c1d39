/**
 * Two whole checks of the default scenario on a page that reconnects on close and has no heartbeat
 * (issue 20's page b), as records: unprotected, and protected by a rule with a ping message. Used by
 * the report, Markdown and schema tests.
 */
import { buildReport } from "../../../src/shared/resilience/report";
import { DEFAULT_SCENARIO } from "../../../src/shared/resilience/scenario";
import type { ResilienceReport, StepMark } from "../../../src/shared/resilience/types";
import { mark, RecordBuilder, T0 } from "./record-builder";

export const URL_B = "ws://127.0.0.1:8080/naive";
const SUBSCRIBE = '{"type":"subscribe","channel":"prices"}';

export const MARKS: StepMark[] = DEFAULT_SCENARIO.steps.map((step, i) => mark(i, step, [10_000, 30_000, 55_000, 85_000, 155_000][i]!));

const SPAN = { startedAt: T0 + 10_000, endedAt: T0 + 180_000 };

/** Passes 1-3, fails 4 (half-open unnoticed), degraded 5 (the page showed an error under latency). */
export function unprotectedRecord(): RecordBuilder {
  const b = new RecordBuilder();
  b.at(0).created("s:1", URL_B).at(10).open("s:1").at(20).out("s:1", SUBSCRIBE);
  b.at(10_002).closed("s:1").at(11_002).created("s:2", URL_B).at(11_010).open("s:2").out("s:2", SUBSCRIBE);
  b.at(30_001).closed("s:2", 1012).at(35_001).created("s:3", URL_B).at(35_010).open("s:3").out("s:3", SUBSCRIBE);
  b.at(55_001).closed("s:3").at(65_500).created("s:4", URL_B).at(65_510).open("s:4").out("s:4", SUBSCRIBE);
  b.at(90_000).out("s:4", '{"type":"order","id":7}', "held");
  b.at(160_000).out("s:4", '{"type":"order","id":8}', "delayed").at(161_000).error("Timeout | waiting\nfor quote", "unhandledrejection");
  return b;
}

export function protectedRecord(): RecordBuilder {
  const b = new RecordBuilder();
  b.at(0).created("s:1", URL_B).protection("s:1").at(10).open("s:1").at(20).out("s:1", SUBSCRIBE);
  const outage = (lossMs: number, openMs: number) => b.at(lossMs).reconnecting("s:1", 1).at(openMs).open("s:1", { attempt: 1 }).out("s:1", SUBSCRIBE);
  outage(10_001, 10_400);
  b.at(10_100).out("s:1", '{"type":"order","id":1}', "queued");
  b.at(10_400).out("s:1", '{"type":"order","id":1}');
  outage(30_001, 35_300);
  outage(55_001, 65_050);
  b.at(125_000).heartbeat("s:1", "missed");
  outage(125_000, 125_300);
  b.at(160_000).out("s:1", '{"type":"order","id":8}', "delayed");
  return b;
}

export function unprotectedReport(): ResilienceReport {
  return buildReport(DEFAULT_SCENARIO, { tab: true }, { protected: false }, MARKS, unprotectedRecord().record(), SPAN);
}

export function protectedReport(): ResilienceReport {
  return buildReport(DEFAULT_SCENARIO, { tab: true }, { protected: true, rule: "ws://127.0.0.1:8080/*" }, MARKS, protectedRecord().record(), SPAN);
}
