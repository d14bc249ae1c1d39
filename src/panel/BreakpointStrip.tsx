import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { PanelToPage, SocketId } from "../shared/protocol";
import type { Breakpoint } from "./breakpoints";
import { BreakpointItem } from "./BreakpointItem";
import { t, tPlural } from "../shared/i18n";
import "./BreakpointStrip.css";

export interface BreakpointStripProps {
  /** The open breakpoints, socket by socket, each socket's in order (`BreakpointTracker.list`). */
  breakpoints: readonly Breakpoint[];
  url(socket: SocketId): string | undefined;
  onAnswer(answer: PanelToPage["pause"]): void;
}

const keyOf = (socket: SocketId, id: number): string => `${socket}\u0000${id}`;

/**
 * Frames paused by a frame rule, above the panel's views: each waits for Forward, Drop or Forward all
 * and shows how long until it goes on by itself. An answered one stays (its buttons waiting) until the
 * page world reports what became of it; then it leaves the list.
 */
export function BreakpointStrip({ breakpoints, url, onAnswer }: BreakpointStripProps) {
  const [answered, setAnswered] = useState<ReadonlySet<string>>(new Set());
  const [now, setNow] = useState(() => Date.now());
  const list = useRef<HTMLUListElement>(null);
  /** The place of the item the keyboard was in: when it goes, the next one takes the focus. */
  const focused = useRef<number | null>(null);
  useLayoutEffect(() => {
    const at = focused.current;
    const active = document.activeElement;
    if (at === null || !list.current || (active && active !== document.body && list.current.contains(active))) return;
    if (active && active !== document.body) return void (focused.current = null);
    const items = list.current.querySelectorAll<HTMLElement>('[data-testid="breakpoint-forward"]');
    items[Math.min(at, items.length - 1)]?.focus();
  }, [breakpoints]);
  const counting = breakpoints.some((bp) => bp.untilT !== undefined);
  useEffect(() => {
    if (!counting) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [counting]);

  if (breakpoints.length === 0) return null;

  const answer = (a: PanelToPage["pause"]): void => {
    onAnswer(a);
    const keys = a.action === "forward-all" ? breakpoints.filter((bp) => bp.socket === a.socket).map((bp) => keyOf(bp.socket, bp.id)) : [keyOf(a.socket, a.id)];
    // Only the open ones are kept: ids of frames already gone never pile up.
    const open = new Set(breakpoints.map((bp) => keyOf(bp.socket, bp.id)));
    setAnswered((before) => new Set([...before, ...keys].filter((k) => open.has(k))));
  };

  return (
    <section class="breakpoints" aria-label={t("panelBreakpoints")} data-testid="breakpoints">
      <h2 class="breakpoints-title">
        <span role="status">{tPlural("panelBreakpointCount", breakpoints.length)}</span>
      </h2>
      <ul
        class="breakpoints-list"
        ref={list}
        onFocusIn={(e) => {
          const item = (e.target as HTMLElement).closest("li");
          focused.current = item ? [...list.current!.children].indexOf(item) : null;
        }}
      >
        {breakpoints.map((bp) => (
          <BreakpointItem
            key={keyOf(bp.socket, bp.id)}
            breakpoint={bp}
            url={url(bp.socket)}
            now={now}
            answered={answered.has(keyOf(bp.socket, bp.id))}
            onAnswer={answer}
          />
        ))}
      </ul>
    </section>
  );
}
