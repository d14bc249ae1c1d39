/**
 * What the form shows of a frame rule: its matcher fields, and the fields each action uses (a field
 * an action does not use is hidden, but kept in the draft: switching back finds it again).
 */
import type { FrameRuleAction } from "../shared/frame-rule-types";
import type { MessageKey } from "../shared/i18n";

export const DIRECTIONS: readonly { value: string; label: MessageKey }[] = [
  { value: "in", label: "optionsFrameDirectionIn" },
  { value: "out", label: "optionsFrameDirectionOut" },
  { value: "both", label: "optionsFrameDirectionBoth" },
];

export const ACTIONS: readonly { value: FrameRuleAction; label: MessageKey }[] = [
  { value: "drop", label: "optionsFrameActionDrop" },
  { value: "replace", label: "optionsFrameActionReplace" },
  { value: "respond", label: "optionsFrameActionRespond" },
  { value: "delay", label: "optionsFrameActionDelay" },
  { value: "pause", label: "optionsFrameActionPause" },
];

/** `when` fields; `json`: typed as JSON (`equals`). */
export const MATCHER_FIELDS: readonly { key: string; label: MessageKey; json?: boolean; placeholder?: string }[] = [
  { key: "text", label: "optionsFrameText" },
  { key: "regex", label: "optionsFrameRegex", placeholder: '^\\{"type":"(sub|unsub)"' },
  { key: "path", label: "optionsFramePath", placeholder: "$.type" },
  { key: "equals", label: "optionsFrameEquals", json: true, placeholder: '"subscribe"' },
  { key: "hexPrefix", label: "optionsFrameHexPrefix", placeholder: "c0 00" },
];

export type ActionField = "with" | "delayMs" | "pauseTimeoutMs" | "forward";

/** The fields an action uses, in the order shown. */
export function actionFields(action: unknown): ActionField[] {
  switch (action) {
    case "replace":
      return ["with"];
    case "respond":
      return ["with", "forward"];
    case "delay":
      return ["delayMs"];
    case "pause":
      return ["pauseTimeoutMs"];
    default:
      return [];
  }
}

/**
 * `equals` typed as JSON: `1`, `true`, `null`, `"1"`, `{"a":1}` are those values; what is not JSON is
 * that text as a string (`ack` is "ack"). Empty removes it.
 */
export function parseJsonText(text: string): unknown {
  const t = text.trim();
  if (t === "") return undefined;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return text;
  }
}

/** The text that parses back to `value`: a string that would read as JSON of another kind is quoted. */
export function showJson(value: unknown): string {
  if (value === undefined) return "";
  if (typeof value === "string") return value !== "" && parseJsonText(value) === value ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}
