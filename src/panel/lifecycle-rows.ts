/**
 * What a lifecycle event says as a row of the frames table: "connection closed: 1006, not clean
 * (heartbeat timeout)", "reconnecting #2 in 300 ms, code 1006 (server closed)", "protection on,
 * transparent, rule wss://*.example.com/*"... Every word comes from the event itself; codes, reasons,
 * causes and rules are data and stay as they came.
 *
 * Not every event is a row: the frame itself already shows a heartbeat ping sent, and connecting
 * (once per attempt), creation and a delivery's pending/acked/resent would double the rows for
 * nothing the frame's own marks and the timeline do not say.
 */
import type { LifecycleEvent } from "./socket-log";
import { because, faultLabel, heartbeatLabel, queueLabel, resumeLabel, stateLabel } from "./timeline-model";
import { t, type MessageKey } from "../shared/i18n";

export type LifecycleRowKind =
  | "opened"
  | "reconnected"
  | "closing"
  | "closed"
  | "reconnecting"
  | "heartbeat-answered"
  | "heartbeat-missed"
  | "fault-on"
  | "fault-off"
  | "protection-on"
  | "protection-off"
  | "queue-dropped"
  | "queue-flushed"
  | "queue-discarded"
  | "delivery-lost"
  | "resume"
  | "breakpoint-paused"
  | "breakpoint-forwarded"
  | "breakpoint-dropped"
  | "breakpoint-timed-out"
  | "note";

export type LifecycleCategory = "connection" | "heartbeat" | "fault" | "protection" | "queue" | "delivery" | "resume" | "rule" | "note";

/** How a row reads at a glance; its text always says it too (never colour alone). */
export type LifecycleTone = "good" | "bad" | "warn" | "info";

export interface LifecycleRow {
  kind: LifecycleRowKind;
  category: LifecycleCategory;
  tone: LifecycleTone;
  glyph: string;
  text: string;
}

const CATEGORY_NAMES: Record<LifecycleCategory, MessageKey> = {
  connection: "panelRowCatConnection",
  heartbeat: "panelRowCatHeartbeat",
  fault: "panelRowCatFault",
  protection: "panelRowCatProtection",
  queue: "panelRowCatQueue",
  delivery: "panelRowCatDelivery",
  resume: "panelRowCatResume",
  rule: "panelRowCatRule",
  note: "panelRowCatNote",
};

const LOOK: Record<LifecycleRowKind, [LifecycleCategory, LifecycleTone, string]> = {
  opened: ["connection", "good", "●"],
  reconnected: ["connection", "good", "●"],
  closing: ["connection", "warn", "◐"],
  closed: ["connection", "bad", "○"],
  reconnecting: ["connection", "warn", "↻"],
  "heartbeat-answered": ["heartbeat", "info", "♥"],
  "heartbeat-missed": ["heartbeat", "bad", "♡"],
  "fault-on": ["fault", "bad", "⚡"],
  "fault-off": ["fault", "info", "⚡"],
  "protection-on": ["protection", "good", "◆"],
  "protection-off": ["protection", "warn", "◇"],
  "queue-dropped": ["queue", "bad", "≡"],
  "queue-flushed": ["queue", "info", "≡"],
  "queue-discarded": ["queue", "warn", "≡"],
  "delivery-lost": ["delivery", "bad", "✉"],
  resume: ["resume", "info", "⤺"],
  "breakpoint-paused": ["rule", "warn", "◉"],
  "breakpoint-forwarded": ["rule", "info", "▶\uFE0E"],
  "breakpoint-dropped": ["rule", "bad", "✕"],
  "breakpoint-timed-out": ["rule", "warn", "◔"],
  note: ["note", "info", "✎"],
};

/** The row an event makes, or null when it makes none. */
export function lifecycleRowKind(event: LifecycleEvent): LifecycleRowKind | null {
  switch (event.kind) {
    case "state":
      // Protection taking over a socket records the state it found ("adopted while open"): the page
      // world recorded that state when it happened, and the protection row says who took over.
      if (event.cause?.startsWith("adopted ")) return null;
      switch (event.state) {
        case "open":
          return event.attempt !== undefined ? "reconnected" : "opened";
        case "closing":
        case "closed":
        case "reconnecting":
          return event.state;
        default:
          return null;
      }
    case "heartbeat":
      return event.phase === "sent" ? null : `heartbeat-${event.phase}`;
    case "fault":
      return event.active ? "fault-on" : "fault-off";
    case "protection":
      return event.protected ? "protection-on" : "protection-off";
    case "queue":
      return `queue-${event.action}`;
    case "delivery":
      return event.status === "lost" ? "delivery-lost" : null;
    case "resume":
      return "resume";
    case "pause":
      return `breakpoint-${event.phase}`;
    case "note":
      return "note";
    default:
      return null;
  }
}

