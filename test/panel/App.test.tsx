// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from "vitest";
import { render } from "preact";
import { act } from "preact/test-utils";
import { App } from "../../src/panel/App";
import { PROTOCOL_VERSION, panelPortName } from "../../src/shared/protocol";
import type { PortLike } from "../../src/shared/transports";
import { fakePortPair, flush as flushPorts, type FakePort } from "../support/fake-ports";
import { manualSlices } from "./slices";
import { eventsMessage, frameEvent, snapshotMessage, socketSnapshot, stateEvent, socketInfo } from "../support/messages";

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

/** Renders the panel for tab 7 against fake background ports; `servers` are the background's ends. */
async function mount(tabId: number | null = 7, extra: Partial<Parameters<typeof App>[0]> = {}) {
  const servers: FakePort[] = [];
  const names: string[] = [];
  const connect = (name: string): PortLike => {
    names.push(name);
    const { client, server } = fakePortPair(name);
    servers.push(server);
    return client;
  };
  container = document.createElement("div");
  document.body.append(container);
  await act(async () => {
    render(<App ingest={{ schedule: (task) => slices.schedule(task) }} tabId={tabId} connect={connect} reconnectDelay={() => 0} {...extra} />, container);
    await flush();
  });
  const fromBackground = async (...messages: unknown[]) => {
    await act(async () => {
      for (const m of messages) servers.at(-1)!.postMessage(m);
      await flush();
    });
  };
  return { servers, names, fromBackground };
}

const rows = () => [...container.querySelectorAll<HTMLElement>('[data-testid="socket-row"]')];
const count = () => container.querySelector('[data-testid="socket-count"]')!;
const types = (port: FakePort) => port.received.map((m) => (m as { type: string }).type);

