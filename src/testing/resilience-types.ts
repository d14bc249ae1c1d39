/** The resilience check's types a test reads (scenario in, report out) and the default scenario, for the API's entry points to re-export. */
export type {
  CheckTarget,
  ConnectionStepResult,
  PageError,
  RecoveredBy,
  ResilienceReport,
  Scenario,
  Step,
  StepKind,
  StepResult,
  Verdict,
} from "../shared/resilience/types";
export { DEFAULT_SCENARIO } from "../shared/resilience/scenario";
