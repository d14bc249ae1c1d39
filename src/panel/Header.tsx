import { useEffect, useState } from "preact/hooks";
import { clip } from "./format";
import { pageLabel, type PageInfo, type PageInfoSource } from "./page-title";
import "./Header.css";
import { t } from "../shared/i18n";

export interface HeaderProps {
  tabId: number;
  count: number;
  connected: boolean;
  /** Where the inspected page's title and URL come from; absent: the header names the tab by id. */
  pageInfo?: PageInfoSource;
  /** Changes when the tab's top document does (navigation, reload): the title is asked again. */
  navigation?: number;
}

/** Without tab events (Firefox's DevTools panels) a title the page sets later is caught this often. */
export const PAGE_INFO_POLL_MS = 5000;

export function Header({ tabId, count, connected, pageInfo, navigation }: HeaderProps) {
  const page = usePageInfo(pageInfo, navigation, connected);
  const label = page ? pageLabel(page) : "";
  return (
    <header class="header">
      <span class="header-title">Lifeguard</span>
      <span data-testid="socket-count" data-count={count}>
        {t(count === 1 ? "panelSocketCountOne" : "panelSocketCountMany", [String(count)])}
      </span>
      {/* The page's own words: text only, one clipped line, the whole URL on hover. */}
      <span class="header-page" data-testid="page-title" title={page?.url ? clip(page.url, 4096) : undefined}>
        {label || t("panelTab", [String(tabId)])}
      </span>
      <span class={connected ? "header-link" : "header-link header-link-down"} data-testid="connection" data-connected={String(connected)}>
        {connected ? "" : t("panelReconnectingToTab", [String(tabId)])}
      </span>
    </header>
  );
}

function usePageInfo(source: PageInfoSource | undefined, navigation: number | undefined, connected: boolean): PageInfo | null {
  const [page, setPage] = useState<PageInfo | null>(null);
  useEffect(() => {
    if (!source) return;
    let live = true;
    const ask = (): void => void source.get().then((info) => live && info && setPage(info));
    ask();
    const stop = source.watch ? source.watch(ask) : undefined;
    const timer = source.watch ? undefined : setInterval(ask, PAGE_INFO_POLL_MS);
    return () => {
      live = false;
      stop?.();
      if (timer !== undefined) clearInterval(timer);
    };
  }, [source, navigation, connected]);
  return page;
}
