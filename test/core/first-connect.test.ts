/**
 * A protected page is never trapped in CONNECTING (DESIGN.md, "Settings"): retries of a first connect
 * that never opened stop after `initialMaxAttempts`, and a port the browser blocks fails at once.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { isBadPort } from "../../src/core/bad-port";
import { ReconnectAttempts } from "../../src/core/backoff";
import { harness, type Harness } from "./fakes";

const FAST = { minDelayMs: 100, maxDelayMs: 1000, factor: 2, stableAfterMs: 5000 };

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Fails every attempt as it comes; returns how many reconnecting events the page saw. */
function failEveryAttempt(h: Harness, max = 50): number {
  for (let i = 0; i < max; i++) {
    const ev = h.pageEvents.at(-1);
    if (ev?.type !== "reconnecting") break;
    vi.advanceTimersByTime(ev.detail.delayMs);
    h.latest().drop();
  }
  return h.pageEvents.filter((e) => e.type === "reconnecting").length;
}

describe("initialMaxAttempts", () => {
  it("stops retrying a first connect after that many attempts: error, then close 1006 (not clean)", () => {
    const h = harness({ ruleOverrides: { reconnect: { ...FAST, initialMaxAttempts: 3 } } });
    h.initial.drop();
    expect(failEveryAttempt(h)).toBe(3);
    expect(h.sockets).toHaveLength(3);
    expect(h.page.slice(-2)).toEqual(["synthetic:error", "synthetic:close 1006"]);
    expect(h.pageEvents.at(-1)).toEqual({ type: "close", code: 1006, reason: "", wasClean: false });
    expect(h.conn.readyState).toBe(3);
    expect(h.conn.state).toBe("closed");
    expect(vi.getTimerCount()).toBe(0);
    expect(h.recorded.at(-1)).toMatchObject({ kind: "state", state: "closed", code: 1006, wasClean: false });
    expect(h.states().at(-1)).toBe("closed 1006");
  });

  it("defaults to 10", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST } });
    h.initial.drop();
    expect(failEveryAttempt(h)).toBe(10);
    expect(h.page.slice(-2)).toEqual(["synthetic:error", "synthetic:close 1006"]);
  });

  it("null retries on (past the default's 10)", () => {
    const h = harness({ ruleOverrides: { reconnect: { ...FAST, initialMaxAttempts: null } } });
    h.initial.drop();
    expect(failEveryAttempt(h, 25)).toBe(26);
    expect(h.conn.readyState).toBe(0);
    expect(h.page.some((p) => p.includes("close"))).toBe(false);
    vi.advanceTimersByTime(1000);
    h.latest().serverOpen();
    expect(h.conn.readyState).toBe(1);
  });

  it("0: the failed first connect reaches the page natively", () => {
    const h = harness({ ruleOverrides: { reconnect: { ...FAST, initialMaxAttempts: 0 } } });
    h.initial.drop();
    expect(h.page).toEqual(["native:error", "native:close 1006"]);
    expect(h.sockets).toHaveLength(0);
  });

  it("a smaller maxAttempts still bounds the first connect", () => {
    const h = harness({ ruleOverrides: { reconnect: { ...FAST, maxAttempts: 2, initialMaxAttempts: 5 } } });
    h.initial.drop();
    expect(failEveryAttempt(h)).toBe(2);
  });

  it("no longer applies once the page's socket has opened: later outages retry on", () => {
    const h = harness({ ruleOverrides: { reconnect: { ...FAST, initialMaxAttempts: 2 } } });
    h.initial.serverOpen();
    h.initial.drop();
    expect(failEveryAttempt(h, 6)).toBe(7);
    expect(h.conn.readyState).toBe(0);
  });

  it("counts retries of a first connect that opened only on a replacement as an ordinary outage afterwards", () => {
    const h = harness({ ruleOverrides: { reconnect: { ...FAST, initialMaxAttempts: 2 } } });
    h.initial.drop();
    vi.advanceTimersByTime(50);
    h.latest().serverOpen(); // the first connect opened on attempt 1
    h.latest().drop(); // attempt 2, and 4 more: past initialMaxAttempts, yet still retrying
    expect(failEveryAttempt(h, 4)).toBe(6);
    expect(h.conn.readyState).toBe(0);
  });
});

describe("a port the browser blocks", () => {
  it("isBadPort follows the fetch standard's list", () => {
    for (const port of [0, 1, 21, 22, 25, 110, 143, 465, 587, 993, 995, 2049, 4190, 5060, 6000, 6566, 6667, 6679, 6697, 10080]) {
      expect(isBadPort(`ws://example.test:${port}/`), String(port)).toBe(true);
    }
    for (const port of [2, 80, 443, 1024, 3000, 8080, 6670, 10081, 65535]) {
      expect(isBadPort(`ws://example.test:${port}/`), String(port)).toBe(false);
    }
    expect(isBadPort("wss://example.test/live")).toBe(false);
    expect(isBadPort("ws://example.test:80/live")).toBe(false);
    expect(isBadPort("wss://[::1]:6667/")).toBe(true);
    expect(isBadPort("not a url")).toBe(false);
  });

  it("a first connect to it is not retried: the native error and close reach the page at once", () => {
    const h = harness({ url: "ws://example.test:6667/live", ruleOverrides: { reconnect: FAST } });
    h.initial.drop();
    expect(h.page).toEqual(["native:error", "native:close 1006"]);
    expect(h.sockets).toHaveLength(0);
    expect(h.conn.readyState).toBe(3);
    expect(vi.getTimerCount()).toBe(0);
    expect(h.recorded.at(-1)).toMatchObject({ kind: "state", state: "closed", cause: expect.stringContaining("browsers block") });
  });

  it("an ordinary port is retried as before", () => {
    const h = harness({ url: "ws://example.test:6670/live", ruleOverrides: { reconnect: FAST } });
    h.initial.drop();
    expect(h.page).toEqual(["synthetic:reconnecting 1"]);
  });
});

describe("ReconnectAttempts", () => {
  it("is exhausted past maxAttempts, and before the first open past initialMaxAttempts", () => {
    const a = new ReconnectAttempts();
    a.count = 3;
    expect(a.exhausted({ maxAttempts: null, initialMaxAttempts: 3 }, false)).toBe(true);
    expect(a.exhausted({ maxAttempts: null, initialMaxAttempts: 3 }, true)).toBe(false);
    expect(a.exhausted({ maxAttempts: 3, initialMaxAttempts: null }, true)).toBe(true);
    expect(a.exhausted({ maxAttempts: 4, initialMaxAttempts: null }, false)).toBe(false);
    expect(a.exhausted({ maxAttempts: null }, false)).toBe(false);
  });

  it("numbers attempts from 1; a fixed wait (offline) replaces the curve's", () => {
    const a = new ReconnectAttempts();
    const policy = { minDelayMs: 100, maxDelayMs: 1000, factor: 2 };
    expect(a.next(policy, () => 1, null)).toBe(100);
    expect(a.next(policy, () => 1, 5000)).toBe(5000);
    expect(a.next(policy, () => 1, null)).toBe(400);
    expect(a.count).toBe(3);
  });
});
