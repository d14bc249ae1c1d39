/**
 * The tab the popup is about. Opened from the toolbar, that is the active tab of the current window.
 * Opened as a page with `?tabId=N` (tests, a pinned window), tab N: the active tab would be the
 * popup's own.
 *
 * `tab.url` is only there for tabs the extension may see: the `tabs` permission, or a host permission
 * for the tab's URL. Lifeguard has `<all_urls>` host permissions, so http(s) pages have it; chrome://
 * and other browser pages do not, and then there is no site to protect.
 */
export interface TabInfo {
  id: number;
  url: string | undefined;
}

interface RawTab {
  id?: number;
  url?: string;
}

export interface TabsApi {
  query(query: { active: boolean; currentWindow: boolean }): Promise<RawTab[]>;
  get(tabId: number): Promise<RawTab>;
}

export function tabIdParam(search: string): number | null {
  const param = new URLSearchParams(search).get("tabId") ?? "";
  return /^\d{1,15}$/.test(param) ? Number(param) : null;
}

export async function activeTab(tabs: TabsApi, override: number | null): Promise<TabInfo | null> {
  try {
    const tab = override !== null ? await tabs.get(override) : (await tabs.query({ active: true, currentWindow: true }))[0];
    return tab && typeof tab.id === "number" && tab.id >= 0 ? { id: tab.id, url: tab.url } : null;
  } catch {
    // A tab id that does not exist (any more).
    return null;
  }
}
