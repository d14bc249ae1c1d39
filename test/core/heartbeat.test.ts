import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { HeartbeatTimer } from "../../src/core/heartbeat";
import { realTimersClock } from "./fakes";

describe("HeartbeatTimer", () => {
  let log: string[];
  let hb: HeartbeatTimer;

  beforeEach(() => {
    vi.useFakeTimers();
    log = [];
    hb = new HeartbeatTimer({ intervalMs: 1000, timeoutMs: 500 }, realTimersClock, {
      ping: () => log.push(`ping@${Date.now() - t0}`),
      answered: (rtt) => log.push(`answered ${rtt}`),
      dead: (silent) => log.push(`dead ${silent}`),
      slept: (late) => log.push(`slept ${late}`),
    });
    t0 = Date.now();
  });
  afterEach(() => {
    hb.stop();
    vi.useRealTimers();
  });
  let t0 = 0;

  it("pings after intervalMs of silence and declares death timeoutMs later", () => {
    hb.start();
    vi.advanceTimersByTime(999);
    expect(log).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(log).toEqual(["ping@1000"]);
    vi.advanceTimersByTime(499);
    expect(log).toEqual(["ping@1000"]);
    vi.advanceTimersByTime(1);
    expect(log).toEqual(["ping@1000", "dead 500"]);
    expect(hb.running).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("run starts a stopped timer, leaves a running one with the same timing alone, and restarts on a new timing", () => {
    hb.run({ intervalMs: 1000, timeoutMs: 500 });
    vi.advanceTimersByTime(600);
    hb.run({ intervalMs: 1000, timeoutMs: 500 }); // same timing: the silence keeps counting
    vi.advanceTimersByTime(400);
    expect(log).toEqual(["ping@1000"]);
    hb.inbound();
    vi.advanceTimersByTime(600);
    hb.run({ intervalMs: 800, timeoutMs: 500 }); // new timing: counted from now
    vi.advanceTimersByTime(799);
    expect(log).toEqual(["ping@1000", "answered 0"]);
    vi.advanceTimersByTime(1);
    expect(log).toEqual(["ping@1000", "answered 0", "ping@2400"]);
  });

  it("measures silence from the last inbound frame, with one timer rather than one per frame", () => {
    hb.start();
    for (let i = 0; i < 9; i++) {
      vi.advanceTimersByTime(100);
      hb.inbound();
    }
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(999);
    expect(log).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(log).toEqual(["ping@1900"]);
  });

  it("any inbound frame answers the ping", () => {
    hb.start();
    vi.advanceTimersByTime(1000);
    vi.advanceTimersByTime(120);
    hb.inbound();
    expect(log).toEqual(["ping@1000", "answered 120"]);
    vi.advanceTimersByTime(1000);
    expect(log).toEqual(["ping@1000", "answered 120", "ping@2120"]);
  });

  it("a deadline that fires late (the tab slept) probes again instead of declaring death", () => {
    hb.start();
    vi.advanceTimersByTime(1000); // ping
    // The machine sleeps for a minute: the wall clock jumps, the pending timer fires late.
    vi.setSystemTime(Date.now() + 60_000);
    vi.advanceTimersByTime(500);
    expect(log).toEqual(["ping@1000", "slept 60000", "ping@61500"]);
    // Awake now: the reply that was waiting arrives.
    vi.advanceTimersByTime(50);
    hb.inbound();
    expect(log.at(-1)).toBe("answered 50");
    expect(hb.running).toBe(true);
  });

  it("after a sleep, an on-time deadline with no reply is death", () => {
    hb.start();
    vi.advanceTimersByTime(1000);
    vi.setSystemTime(Date.now() + 60_000);
    vi.advanceTimersByTime(500);
    vi.advanceTimersByTime(500);
    expect(log).toEqual(["ping@1000", "slept 60000", "ping@61500", "dead 500"]);
  });

  it("a tab whose timers are always late (throttled, but awake) still finds a dead connection", () => {
    hb.start();
    vi.setSystemTime(Date.now() + 30_000);
    vi.advanceTimersByTime(1000); // late silence timer -> ping
    vi.setSystemTime(Date.now() + 30_000);
    vi.advanceTimersByTime(500); // late deadline again -> no second chance
    expect(log).toEqual(["slept 30000", "ping@31000", "slept 30000", "dead 30500"]);
  });

  it("dueNow pings at once when idle, not while a ping is out; resumed re-probes", () => {
    hb.start();
    vi.advanceTimersByTime(10);
    hb.dueNow();
    hb.dueNow();
    expect(log).toEqual(["ping@10"]);
    vi.advanceTimersByTime(400);
    hb.resumed();
    vi.advanceTimersByTime(499);
    expect(log).toEqual(["ping@10", "ping@410"]);
    vi.advanceTimersByTime(1);
    expect(log.at(-1)).toBe("dead 500");
  });

  it("stop leaves no timer", () => {
    hb.start();
    vi.advanceTimersByTime(1000);
    hb.stop();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(10_000);
    expect(log).toEqual(["ping@1000"]);
  });
});
