import { describe, expect, it } from "vitest";
import { PageClosedError, PageNotFoundError } from "../../src/testing/errors";
import { tabOfPage } from "../../src/testing/page-tab";

function fakePage(url: string, closed = false) {
  const page = { fronted: 0, url: () => url, isClosed: () => closed, bringToFront: async () => void page.fronted++ };
  return page;
}

describe("tabOfPage", () => {
  it("takes the one tab showing the page's URL, without bringing the page to the front", async () => {
    const page = fakePage("http://a.test/#1");
    expect(await tabOfPage(page, async () => [{ id: 4, active: false }])).toBe(4);
    expect(page.fronted).toBe(0);
  });

  it("tells tabs with the same URL apart by bringing the page to the front", async () => {
    const page = fakePage("http://a.test/");
    let fronted = false;
    const showing = async () => [
      { id: 4, active: !fronted },
      { id: 9, active: fronted },
    ];
    page.bringToFront = async () => void (fronted = true);
    expect(await tabOfPage(page, showing)).toBe(9);
  });

  it("says what to do when no tab, or no single tab, shows the page", async () => {
    await expect(tabOfPage(fakePage("about:blank"), async () => [])).rejects.toThrow(PageNotFoundError);
    const twins = tabOfPage(fakePage("http://a.test/"), async () => [
      { id: 4, active: true },
      { id: 9, active: true },
    ]);
    await expect(twins).rejects.toThrow(/unique URL/);
    await expect(tabOfPage(fakePage("http://a.test/", true), async () => [])).rejects.toThrow(PageClosedError);
  });
});
