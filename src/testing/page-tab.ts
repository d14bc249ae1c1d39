/** Which browser tab a test driver's page is (see the note on `tabOfPage`). */
import { PageClosedError, PageNotFoundError } from "./errors";

/** What this needs of a driver's page (Playwright's and Puppeteer's both fit). */
export interface DriverPage {
  url(): string;
  isClosed(): boolean;
  bringToFront(): Promise<void>;
}

/**
 * A driver's page is one tab for its whole life, but neither Playwright nor Puppeteer says which: the
 * tab showing the page's URL, and when several do, the one that becomes active when the page is
 * brought to the front. So a page's first Lifeguard call may bring it to the front (its visibility
 * changes) when another tab shows the same URL.
 */
export async function tabOfPage(
  page: DriverPage,
  showing: (url: string) => Promise<{ id: number; active: boolean }[]>,
): Promise<number> {
  if (page.isClosed()) throw new PageClosedError();
  const url = page.url();
  let tabs = await showing(url);
  if (tabs.length === 1) return tabs[0]!.id;
  if (tabs.length > 1) {
    await page.bringToFront();
    tabs = await showing(url);
    const active = tabs.filter((t) => t.active);
    if (active.length === 1) return active[0]!.id;
  }
  throw new PageNotFoundError(url, tabs.length);
}
