/**
 * The inspected page's title and origin for the header ("Chat demo — http://127.0.0.1:8765"): from
 * `tabs.get` where the panel has the tabs API (Chrome), else by asking the background (Firefox's
 * DevTools panels). Title and URL are the page's to choose: the header renders them as text, clipped.
 */
import { PAGE_INFO_QUERY, isPageInfo, pageInfoOf, type PageInfo } from "../shared/page-info";
import type { AskBackground } from "./presence";

export type { PageInfo };

interface TabChange {
  title?: string;
  url?: string;
  status?: string;
}

export interface PageTabsLike {
  get?(tabId: number): Promise<{ title?: string; url?: string }>;
  onUpdated?: {
    addListener(listener: (tabId: number, change: TabChange) => void): void;
    removeListener(listener: (tabId: number, change: TabChange) => void): void;
  };
}

export interface PageInfoSource {
  /** The page now, or null when it cannot be told. */
  get(): Promise<PageInfo | null>;
  /** Calls back when the tab's title or URL may have changed; returns the way to stop. Absent: no such events (ask again on navigation). */
  watch?(changed: () => void): () => void;
}

export function pageInfoSource(tabs: PageTabsLike | undefined, tabId: number, background?: AskBackground): PageInfoSource | undefined {
  const get = tabs?.get?.bind(tabs);
  const onUpdated = tabs?.onUpdated;
  if (get) {
    return {
      get: () => get(tabId).then(pageInfoOf, () => null),
      watch: onUpdated
        ? (changed) => {
            const listener = (id: number, change: TabChange): void => {
              if (id === tabId && (change.title !== undefined || change.url !== undefined || change.status === "complete")) changed();
            };
            onUpdated.addListener(listener);
            return () => onUpdated.removeListener(listener);
          }
        : undefined,
    };
  }
  if (!background) return undefined;
  return {
    get: () =>
      background({ ...PAGE_INFO_QUERY, tabId }).then(
        (answer) => (isPageInfo(answer) ? answer : null),
        () => null,
      ),
  };
}

const MAX_TITLE = 200;

/** The origin of a URL; a URL without one (about:blank, data:) as it is, clipped. */
export function originOf(url: string): string {
  try {
    const { origin } = new URL(url);
    if (origin && origin !== "null") return origin;
  } catch {
    // Not a URL: shown as given.
  }
  return url.slice(0, MAX_TITLE);
}

/** "Title — origin", or the one there is; "" when neither. */
export function pageLabel(info: PageInfo): string {
  const title = info.title.trim().replace(/\s+/g, " ").slice(0, MAX_TITLE);
  const origin = info.url ? originOf(info.url) : "";
  // A page without a <title> gets its URL as tab title: not twice.
  if (!title || title === info.url) return origin;
  return origin ? `${title} — ${origin}` : title;
}
