/**
 * The inspected page's title and URL, for the panel's header. Chrome's DevTools panel reads them with
 * `tabs.get`; Firefox's DevTools panels have no tabs API, so there the panel asks the background,
 * which answers from `tabs.get` (the extension's host permissions make title and url present).
 */
const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null;

export const PAGE_INFO_QUERY = { type: "lifeguard-page-info" } as const;

export interface PageInfo {
  title: string;
  url: string;
}

export function isPageInfoQuery(x: unknown): x is { type: typeof PAGE_INFO_QUERY.type; tabId: number } {
  return isRecord(x) && x.type === PAGE_INFO_QUERY.type && typeof x.tabId === "number";
}

export function isPageInfo(x: unknown): x is PageInfo {
  return isRecord(x) && typeof x.title === "string" && typeof x.url === "string";
}

/** What `tabs.get` gives, as a PageInfo (a tab still loading may have neither). */
export function pageInfoOf(tab: { title?: string; url?: string }): PageInfo {
  return { title: typeof tab.title === "string" ? tab.title : "", url: typeof tab.url === "string" ? tab.url : "" };
}
