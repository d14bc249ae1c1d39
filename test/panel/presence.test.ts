import { describe, expect, it } from "vitest";
import { probePresence } from "../../src/panel/presence";
import { PRESENCE_QUERY } from "../../src/shared/protocol";

describe("probePresence", () => {
  it("asks the top frame's relay, and reads its answer", async () => {
    const sent: unknown[] = [];
    const tabs = (answer: unknown) => ({
      sendMessage: async (tabId: number, message: unknown, options: { frameId: number }) => {
        sent.push([tabId, message, options]);
        return answer;
      },
    });
    expect(await probePresence(tabs({ pageWorld: true }), 4)).toBe("recording");
    expect(await probePresence(tabs({ pageWorld: false }), 4)).toBe("off");
    expect(sent[0]).toEqual([4, PRESENCE_QUERY, { frameId: 0 }]);
    // Anything else is no relay of ours.
    expect(await probePresence(tabs(undefined), 4)).toBe("absent");
    expect(await probePresence(tabs({ pageWorld: "yes" }), 4)).toBe("absent");
  });

  it("no receiving end (no content script: loaded before install) is absent; no tabs API is unknown", async () => {
    const tabs = { sendMessage: () => Promise.reject(new Error("Could not establish connection. Receiving end does not exist.")) };
    expect(await probePresence(tabs, 4)).toBe("absent");
    expect(await probePresence(undefined, 4)).toBe("unknown");
  });
});

describe("probePresence without the tabs API (Firefox's DevTools panels)", () => {
  it("asks the background, which asks the tab", async () => {
    const asked: unknown[] = [];
    const background = async (m: unknown) => {
      asked.push(m);
      return { pageWorld: true };
    };
    expect(await probePresence(undefined, 9, background)).toBe("recording");
    expect(asked).toEqual([{ ...PRESENCE_QUERY, tabId: 9 }]);
    // The background answers null when the tab has no relay.
    expect(await probePresence(undefined, 9, async () => null)).toBe("absent");
  });
});
