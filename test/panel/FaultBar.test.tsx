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
import { snapshotMessage, socketSnapshot } from "../support/messages";

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
  act(() => render(<FaultBar socket={socket} faults={{}} now={0} onFault={onFault} {...over} />, container));
  const q = (id: string) => container.querySelector(`[data-testid="${id}"]`) as HTMLElement & { value: string; disabled: boolean };
  const type = (id: string, value: string) =>
    act(() => {
      const el = q(id);
      el.value = value;
      el.dispatchEvent(new Event("input", { bubbles: true }));
    });
  return { onFault, q, type };
}

describe("fault bar", () => {
  it("acts on the selected socket, or on the whole tab when none is", () => {
    const one = mount();
    act(() => one.q("fault-drop").click());
    expect(one.onFault).toHaveBeenLastCalledWith({ socket: "f:1" }, { kind: "drop" });
    render(null, container);
    container.remove();
    const all = mount({ socket: null });
    expect(all.q("fault-scope").textContent).toBe("Every socket of the tab");
    act(() => all.q("fault-drop").click());
    expect(all.onFault).toHaveBeenLastCalledWith({ tab: true }, { kind: "drop" });
  });

  it("closes as the server with a code and reason, refusing codes a server cannot send", async () => {
    const { q, type, onFault } = mount();
    await type("fault-close-code", "1005");
    expect(q("fault-close").disabled).toBe(true);
    await type("fault-close-code", "4001");
    await type("fault-close-reason", "maintenance");
    act(() => q("fault-close").click());
    expect(onFault).toHaveBeenLastCalledWith({ socket: "f:1" }, { kind: "close", code: 4001, reason: "maintenance" });
  });

  it("offline is always the whole tab's, and shows a countdown with an End button while on", () => {
    const { q, onFault } = mount();
    act(() => q("fault-offline").click());
    expect(onFault).toHaveBeenLastCalledWith({ tab: true }, { kind: "offline", durationMs: 5000 });
    render(<FaultBar socket={socket} faults={{ offlineUntil: 4200 }} now={1000} onFault={onFault} />, container);
    expect(q("fault-countdown").textContent).toBe("Offline: 4 s left");
    act(() => q("fault-offline-end").click());
    expect(onFault).toHaveBeenLastCalledWith({ tab: true }, { kind: "offline", durationMs: 0 });
  });

  it("says what is wrong instead of sending a bad payload or duration", async () => {
    const { q, type, onFault } = mount();
    await type("fault-payload", "zz not hex");
    await act(() => {
      const sel = q("fault-encoding") as unknown as HTMLSelectElement;
      sel.value = "hex";
      sel.dispatchEvent(new Event("change", { bubbles: true }));
    });
    act(() => q("fault-inject").click());
    expect(q("fault-error").textContent).toContain("Not valid hex");
    await type("fault-blackhole-seconds", "-3");
    act(() => q("fault-blackhole").click());
    expect(q("fault-error").textContent).toContain("Black-hole");
    expect(onFault).not.toHaveBeenCalled();
    await type("fault-payload", "01 ff");
    act(() => q("fault-inject").click());
    expect(onFault).toHaveBeenLastCalledWith({ socket: "f:1" }, { kind: "inject", data: "01 ff", encoding: "hex" });
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

  it("offers nothing to break on an imported socket", () => {
    const { q } = mount({ socket: { ...socket, origin: "imported" } });
    expect(q("fault-drop")).toBeNull();
    expect(q("faultbar").textContent).toContain("imported");
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
});