describe("panel App", () => {
  it("connects panel:<tabId> and asks for a snapshot", async () => {
    const { names, servers } = await mount(7);
    expect(names).toEqual([panelPortName(7)]);
    expect(servers[0]!.received).toEqual([
      expect.objectContaining({ source: "lifeguard-panel", v: PROTOCOL_VERSION, type: "snapshot-request" }),
    ]);
  });

  it("shows the empty state until a socket appears", async () => {
    const { fromBackground } = await mount();
    expect(container.querySelector('[data-testid="empty-state"]')?.textContent).toContain(
      "Sockets appear here when the page opens one",
    );
    expect(count().textContent).toBe("0 sockets");
    await fromBackground(snapshotMessage([socketSnapshot("a:1")]));
    expect(container.querySelector('[data-testid="empty-state"]')).toBeNull();
  });

  it("lists sockets from a snapshot, then updates them from events", async () => {
    const { fromBackground } = await mount();
    await fromBackground(
      snapshotMessage([
        socketSnapshot("a:1", { state: "open", protected: true, framesIn: 2, bytesIn: 2048 }, { url: "wss://chat.test/ws" }),
        socketSnapshot("a:2", { state: "closed" }, { url: "wss://feed.test/" }),
      ]),
    );
    expect(rows().map((r) => [r.dataset.socketId, r.dataset.state])).toEqual([
      ["a:1", "open"],
      ["a:2", "closed"],
    ]);
    expect(count().textContent).toBe("2 sockets");
    const first = rows()[0]!.textContent!;
    expect(first).toContain("wss://chat.test/ws");
    expect(first).toContain("yes");
    expect(first).toContain("2 / 0");
    expect(first).toContain("2.0 KB / 0 B");

    await fromBackground(
      eventsMessage([
        frameEvent("a:1", "out", 10, 5000),
        stateEvent("a:1", "reconnecting", 5001, { attempt: 2, delayMs: 300 }),
        { kind: "created", t: 5002, socket: socketInfo("a:3", { url: "wss://new.test/" }) },
      ]),
    );
    expect(rows().map((r) => [r.dataset.socketId, r.dataset.state])).toEqual([
      ["a:1", "reconnecting"],
      ["a:2", "closed"],
      ["a:3", "connecting"],
    ]);
    expect(rows()[0]!.textContent).toContain("2 / 1");
    expect(rows()[0]!.textContent).toContain("reconnecting (attempt 2)");
    expect(count().textContent).toBe("3 sockets");
  });

  it("groups sockets by frame, top frame first", async () => {
    const { fromBackground } = await mount();
    await fromBackground(
      snapshotMessage([socketSnapshot("s:1", {}, { topFrame: false, frameUrl: "https://ads.test/" })], "https://ads.test/"),
      snapshotMessage([socketSnapshot("t:1", {}, { topFrame: true, frameUrl: "https://app.test/" })]),
    );
    const groups = [...container.querySelectorAll<HTMLElement>('[data-testid="frame-group"]')];
    expect(groups.map((g) => g.dataset.topFrame)).toEqual(["true", "false"]);
    expect(groups[1]!.textContent).toContain("https://ads.test/");
    expect(groups[1]!.querySelector('[data-testid="socket-row"]')!.getAttribute("data-socket-id")).toBe("s:1");
  });

  it("renders page-supplied text as text: a URL with markup creates no element", async () => {
    const { fromBackground } = await mount();
    const evil = "wss://x.test/<img src=x onerror=alert(1)>";
    await fromBackground(
      snapshotMessage(
        [socketSnapshot("a:1", {}, { url: evil, frameUrl: "https://x.test/<b>bold</b>", protocols: ["<i>p</i>"] })],
        "https://x.test/",
      ),
    );
    expect(container.querySelector("img")).toBeNull();
    expect(container.querySelector("b, i")).toBeNull();
    expect(rows()[0]!.textContent).toContain("<img src=x onerror=alert(1)>");
  });

  it("asks for a snapshot again after the background restarts, and shows the history it brings", async () => {
    const { servers, fromBackground } = await mount();
    await fromBackground(snapshotMessage([socketSnapshot("a:1", { framesIn: 1 })]));
    await act(async () => {
      servers[0]!.disconnect(); // service worker killed
      await flush();
    });
    expect(container.querySelector('[data-testid="connection"]')!.textContent).toContain("reconnecting");
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      await flush();
    });
    expect(servers).toHaveLength(2);
    expect(types(servers[1]!)).toEqual(["snapshot-request"]);
    await fromBackground(snapshotMessage([socketSnapshot("a:1", { framesIn: 4 })]));
    // The snapshot replaces, never adds: 4 frames, not 5.
    expect(rows()).toHaveLength(1);
    expect(rows()[0]!.textContent).toContain("4 / 0");
    // Connected again: no "reconnecting", and the page is named by its tab until its title is known.
    expect(container.querySelector('[data-testid="connection"]')!.textContent).toBe("");
    expect(container.querySelector('[data-testid="page-title"]')!.textContent).toBe("tab 7");
  });

  it("shows a banner on version mismatch", async () => {
    const { fromBackground } = await mount();
    expect(container.querySelector('[data-testid="version-mismatch"]')).toBeNull();
    await fromBackground({ source: "lifeguard-background", v: PROTOCOL_VERSION, type: "version-mismatch", expected: 1, got: 2 });
    expect(container.querySelector('[data-testid="version-mismatch"]')!.textContent).toContain("version 2");
  });

  it("ignores malformed messages", async () => {
    const { fromBackground } = await mount();
    await fromBackground(
      { ...snapshotMessage([socketSnapshot("a:1")]), source: "someone" },
      { ...snapshotMessage([]), sockets: [{ info: { id: 1 } }] },
      { type: "snapshot", sockets: [socketSnapshot("a:2")] },
    );
    expect(rows()).toHaveLength(0);
  });

  it("says so when there is no tab to inspect", async () => {
    const { names } = await mount(null);
    expect(names).toEqual([]);
    expect(container.textContent).toContain("No tab to inspect");
  });
});

