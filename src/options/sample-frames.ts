/**
 * "Test against a sample frame": what the engine would make of an outbound and an inbound frame under
 * one rule of the draft. Everything is read with the engine's own matcher (src/core/json-path.ts) and
 * resume helpers (src/core/resume.ts), so the verdict is the page's, not a look-alike's.
 */
import { compilePath, idString, readJsonObject, valueAt, type PathSegment } from "../core/json-path";
import { resumeMessage, resumeUrl, seqAt } from "../core/resume";
import { RULE_DEFAULTS } from "../shared/settings";
import { getAt } from "./draft";
import { t } from "../shared/i18n";

export interface SampleInput {
  /** A frame the page sends. */
  outbound: string;
  /** A frame the server sends. */
  inbound: string;
  /** The socket URL, for `resume.queryParam` (optional). */
  url: string;
}

export type SampleLineKind = "id" | "ack" | "seq" | "resume" | "note";

export interface SampleLine {
  kind: SampleLineKind;
  /** ok: what the rule is for happened; info: nothing to do; error: the frame or the rule cannot be read. */
  tone: "ok" | "info" | "error";
  text: string;
}

/** Data in a message, kept short: a frame's value can be any size. */
function shown(value: unknown, max = 120): string {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** The draft's value at `section.key`, or the default when the draft does not set it. */
function setting(rule: Record<string, unknown>, section: "delivery" | "resume", key: string): unknown {
  const v = getAt(rule, [section, ...key.split(".")]);
  return v === undefined ? getAt(RULE_DEFAULTS[section], key.split(".")) : v;
}

type Compiled = { ok: true; segments: PathSegment[]; path: string } | { ok: false; line: SampleLine };

function compiled(kind: SampleLineKind, field: string, path: unknown): Compiled {
  try {
    // compilePath checks the type too: a number from the JSON view is named, not thrown past.
    return { ok: true, segments: compilePath(path as string), path: String(path) };
  } catch (err) {
    return { ok: false, line: { kind, tone: "error", text: t("optionsSamplePathError", [field, err instanceof Error ? err.message : String(err)]) } };
  }
}

function isUrl(text: string): boolean {
  try {
    new URL(text);
    return true;
  } catch {
    return false;
  }
}

/** The lines the sample box shows for `rule` (a rule of the draft, valid or not). */
export function sampleVerdict(rule: Record<string, unknown>, input: SampleInput): SampleLine[] {
  const lines: SampleLine[] = [];
  const hasOut = input.outbound.trim() !== "";
  const hasIn = input.inbound.trim() !== "";
  if (!hasOut && !hasIn) return lines;

  if (getAt(rule, ["reconnect", "strategy"]) === "surface") lines.push({ kind: "note", tone: "info", text: t("optionsSampleSurface") });
  if (setting(rule, "delivery", "enabled") !== true) lines.push({ kind: "note", tone: "info", text: t("optionsSampleDeliveryOff") });
  if (hasIn && setting(rule, "resume", "enabled") !== true) lines.push({ kind: "note", tone: "info", text: t("optionsSampleResumeOff") });

  // Outbound: the id at idPath.
  let outId: string | undefined;
  if (hasOut) {
    const read = readJsonObject(input.outbound);
    const idPath = compiled("id", "idPath", setting(rule, "delivery", "idPath"));
    if (!read.ok) lines.push({ kind: "id", tone: "error", text: t("optionsSampleOutboundUnread", [read.reason]) });
    else if (!idPath.ok) lines.push(idPath.line);
    else {
      const raw = valueAt(read.value, idPath.segments);
      outId = idString(raw);
      if (outId !== undefined) lines.push({ kind: "id", tone: "ok", text: t("optionsSampleId", [idPath.path, shown(raw)]) });
      else if (raw === undefined) lines.push({ kind: "id", tone: "info", text: t("optionsSampleNoId", [idPath.path]) });
      else lines.push({ kind: "id", tone: "info", text: t("optionsSampleIdNotUsable", [idPath.path, shown(raw)]) });
    }
  }

  if (!hasIn) return lines;
  const read = readJsonObject(input.inbound);
  if (!read.ok) {
    lines.push({ kind: "ack", tone: "error", text: t("optionsSampleInboundUnread", [read.reason]) });
    return lines;
  }
  const frame = read.value;

  // Inbound: an ack (ackWhen), for which id (ackIdPath, compared as a string).
  const ackPath = compiled("ack", "ackWhen.path", setting(rule, "delivery", "ackWhen.path"));
  const ackIdPath = compiled("ack", "ackIdPath", setting(rule, "delivery", "ackIdPath"));
  const equals = setting(rule, "delivery", "ackWhen.equals");
  let hiddenAck = false;
  if (!ackPath.ok) lines.push(ackPath.line);
  else if (!ackIdPath.ok) lines.push(ackIdPath.line);
  else {
    const got = valueAt(frame, ackPath.segments);
    if (got !== equals) {
      const gotText = got === undefined ? t("optionsSampleMissing") : shown(got);
      lines.push({ kind: "ack", tone: "info", text: t("optionsSampleNotAck", [ackPath.path, gotText, shown(equals)]) });
    } else {
      const ackId = idString(valueAt(frame, ackIdPath.segments));
      if (ackId === undefined) lines.push({ kind: "ack", tone: "info", text: t("optionsSampleAckNoId", [ackIdPath.path]) });
      else if (outId === undefined) lines.push({ kind: "ack", tone: "ok", text: t("optionsSampleAck", [shown(ackId)]) });
      else if (ackId === outId) lines.push({ kind: "ack", tone: "ok", text: t("optionsSampleAckMatches", [shown(ackId)]) });
      else lines.push({ kind: "ack", tone: "info", text: t("optionsSampleAckOther", [shown(ackId), shown(outId)]) });
      if (setting(rule, "delivery", "hideAcks") === true) {
        lines.push({ kind: "note", tone: "info", text: t("optionsSampleAckHidden") });
        // The engine drops a hidden ack before it looks for a sequence (only while delivery is on).
        hiddenAck = setting(rule, "delivery", "enabled") === true;
      }
    }
  }
  if (hiddenAck) {
    lines.push({ kind: "seq", tone: "info", text: t("optionsSampleAckNoSeq") });
    return lines;
  }

  // Inbound: the sequence at seqPath, and what a reconnect would send with it.
  const seqPath = compiled("seq", "seqPath", setting(rule, "resume", "seqPath"));
  if (!seqPath.ok) {
    lines.push(seqPath.line);
    return lines;
  }
  const seq = seqAt(frame, seqPath.segments);
  if (seq === undefined) {
    lines.push({ kind: "seq", tone: "info", text: t("optionsSampleNoSeq", [seqPath.path]) });
    return lines;
  }
  lines.push({ kind: "seq", tone: "ok", text: t("optionsSampleSeq", [seqPath.path, shown(seq)]) });
  const param = setting(rule, "resume", "queryParam");
  if (typeof param === "string" && param !== "") {
    const url = input.url.trim();
    if (url === "") {
      const query = new URL(resumeUrl("ws://socket.invalid/", param, seq)).search;
      lines.push({ kind: "resume", tone: "ok", text: t("optionsSampleResumeQuery", [query]) });
    } else {
      const next = resumeUrl(url, param, seq);
      lines.push(
        !isUrl(url)
          ? { kind: "resume", tone: "error", text: t("optionsSampleBadUrl", [url]) }
          : { kind: "resume", tone: "ok", text: t("optionsSampleResumeUrl", [next]) },
      );
    }
  } else {
    const template = setting(rule, "resume", "message");
    const text = typeof template === "string" ? template : RULE_DEFAULTS.resume.message;
    lines.push({ kind: "resume", tone: "ok", text: t("optionsSampleResumeMessage", [resumeMessage(text, seq)]) });
  }
  return lines;
}
