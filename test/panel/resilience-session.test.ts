import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createModel, reduce, type PanelAction, type PanelModel } from "../../src/panel/model";
import type { PanelPort } from "../../src/panel/panel-port";
import { CheckSession, OPEN_WAIT_MS, type CheckChoice, type CheckState } from "../../src/panel/resilience-session";
import type { FaultCommand, FaultTarget } from "../../src/shared/protocol";
import { SHORT, SOCKET_URL, TUNED, fakePage, fakeStore } from "./resilience-support";

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const CHOICE: CheckChoice = { kind: "scenario", scenario: SHORT };
/** Both runs of SHORT, each after a reload and the wait after its socket opened, plus the measuring: generous. */
const WHOLE_COMPARISON_MS = 20_000;

interface Sent {
  target: FaultTarget;
  fault: FaultCommand;
  check?: true;
}

function setup(options: { stored?: unknown } = { stored: TUNED }) {
  let model: PanelModel = createModel();
  const page = fakePage((m) => {
    model = reduce(model, m as PanelAction);
  });
  const faults: Sent[] = [];
  const checks: boolean[] = [];
  const port: PanelPort = {
    requestSnapshot: () => {},
    fault: (target, fault, check) => faults.push({ target, fault, ...(check ? { check } : {}) }),
    check: (on) => checks.push(on),
    pause: () => {},
    close: () => {},
  };
  const settings = fakeStore(options.stored);
  const session = new CheckSession({ model: () => model, port: () => port, settings: settings.store, reloadPage: () => page.reload() });
  const states: CheckState[] = [];
  session.subscribe((s) => states.push(s));
  page.open(T0 - 5000);
  return { session, page, faults, checks, settings, states, model: () => model };
}

/** Lets the store's promises and the session's awaits run between timer steps. */
async function advance(ms: number, step = 50): Promise<void> {
  for (let done = 0; done < ms; done += step) {
    await vi.advanceTimersByTimeAsync(step);
  }
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});

afterEach(() => {
  vi.useRealTimers();
});

describe("CheckSession: one run", () => {
  it("watches the page, sends the check's faults flagged as the check's, and reports on the target", async () => {
    const s = setup();
    s.session.start(CHOICE, { tab: true });
    expect(s.session.busy).toBe(true);
    await advance(3000);
    expect(s.checks).toEqual([true, false]);
    expect(s.faults).toEqual([
      { target: { socket: "doc1:1" }, fault: { kind: "drop" }, check: true },
      { target: { tab: true }, fault: { kind: "offline", durationMs: 500 }, check: true },
    ]);
    const state = s.session.state;
    expect(state.phase).toBe("done");
    expect(state.result?.compared).toBe(false);
    const [report] = state.result!.reports;
    expect(report!.target).toEqual({ tab: true });
    expect(report!.protection).toEqual({ protected: false });
    expect(report!.steps.map((x) => x.step.kind)).toEqual(["drop", "offline"]);
    expect(report!.steps[0]!.connections.map((c) => c.endpoint)).toEqual([SOCKET_URL]);
    // A single run leaves the settings alone.
    expect(s.settings.saves).toEqual([]);
  });

  it("Stop ends the run at once: faults in force end, the page is no longer watched, what ran is reported", async () => {
    const s = setup();
    s.session.start(CHOICE, { tab: true });
    await advance(1300); // in the offline step (1100..2100)
    s.session.stop();
    expect(s.faults.at(-1)).toEqual({ target: { tab: true }, fault: { kind: "offline", durationMs: 0 }, check: true });
    expect(s.checks).toEqual([true, false]);
    await advance(1000);
    expect(s.session.state.phase).toBe("done");
    expect(s.session.state.result?.stopped).toBe(true);
    expect(s.session.state.result?.reports[0]!.steps.at(-1)!.stopped).toBe(true);
  });

  it("a socket target follows its logical connection", async () => {
    const s = setup();
    s.session.start(CHOICE, { endpoint: SOCKET_URL, frameUrl: "https://app.test/", socket: "doc1:1" });
    await advance(3000);
    expect(s.faults[0]!.target).toEqual({ socket: "doc1:1" });
    expect(s.session.state.result?.reports[0]!.target).toEqual({ socket: "doc1:1" });
  });
});

