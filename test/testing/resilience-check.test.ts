/**
 * lg.resilienceCheck over a scripted tab: the commands it sends and in what order (one at a time, the
 * restart's refusal before its close, the check's start and end around the faults), how it fails
 * (an invalid scenario before anything is sent, a closed page, a command that failed), and what the
 * report reads (page errors from the hook's batches since the check began, the protecting rule).
 * The real path is in playwright.chromium.test.ts.
 */
import { describe, expect, it } from "vitest";
import type { TabAnswer } from "../../src/background/testing-answer";
import type { SocketSnapshot } from "../../src/shared/protocol";
import type { Scenario } from "../../src/shared/resilience/types";
import { InvalidScenarioError, PageClosedError } from "../../src/testing/errors";
import { createLifeguard, type LifeguardDriver } from "../../src/testing/lifeguard";
import { readSettingsInWorker, requestInWorker, takeInWorker } from "../../src/testing/worker-calls";
import { socketSnapshot } from "../support/messages";

interface FakePage {
  closed: boolean;
}
type Sent = { type: string; target?: unknown; fault?: { kind: string; durationMs?: number; code?: number }; check?: boolean; on?: boolean };

const URL = "ws://127.0.0.1:9/app";

/**
 * A tab with one open socket whose requests take `delayMs` to answer (as a worker evaluation over
 * CDP does). `failOn`: a command kind whose request rejects. `inbox`: what take() hands out next.
 */
function scriptedTab(opts: { delayMs?: number; failOn?: string; settings?: unknown; protectedSocket?: boolean } = {}) {
  const sent: Sent[] = [];
  const page: FakePage = { closed: false };
  const inbox: unknown[] = [];
  let inFlight = 0;
  let overlapped = false;
  const socket: SocketSnapshot = socketSnapshot(
    "a:1",
    {
      protected: opts.protectedSocket ?? false,
      events: [
        { kind: "created", t: Date.now() - 1000, socket: { id: "a:1", url: URL, protocols: [], frameUrl: "https://app.test/", topFrame: true, createdAt: Date.now() - 1000 } },
        { kind: "state", t: Date.now() - 990, socket: "a:1", state: "open" },
      ],
    },
    { url: URL, createdAt: Date.now() - 1000 },
  );
  const driver: LifeguardDriver<FakePage> = {
    isClosed: (p) => p.closed,
    tabIdOf: async () => 7,
    async evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> {
      if (fn === (readSettingsInWorker as unknown)) return (opts.settings ?? {}) as R;
      if (fn === (takeInWorker as unknown)) return { messages: inbox.splice(0), lost: 0 } as R;
      if (fn !== (requestInWorker as unknown)) return undefined as R;
      if (++inFlight > 1) overlapped = true;
      await new Promise((r) => setTimeout(r, opts.delayMs ?? 0));
      inFlight--;
      const command = (arg as { command: Sent | null }).command;
      if (command) sent.push(command);
      if (command && (command.fault?.kind ?? command.type) === opts.failOn) throw new Error(`the worker went away during ${opts.failOn}`);
      const answer: TabAnswer = { frames: [{ stream: "s", frameUrl: "https://app.test/", upTo: 1, sockets: [structuredClone(socket)] }], relays: 1, complete: true };
      return { kind: "answer", answer } as R;
    },
  };
  return { lg: createLifeguard(driver), page, sent, inbox, overlapped: () => overlapped };
}

const SHORT: Scenario = {
  name: "short",
  settleMs: 10,
  steps: [
    { kind: "restart", code: 1012, durationMs: 40, observeMs: 60 },
    { kind: "blackhole", durationMs: 200, observeMs: 200 },
  ],
};

const describeSent = (sent: Sent[]) => sent.map((c) => (c.type === "check" ? `check ${c.on}` : `${c.fault!.kind}${c.fault!.durationMs !== undefined ? ` ${c.fault!.durationMs}` : ""}${c.fault!.code ? ` ${c.fault!.code}` : ""}`));

