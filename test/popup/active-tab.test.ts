import { describe, expect, it } from "vitest";
import { activeTab, tabIdParam, type TabsApi } from "../../src/popup/active-tab";

function tabs(list: { id?: number; url?: string; active?: boolean }[]): TabsApi & { queries: unknown[] } {
  const queries: unknown[] = [];
  return {
    queries,
    query: async (q) => {
      queries.push(q);
      return list.filter((t) => t.active);
    },
    get: async (id) => {
      const tab = list.find((t) => t.id === id);
      if (!tab) throw new Error(`No tab with id: ${id}.`);
      return tab;
    },
  };
}

describe("the popup's tab", () => {
  it("is the active tab of the current window", async () => {
    const api = tabs([{ id: 1, url: "https://a/" }, { id: 2, url: "https://b/", active: true }]);
    expect(await activeTab(api, null)).toEqual({ id: 2, url: "https://b/" });
    expect(api.queries).toEqual([{ active: true, currentWindow: true }]);
  });

  it("is tab N with ?tabId=N, and none when N does not exist", async () => {
    const api = tabs([{ id: 1, url: "https://a/" }, { id: 2, url: "https://b/", active: true }]);
    expect(await activeTab(api, 1)).toEqual({ id: 1, url: "https://a/" });
    expect(await activeTab(api, 9)).toBeNull();
  });

  it("keeps a tab whose url the extension may not see", async () => {
    expect(await activeTab(tabs([{ id: 4, active: true }]), null)).toEqual({ id: 4, url: undefined });
  });

  it("reads ?tabId= strictly", () => {
    expect(tabIdParam("?tabId=12")).toBe(12);
    expect(tabIdParam("?tabId=")).toBeNull();
    expect(tabIdParam("?tabId=-1")).toBeNull();
    expect(tabIdParam("?tabId=1e3")).toBeNull();
    expect(tabIdParam("")).toBeNull();
  });
});