describe("CheckSession: with and without protection", () => {
  it("runs unprotected then protected, each after a reload, and puts the settings back exactly", async () => {
    const s = setup();
    s.session.compare(CHOICE, { tab: true });
    await advance(WHOLE_COMPARISON_MS);
    expect(s.page.reloads).toBe(2);
    const paused = { ...TUNED, rules: [{ ...TUNED.rules[0], enabled: false }, TUNED.rules[1]] };
    expect(s.settings.saves).toEqual([paused, TUNED, TUNED]);
    expect(s.settings.stored()).toEqual(TUNED);
    const { result } = s.session.state;
    expect(result?.compared).toBe(true);
    expect(result?.reports.map((r) => r.protection)).toEqual([{ protected: false }, { protected: true, rule: "wss://app.test/*" }]);
    // Each run broke the socket of its own document.
    expect(s.faults.filter((f) => f.fault.kind === "drop").map((f) => f.target)).toEqual([{ socket: "doc2:1" }, { socket: "doc3:1" }]);
    // The site had its own rule: nothing to suggest.
    expect(result?.suggestion).toBeNull();
    expect(s.session.state.phase).toBe("done");
  });

  it("a site with no rule runs protected by the rule Protect this site adds, then offers to save it", async () => {
    const none = { enabled: true, rules: [{ match: "wss://other.test/*" }], record: TUNED.record, frameRules: [] };
    const s = setup({ stored: none });
    s.session.compare(CHOICE, { tab: true });
    await advance(WHOLE_COMPARISON_MS);
    const withOrigin = { ...none, rules: [{ match: "wss://app.test/*" }, ...none.rules] };
    expect(s.settings.saves).toEqual([withOrigin, none]);
    expect(s.session.state.result?.suggestion).toEqual([SOCKET_URL]);
    await s.session.protectSuggested();
    expect(s.settings.stored()).toEqual(withOrigin);
    expect(s.session.state.protectedSaved).toBe(true);
  });

  it("nothing stored: the defaults are what is put back", async () => {
    const s = setup({});
    s.session.compare(CHOICE, { tab: true });
    await advance(WHOLE_COMPARISON_MS);
    expect(s.settings.stored()).toEqual({ enabled: true, rules: [], record: TUNED.record, frameRules: [] });
  });

  it("Stop in the second run puts the settings back and still reports the first run", async () => {
    const s = setup();
    s.session.compare(CHOICE, { tab: true });
    // First run: reload (200 ms), wait for the page's first messages, the two steps; then the second run's reload.
    for (let i = 0; i < 400 && !(s.session.state.run === "protected" && s.session.state.phase === "running"); i++) await advance(50);
    expect(s.session.state.run).toBe("protected");
    s.session.stop();
    await advance(2000);
    expect(s.settings.stored()).toEqual(TUNED);
    const { result } = s.session.state;
    expect(result?.stopped).toBe(true);
    expect(result?.reports).toHaveLength(2);
    expect(s.session.state.phase).toBe("done");
    expect(s.checks.at(-1)).toBe(false);
  });

  it("a page whose sockets do not open again after the reload: says so, and puts the settings back", async () => {
    const s = setup();
    s.page.dead = true;
    s.session.compare(CHOICE, { tab: true });
    await advance(OPEN_WAIT_MS + 1000);
    expect(s.session.state.phase).toBe("done");
    expect(s.session.state.problem).toBe(`No socket of the page opened within ${OPEN_WAIT_MS / 1000} s of the reload; the comparison stopped.`);
    expect(s.session.state.result).toBeNull();
    expect(s.settings.stored()).toEqual(TUNED);
  });

  it("the panel going away mid-comparison puts the settings back", async () => {
    const s = setup();
    s.session.compare(CHOICE, { tab: true });
    // In the first run: reloaded (200 ms), the page's first messages let out (1.5 s), then the first step.
    await advance(2500);
    expect(s.session.state.phase).toBe("running");
    expect(s.settings.stored()).not.toEqual(TUNED);
    s.session.dispose();
    await advance(100);
    expect(s.settings.stored()).toEqual(TUNED);
    expect(s.checks.at(-1)).toBe(false);
  });
});
