/**
 * What the form shows of a rule, section by section: every field of every section, `delivery` and
 * `resume` included (their `ackWhen` as two fields, `ackWhen.path` and `ackWhen.equals`).
 */
import { RULE_DEFAULTS } from "../shared/settings";
import { getAt } from "./draft";
import { t, type MessageKey } from "../shared/i18n";

/** `primitive`: a JSON string, number, boolean or null typed as text (`ackWhen.equals`). */
export type FieldKind = "bool" | "number" | "text" | "strategy" | "codes" | "primitive";

export interface FieldSpec {
  /** The key in its section; a nested one is dotted (`ackWhen.path`). */
  key: string;
  kind: FieldKind;
  label: MessageKey;
  /** What an empty field means, shown as its placeholder. */
  placeholder?: MessageKey;
  /** Takes the section's full width (a long template). */
  wide?: boolean;
  /** `null` is a value of its own (no limit), typed and shown as `null`; empty still means the default. */
  nullable?: boolean;
  /** Said under the field. */
  help?: MessageKey;
}

export type FormSection = "reconnect" | "heartbeat" | "queue" | "delivery" | "resume";

/** In the order shown; `wide` sections take the rule's full width (the form lays sections out two by two). */
export const SECTIONS: readonly { key: FormSection; title: MessageKey; fields: readonly FieldSpec[]; wide?: boolean }[] = [
  {
    key: "reconnect",
    title: "optionsReconnectTitle",
    fields: [
      { key: "enabled", kind: "bool", label: "optionsReconnectEnabled" },
      { key: "strategy", kind: "strategy", label: "optionsReconnectStrategy" },
      { key: "minDelayMs", kind: "number", label: "optionsReconnectMinDelayMs" },
      { key: "maxDelayMs", kind: "number", label: "optionsReconnectMaxDelayMs" },
      { key: "factor", kind: "number", label: "optionsReconnectFactor" },
      { key: "maxAttempts", kind: "number", label: "optionsReconnectMaxAttempts", placeholder: "optionsNoLimit", nullable: true },
      { key: "stableAfterMs", kind: "number", label: "optionsReconnectStableAfterMs" },
      { key: "retryInitialConnect", kind: "bool", label: "optionsReconnectRetryInitialConnect" },
      {
        key: "initialMaxAttempts",
        kind: "number",
        label: "optionsReconnectInitialMaxAttempts",
        nullable: true,
        help: "optionsReconnectInitialMaxAttemptsHelp",
      },
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
  {
    key: "resume",
    title: "optionsResumeTitle",
    fields: [
      { key: "enabled", kind: "bool", label: "optionsResumeEnabled" },
      { key: "dedupe", kind: "bool", label: "optionsResumeDedupe" },
      { key: "seqPath", kind: "text", label: "optionsResumeSeqPath" },
      { key: "queryParam", kind: "text", label: "optionsResumeQueryParam", placeholder: "optionsNone" },
      { key: "message", kind: "text", label: "optionsResumeMessage", wide: true },
    ],
  },
  {
    key: "delivery",
    title: "optionsDeliveryTitle",
    wide: true,
    fields: [
      { key: "enabled", kind: "bool", label: "optionsDeliveryEnabled" },
      { key: "hideAcks", kind: "bool", label: "optionsDeliveryHideAcks" },
      { key: "idPath", kind: "text", label: "optionsDeliveryIdPath" },
      { key: "ackIdPath", kind: "text", label: "optionsDeliveryAckIdPath" },
      { key: "ackWhen.path", kind: "text", label: "optionsDeliveryAckWhenPath" },
      { key: "ackWhen.equals", kind: "primitive", label: "optionsDeliveryAckWhenEquals" },
      { key: "maxPending", kind: "number", label: "optionsDeliveryMaxPending" },
      { key: "maxPendingBytes", kind: "number", label: "optionsDeliveryMaxPendingBytes" },
      { key: "maxAgeMs", kind: "number", label: "optionsDeliveryMaxAgeMs" },
    ],
  },
];

export const STRATEGIES = ["auto", "transparent", "surface"] as const;

/** A field's path inside its section: `["ackWhen", "path"]`. */
export const fieldKeys = (field: Pick<FieldSpec, "key">): string[] => field.key.split(".");

/** `delivery-idPath`, `delivery-ackWhen-equals`: the field's data-testid. */
export const fieldTestId = (section: FormSection, field: Pick<FieldSpec, "key">): string => `${section}-${fieldKeys(field).join("-")}`;

/** The default of a section field, as `RULE_DEFAULTS` has it. */
export function defaultOf(section: FormSection, key: string): unknown {
  return getAt(RULE_DEFAULTS[section], key.split("."));
}

/**
 * The placeholder of an empty field: "default: 30000", the default it falls back to. Said as a
 * default, not shown bare, so that it cannot pass for a value the user typed.
 */
export function placeholderOf(section: FormSection, field: FieldSpec): string {
  if (field.placeholder) return defaultPlaceholder(t(field.placeholder));
  const d = defaultOf(section, field.key);
  return defaultPlaceholder(Array.isArray(d) ? d.join(", ") : String(d));
}

export const defaultPlaceholder = (value: string): string => t("optionsDefaultPlaceholder", [value]);