describe("a page Lifeguard does not record", () => {
  const emptyState = () => container.querySelector<HTMLElement>('[data-testid="empty-state"]')!;

  it("says so, and why, instead of 'no sockets yet', and offers the reload that fixes it", async () => {
    let reloads = 0;
    const asked: string[] = [];
    let answer: "absent" | "off" | "recording" = "absent";
    const presence = async () => {
      asked.push(answer);
      return answer;
    };
    const { fromBackground } = await mount(7, { presence, reloadPage: () => reloads++ });
    await act(async () => flush());
    expect(emptyState().dataset.presence).toBe("absent");
    expect(emptyState().textContent).toContain("loaded before Lifeguard was installed");
    expect(emptyState().textContent).toContain("Reload the page");
    await act(async () => container.querySelector<HTMLButtonElement>('[data-testid="reload-page"]')!.click());
    expect(reloads).toBe(1);
    // The reloaded page's relay connects: asked again, and now it records.
    answer = "recording";
    await fromBackground({ source: "lifeguard-background", v: PROTOCOL_VERSION, type: "frame-connected", frameId: 0, url: "https://x.test/" });
    await act(async () => flush());
    expect(asked).toEqual(["absent", "recording"]);
    expect(emptyState().dataset.presence).toBe("recording");
    expect(emptyState().textContent).toContain("No WebSockets in this tab yet");
    expect(container.querySelector('[data-testid="reload-page"]')).toBeNull();
  });

  it("tells a page loaded while Lifeguard was off from one loaded before it was installed", async () => {
    await mount(7, { presence: async () => "off", reloadPage: () => {} });
    await act(async () => flush());
    expect(emptyState().textContent).toContain("loaded while Lifeguard was off");
    expect(container.querySelector('[data-testid="reload-page"]')).not.toBeNull();
  });
});

describe("the panel's header and layout", () => {
  it("names the inspected page, and asks again when its top document changes (navigation, reload)", async () => {
    let page = { title: "Chat demo", url: "http://127.0.0.1:8765/chat.html" };
    const gets: number[] = [];
    const pageInfo = {
      get: async () => {
        gets.push(gets.length);
        return page;
      },
    };
    const { fromBackground } = await mount(7, { pageInfo });
    await act(async () => flush());
    const title = () => container.querySelector<HTMLElement>('[data-testid="page-title"]')!;
    expect(title().textContent).toBe("Chat demo — http://127.0.0.1:8765");
    expect(title().title).toBe("http://127.0.0.1:8765/chat.html");
    page = { title: "Other page", url: "https://other.test/x" };
    await fromBackground({ source: "lifeguard-background", v: PROTOCOL_VERSION, type: "frame-connected", frameId: 0, url: "https://other.test/x" });
    await act(async () => flush());
    expect(title().textContent).toBe("Other page — https://other.test");
  });

  it("the split between the socket list and the frames drags, and is remembered across panel reloads", async () => {
    localStorage.clear();
    const { fromBackground } = await mount(7);
    await fromBackground(snapshotMessage([socketSnapshot("a:1")]));
    const workspace = () => container.querySelector<HTMLElement>(".workspace")!;
    const split = () => container.querySelector<HTMLElement>('[data-testid="sockets-splitter"]')!;
    expect(workspace().style.getPropertyValue("--sockets-width")).toBe("");
    Object.defineProperty(container.querySelector(".workspace-sockets")!, "getBoundingClientRect", { value: () => ({ width: 500 }) });
    await act(async () => {
      split().dispatchEvent(new PointerEvent("pointerdown", { bubbles: true, button: 0, pointerId: 1, clientX: 500 }));
      split().dispatchEvent(new PointerEvent("pointermove", { bubbles: true, pointerId: 1, clientX: 420 }));
      split().dispatchEvent(new PointerEvent("pointerup", { bubbles: true, pointerId: 1, clientX: 420 }));
    });
    expect(workspace().style.getPropertyValue("--sockets-width")).toBe("420px");
    expect(split().getAttribute("aria-valuenow")).toBe("420");
    render(null, container);
    container.remove();
    const again = await mount(7);
    await again.fromBackground(snapshotMessage([socketSnapshot("a:1")]));
    expect(workspace().style.getPropertyValue("--sockets-width")).toBe("420px");
  });
});
