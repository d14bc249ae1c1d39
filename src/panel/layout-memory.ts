/**
 * Sizes the user dragged (table columns, splits between panes), remembered across panel reloads in the
 * localStorage of the panel's own origin, one key per table or split. What is read back is checked:
 * a value that is not a size the panel could show is ignored, never trusted.
 */
import { useCallback, useState } from "preact/hooks";

const PREFIX = "lifeguard.layout.";
/** No column or pane is dragged wider than this; a bigger stored number is garbage. */
export const MAX_SIZE = 4000;

function read(key: string): unknown {
  try {
    const raw = globalThis.localStorage?.getItem(PREFIX + key);
    return raw == null ? undefined : (JSON.parse(raw) as unknown);
  } catch {
    // Unparsable, or storage switched off (Firefox's dom.storage.enabled): as if never stored.
    return undefined;
  }
}

function write(key: string, value: unknown): void {
  try {
    globalThis.localStorage?.setItem(PREFIX + key, JSON.stringify(value));
  } catch {
    // Storage full or off: the size holds for this session only.
  }
}

const isSize = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x) && x > 0 && x <= MAX_SIZE;

export const clampSize = (value: number, min: number, max = MAX_SIZE): number => Math.round(Math.min(max, Math.max(min, value)));

export interface ColumnSpec {
  id: string;
  /** Width before the user drags, px. */
  width: number;
  /** Narrowest it may be dragged, px. */
  min: number;
}

/** Widths by column id (a column added later keeps its default); each stored one raised to its minimum. */
export function storedWidths(key: string, columns: readonly ColumnSpec[]): number[] {
  const stored = read(key);
  const byId = typeof stored === "object" && stored !== null && !Array.isArray(stored) ? (stored as Record<string, unknown>) : {};
  return columns.map((c) => {
    const value = Object.hasOwn(byId, c.id) ? byId[c.id] : undefined;
    return isSize(value) ? clampSize(value, c.min) : Math.max(c.width, c.min);
  });
}

/** The columns' widths, and a setter that remembers them. */
export function useColumnWidths(key: string, columns: readonly ColumnSpec[]): [number[], (column: number, width: number) => void] {
  const [widths, setWidths] = useState(() => storedWidths(key, columns));
  const resize = useCallback(
    (column: number, width: number) =>
      setWidths((before) => {
        const next = before.map((w, i) => (i === column ? clampSize(width, columns[i]!.min) : w));
        write(key, Object.fromEntries(columns.map((c, i) => [c.id, next[i]])));
        return next;
      }),
    [key, columns],
  );
  // A minimum that grew since (another locale's longer words) applies to what was stored.
  return [widths.map((w, i) => Math.max(w, columns[i]!.min)), resize];
}

/** A split's size (px), or null until the user drags it: the CSS default holds. */
export function useStoredSize(key: string, min: number): [number | null, (size: number) => void] {
  const [size, setSize] = useState<number | null>(() => {
    const stored = read(key);
    return isSize(stored) ? clampSize(stored, min) : null;
  });
  const resize = useCallback(
    (next: number) => {
      const value = clampSize(next, min);
      write(key, value);
      setSize(value);
    },
    [key, min],
  );
  return [size, resize];
}
