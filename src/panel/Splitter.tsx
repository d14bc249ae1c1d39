import { useRef } from "preact/hooks";
import type { TargetedKeyboardEvent, TargetedPointerEvent } from "preact";
import { MAX_SIZE, clampSize } from "./layout-memory";
import "./Splitter.css";

export interface SplitterProps {
  /** What it resizes, for screen readers ("Resize column State"). */
  label: string;
  /** `vertical`: a line between side-by-side things, dragged left and right; `horizontal`: up and down. */
  orientation: "vertical" | "horizontal";
  /** Size of what it resizes, px; null: not dragged yet, `measure` says the size laid out. */
  value: number | null;
  measure?(): number;
  min: number;
  max?: number;
  /** The thing resized lies after the line (below or right of it): dragging towards it shrinks it. */
  after?: boolean;
  onChange(size: number): void;
  class?: string;
  testId?: string;
}

const STEP = 10;
const BIG_STEP = 50;

/**
 * A draggable line between two parts (columns, panes), as DevTools' own: pointer drag, or focus and
 * arrow keys (Shift for bigger steps). It reports sizes; its owner lays out and remembers them.
 */
export function Splitter({ label, orientation, value, measure, min, max = MAX_SIZE, after = false, onChange, class: cls, testId }: SplitterProps) {
  const drag = useRef<{ from: number; size: number } | null>(null);
  const current = (): number => clampSize(value ?? measure?.() ?? min, min, max);
  const coordinate = (e: PointerEvent): number => (orientation === "vertical" ? e.clientX : e.clientY);
  const sign = after ? -1 : 1;

  const onPointerDown = (e: TargetedPointerEvent<HTMLElement>): void => {
    if (e.button !== 0) return;
    // No text selection and no click on the column head (a sort, a select) while dragging.
    e.preventDefault();
    e.stopPropagation();
    drag.current = { from: coordinate(e), size: current() };
    e.currentTarget.setPointerCapture?.(e.pointerId);
  };
  const onPointerMove = (e: TargetedPointerEvent<HTMLElement>): void => {
    const d = drag.current;
    if (d) onChange(clampSize(d.size + sign * (coordinate(e) - d.from), min, max));
  };
  const onPointerEnd = (e: TargetedPointerEvent<HTMLElement>): void => {
    if (!drag.current) return;
    drag.current = null;
    if (e.currentTarget.hasPointerCapture?.(e.pointerId)) e.currentTarget.releasePointerCapture(e.pointerId);
  };
  const onKeyDown = (e: TargetedKeyboardEvent<HTMLElement>): void => {
    const [less, more] = orientation === "vertical" ? ["ArrowLeft", "ArrowRight"] : ["ArrowUp", "ArrowDown"];
    const step = e.shiftKey ? BIG_STEP : STEP;
    let next: number;
    if (e.key === less) next = current() - sign * step;
    else if (e.key === more) next = current() + sign * step;
    else if (e.key === "Home") next = min;
    else if (e.key === "End" && max < MAX_SIZE) next = max;
    else return;
    e.preventDefault();
    e.stopPropagation();
    onChange(clampSize(next, min, max));
  };

  return (
    <span
      class={`splitter splitter-${orientation}${cls ? ` ${cls}` : ""}`}
      role="separator"
      aria-orientation={orientation}
      aria-label={label}
      aria-valuenow={current()}
      aria-valuemin={min}
      aria-valuemax={max}
      tabIndex={0}
      data-testid={testId}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerEnd}
      onPointerCancel={onPointerEnd}
      onKeyDown={onKeyDown}
      onClick={(e) => e.stopPropagation()}
    />
  );
}
