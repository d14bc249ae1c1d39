import type { FrameMark } from "./frame-marks";
import "./FrameMarkTags.css";

/** A frame's provenance and fate tags: a glyph and a word each, the sentence in the tooltip. */
export function FrameMarkTags({ marks, testId }: { marks: readonly FrameMark[]; testId: string }) {
  return (
    <>
      {marks.map((mark) => (
        <span key={mark.key} class={`frame-mark frame-mark-${mark.key}`} data-testid={testId} data-mark={mark.key} title={mark.title}>
          <span aria-hidden="true">{mark.glyph}</span> {mark.label}
        </span>
      ))}
    </>
  );
}
