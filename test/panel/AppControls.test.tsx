// @vitest-environment happy-dom
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { render } from "preact";
import { act } from "preact/test-utils";
import { App } from "../../src/panel/App";
import { PROTOCOL_VERSION } from "../../src/shared/protocol";
import type { PortLike } from "../../src/shared/transports";
import { fakePortPair, flush as flushPorts, type FakePort } from "../support/fake-ports";
import { manualSlices } from "./slices";
import { eventsMessage, snapshotMessage, socketSnapshot, stateEvent } from "../support/messages";
import { RECT, frame, frameEvents, seqs } from "./frames-support";

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

async function mount() {
  const servers: FakePort[] = [];
  const saved: { name: string; text: string }[] = [];
  const connect = (name: string): PortLike => {
    const { client, server } = fakePortPair(name);
    servers.push(server);
    return client;
  };
  container = document.createElement("div");
  document.body.append(container);
  await act(async () => {
    render(<App ingest={{ schedule: (task) => slices.schedule(task) }} tabId={7} connect={connect} reconnectDelay={() => 0} tableRect={RECT} saveFile={(name, text) => saved.push({ name, text })} />, container);
    await flush();
  });
  const send = async (...messages: unknown[]) => {
    await act(async () => {
      for (const m of messages) servers.at(-1)!.postMessage(m);
      await flush();
    });
  };
  return { servers, saved, send };
}

const $ = (id: string) => container.querySelector<HTMLElement>(`[data-testid="${id}"]`);
const socketRows = () => [...container.querySelectorAll<HTMLElement>('[data-testid="socket-row"]')];
const click = async (el: HTMLElement) =>
  act(async () => {
    el.click();
    await flush();
  });
const topGone = { source: "lifeguard-background", v: PROTOCOL_VERSION, type: "frame-disconnected", frameId: 0 };

describe("panel controls", () => {
  it("selects one socket or all: the frames table follows", async () => {
    const { send } = await mount();
    await send(snapshotMessage([socketSnapshot("a:1"), socketSnapshot("b:1")]), eventsMessage(frameEvents([frame("a:1", 1), frame("b:1", 1), frame("a:1", 2)])));
    expect(seqs(container)).toEqual([1, 1, 2]);
    await click(socketRows()[1]!);
    expect(socketRows()[1]!.getAttribute("aria-selected")).toBe("true");
    expect([...container.querySelectorAll<HTMLElement>('[data-testid="frame-row"]')].map((r) => r.dataset.socketId)).toEqual(["b:1"]);
    await click($("socket-all")!);
    expect(seqs(container)).toEqual([1, 1, 2]);
  });

  it("counts reconnects per socket", async () => {
    const { send } = await mount();
    await send(
      snapshotMessage([socketSnapshot("a:1")]),
      eventsMessage([
        stateEvent("a:1", "reconnecting", 2000, { attempt: 1 }),
        stateEvent("a:1", "reconnecting", 2100, { attempt: 2 }),
        stateEvent("a:1", "open", 2200),
        stateEvent("a:1", "reconnecting", 3000, { attempt: 1 }),
      ]),
    );
    expect($("socket-reconnects")!.textContent).toBe("2");
  });

  it("pause stops applying events and shows a banner; resume asks for a snapshot", async () => {
    const { send, servers } = await mount();
    await send(snapshotMessage([socketSnapshot("a:1")]), eventsMessage(frameEvents([frame("a:1", 1)])));
    await click($("pause")!);
    expect($("paused-banner")).not.toBeNull();
    await send(eventsMessage(frameEvents([frame("a:1", 2)])));
    expect(seqs(container)).toEqual([1]);
    const asked = servers.at(-1)!.received.length;
    await click($("pause")!);
    expect($("paused-banner")).toBeNull();
    expect(servers.at(-1)!.received.slice(asked).map((m) => (m as { type: string }).type)).toEqual(["snapshot-request"]);
    await send(snapshotMessage([socketSnapshot("a:1", { lastSeq: 2, framesOut: 1, framesIn: 1, events: frameEvents([frame("a:1", 1), frame("a:1", 2)]) })]));
    expect(seqs(container)).toEqual([1, 2]);
  });

  it("a navigation clears, unless preserve log is on: then old sockets stay, marked", async () => {
    const { send } = await mount();
    await send(snapshotMessage([socketSnapshot("a:1")]), eventsMessage(frameEvents([frame("a:1", 1)])));
    await send(topGone);
    expect(socketRows()).toHaveLength(0);

    await send(snapshotMessage([socketSnapshot("b:1")]), eventsMessage(frameEvents([frame("b:1", 1)])));
    await act(async () => {
      const box = $("preserve-log") as HTMLInputElement;
      box.checked = true;
      box.dispatchEvent(new Event("change", { bubbles: true }));
    });
    await send(topGone, snapshotMessage([socketSnapshot("c:1")]));
    expect(socketRows().map((r) => [r.dataset.socketId, r.dataset.origin])).toEqual([
      ["c:1", "live"],
      ["b:1", "previous-page"],
    ]);
    expect(socketRows()[1]!.textContent).toContain("previous page");
    expect(seqs(container)).toEqual([1]);
  });

  it("clear drops frames and closed sockets, keeps live ones", async () => {
    const { send } = await mount();
    await send(snapshotMessage([socketSnapshot("a:1"), socketSnapshot("b:1", { state: "closed" })]), eventsMessage(frameEvents([frame("a:1", 1)])));
    await click($("clear")!);
    expect(socketRows().map((r) => r.dataset.socketId)).toEqual(["a:1"]);
    expect(container.querySelectorAll('[data-testid="frame-row"]')).toHaveLength(0);
    await send(eventsMessage(frameEvents([frame("a:1", 2)])));
    expect(seqs(container)).toEqual([2]);
  });

  it("exports HAR (the selected socket or all) and imports Chrome's, marked imported and read-only", async () => {
    const { send, saved } = await mount();
    await send(snapshotMessage([socketSnapshot("a:1"), socketSnapshot("b:1")]), eventsMessage(frameEvents([frame("a:1", 1), frame("b:1", 1)])));
    await click($("har-export")!);
    expect(JSON.parse(saved[0]!.text).log.entries).toHaveLength(2);
    await click(socketRows()[0]!);
    await click($("har-export")!);
    expect(JSON.parse(saved[1]!.text).log.entries.map((e: { request: { url: string } }) => e.request.url)).toEqual(["wss://example.test/a:1"]);

    const har = readFileSync(join(import.meta.dirname, "fixtures/chrome-websocket.har"), "utf8");
    const input = $("har-import") as HTMLInputElement;
    const file = new File([har], "chat.har", { type: "application/json" });
    Object.defineProperty(input, "files", { configurable: true, value: [file] });
    await act(async () => {
      input.dispatchEvent(new Event("change", { bubbles: true }));
      await new Promise((r) => setTimeout(r, 20));
      await flush();
    });
    const imported = socketRows().find((r) => r.dataset.origin === "imported")!;
    expect(imported.querySelector('[data-testid="recording-badge"]')!.textContent).toBe("recording");
    expect(imported.textContent).toContain("wss://chat.example.test/socket?room=lobby");
    await click(imported);
    expect(seqs(container)).toEqual([1, 2, 3, 4, 5]);
    // Read-only: a page event with the same id changes nothing.
    const id = imported.dataset.socketId!;
    await send(eventsMessage(frameEvents([frame(id, 6)])));
    expect(seqs(container)).toEqual([1, 2, 3, 4, 5]);
    expect($("har-import-error")).toBeNull();
  });
});
