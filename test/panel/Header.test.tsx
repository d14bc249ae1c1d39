// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import { render } from "preact";
import { act } from "preact/test-utils";
import { Header } from "../../src/panel/Header";
import { pageInfoSource, pageLabel, type PageTabsLike } from "../../src/panel/page-title";
import { PAGE_INFO_QUERY } from "../../src/shared/page-info";
import { mount, unmount } from "./frames-support";

let container: HTMLElement;
afterEach(async () => {
  vi.useRealTimers();
  if (container) await unmount(container);
});

const $ = (id: string) => container.querySelector<HTMLElement>(`[data-testid="${id}"]`)!;
const settle = () => act(async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
});

/** A tabs API as Chrome's DevTools panel has it: `get`, and `onUpdated` the test fires. */
function fakeTabs(tab: { title?: string; url?: string }) {
  const listeners = new Set<(id: number, change: { title?: string }) => void>();
  const gets: number[] = [];
  const tabs: PageTabsLike = {
    get: (id) => {
      gets.push(id);
      return Promise.resolve({ ...tab });
    },
    onUpdated: { addListener: (l) => listeners.add(l), removeListener: (l) => listeners.delete(l) },
  };
  const update = async (id: number, change: { title?: string; url?: string }) => {
    Object.assign(tab, change);
    await act(async () => listeners.forEach((l) => l(id, change)));
    await settle();
  };
  return { tabs, gets, listeners, update };
}

describe("header", () => {
  it("names the inspected page by title and origin, the whole URL on hover, and follows title changes", async () => {
    const fake = fakeTabs({ title: "Chat demo", url: "http://127.0.0.1:8765/chat.html?room=1" });
    container = await mount(<Header tabId={7} count={2} connected pageInfo={pageInfoSource(fake.tabs, 7)} />);
    await settle();
    expect($("page-title").textContent).toBe("Chat demo — http://127.0.0.1:8765");
    expect($("page-title").title).toBe("http://127.0.0.1:8765/chat.html?room=1");
    expect(fake.gets).toEqual([7]);
    expect(container.textContent).not.toContain("tab 7");
    // Another tab's change is not this page's.
    await fake.update(8, { title: "Other" });
    expect(fake.gets).toEqual([7]);
    await fake.update(7, { title: "Chat demo (3)" });
    expect($("page-title").textContent).toBe("Chat demo (3) — http://127.0.0.1:8765");
    await act(async () => render(null, container));
    expect(fake.listeners.size).toBe(0);
  });

  it("asks again when the top document changes", async () => {
    const fake = fakeTabs({ title: "A", url: "https://a.test/" });
    const source = pageInfoSource(fake.tabs, 7);
    container = await mount(<Header tabId={7} count={0} connected pageInfo={source} navigation={1} />);
    await settle();
    await act(async () => render(<Header tabId={7} count={0} connected pageInfo={source} navigation={2} />, container));
    await settle();
    expect(fake.gets).toEqual([7, 7]);
  });

  it("renders a page's title as text: markup makes no element", async () => {
    const fake = fakeTabs({ title: "<img src=x onerror=alert(1)>" + "x".repeat(500), url: "https://evil.test/" });
    container = await mount(<Header tabId={7} count={0} connected pageInfo={pageInfoSource(fake.tabs, 7)} />);
    await settle();
    expect(container.querySelector("img")).toBeNull();
    expect($("page-title").textContent!.startsWith("<img src=x onerror=alert(1)>")).toBe(true);
    expect($("page-title").textContent!.length).toBeLessThan(250);
  });

  it("without the tabs API (Firefox's DevTools panels) asks the background, and checks its answer", async () => {
    const asked: unknown[] = [];
    let answer: unknown = { title: "Chat demo", url: "http://127.0.0.1:8765/" };
    vi.useFakeTimers();
    const source = pageInfoSource(undefined, 7, (m) => {
      asked.push(m);
      return Promise.resolve(answer);
    })!;
    expect(source.watch).toBeUndefined();
    container = await mount(<Header tabId={7} count={0} connected pageInfo={source} />);
    await settle();
    expect(asked).toEqual([{ ...PAGE_INFO_QUERY, tabId: 7 }]);
    expect($("page-title").textContent).toBe("Chat demo — http://127.0.0.1:8765");
    // A title the page sets later is caught by asking again now and then.
    answer = { title: "Chat demo · 2 unread", url: "http://127.0.0.1:8765/" };
    await act(async () => {
      vi.advanceTimersByTime(5000);
    });
    await settle();
    expect($("page-title").textContent).toBe("Chat demo · 2 unread — http://127.0.0.1:8765");
    // An answer that is not a page's title and URL changes nothing.
    for (const bad of [{ title: "Forged" }, { title: 42, url: ["x"] }, "Forged", null]) {
      answer = bad;
      await act(async () => {
      vi.advanceTimersByTime(5000);
    });
      await settle();
      expect($("page-title").textContent).toBe("Chat demo · 2 unread — http://127.0.0.1:8765");
    }
  });

  it("names the tab by id until the page is known, and shows when the connection to the tab is down", async () => {
    container = await mount(<Header tabId={7} count={0} connected={false} pageInfo={pageInfoSource(undefined, 7, () => Promise.resolve(null))} />);
    await settle();
    expect($("page-title").textContent).toBe("tab 7");
    expect($("connection").textContent).toBe("reconnecting to tab 7…");
    await act(async () => render(<Header tabId={7} count={0} connected />, container));
    expect($("connection").textContent).toBe("");
    expect($("connection").dataset.connected).toBe("true");
  });
});

describe("page label", () => {
  it("title and origin; a page without a title by its origin; no URL origin: the URL", () => {
    expect(pageLabel({ title: "  Chat \n demo ", url: "https://x.test:8443/a/b?c" })).toBe("Chat demo — https://x.test:8443");
    expect(pageLabel({ title: "https://x.test/a", url: "https://x.test/a" })).toBe("https://x.test");
    expect(pageLabel({ title: "", url: "about:blank" })).toBe("about:blank");
    expect(pageLabel({ title: "T", url: "" })).toBe("T");
  });
});