function pauseText(event: Extract<LifecycleEvent, { kind: "pause" }>): string {
  const id = String(event.id);
  switch (event.phase) {
    case "paused":
      return t("panelRowPausePaused", [id, t("panelFrameRuleN", [String(event.rule + 1)])]);
    case "forwarded":
      return t(event.edited ? "panelRowPauseForwardedEdited" : "panelRowPauseForwarded", [id]);
    case "dropped":
      return t("panelRowPauseDropped", [id]);
    case "timed-out":
      return t("panelRowPauseTimedOut", [id]);
  }
}

/** `label, detail`, for each detail given. */
function withDetails(label: string, ...details: (string | false | undefined)[]): string {
  for (const detail of details) if (detail) label = t("panelRowDetail", [label, detail]);
  return label;
}

function stateText(event: Extract<LifecycleEvent, { kind: "state" }>): string {
  switch (event.state) {
    case "open": {
      const opened = event.attempt !== undefined ? t("panelRowReconnected", [String(event.attempt)]) : t("panelRowOpened");
      const label = withDetails(
        opened,
        !!event.protocol && t("panelRowSubprotocol", [event.protocol]),
        !!event.extensions && t("panelRowExtensions", [event.extensions]),
      );
      return because(label, event.cause);
    }
    case "closed": {
      const code = event.code !== undefined ? String(event.code) : undefined;
      const closed =
        code === undefined ? t("panelRowClosed") : event.reason ? t("panelRowClosedCodeReason", [code, event.reason]) : t("panelRowClosedCode", [code]);
      const clean = event.wasClean === undefined ? undefined : t(event.wasClean ? "panelRowClean" : "panelRowNotClean");
      return because(withDetails(closed, clean), event.cause);
    }
    case "closing":
      return because(t("panelRowClosing"), event.cause);
    case "reconnecting": {
      const label = stateLabel({ ...event, cause: undefined });
      return because(withDetails(label, event.code !== undefined && t("panelRowCode", [String(event.code)])), event.cause);
    }
    default:
      return stateLabel(event);
  }
}

function protectionText(event: Extract<LifecycleEvent, { kind: "protection" }>): string {
  const on = event.protected;
  const label = event.strategy
    ? t(on ? "panelTimelineProtectionOnStrategy" : "panelTimelineProtectionOffStrategy", [event.strategy])
    : t(on ? "panelTimelineProtectionOn" : "panelTimelineProtectionOff");
  return because(
    withDetails(label, !!event.rule && t("panelRowRule", [event.rule]), !!event.protocol && t("panelRowRecognised", [event.protocol])),
    event.reason,
  );
}

/** The row's text, or null when the event makes no row. */
export function lifecycleRowText(event: LifecycleEvent): string | null {
  if (lifecycleRowKind(event) === null) return null;
  switch (event.kind) {
    case "state":
      return stateText(event);
    case "heartbeat":
      return heartbeatLabel(event);
    case "fault":
      return faultLabel(event);
    case "protection":
      return protectionText(event);
    case "queue":
      return queueLabel(event);
    case "delivery":
      return because(t("panelRowDeliveryLost", [event.id]), event.reason);
    case "resume":
      return resumeLabel(event);
    case "pause":
      return pauseText(event);
    case "note":
      return event.text;
    default:
      return null;
  }
}

export function lifecycleRow(event: LifecycleEvent): LifecycleRow | null {
  const kind = lifecycleRowKind(event);
  const text = lifecycleRowText(event);
  if (kind === null || text === null) return null;
  const [category, tone, glyph] = LOOK[kind];
  return { kind, category, tone, glyph, text };
}

/** What frame-filter.ts needs to filter lifecycle rows. */
export const LIFECYCLE_ROWS = {
  isRow: (event: LifecycleEvent): boolean => lifecycleRowKind(event) !== null,
  text: lifecycleRowText,
};

export function categoryName(category: LifecycleCategory): string {
  return t(CATEGORY_NAMES[category]);
}
