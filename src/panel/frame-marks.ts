/**
 * A frame's provenance and fate as its record gives them (DESIGN.md, "Records"), as short tags with a
 * glyph and a word ("♥ heartbeat", "✎ sent from panel", "◌ hidden: reply", "… queued") and a sentence
 * for the tooltip. A frame the page made that went its ordinary way has none.
 */
import type { Fate, FrameRecord, Provenance } from "../shared/protocol";
import { t, type MessageKey } from "../shared/i18n";

export interface FrameMark {
  /** `from-heartbeat`, `fate-queued`...: a class and a test hook. */
  key: string;
  glyph: string;
  label: string;
  /** The same in words, for the tooltip. */
  title: string;
}

const FROM: Record<Exclude<Provenance, "page">, [string, MessageKey, MessageKey]> = {
  heartbeat: ["♥", "panelFromHeartbeat", "panelFromHeartbeatTitle"],
  resume: ["⤺", "panelFromResume", "panelFromResumeTitle"],
  resend: ["↻", "panelFromResend", "panelFromResendTitle"],
  injected: ["⚡", "panelFromInjected", "panelFromInjectedTitle"],
  panel: ["✎", "panelFromPanel", "panelFromPanelTitle"],
  rule: ["⚙", "panelFromRule", "panelFromRuleTitle"],
  mock: ["◇", "panelFromMock", "panelFromMockTitle"],
};

const FATE: Record<Exclude<Fate, "delivered" | "sent">, [string, MessageKey, MessageKey]> = {
  queued: ["…", "panelFateQueued", "panelFateQueuedTitle"],
  "hidden-reply": ["◌", "panelFateHiddenReply", "panelFateHiddenReplyTitle"],
  "hidden-ack": ["◌", "panelFateHiddenAck", "panelFateHiddenAckTitle"],
  "hidden-duplicate": ["◌", "panelFateHiddenDuplicate", "panelFateHiddenDuplicateTitle"],
  held: ["‖", "panelFateHeld", "panelFateHeldTitle"],
  delayed: ["◔", "panelFateDelayed", "panelFateDelayedTitle"],
  dropped: ["✕", "panelFateDropped", "panelFateDroppedTitle"],
  // U+FE0E: the text form, not an emoji, so it takes the tag's colour.
  paused: ["◉", "panelFatePaused", "panelFatePausedTitle"],
  edited: ["⇄", "panelFateEdited", "panelFateEditedTitle"],
};

/**
 * The frame's tags: who made it (when not the page), then what became of it (when not the usual), then
 * the frame rule that touched it as "rule N" (N counts from 1, as the options page lists the rules; a
 * frame a rule made says it in its first tag).
 */
export function frameMarks(frame: FrameRecord): FrameMark[] {
  const marks: FrameMark[] = [];
  const rule = frame.rule === undefined ? undefined : t("panelFrameRuleN", [String(frame.rule + 1)]);
  const from = frame.from && frame.from !== "page" ? FROM[frame.from] : undefined;
  if (from) {
    const byRule = frame.from === "rule" && rule !== undefined;
    marks.push({ key: `from-${frame.from}`, glyph: from[0], label: byRule ? rule : t(from[1]), title: byRule ? `${t(from[2])}: ${rule}` : t(from[2]) });
  }
  const fate = frame.fate && frame.fate !== "delivered" && frame.fate !== "sent" ? FATE[frame.fate] : undefined;
  if (fate) marks.push({ key: `fate-${frame.fate}`, glyph: fate[0], label: t(fate[1]), title: t(fate[2]) });
  if (rule !== undefined && frame.from !== "rule") marks.push({ key: "rule", glyph: "⚙", label: rule, title: t("panelFrameRuleTitle", [rule]) });
  return marks;
}