describe("lg.resilienceCheck", () => {
  it("sends the check's commands one at a time, in the runner's order, each a check fault to the whole tab", async () => {
    const t = scriptedTab({ delayMs: 15 });
    const report = await t.lg.resilienceCheck(t.page, SHORT);
    expect(t.overlapped()).toBe(false);
    expect(describeSent(t.sent)).toEqual(["check true", "refuse 40", "close 1012", "blackhole 200", "check false"]);
    for (const c of t.sent.filter((c) => c.type === "fault")) expect(c).toMatchObject({ target: { tab: true }, check: true });
    expect(report.scenario).toEqual(SHORT);
    expect(report.target).toEqual({ tab: true });
    expect(report.steps.map((s) => s.index)).toEqual([0, 1]);
    expect(report.startedAt).toBeLessThanOrEqual(report.steps[0]!.startT);
  });

  it("rejects an invalid scenario naming the field, before sending anything", async () => {
    const t = scriptedTab();
    const bad = { name: "bad", settleMs: 0, steps: [{ kind: "blackhole", durationMs: 5000, observeMs: 1000 }] } as Scenario;
    const error = await t.lg.resilienceCheck(t.page, bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidScenarioError);
    expect((error as InvalidScenarioError).problems).toEqual([expect.stringContaining("steps[0].observeMs")]);
    expect((error as Error).message).toContain("steps[0].observeMs must be at least durationMs");
    expect(t.sent).toEqual([]);
  });

  it("rejects with PageClosedError when the page closes during a step, and when it was closed already", async () => {
    const t = scriptedTab();
    const check = t.lg.resilienceCheck(t.page, { name: "long", settleMs: 0, steps: [{ kind: "blackhole", durationMs: 30_000, observeMs: 30_000 }] });
    setTimeout(() => (t.page.closed = true), 100);
    const started = Date.now();
    await expect(check).rejects.toBeInstanceOf(PageClosedError);
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect(t.lg.resilienceCheck(t.page, SHORT)).rejects.toBeInstanceOf(PageClosedError);
  });

  it("ends the faults in force when a command fails, then rejects with what failed", async () => {
    const t = scriptedTab({ failOn: "close" });
    await expect(t.lg.resilienceCheck(t.page, SHORT)).rejects.toThrow("the worker went away during close");
    // The refusal of 40 ms may have run out before the stop: then there is nothing to end but the check.
    expect(describeSent(t.sent).slice(0, 3)).toEqual(["check true", "refuse 40", "close 1012"]);
    expect(describeSent(t.sent).at(-1)).toBe("check false");
    expect(describeSent(t.sent)).not.toContain("blackhole 200");
  });

  it("reports the page errors of the check's batches only, and the rule that protected the page", async () => {
    const t = scriptedTab({ protectedSocket: true, settings: { rules: [{ match: "ws://other.test/*" }, { match: "ws://127.0.0.1:*" }] } });
    const batch = (t: number, message: string) => ({ source: "lifeguard-page", type: "events", stream: "s", from: 1, to: 1, events: [{ kind: "page-error", t, what: "console", message }] });
    // Taken in before the check: left out because it was drained at the start, whatever its time says.
    t.inbox.push(batch(Date.now() + 100, "from before the check"));
    const check = t.lg.resilienceCheck(t.page, { name: "one", settleMs: 0, steps: [{ kind: "drop", observeMs: 400 }] });
    setTimeout(() => t.inbox.push(batch(Date.now(), "during the check"), { type: "events", stream: 5, events: [] }), 50);
    const report = await check;
    expect(report.protection).toEqual({ protected: true, rule: "ws://127.0.0.1:*" });
    const errors = report.steps[0]!.connections.flatMap((c) => c.errors);
    expect(errors.map((e) => [e.message, e.stream, e.what])).toEqual([["during the check", "s", "console"]]);
  });

  it("says unprotected when no socket of the page is", async () => {
    const t = scriptedTab({ settings: { rules: [{ match: "ws://127.0.0.1:*" }] } });
    const report = await t.lg.resilienceCheck(t.page, { name: "one", settleMs: 0, steps: [{ kind: "drop", observeMs: 20 }] });
    expect(report.protection).toEqual({ protected: false });
  });
});
