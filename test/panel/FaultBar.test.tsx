// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import { render } from "preact";
import { act } from "preact/test-utils";
import { FaultBar, type FaultBarProps } from "../../src/panel/FaultBar";
import { activeFaults } from "../../src/panel/fault-state";
import { App } from "../../src/panel/App";
import type { SocketView } from "../../src/panel/model";
import type { SettingsStore } from "../../src/options/settings-store";
import type { PortLike } from "../../src/shared/transports";
import { fakePortPair, flush as flushPorts, type FakePort } from "../support/fake-ports";
import { manualSlices } from "./slices";
import { eventsMessage, snapshotMessage, socketInfo, socketSnapshot } from "../support/messages";

/** The panel's inbox applies port messages in slices, on tasks these tests run themselves. */
const slices = manualSlices();
/** Port deliveries, then every slice of the inbox they queued, then what those posted. */
async function flush(): Promise<void> {
  await flushPorts();
  slices.runAll();
  await flushPorts();
}

let container: HTMLElement;

afterEach(() => {
  render(null, container);
  container.remove();
});

const socket: SocketView = {
  id: "f:1",
  url: "wss://app.test/live",
  protocols: [],
  frameUrl: "https://app.test/",
  topFrame: true,
  state: "open",
  protected: false,
  framesIn: 0,
  framesOut: 0,
  bytesIn: 0,
  bytesOut: 0,
  createdAt: 0,
  lastSeq: 0,
  lastActivity: 0,
  reconnects: 0,
  origin: "live",
};

function mount(over: Partial<FaultBarProps> = {}) {
  const onFault = vi.fn();
  container = document.createElement("div");
  document.body.append(container);
  const props = (more: Partial<FaultBarProps> = {}) => ({ socket, inForce: [], live: 1, now: 0, onFault, ...over, ...more });
  act(() => render(<FaultBar {...props()} />, container));
  const q = (id: string) => container.querySelector(`[data-testid="${id}"]`) as HTMLElement & { value: string; disabled: boolean };
  const type = (id: string, value: string) =>
    act(() => {
      const el = q(id);
      el.value = value;
      el.dispatchEvent(new Event("input", { bubbles: true }));
    });
  const rerender = (more: Partial<FaultBarProps>) => act(() => render(<FaultBar {...props(more)} />, container));
  const group = (name: string) => container.querySelector(`[role="group"][aria-label="${name}"]`) as HTMLElement;
  const errorIn = (name: string) => [...group(name).querySelectorAll('[data-testid="fault-error"]')].map((e) => e.textContent);
  return { onFault, q, type, rerender, group, errorIn };
}

const other: SocketView = { ...socket, id: "f:2", url: "wss://app.test/other?room=42" };
const third: SocketView = { ...socket, id: "f:3", url: "wss://app.test/third" };
const NEEDS_LIVE = ["fault-drop", "fault-close", "fault-blackhole", "fault-latency", "fault-inject", "fault-send", "fault-reconnect"];

