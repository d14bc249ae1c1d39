// @vitest-environment happy-dom
/**
 * A hostile page floods the panel: the panel ends with a correct, capped model, shows what it kept
 * (a screenful of rows, not thousands), and says what was dropped and what was refused.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { render } from "preact";
import { act } from "preact/test-utils";
import { App } from "../../src/panel/App";
import { SLICE_UNITS } from "../../src/panel/limits";
import { SocketLog } from "../../src/panel/socket-log";
import { envelope, type BackgroundToPanel, type RecorderEvent, type RelayToPanel } from "../../src/shared/protocol";
import type { PortLike } from "../../src/shared/transports";
import { fakePortPair, flush as flushPorts, type FakePort } from "../support/fake-ports";
import { eventsMessage, frameEvent, snapshotMessage, socketInfo, socketSnapshot, stateEvent } from "../support/messages";
import { manualSlices } from "./slices";
import { RECT, seqs } from "./frames-support";

let container: HTMLElement;
afterEach(() => {
  render(null, container);
  container.remove();
});

async function mount() {
  const slices = manualSlices();
  const units: number[] = [];
  const servers: FakePort[] = [];
  const connect = (name: string): PortLike => {
    const { client, server } = fakePortPair(name);
    servers.push(server);
    return client;
  };
  container = document.createElement("div");
  document.body.append(container);
  const settle = async () => {
    await flushPorts();
    slices.runAll();
    await flushPorts();
  };
  await act(async () => {
    render(
      <App tabId={7} connect={connect} reconnectDelay={() => 0} tableRect={RECT} listRect={{ width: 600, height: 400 }} ingest={{ schedule: slices.schedule, onSlice: (n) => units.push(n) }} />,
      container,
    );
    await settle();
  });
  const send = async (...messages: unknown[]) => {
    await act(async () => {
      for (const m of messages) servers.at(-1)!.postMessage(m);
      await settle();
    });
  };
  return { send, units, slices };
}

const $ = (id: string) => container.querySelector<HTMLElement>(`[data-testid="${id}"]`);
const rows = () => [...container.querySelectorAll<HTMLElement>('[data-testid="socket-row"]')];
const created = (id: string, t = 1): RecorderEvent => ({ kind: "created", t, socket: socketInfo(id) });

describe("panel under a flood", () => {
  it("50 snapshot parts of 1,000 sockets: 2,000 kept, the rest counted, a screenful of rows drawn", async () => {
    const { send, units } = await mount();
    const parts = Array.from({ length: 50 }, (_, p) =>
      snapshotMessage(
        Array.from({ length: 1000 }, (_, i) => socketSnapshot(`s:${p * 1000 + i}`, { framesIn: 1, lastSeq: 1, events: [frameEvent(`s:${p * 1000 + i}`, "in", 3, 1000 + i)] })),
        undefined,
        { part: p, parts: 50 },
      ),
    );
    await send(...parts);
    expect($("socket-count")!.dataset.count).toBe("2000");
    const banner = $("overflow-banner")!;
    // 48,000 sockets past the cap, and the one frame each came with.
    expect(banner.dataset.dropped).toBe("96000");
    expect(banner.textContent).toBe("This page sent more than Lifeguard keeps: 96000 dropped");
    expect(rows().length).toBeGreaterThan(10);
    expect(rows().length).toBeLessThan(60);
    expect($("socket-all")!.textContent).toContain("2000 frames");
    expect(Math.max(...units)).toBeLessThanOrEqual(SLICE_UNITS);
  });

  it("1,000 small batches: every event applied, in order", async () => {
    const { send } = await mount();
    await send(snapshotMessage([socketSnapshot("a:1"), socketSnapshot("a:2")]));
    const batches = Array.from({ length: 1000 }, (_, b) => eventsMessage([frameEvent(b % 2 ? "a:2" : "a:1", "in", 2, 2000 + b, Math.floor(b / 2) + 1)], b + 1));
    await send(...batches, eventsMessage([stateEvent("a:1", "closed", 9000, { code: 4001 })], 1001));
    const counts = rows().map((r) => r.children[3]!.textContent);
    expect(counts).toEqual(["500 / 0", "500 / 0"]);
    expect(rows()[0]!.dataset.state).toBe("closed");
    expect($("frame-count")!.dataset.total).toBe("1000");
    expect($("overflow-banner")).toBeNull();
  });

  it("batches of 5,000 events, many sockets declared live: capped, counted, and what is kept is right", async () => {
    const { send, units } = await mount();
    const declare = Array.from({ length: 3 }, (_, b) => eventsMessage(Array.from({ length: 1000 }, (_, i) => created(`c:${b * 1000 + i}`)), b * 1000 + 1));
    const busy = Array.from({ length: 4 }, (_, b) =>
      eventsMessage(Array.from({ length: 5000 }, (_, i) => frameEvent(`c:${i % 2500}`, "out", 1, 5000 + b * 5000 + i, b * 2 + Math.floor(i / 2500) + 1)), 3001 + b * 5000),
    );
    await send(...declare, ...busy);
    expect($("socket-count")!.dataset.count).toBe("2000");
    // 1,000 sockets past the cap; the 500 of them the batches speak of have 2 frames in each (4 batches).
    expect($("overflow-banner")!.dataset.dropped).toBe(String(1000 + 4 * 500 * 2));
    expect($("frame-count")!.dataset.total).toBe(String(4 * 2000 * 2));
    expect(Math.max(...units)).toBeLessThanOrEqual(SLICE_UNITS);
  });

  it("a snapshot of many parts, each socket's ring out of time order with the others, reads in time order", async () => {
    const { send } = await mount();
    const parts = Array.from({ length: 8 }, (_, p) =>
      snapshotMessage(
        Array.from({ length: 4 }, (_, i) => {
          const id = `r:${p * 4 + i}`;
          return socketSnapshot(id, { lastSeq: 50, framesIn: 50, events: Array.from({ length: 50 }, (_, k) => frameEvent(id, "in", 1, 1000 + k * 40 + p * 4 + i, k + 1)) });
        }),
        undefined,
        { part: p, parts: 8 },
      ),
    );
    await send(...parts);
    expect($("frame-count")!.dataset.total).toBe("1600");
    const times = [...container.querySelectorAll<HTMLElement>('[data-testid="frame-row"]')].map((r) => r.dataset.socketId);
    // The first rows are the first frame of each socket in turn (time order), not one socket's ring.
    expect(times.slice(0, 4)).toEqual(["r:0", "r:1", "r:2", "r:3"]);
    expect(seqs(container).slice(0, 16)).toEqual(Array(16).fill(1));
  });

  it("says what relays and the router dropped, summed with the panel's own", async () => {
    const { send } = await mount();
    const dropped = (events: number, sockets = 0) => ({ messages: 1, events, sockets, chars: 0 });
    await send(
      envelope<RelayToPanel, "over-budget">("lifeguard-relay", "over-budget", { relay: "r1", frameUrl: "https://a.test/", dropped: dropped(10) }),
      envelope<RelayToPanel, "over-budget">("lifeguard-relay", "over-budget", { relay: "r1", frameUrl: "https://a.test/", dropped: dropped(40, 2) }),
      envelope<BackgroundToPanel, "over-budget">("lifeguard-background", "over-budget", { dropped: dropped(7) }),
    );
    expect($("overflow-banner")!.dataset.dropped).toBe("49");
    expect($("overflow-banner")!.getAttribute("title")).toContain("47 events and 2 sockets");
  });

  it("alerts when someone in the page tried to take over the channel: the frame's URL as text, clipped", async () => {
    const { send } = await mount();
    expect($("bridge-alert")).toBeNull();
    const evil = `https://evil.test/<img src=x onerror=alert(1)>${"x".repeat(5000)}`;
    const refused = (relay: string, count: number, frameUrl: string) =>
      envelope<RelayToPanel, "bridge-refused">("lifeguard-relay", "bridge-refused", { relay, frameUrl, reason: "second", count });
    await send(refused("r1", 1, "https://a.test/"));
    expect($("bridge-alert")!.textContent).toBe("Someone in this page tried to take over Lifeguard's channel (frame https://a.test/): refused once");
    await send(refused("r1", 4, "https://a.test/"), refused("r2", 3, evil));
    const alert = $("bridge-alert")!;
    expect(alert.getAttribute("role")).toBe("alert");
    expect(alert.dataset.count).toBe("7");
    expect(alert.querySelector("img")).toBeNull();
    expect(alert.textContent).toContain("<img src=x onerror=alert(1)>");
    expect(alert.textContent).toContain("refused 7 times");
    expect(alert.textContent!.length).toBeLessThan(400);
  });

  it("a late hand-over (Lifeguard's own script on a first load after install, or a forger) says the page is not recorded, and goes with the page on a navigation", async () => {
    const { send } = await mount();
    await send(envelope<RelayToPanel, "bridge-refused">("lifeguard-relay", "bridge-refused", { relay: "r1", frameUrl: "https://a.test/", reason: "late", count: 1 }));
    expect($("bridge-alert")!.dataset.reason).toBe("late");
    expect($("bridge-alert")!.textContent).toContain("this page is not recorded");
    expect($("bridge-alert")!.textContent).toContain("Reload the page");
    expect($("bridge-alert")!.textContent).not.toContain("Someone in this page");
    // The page reloads: the old document's refusal is not the new one's.
    await send(envelope<BackgroundToPanel, "frame-disconnected">("lifeguard-background", "frame-disconnected", { frameId: 0 }));
    expect($("bridge-alert")).toBeNull();
  });

  it("renders without walking every socket's events (faults in force are followed, not looked for)", async () => {
    const { send } = await mount();
    await send(snapshotMessage(Array.from({ length: 1000 }, (_, i) => socketSnapshot(`s:${i}`, { events: [{ kind: "note", t: 5, socket: `s:${i}`, text: "hi" }] }))));
    const reads = vi.spyOn(SocketLog.prototype, "eventsOf");
    await send(eventsMessage([{ kind: "fault", t: Date.now(), socket: "s:7", fault: "offline", active: true, untilT: Date.now() + 60_000 }]));
    expect($("fault-countdown")).not.toBeNull();
    expect(reads).not.toHaveBeenCalled();
    reads.mockRestore();
  });
});
