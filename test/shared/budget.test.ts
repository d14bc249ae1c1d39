import { describe, expect, it } from "vitest";
import { Budget, FRAME_BUDGET, TAB_BUDGET, type BudgetLimits } from "../../src/shared/budget";
import { LIMITS } from "../../src/shared/protocol";

const limits: BudgetLimits = {
  live: {
    messages: { perSecond: 10, burst: 20 },
    events: { perSecond: 100, burst: 200 },
    chars: { perSecond: 1000, burst: 2000 },
    sockets: { perSecond: 1, burst: 5 },
  },
  answer: { events: 50, chars: 500, sockets: 3 },
  answerWithinMs: 1000,
};
const w = (events: number, chars = 0, sockets = 0) => ({ events, chars, sockets });

describe("budget", () => {
  it("admits live messages whole while every bucket holds enough, drops the rest whole, and refills with time", () => {
    let t = 0;
    const b = new Budget(limits, () => t);
    expect(b.admitLive(w(150, 100))).toBe(true);
    // 50 events left: a message of 60 goes whole, not in part.
    expect(b.admitLive(w(60))).toBe(false);
    expect(b.admitLive(w(50))).toBe(true);
    expect(b.dropped).toEqual({ messages: 1, events: 60, sockets: 0, chars: 0 });
    // Sockets have their own bucket: a batch declaring more than its burst never passes.
    expect(b.admitLive(w(0, 0, 6))).toBe(false);
    t += 500;
    // Half a second: 50 events back, not more.
    expect(b.admitLive(w(51))).toBe(false);
    expect(b.admitLive(w(50))).toBe(true);
    t += 60_000;
    // Refilled to the burst, never past it.
    expect(b.admitLive(w(201))).toBe(false);
    expect(b.admitLive(w(200))).toBe(true);
  });

  it("bounds messages by count too: 1,000 small batches at once do not pass", () => {
    const b = new Budget(limits, () => 0);
    let passed = 0;
    for (let i = 0; i < 1000; i++) if (b.admitLive(w(0))) passed++;
    expect(passed).toBe(20);
    expect(b.dropped.messages).toBe(980);
  });

  it("lets a snapshot through only after a request, up to its allowance, while its parts keep coming", () => {
    let t = 0;
    const b = new Budget(limits, () => t);
    expect(b.admitAnswer(w(1))).toBe(false);
    b.expectAnswer();
    t = 900;
    expect(b.admitAnswer(w(20, 200, 1))).toBe(true);
    // Each part keeps the answer open a while longer: a big answer takes seconds to cross.
    t = 1800;
    expect(b.admitAnswer(w(20, 200, 1))).toBe(true);
    // Past the allowance.
    expect(b.admitAnswer(w(20, 200, 1))).toBe(false);
    // A new request, a new allowance; a part long after the last is not an answer any more.
    b.expectAnswer();
    expect(b.admitAnswer(w(10))).toBe(true);
    t += 1001;
    expect(b.admitAnswer(w(10))).toBe(false);
  });

  it("lets every message a page world sends on its own pass, and a busy page's steady traffic", () => {
    for (const limitsOf of [FRAME_BUDGET, TAB_BUDGET]) {
      // A whole batch at the guard's bounds fits the burst.
      const b = new Budget(limitsOf, () => 0);
      expect(b.admitLive(w(LIMITS.eventsPerBatch, LIMITS.charsPerMessage, 0))).toBe(true);
      // 17,000 1 KiB echoes a second (BENCHMARKS.md), in the recorder's 20 batches a second.
      let t = 0;
      const steady = new Budget(limitsOf, () => t);
      let passed = 0;
      for (let i = 0; i < 100; i++, t += 50) if (steady.admitLive(w(1700, 1700 * 1024))) passed++;
      expect(passed).toBeGreaterThanOrEqual(90);
    }
    expect(TAB_BUDGET.answer.chars).toBeGreaterThanOrEqual(FRAME_BUDGET.answer.chars);
  });
});
