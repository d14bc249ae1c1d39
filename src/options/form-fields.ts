/**
 * What the form shows of a rule, section by section. `delivery` and `resume` are edited in the JSON
 * view for now (a later issue adds their form); their messages show on the rule's row.
 */
import { RULE_DEFAULTS } from "../shared/settings";
import { t, type MessageKey } from "../shared/i18n";

export type FieldKind = "bool" | "number" | "text" | "strategy" | "codes";

export interface FieldSpec {
  key: string;
  kind: FieldKind;
  label: MessageKey;
  /** What an empty field means, shown as its placeholder. */
  placeholder?: MessageKey;
}

export type FormSection = "reconnect" | "heartbeat" | "queue";

export const SECTIONS: readonly { key: FormSection; title: MessageKey; fields: readonly FieldSpec[] }[] = [
  {
    key: "reconnect",
    title: "optionsReconnectTitle",
    fields: [
      { key: "enabled", kind: "bool", label: "optionsReconnectEnabled" },
      { key: "strategy", kind: "strategy", label: "optionsReconnectStrategy" },
      { key: "minDelayMs", kind: "number", label: "optionsReconnectMinDelayMs" },
      { key: "maxDelayMs", kind: "number", label: "optionsReconnectMaxDelayMs" },
      { key: "factor", kind: "number", label: "optionsReconnectFactor" },
      { key: "maxAttempts", kind: "number", label: "optionsReconnectMaxAttempts", placeholder: "optionsNoLimit" },
      { key: "stableAfterMs", kind: "number", label: "optionsReconnectStableAfterMs" },
      { key: "retryInitialConnect", kind: "bool", label: "optionsReconnectRetryInitialConnect" },
      { key: "stopOnCodes", kind: "codes", label: "optionsReconnectStopOnCodes" },
    ],
  },
  {
    key: "heartbeat",
    title: "optionsHeartbeatTitle",
    fields: [
      { key: "enabled", kind: "bool", label: "optionsHeartbeatEnabled" },
      { key: "intervalMs", kind: "number", label: "optionsHeartbeatIntervalMs" },
      { key: "timeoutMs", kind: "number", label: "optionsHeartbeatTimeoutMs" },
      { key: "message", kind: "text", label: "optionsHeartbeatMessage" },
      { key: "reply", kind: "text", label: "optionsHeartbeatReply", placeholder: "optionsNone" },
      { key: "hideReplies", kind: "bool", label: "optionsHeartbeatHideReplies" },
    ],
  },
  {
    key: "queue",
    title: "optionsQueueTitle",
    fields: [
      { key: "enabled", kind: "bool", label: "optionsQueueEnabled" },
      { key: "maxMessages", kind: "number", label: "optionsQueueMaxMessages" },
      { key: "maxBytes", kind: "number", label: "optionsQueueMaxBytes" },
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
  if (field.placeholder) return t(field.placeholder);
  const d = defaultOf(section, field.key);
  return Array.isArray(d) ? d.join(", ") : String(d);
}
