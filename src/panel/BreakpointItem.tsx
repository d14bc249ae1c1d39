import { useEffect, useState } from "preact/hooks";
import type { PanelToPage } from "../shared/protocol";
import type { Breakpoint } from "./breakpoints";
import { editableText, encodingOf, payloadOf } from "./payload-edit";
import { payloadComplete } from "./frame-rule-draft";
import { secondsLeft } from "./fault-state";
import { clip } from "./format";
import { PayloadEditor } from "./PayloadEditor";
import { t } from "../shared/i18n";

export interface BreakpointItemProps {
  breakpoint: Breakpoint;
  /** The socket's URL (absent: not known). */
  url: string | undefined;
  now: number;
  /** An answer went and the page has not said yet what became of the frame: the buttons wait. */
  answered: boolean;
  onAnswer(answer: PanelToPage["pause"]): void;
}

/** Why the payload cannot be edited, or undefined when it can. */
function readOnlyWhy(bp: Breakpoint): string | undefined {
  if (!bp.frame) return t("panelBreakpointNoRecord");
  if (payloadComplete(bp.frame)) return undefined;
  return bp.frame.opcode === "binary" && bp.frame.preview === ""
    ? t("panelBreakpointBlob", [String(bp.frame.size)])
    : t("panelBreakpointTruncated", [String(bp.frame.size)]);
}

/**
 * One paused frame: where it goes, which rule paused it, how long until it goes on by itself, its
 * payload in an editor, and Forward (edited when the payload was changed), Drop, Forward all.
 */
export function BreakpointItem({ breakpoint: bp, url, now, answered, onAnswer }: BreakpointItemProps) {
  const original = bp.frame ? editableText(bp.frame) : "";
  const [text, setText] = useState(original);
  const [touched, setTouched] = useState(false);
  const [error, setError] = useState<string | undefined>();
  // The record may come after the event: fill the editor then, unless the user already typed.
  useEffect(() => {
    if (!touched) setText(original);
  }, [original]);

  const encoding = bp.frame ? encodingOf(bp.frame) : "text";
  const locked = readOnlyWhy(bp);
  const base = { socket: bp.socket, id: bp.id };

  const forward = (): void => {
    if (locked !== undefined || text === original) return onAnswer({ ...base, action: "forward" });
    const read = payloadOf(text, encoding);
    if ("error" in read) return setError(read.error === "hex" ? t("panelPayloadBadHex") : t("panelPayloadTooLong"));
    // Hex typed back to the same bytes (other spacing, other case) is not an edit.
    const same = payloadOf(original, encoding);
    if ("payload" in same && same.payload.data === read.payload.data) return onAnswer({ ...base, action: "forward" });
    onAnswer({ ...base, action: "forward", data: read.payload.data, encoding: read.payload.encoding });
  };

  const dirWords = bp.dir === "out" ? t("panelBreakpointOut") : t("panelBreakpointIn");
  const left = bp.untilT === undefined ? null : bp.untilT > now ? t("panelBreakpointLeft", [secondsLeft(bp.untilT, now)]) : t("panelBreakpointGoingOn");
  const title = t("panelBreakpointLabel", [String(bp.id), dirWords]);

  return (
    <li class="breakpoint" data-testid="breakpoint" data-socket-id={bp.socket} data-pause-id={bp.id} aria-label={title}>
      <div class="breakpoint-head">
        <span class="breakpoint-dir" aria-hidden="true">
          {bp.dir === "out" ? "↑" : "↓"}
        </span>
        <span class="breakpoint-what">{dirWords}</span>
        {bp.rule >= 0 && <span class="breakpoint-rule">{t("panelFrameRuleN", [String(bp.rule + 1)])}</span>}
        <span class="breakpoint-url" title={url && clip(url, 4096)}>
          {url ? clip(url.replace(/^wss?:\/\//, ""), 60) : bp.socket}
        </span>
        {left !== null && (
          <span class="breakpoint-left" data-testid="breakpoint-left" aria-live="off">
            {left}
          </span>
        )}
      </div>
      <PayloadEditor
        value={text}
        onInput={(value) => {
          setText(value);
          setTouched(true);
          if (error !== undefined) setError(undefined);
        }}
        encoding={encoding}
        label={t("panelPayload")}
        readOnlyWhy={locked}
        error={error}
        testId="breakpoint-payload"
      />
      <div class="breakpoint-actions">
        <button type="button" class="breakpoint-primary" data-testid="breakpoint-forward" disabled={answered} title={t("panelBreakpointForwardTitle")} onClick={forward}>
          {text !== original && locked === undefined ? t("panelBreakpointForwardEdited") : t("panelBreakpointForward")}
        </button>
        <button type="button" data-testid="breakpoint-drop" disabled={answered} title={t("panelBreakpointDropTitle")} onClick={() => onAnswer({ ...base, action: "drop" })}>
          {t("panelBreakpointDrop")}
        </button>
        <button
          type="button"
          data-testid="breakpoint-forward-all"
          disabled={answered}
          title={t("panelBreakpointForwardAllTitle")}
          onClick={() => onAnswer({ ...base, action: "forward-all" })}
        >
          {t("panelBreakpointForwardAll")}
        </button>
        {answered && (
          <span class="breakpoint-note" role="status">
            {t("panelBreakpointWaiting")}
          </span>
        )}
      </div>
    </li>
  );
}
