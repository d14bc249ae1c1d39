// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import { render } from "preact";
import { act } from "preact/test-utils";
import { SiteProtect } from "../../src/panel/SiteProtect";
import { App } from "../../src/panel/App";
import type { SocketView } from "../../src/panel/model";
import { applyEvent, foldSnapshotEvent, viewOfSnapshot } from "../../src/panel/socket-view";
import type { SettingsStore } from "../../src/options/settings-store";
import type { PortLike } from "../../src/shared/transports";
import { fakePortPair, flush as flushPorts, type FakePort } from "../support/fake-ports";
import { manualSlices } from "./slices";
import { eventsMessage, snapshotMessage, socketSnapshot } from "../support/messages";

let container: HTMLElement;

afterEach(() => {
  render(null, container);
  container.remove();
  vi.useRealTimers();
});

const live: SocketView = {
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

/** A store as `storage.local` behaves: what was saved is what loads, as a copy. */
function fakeStore(initial: unknown, failSave = false) {
  let stored: unknown = structuredClone(initial);
  const saves: unknown[] = [];
  const store: SettingsStore = {
    load: async () => structuredClone(stored),
    save: async (s) => {
      if (failSave) throw new Error("quota exceeded");
      saves.push(s);
      stored = structuredClone(s);
    },
    watch: () => () => {},
  };
  return { store, stored: () => stored, saves };
}

const TUNED = {
  enabled: true,
  rules: [
    { match: "wss://app.test/*", heartbeat: { intervalMs: 5000, timeoutMs: 2000 }, reconnect: { maxDelayMs: 9000, factor: 1.5 } },
    { match: "wss://other.test/*" },
  ],
  record: { maxFramesPerSocket: 10000, maxPreviewBytes: 65536 },
  // Settings the panel saves are validated ones: every field there, frame rules too.
  frameRules: [],
};

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

async function mount(socket: Partial<SocketView>, store: SettingsStore, extra: { reloadPage?: () => void; undoMs?: number } = {}) {
  container = document.createElement("div");
  document.body.append(container);
  const draw = async (over: Partial<SocketView>) =>
    act(async () => {
      render(<SiteProtect socket={{ ...live, ...over }} store={store} {...extra} />, container);
      await settle();
    });
  await draw(socket);
  return { draw };
}

const q = (id: string) => container.querySelector(`[data-testid="${id}"]`) as HTMLElement | null;
async function click(id: string): Promise<void> {
  const el = q(id);
  if (!el) throw new Error(`no ${id} in ${container.innerHTML}`);
  await act(async () => {
    el.click();
    await settle();
  });
}

describe("SiteProtect: pause, resume, delete, undo", () => {
  it("a tuned rule: Pause is the primary action, keeps the tuning, and Undo restores exactly what was stored", async () => {
    const { store, stored } = fakeStore(TUNED);
    await mount({ protected: true, rule: "wss://app.test/*" }, store);
    expect(q("site-protect-status")!.textContent).toBe("Protected by rule 1: wss://app.test/*");
    expect(q("unprotect")!.textContent).toBe("Pause protection for this site");
    expect(q("unprotect")!.className).toContain("primary");

    await click("unprotect");
    expect(stored()).toEqual({ ...TUNED, rules: [{ ...TUNED.rules[0], enabled: false }, TUNED.rules[1]] });
    expect(q("site-protect-status")!.textContent).toBe("Protection paused: rule 1 (wss://app.test/*) is off and keeps its settings.");
    expect(q("resume-protection")).not.toBeNull();
    expect(container.textContent).toContain("Protection paused.");

    await click("undo");
    expect(stored()).toEqual(TUNED);
    expect(q("undo")).toBeNull();
    expect(q("unprotect")).not.toBeNull();
  });

  it("Resume turns the paused rule on again, and Undo pauses it again", async () => {
    const paused = { ...TUNED, rules: [{ ...TUNED.rules[0], enabled: false }, TUNED.rules[1]] };
    const { store, stored } = fakeStore(paused);
    await mount({ protected: false }, store);
    await click("resume-protection");
    expect(stored()).toEqual(TUNED);
    await click("undo");
    expect(stored()).toEqual(paused);
  });

  it("deleting a tuned rule asks first; Cancel keeps it; Delete removes it; Undo brings it back", async () => {
    const { store, stored, saves } = fakeStore(TUNED);
    await mount({ protected: true }, store);
    await click("delete-rule");
    expect(saves).toHaveLength(0);
    expect(container.querySelector('[role="alertdialog"]')!.textContent).toContain("Delete rule 1: wss://app.test/*?");
    await click("delete-rule-cancel");
    expect(container.querySelector('[role="alertdialog"]')).toBeNull();
    expect(saves).toHaveLength(0);

    await click("delete-rule");
    await click("delete-rule-confirm");
    expect(stored()).toEqual({ ...TUNED, rules: [TUNED.rules[1]] });
    expect(q("protect")).not.toBeNull();
    await click("undo");
    expect(stored()).toEqual(TUNED);
  });

  it("a rule that is only a pattern is deleted at once", async () => {
    const plain = { ...TUNED, rules: [{ match: "wss://app.test/*" }] };
    const { store, stored } = fakeStore(plain);
    await mount({ protected: true }, store);
    expect(q("unprotect")!.className).not.toContain("primary");
    await click("delete-rule");
    expect(stored()).toEqual({ ...TUNED, rules: [] });
    await click("undo");
    expect(stored()).toEqual(plain);
  });

  it("Undo goes after its time, and at the next action", async () => {
    vi.useFakeTimers();
    const { store } = fakeStore(TUNED);
    await mount({ protected: true }, store, { undoMs: 1000 });
    await click("unprotect");
    expect(q("undo")).not.toBeNull();
    await act(async () => {
      vi.advanceTimersByTime(1001);
      await settle();
    });
    expect(q("undo")).toBeNull();
  });

  it("Protect adds the origin rule first; Undo takes it away again", async () => {
    const { store, stored } = fakeStore({ ...TUNED, rules: [TUNED.rules[1]] });
    await mount({}, store);
    await click("protect");
    expect((stored() as typeof TUNED).rules.map((r) => r.match)).toEqual(["wss://app.test/*", "wss://other.test/*"]);
    await click("undo");
    expect((stored() as typeof TUNED).rules.map((r) => r.match)).toEqual(["wss://other.test/*"]);
  });

  it("a failed save says so where the user clicked, and offers no Undo", async () => {
    const { store } = fakeStore(TUNED, true);
    await mount({ protected: true }, store);
    await click("unprotect");
    expect(q("site-protect-error")!.textContent).toBe("Could not save the settings: quota exceeded");
    expect(q("site-protect")!.contains(q("site-protect-error"))).toBe(true);
    expect(q("undo")).toBeNull();
  });
});

describe("SiteProtect: heartbeat off", () => {
  const plain = { ...TUNED, rules: [{ match: "wss://app.test/*" }] };

  it("appears only when the page world says off, and Save writes the ping message into the origin rule", async () => {
    const { store, stored } = fakeStore(plain);
    const { draw } = await mount({ protected: true }, store);
    // Nothing said yet, or a protocol's own ping: no hint.
    expect(q("heartbeat-off")).toBeNull();
    await draw({ protected: true, heartbeat: "protocol" });
    expect(q("heartbeat-off")).toBeNull();
    await draw({ protected: true, heartbeat: "passive" });
    expect(q("heartbeat-off")).toBeNull();

    await draw({ protected: true, heartbeat: "off" });
    const hint = q("heartbeat-off")!;
    expect(hint.textContent).toContain("Heartbeat off: Lifeguard does not know this socket's protocol, so it cannot ping it. Set a ping message:");
    const input = q("ping-message") as HTMLInputElement;
    // Labelled: the label wraps the input.
    expect(input.closest("label")!.textContent).toContain("Ping message");
    expect((q("ping-save") as HTMLButtonElement).disabled).toBe(true);
    await act(async () => {
      input.value = '{"type":"ping"}';
      input.dispatchEvent(new Event("input", { bubbles: true }));
      await settle();
    });
    await click("ping-save");
    expect(stored()).toEqual({ ...plain, rules: [{ match: "wss://app.test/*", heartbeat: { message: '{"type":"ping"}' } }] });
    // The rule now has a message: the hint waits no longer for the page world.
    expect(q("heartbeat-off")).toBeNull();
    await click("undo");
    expect(stored()).toEqual(plain);
  });

  it("says nothing when the rule turned the heartbeat off on purpose", async () => {
    const { store } = fakeStore({ ...TUNED, rules: [{ match: "wss://app.test/*", heartbeat: { enabled: false } }] });
    await mount({ protected: true, heartbeat: "off" }, store);
    expect(q("heartbeat-off")).toBeNull();
  });
});

describe("SiteProtect: a closed socket", () => {
  it("says a reload is what protects it, with a Reload page button", async () => {
    const reloadPage = vi.fn();
    const { store } = fakeStore({ ...TUNED, rules: [] });
    const { draw } = await mount({ state: "closed" }, store, { reloadPage });
    expect(q("closed-hint")!.textContent).toContain("This socket is closed: protection applies to sockets opened from now on. Reload the page to protect it.");
    await click("protect");
    expect(q("closed-hint")).not.toBeNull();
    await click("reload-page");
    expect(reloadPage).toHaveBeenCalledOnce();
    // Open, or closed after protection did its work: no hint.
    await draw({ state: "open" });
    expect(q("closed-hint")).toBeNull();
    await draw({ state: "closed", protected: true });
    expect(q("closed-hint")).toBeNull();
  });
});

describe("SiteProtect in the panel", () => {
  const slices = manualSlices();
  async function flush(): Promise<void> {
    await flushPorts();
    slices.runAll();
    await flushPorts();
  }

  it("Protect this site adds a rule; the page world's protection event brings Pause and the heartbeat hint", async () => {
    const servers: FakePort[] = [];
    const connect = (name: string): PortLike => {
      const { client, server } = fakePortPair(name);
      servers.push(server);
      return client;
    };
    const { store, stored } = fakeStore({ rules: [{ match: "wss://other.test/*" }] });
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
    await act(async () => {
      (container.querySelector('[data-testid="socket-row"]') as HTMLElement).click();
      await flush();
    });
    // SiteProtect reads the settings once shown.
    await act(settle);
    await click("protect");
    expect((stored() as { rules: { match: string }[] }).rules.map((r) => r.match)).toEqual(["wss://app.test/*", "wss://other.test/*"]);
    expect(q("heartbeat-off")).toBeNull();
    await act(async () => {
      servers.at(-1)!.postMessage(eventsMessage([{ kind: "protection", t: 5, socket: "f:1", protected: true, rule: "wss://app.test/*", heartbeat: "off" }]));
      await flush();
    });
    expect(q("heartbeat-off")).not.toBeNull();
    await click("unprotect");
    expect((stored() as { rules: { match: string; enabled?: boolean }[] }).rules).toEqual([{ match: "wss://app.test/*", enabled: false }, { match: "wss://other.test/*" }]);
  });
});

describe("the socket view's heartbeat mode", () => {
  const on = (heartbeat?: "off" | "message") => ({ kind: "protection" as const, t: 5, socket: "f:1", protected: true, ...(heartbeat ? { heartbeat } : {}) });

  it("comes from protection events, live or from a snapshot's buffered events; one that does not say keeps it; protection off forgets it", () => {
    const snap = socketSnapshot("f:1", { protected: true, events: [on("off")] }, { url: "wss://app.test/live" });
    const fromSnapshot = snap.events.reduce(foldSnapshotEvent, viewOfSnapshot(snap));
    expect(fromSnapshot.heartbeat).toBe("off");
    const later = applyEvent(fromSnapshot, on("message"))!;
    expect(later.heartbeat).toBe("message");
    expect(applyEvent(later, on())!.heartbeat).toBe("message");
    expect(applyEvent(later, { kind: "protection", t: 6, socket: "f:1", protected: false })!.heartbeat).toBeUndefined();
  });
});
