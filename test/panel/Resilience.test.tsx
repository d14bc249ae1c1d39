// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { render } from "preact";
import { act } from "preact/test-utils";
import { App } from "../../src/panel/App";
import { SCENARIO_KEY } from "../../src/panel/resilience-scenario-store";
import { DEFAULT_SCENARIO } from "../../src/shared/resilience/scenario";
import type { PortLike } from "../../src/shared/transports";
import type { SettingsStore } from "../../src/options/settings-store";
import { fakePortPair, flush as flushPorts, type FakePort } from "../support/fake-ports";
import { manualSlices } from "./slices";
import { RECT } from "./frames-support";
import { eventsMessage } from "../support/messages";
import { SHORT, TUNED, fakePage, fakeStore } from "./resilience-support";

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const slices = manualSlices();

async function flush(): Promise<void> {
  await flushPorts();
  slices.runAll();
  await flushPorts();
}

let container: HTMLElement;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
  vi.setSystemTime(T0);
  localStorage.clear();
});

afterEach(() => {
  render(null, container);
  container.remove();
  vi.useRealTimers();
  vi.unstubAllGlobals();
  localStorage.clear();
});

async function mount(options: { settings?: SettingsStore } = {}) {
  const servers: FakePort[] = [];
  const saved: { name: string; text: string }[] = [];
  const connect = (name: string): PortLike => {
    const { client, server } = fakePortPair(name);
    servers.push(server);
    return client;
  };
  const page = fakePage((m) => servers.at(-1)!.postMessage(m));
  container = document.createElement("div");
  document.body.append(container);
  await act(async () => {
    render(
      <App
        ingest={{ schedule: (task) => slices.schedule(task) }}
        tabId={7}
        connect={connect}
        reconnectDelay={() => 0}
        tableRect={RECT}
        saveFile={(name, text) => saved.push({ name, text })}
        settings={options.settings}
        reloadPage={() => page.reload()}
      />,
      container,
    );
    await flush();
  });
  await act(async () => {
    await page.open(T0 - 5000);
    await flush();
  });
  /** What the panel sent the page, by type. */
  const sent = (type: string) => servers.at(-1)!.received.filter((m) => (m as { type: string }).type === type) as Record<string, unknown>[];
  return { servers, saved, page, sent };
}

