/**
 * One glyph per kind of timeline mark, the same on the lanes and in the legend. Shapes differ, not
 * only colours, so marks read apart without colour too. Text glyphs (with U+FE0E where a character
 * has an emoji form) so that they take the theme's colour.
 */
import type { MessageKey } from "../shared/i18n";
import type { MarkKind } from "./timeline-model";

export interface MarkLook {
  glyph: string;
  /** What the legend calls it. */
  legend: MessageKey;
}

export const MARK_LOOKS: Record<MarkKind, MarkLook> = {
  "heartbeat-sent": { glyph: "↑", legend: "panelLegendHeartbeatSent" },
  "heartbeat-answered": { glyph: "♥\uFE0E", legend: "panelLegendAnswered" },
  "heartbeat-missed": { glyph: "♡", legend: "panelLegendMissed" },
  "fault-on": { glyph: "⚡\uFE0E", legend: "panelLegendFault" },
  "fault-off": { glyph: "◌", legend: "panelLegendFaultEnded" },
  reconnect: { glyph: "↻", legend: "panelLegendReconnect" },
  "queue-dropped": { glyph: "⊖", legend: "panelLegendQueueDrop" },
  "queue-flushed": { glyph: "»", legend: "panelLegendQueueFlushed" },
  "queue-discarded": { glyph: "⊗", legend: "panelLegendQueueDiscarded" },
  "delivery-lost": { glyph: "✉\uFE0E", legend: "panelLegendDeliveryLost" },
  "protection-on": { glyph: "◆", legend: "panelLegendProtection" },
  "protection-off": { glyph: "◇", legend: "panelLegendProtectionOff" },
  resume: { glyph: "⤺", legend: "panelLegendResume" },
  note: { glyph: "✎\uFE0E", legend: "panelLegendNote" },
};

/** Legend order: heartbeat, faults, connection, queue, delivery, protection, resume, notes. */
export const MARK_ORDER: readonly MarkKind[] = [
  "heartbeat-sent",
  "heartbeat-answered",
  "heartbeat-missed",
  "fault-on",
  "fault-off",
  "reconnect",
  "queue-dropped",
  "queue-flushed",
  "queue-discarded",
  "delivery-lost",
  "protection-on",
  "protection-off",
  "resume",
  "note",
];