describe("fault bar", () => {
  it("acts on the selected socket, or on the whole tab when none is", () => {
    const one = mount();
    act(() => one.q("fault-drop").click());
    expect(one.onFault).toHaveBeenLastCalledWith({ socket: "f:1" }, { kind: "drop" });
    expect(one.q("fault-scope").textContent).toBe("Acts on app.test/live");
    expect(one.q("fault-scope").title).toBe("wss://app.test/live");
    render(null, container);
    container.remove();
    const all = mount({ socket: null });
    expect(all.q("fault-scope").textContent).toBe("Acts on Every socket of the tab");
    act(() => all.q("fault-drop").click());
    expect(all.onFault).toHaveBeenLastCalledWith({ tab: true }, { kind: "drop" });
  });

  it("groups its controls under visible names, and every input has a visible label and its unit beside it, not on a button", () => {
    const { group } = mount({ socket: null });
    const groups = [...container.querySelectorAll('[role="group"]')];
    expect(groups.map((g) => g.getAttribute("aria-label"))).toEqual(["Connection", "Network", "Messages", "Protection"]);
    expect(groups.map((g) => g.querySelector(".faultbar-caption")!.textContent)).toEqual(["Connection", "Network", "Message", "Protection"]);
    // Each input's label, by for/id, and the text that follows it up to the next control: its unit.
    const labelled = [...container.querySelectorAll("input, select, textarea")].map((el) => {
      const label = container.querySelector(`label[for="${el.id}"]`);
      const unit = el.nextElementSibling?.classList.contains("faultbar-unit-name") ? el.nextElementSibling.textContent : "";
      return `${el.getAttribute("data-testid")}: ${label?.textContent ?? "NO LABEL"} [${unit}]`;
    });
    expect(labelled).toEqual([
      "fault-close-code: Code []",
      "fault-close-reason: Reason []",
      "fault-offline-seconds: Offline [s]",
      "fault-blackhole-seconds: Black-hole [s]",
      "fault-latency-in: Latency in [ms]",
      "fault-latency-out: out [ms]",
      "fault-payload: Message []",
      "fault-encoding: as []",
    ]);
    expect(new Set([...container.querySelectorAll("[id]")].map((e) => e.id)).size).toBe(container.querySelectorAll("[id]").length);
    // Units are beside the inputs, not on the buttons; a button that starts a fault names it for a screen reader.
    const buttons = [...container.querySelectorAll("button")].map((b) => b.textContent);
    expect(buttons.filter((b) => /\b(s|ms)\b/.test(b!))).toEqual([]);
    expect(group("Network").querySelector('[data-testid="fault-offline"]')!.getAttribute("aria-label")).toBe("Start offline");
    // Each fault's controls stay together when the group wraps.
    for (const id of ["fault-offline", "fault-blackhole", "fault-latency"]) {
      expect(container.querySelector(`[data-testid="${id}"]`)!.parentElement!.classList.contains("faultbar-unit")).toBe(true);
    }
  });

  it("closes as the server with a code and reason, refusing codes a server cannot send, and says why beside them", async () => {
    const { q, type, onFault, errorIn } = mount();
    await type("fault-close-code", "1005");
    expect(q("fault-close").disabled).toBe(true);
    expect(errorIn("Connection")).toEqual(["A server closes with 1000-1003, 1007-1014 or 3000-4999"]);
    await type("fault-close-code", "4001");
    expect(errorIn("Connection")).toEqual([]);
    await type("fault-close-reason", "x".repeat(124));
    expect(errorIn("Connection")).toEqual(["A close reason takes at most 123 bytes (UTF-8)"]);
    await type("fault-close-reason", "maintenance");
    act(() => q("fault-close").click());
    expect(onFault).toHaveBeenLastCalledWith({ socket: "f:1" }, { kind: "close", code: 4001, reason: "maintenance" });
  });

  it("offline is always the whole tab's; while on, the faults in force count it down with an End button", () => {
    const { q, onFault, rerender } = mount();
    act(() => q("fault-offline").click());
    expect(onFault).toHaveBeenLastCalledWith({ tab: true }, { kind: "offline", durationMs: 5000 });
    rerender({ inForce: [{ kind: "offline", sockets: [], until: 4200 }], now: 1000 });
    expect(q("fault-countdown").textContent).toBe("Offline: 4 s left");
    expect(q("fault-in-force").textContent).toContain("the whole tab");
    act(() => q("fault-offline-end").click());
    expect(onFault).toHaveBeenLastCalledWith({ tab: true }, { kind: "offline", durationMs: 0 });
  });

  it("says what is wrong beside the group it belongs to, and takes it back once the input is fixed", async () => {
    const { q, type, onFault, errorIn } = mount();
    await type("fault-payload", "zz not hex");
    await act(() => {
      const sel = q("fault-encoding") as unknown as HTMLSelectElement;
      sel.value = "hex";
      sel.dispatchEvent(new Event("change", { bubbles: true }));
    });
    act(() => q("fault-inject").click());
    expect(errorIn("Messages")).toEqual(["Not valid hex, or too long"]);
    expect(q("fault-payload").getAttribute("aria-invalid")).toBe("true");
    await type("fault-blackhole-seconds", "-3");
    act(() => q("fault-blackhole").click());
    await type("fault-latency-in", "1.5");
    act(() => q("fault-latency").click());
    expect(errorIn("Network")).toEqual(["Black-hole: give a number of seconds between 0 and 3600", "Latency: give whole milliseconds from 0 to 60000"]);
    expect(errorIn("Messages")).toEqual(["Not valid hex, or too long"]);
    expect(q("fault-blackhole-seconds").getAttribute("aria-describedby")).toBe(container.querySelector('[data-field="blackhole"]')!.id);
    expect(onFault).not.toHaveBeenCalled();
    // Still wrong: still said. Fixed: gone, without a click.
    await type("fault-blackhole-seconds", "abc");
    expect(errorIn("Network")).toHaveLength(2);
    await type("fault-blackhole-seconds", "5");
    expect(errorIn("Network")).toEqual(["Latency: give whole milliseconds from 0 to 60000"]);
    await type("fault-latency-in", "150");
    expect(errorIn("Network")).toEqual([]);
    await type("fault-payload", "01 ff");
    expect(errorIn("Messages")).toEqual([]);
    act(() => q("fault-inject").click());
    expect(onFault).toHaveBeenLastCalledWith({ socket: "f:1" }, { kind: "inject", data: "01 ff", encoding: "hex" });
    // Typing does not raise a message before the button is pressed.
    await type("fault-offline-seconds", "-1");
    expect(errorIn("Network")).toEqual([]);
  });

  it("has keyboard shortcuts: Alt+Shift+D drops, Alt+Shift+L sets latency", () => {
    const { onFault } = mount();
    act(() => {
      document.dispatchEvent(new KeyboardEvent("keydown", { code: "KeyD", altKey: true, shiftKey: true }));
    });
    expect(onFault).toHaveBeenLastCalledWith({ socket: "f:1" }, { kind: "drop" });
    act(() => {
      document.dispatchEvent(new KeyboardEvent("keydown", { code: "KeyL", altKey: true, shiftKey: true }));
    });
    expect(onFault).toHaveBeenLastCalledWith({ socket: "f:1" }, { kind: "latency", inMs: 200, outMs: 200 });
    act(() => {
      document.dispatchEvent(new KeyboardEvent("keydown", { code: "KeyD", altKey: false, shiftKey: true }));
    });
    expect(onFault).toHaveBeenCalledTimes(2);
  });

  it("on a closed socket, disables what needs a live connection and says why in the bar; offline still works", () => {
    const { q, onFault } = mount({ socket: { ...socket, state: "closed", closeCode: 1006, protected: true } });
    expect(NEEDS_LIVE.filter((id) => !q(id).disabled)).toEqual([]);
    expect(q("fault-why").textContent).toBe("This socket is closed (1006): faults act on live sockets. Select a live socket, or none for the whole tab.");
    act(() => {
      document.dispatchEvent(new KeyboardEvent("keydown", { code: "KeyD", altKey: true, shiftKey: true }));
    });
    expect(onFault).not.toHaveBeenCalled();
    expect(q("fault-offline").disabled).toBe(false);
    act(() => q("fault-offline").click());
    expect(onFault).toHaveBeenLastCalledWith({ tab: true }, { kind: "offline", durationMs: 5000 });
  });

  it("with no live socket in the tab, says so for the tab; an imported socket says where it comes from", () => {
    const tab = mount({ socket: null, live: 0 });
    expect(NEEDS_LIVE.filter((id) => !tab.q(id).disabled)).toEqual([]);
    expect(tab.q("fault-why").textContent).toBe("No socket of the tab is live: faults act on live sockets. Offline still works: it also refuses new sockets.");
    expect(tab.q("fault-offline").disabled).toBe(false);
    tab.rerender({ live: 2 });
    expect(tab.q("fault-why")).toBeNull();
    expect(tab.q("fault-drop").disabled).toBe(false);
    tab.rerender({ socket: { ...socket, origin: "imported" } });
    expect(tab.q("fault-drop").disabled).toBe(true);
    expect(tab.q("fault-why").textContent).toContain("imported from a file");
  });

  it("lists every fault in force with what it is on, and ends each where it is: the tab when on every live socket, else each socket", () => {
    const { q, onFault, rerender } = mount({ socket: null, live: 3 });
    expect(q("faults-in-force")).toBeNull();
    rerender({
      now: 1000,
      inForce: [
        { kind: "blackhole", sockets: [socket, other], until: 10_500 },
        { kind: "latency", sockets: [other], detail: "in 300 ms, out 0 ms" },
        { kind: "blackhole", sockets: [socket, other, third], until: 20_000 },
      ],
    });
    const entries = [...container.querySelectorAll('[data-testid="fault-in-force"]')];
    expect(entries.map((e) => e.querySelector('[data-testid="fault-in-force-on"]')!.textContent)).toEqual([
      "2 sockets",
      "app.test/other?room=42",
      "every socket of the tab (3)",
    ]);
    expect(entries.map((e) => e.firstElementChild!.textContent)).toEqual(["Black-hole: 10 s left", "Latency: in 300 ms, out 0 ms", "Black-hole: 19 s left"]);
    expect((entries[0]!.querySelector('[data-testid="fault-in-force-on"]') as HTMLElement).title).toBe("wss://app.test/live\nwss://app.test/other?room=42");
    expect((entries[1]!.querySelector('[data-testid="fault-in-force-on"]') as HTMLElement).title).toBe("wss://app.test/other?room=42");
    const end = (i: number) => act(() => (entries[i]!.querySelector("button") as HTMLElement).click());
    end(0);
    expect(onFault.mock.calls).toEqual([
      [{ socket: "f:1" }, { kind: "blackhole", durationMs: 0 }],
      [{ socket: "f:2" }, { kind: "blackhole", durationMs: 0 }],
    ]);
    end(1);
    expect(onFault).toHaveBeenLastCalledWith({ socket: "f:2" }, { kind: "latency", inMs: 0, outMs: 0 });
    end(2);
    expect(onFault).toHaveBeenLastCalledWith({ tab: true }, { kind: "blackhole", durationMs: 0 });
    expect(onFault).toHaveBeenCalledTimes(4);
    expect(entries[2]!.querySelector("button")!.getAttribute("aria-label")).toBe("End black-hole");
  });

  it("offers latency Off beside its inputs while latency is on for the target", () => {
    const latency = { kind: "latency" as const, sockets: [other], detail: "in 5 ms, out 5 ms" };
    const { q, onFault, rerender } = mount({ inForce: [latency] });
    // On another socket: not this target's.
    expect(q("fault-latency-off")).toBeNull();
    rerender({ socket: other });
    act(() => q("fault-latency-off").click());
    expect(onFault).toHaveBeenLastCalledWith({ socket: "f:2" }, { kind: "latency", inMs: 0, outMs: 0 });
    expect(q("fault-latency-off").parentElement).toBe(q("fault-latency").parentElement);
    rerender({ socket: null });
    act(() => q("fault-latency-off").click());
    expect(onFault).toHaveBeenLastCalledWith({ tab: true }, { kind: "latency", inMs: 0, outMs: 0 });
  });

  it("reads faults in force from the recorder's fault events", () => {
    const ev = (fault: "offline" | "blackhole" | "latency", active: boolean, t: number, extra = {}) => ({ kind: "fault" as const, socket: "f:1", t, fault, active, ...extra });
    expect(activeFaults([ev("offline", true, 0, { untilT: 5000 })], 1000)).toEqual({ offlineUntil: 5000, blackholeUntil: undefined, latency: undefined });
    expect(activeFaults([ev("offline", true, 0, { untilT: 5000 }), ev("offline", false, 2000)], 2500).offlineUntil).toBeUndefined();
    expect(activeFaults([ev("offline", true, 0, { untilT: 5000 })], 6000).offlineUntil).toBeUndefined();
    expect(activeFaults([ev("latency", true, 0, { detail: "in 5 ms, out 0 ms" })], 1).latency).toBe("in 5 ms, out 0 ms");
  });
});