const $ = (id: string) => container.querySelector<HTMLElement>(`[data-testid="${id}"]`);
const all = (id: string) => [...container.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`)];

async function click(id: string): Promise<void> {
  const el = $(id);
  if (!el) throw new Error(`no ${id}`);
  await act(async () => {
    el.click();
    await flush();
  });
}

async function type(id: string, value: string): Promise<void> {
  const el = $(id) as HTMLInputElement | null;
  if (!el) throw new Error(`no ${id}`);
  await act(async () => {
    el.value = value;
    el.dispatchEvent(new Event("input", { bubbles: true }));
    await flush();
  });
}

/** Time goes by in small steps, the port's messages and the inbox's slices taken in between. */
async function advance(ms: number, step = 50): Promise<void> {
  for (let done = 0; done < ms; done += step) {
    await act(async () => {
      await vi.advanceTimersByTimeAsync(step);
      await flush();
    });
  }
}

describe("Resilience view", () => {
  it("is the toolbar's third tab", async () => {
    await mount();
    const tabs = all("view-frames").concat(all("view-timeline"), all("view-resilience"));
    expect(tabs.map((t) => t.getAttribute("role"))).toEqual(["tab", "tab", "tab"]);
    await click("view-resilience");
    expect($("view-resilience")!.getAttribute("aria-selected")).toBe("true");
    expect($("resilience")).not.toBeNull();
    expect(all("scenario-step").map((s) => s.dataset.kind)).toEqual(DEFAULT_SCENARIO.steps.map((s) => s.kind));
  });

  it("says what is wrong by the field, keeps Start off until the scenario is valid, and remembers a valid one", async () => {
    await mount();
    await click("view-resilience");
    await type("scenario-0.observeMs", "soon");
    const input = $("scenario-0.observeMs")!;
    const error = all("scenario-error");
    expect(error.map((e) => [e.dataset.field, e.textContent])).toEqual([["0.observeMs", "Enter a number of seconds from 0 to 3600."]]);
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(input.getAttribute("aria-describedby")).toBe(error[0]!.id);
    expect(($("check-start") as HTMLButtonElement).disabled).toBe(true);
    expect($("check-why")!.textContent).toBe("Fix the values marked below first.");

    // A number, but watched for less than the outage lasts (10 s): the validator's rule, said for seconds.
    await type("scenario-0.observeMs", "20");
    await type("scenario-2.observeMs", "4");
    expect(all("scenario-error").map((e) => [e.dataset.field, e.textContent])).toEqual([
      ["2.observeMs", "Watch at least as long as the fault lasts, at most 3600 s."],
    ]);
    expect(JSON.parse(localStorage.getItem(SCENARIO_KEY)!).steps[0].observeMs).toBe(20_000);

    await type("scenario-2.observeMs", "12.5");
    expect(all("scenario-error")).toEqual([]);
    expect(($("check-start") as HTMLButtonElement).disabled).toBe(false);
    expect(JSON.parse(localStorage.getItem(SCENARIO_KEY)!).steps[2].observeMs).toBe(12_500);
  });

  it("a stored scenario that is not valid: the defaults, with a notice; Reset forgets what was stored", async () => {
    localStorage.setItem(SCENARIO_KEY, JSON.stringify({ name: "x", settleMs: -1, steps: [] }));
    await mount();
    await click("view-resilience");
    expect($("scenario-notice")!.textContent).toBe("The saved scenario was not valid; the defaults are shown.");
    expect(($("scenario-3.durationMs") as HTMLInputElement).value).toBe("60");

    await type("scenario-3.durationMs", "30");
    expect(JSON.parse(localStorage.getItem(SCENARIO_KEY)!).steps[3].durationMs).toBe(30_000);
    await click("scenario-reset");
    expect(localStorage.getItem(SCENARIO_KEY)).toBeNull();
    expect(($("scenario-3.durationMs") as HTMLInputElement).value).toBe("60");
    expect($("scenario-notice")).toBeNull();
  });

  it("Start runs the check (Stop always there, progress said), Stop ends it at once, and the report exports", async () => {
    localStorage.setItem(SCENARIO_KEY, JSON.stringify(SHORT));
    const { sent, saved } = await mount();
    await click("view-resilience");
    await click("check-start");
    expect(sent("check").map((m) => m.on)).toEqual([true]);
    expect(sent("fault").map((m) => [m.target, m.fault, m.check])).toEqual([[{ socket: "doc1:1" }, { kind: "drop" }, true]]);
    expect($("check-start")).toBeNull();
    expect($("check-stop")).not.toBeNull();
    expect($("check-progress")!.textContent).toBe("Step 1 of 2: Server drops the connection (1006)… 1 s left (3 s in all)");
    // While it runs, nothing is edited.
    expect(($("scenario-editor") as HTMLFieldSetElement).disabled).toBe(true);

    await advance(1200); // the offline step (1100..2100)
    expect($("check-progress")!.textContent).toMatch(/^Step 2 of 2: Network offline for 0\.5 s… 1 s left/);
    await click("check-stop");
    expect(sent("fault").at(-1)).toMatchObject({ target: { tab: true }, fault: { kind: "offline", durationMs: 0 }, check: true });
    expect(sent("check").map((m) => m.on)).toEqual([true, false]);

    await advance(600);
    expect($("check-stop")).toBeNull();
    expect($("report-stopped")).not.toBeNull();
    expect(all("report-step")).toHaveLength(2);
    expect(all("report-row")[0]!.textContent).toContain("wss://app.test/live");

    await click("export-markdown");
    await click("export-json");
    expect(saved.map((s) => s.name.replace(/\d{4}-.*Z/, "T"))).toEqual(["lifeguard-resilience-T.md", "lifeguard-resilience-T.json"]);
    expect(saved[0]!.text).toContain("Server drops the connection (1006)");
    const json = JSON.parse(saved[1]!.text);
    expect(json.version).toBe(1);
    expect(json.steps).toHaveLength(2);
    expect(json.target).toEqual({ tab: true });

    const writeText = vi.fn(async (_text: string) => {});
    vi.stubGlobal("navigator", { ...navigator, clipboard: { writeText } });
    await click("copy-markdown");
    expect(writeText.mock.calls[0]![0]).toBe(saved[0]!.text);
    expect($("copy-status")!.textContent).toBe("Copied.");
  });

  it("the timeline marks the check's steps, labelled", async () => {
    localStorage.setItem(SCENARIO_KEY, JSON.stringify(SHORT));
    await mount();
    await click("view-resilience");
    await click("check-start");
    await advance(3000);
    await click("view-timeline");
    const bands = all("timeline-check-step");
    expect(bands.map((b) => b.dataset.index)).toEqual(["0", "1"]);
    expect(bands[1]!.getAttribute("aria-label")).toMatch(/^2\. Network offline for 0\.5 s, /);
  });

  it("Compare runs without and with protection, after a reload each, shows both side by side and puts the settings back", async () => {
    localStorage.setItem(SCENARIO_KEY, JSON.stringify(SHORT));
    const settings = fakeStore(TUNED);
    const { page } = await mount({ settings: settings.store });
    await click("view-resilience");
    await click("check-compare");
    await advance(1000);
    // The first run's page: reloaded while the site's rule is paused.
    expect(page.reloads).toBe(1);
    expect(settings.stored()).toEqual({ ...TUNED, rules: [{ ...TUNED.rules[0], enabled: false }, TUNED.rules[1]] });
    expect($("check-stop")).not.toBeNull();
    await advance(15_000);
    expect(page.reloads).toBe(2);
    expect(settings.stored()).toEqual(TUNED);
    expect($("check-stop")).toBeNull();
    expect(all("report-summary").map((s) => s.querySelector(".resilience-caption")!.textContent)).toEqual(["Without protection", "With protection"]);
    expect(all("report-step").map((s) => s.querySelectorAll('[data-testid="report-run"]').length)).toEqual([2, 2]);
    // The site had a rule of its own: nothing to save.
    expect($("protect-suggested")).toBeNull();
  });

  it("Stop during a comparison puts the settings back", async () => {
    localStorage.setItem(SCENARIO_KEY, JSON.stringify(SHORT));
    const settings = fakeStore(TUNED);
    await mount({ settings: settings.store });
    await click("view-resilience");
    await click("check-compare");
    await advance(2500);
    expect(settings.stored()).not.toEqual(TUNED);
    await click("check-stop");
    await advance(1000);
    expect(settings.stored()).toEqual(TUNED);
    expect($("check-start")).not.toBeNull();
  });

  it("the panel going away (pagehide) mid-comparison ends the check and puts the settings back", async () => {
    localStorage.setItem(SCENARIO_KEY, JSON.stringify(SHORT));
    const settings = fakeStore(TUNED);
    const { sent } = await mount({ settings: settings.store });
    await click("view-resilience");
    await click("check-compare");
    await advance(2500);
    expect(sent("check").map((m) => m.on)).toEqual([true]);
    await act(async () => {
      window.dispatchEvent(new Event("pagehide"));
      await flush();
    });
    expect(sent("check").map((m) => m.on)).toEqual([true, false]);
    expect(settings.stored()).toEqual(TUNED);
  });

  it("after comparing a site with no rule: Protect with these settings saves the rule its protected run used", async () => {
    localStorage.setItem(SCENARIO_KEY, JSON.stringify(SHORT));
    const none = { enabled: true, rules: [], record: TUNED.record, frameRules: [] };
    const settings = fakeStore(none);
    await mount({ settings: settings.store });
    await click("view-resilience");
    await click("check-compare");
    await advance(16_000);
    expect(settings.stored()).toEqual(none);
    await click("protect-suggested");
    expect(settings.stored()).toEqual({ ...none, rules: [{ match: "wss://app.test/*" }] });
    expect($("protect-saved")!.textContent).toBe("Saved: the site is protected.");
    expect($("protect-suggested")).toBeNull();
  });

  it("chaos: a seed shown to copy, a live tally as faults come, and a report named after the seed", async () => {
    const { servers, page, saved } = await mount();
    // The page's socket closes when dropped, and nothing reconnects it.
    let n = 0;
    servers.at(-1)!.onMessage.addListener((m) => {
      const message = m as { type: string; fault?: { kind: string } };
      if (message.type !== "fault" || message.fault?.kind !== "drop") return;
      servers.at(-1)!.postMessage(eventsMessage([{ kind: "state", t: Date.now(), socket: page.socket, state: "closed", code: 1006 }], ++n + 10, page.stream));
    });
    await click("view-resilience");
    await click("mode-chaos");
    expect(($("chaos-seed") as HTMLInputElement).value).toMatch(/^[0-9a-f]{8}$/);
    await type("chaos-seed", "replay-me");
    for (const kind of ["restart", "offline", "blackhole", "latency"]) await click(`chaos-kind-${kind}`);
    await type("chaos-meanGap", "0.5");
    await type("chaos-total", "0.5");
    expect(all("chaos-error")).toEqual([]);
    await click("check-start");
    expect($("check-progress")!.textContent).toMatch(/^(Next fault in|Fault 1:)/);
    await advance(3000);
    expect($("tally-outages")!.textContent).toBe("1");
    expect($("tally-worst")!.textContent).toBe("1 not recovered");
    await advance(30_000);
    expect($("check-stop")).toBeNull();
    await click("export-markdown");
    expect(saved[0]!.text).toContain("replay-me");
  });

  it("chaos: wrong values are said by their field and keep Start off", async () => {
    await mount();
    await click("view-resilience");
    await click("mode-chaos");
    await type("chaos-minDuration", "9");
    await type("chaos-maxDuration", "3");
    expect(all("chaos-error").map((e) => [e.dataset.field, e.textContent])).toEqual([["maxDuration", "Enter seconds, at least the shortest duration."]]);
    expect($("chaos-maxDuration")!.getAttribute("aria-invalid")).toBe("true");
    expect(($("check-start") as HTMLButtonElement).disabled).toBe(true);
  });
});
