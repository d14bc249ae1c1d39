/**
 * What the form shows of a rule, section by section. `delivery` and `resume` are edited in the JSON
 * view for now (a later issue adds their form); their messages show on the rule's row.
 */
import { RULE_DEFAULTS } from "../shared/settings";

export type FieldKind = "bool" | "number" | "text" | "strategy" | "codes";

export interface FieldSpec {
  key: string;
  kind: FieldKind;
  label: string;
  /** What an empty field means, shown as its placeholder. */
  placeholder?: string;
}

export type FormSection = "reconnect" | "heartbeat" | "queue";

export const SECTIONS: readonly { key: FormSection; title: string; fields: readonly FieldSpec[] }[] = [
  {
    key: "reconnect",
    title: "Reconnect",
    fields: [
      { key: "enabled", kind: "bool", label: "Reconnect" },
      { key: "strategy", kind: "strategy", label: "Strategy" },
      { key: "minDelayMs", kind: "number", label: "Min delay (ms)" },
      { key: "maxDelayMs", kind: "number", label: "Max delay (ms)" },
      { key: "factor", kind: "number", label: "Factor" },
      { key: "maxAttempts", kind: "number", label: "Max attempts", placeholder: "no limit" },
      { key: "stableAfterMs", kind: "number", label: "Stable after (ms)" },
      { key: "retryInitialConnect", kind: "bool", label: "Retry a failed first connect" },
      { key: "stopOnCodes", kind: "codes", label: "Stop on close codes" },
    ],
  },
  {
    key: "heartbeat",
    title: "Heartbeat",
    fields: [
      { key: "enabled", kind: "bool", label: "Heartbeat" },
      { key: "intervalMs", kind: "number", label: "Interval (ms)" },
      { key: "timeoutMs", kind: "number", label: "Timeout (ms)" },
      { key: "message", kind: "text", label: "Message" },
      { key: "reply", kind: "text", label: "Reply", placeholder: "none" },
      { key: "hideReplies", kind: "bool", label: "Hide replies from the page" },
    ],
  },
  {
    key: "queue",
    title: "Send queue",
    fields: [
      { key: "enabled", kind: "bool", label: "Queue sends while reconnecting" },
      { key: "maxMessages", kind: "number", label: "Max messages" },
      { key: "maxBytes", kind: "number", label: "Max bytes" },
    ],
  },
];

export const STRATEGIES = ["auto", "transparent", "surface"] as const;

/** The default of a section field, as `RULE_DEFAULTS` has it. */
export function defaultOf(section: FormSection, key: string): unknown {
  return (RULE_DEFAULTS[section] as unknown as Record<string, unknown>)[key];
}

/** The placeholder of an empty field: the default it falls back to. */
export function placeholderOf(section: FormSection, field: FieldSpec): string {
  if (field.placeholder) return field.placeholder;
  const d = defaultOf(section, field.key);
  return Array.isArray(d) ? d.join(", ") : String(d);
}