describe("the panel sends faults and protects sites", () => {
  async function mountApp() {
    const servers: FakePort[] = [];
    const connect = (name: string): PortLike => {
      const { client, server } = fakePortPair(name);
      servers.push(server);
      return client;
    };
    let stored: unknown = { rules: [{ match: "wss://other.test/*" }] };
    const store: SettingsStore = {
      load: async () => stored,
      save: async (s) => void (stored = s),
      watch: () => () => {},
    };
    container = document.createElement("div");
    document.body.append(container);
    await act(async () => {
      render(<App ingest={{ schedule: (task) => slices.schedule(task) }} tabId={7} connect={connect} reconnectDelay={() => 0} settings={store} />, container);
      await flush();
    });
    await act(async () => {
      servers.at(-1)!.postMessage(snapshotMessage([socketSnapshot("f:1", {}, { url: "wss://app.test/live" })]));
      await flush();
    });
    return { servers, stored: () => stored };
  }

  it("posts a fault command for the selected socket on the panel's port", async () => {
    const { servers } = await mountApp();
    await act(async () => {
      (container.querySelector('[data-testid="socket-row"]') as HTMLElement).click();
      await flush();
    });
    await act(async () => {
      (container.querySelector('[data-testid="fault-drop"]') as HTMLElement).click();
      await flush();
    });
    expect(servers.at(-1)!.received.at(-1)).toMatchObject({ source: "lifeguard-panel", type: "fault", target: { socket: "f:1" }, fault: { kind: "drop" } });
  });

  it("shows every fault in force whatever is selected: a whole-tab black-hole with no selection and with another socket selected, none on a socket that closed", async () => {
    const { servers } = await mountApp();
    const now = Date.now();
    const $ = (id: string) => container.querySelector(`[data-testid="${id}"]`) as HTMLElement | null;
    const on = () => [...container.querySelectorAll('[data-testid="fault-in-force"]')].map((e) => e.textContent);
    await act(async () => {
      servers.at(-1)!.postMessage(
        eventsMessage([
          { kind: "created", t: now, socket: socketInfo("f:2", { url: "wss://app.test/other" }) },
          { kind: "state", t: now, socket: "f:2", state: "open" },
          { kind: "fault", t: now, socket: "f:1", fault: "blackhole", active: true, detail: "60000 ms", untilT: now + 60_000 },
          { kind: "fault", t: now, socket: "f:2", fault: "blackhole", active: true, detail: "60000 ms", untilT: now + 60_000 },
          { kind: "fault", t: now, socket: "f:2", fault: "latency", active: true, detail: "in 10 ms, out 0 ms" },
        ]),
      );
      await flush();
    });
    expect(on()).toEqual([expect.stringMatching(/^Black-hole: (60|59) s leftevery socket of the tab \(2\)End$/), "Latency: in 10 ms, out 0 msapp.test/otherEnd"]);
    await act(async () => {
      (container.querySelectorAll('[data-testid="socket-row"]')[0] as HTMLElement).click();
      await flush();
    });
    expect(on()).toHaveLength(2);
    // The selected socket has no latency: no Off beside the inputs; the black-hole ends for the tab.
    expect($("fault-latency-off")).toBeNull();
    await act(async () => {
      $("fault-blackhole-end")!.click();
      await flush();
    });
    expect(servers.at(-1)!.received.at(-1)).toMatchObject({ type: "fault", target: { tab: true }, fault: { kind: "blackhole", durationMs: 0 } });
    await act(async () => {
      servers.at(-1)!.postMessage(eventsMessage([{ kind: "state", t: now + 1, socket: "f:2", state: "closed", code: 1006, reason: "", wasClean: false }], 6));
      await flush();
    });
    expect(on()).toEqual([expect.stringMatching(/^Black-hole: (60|59) s leftapp.test\/liveEnd$/)]);
  });
});
