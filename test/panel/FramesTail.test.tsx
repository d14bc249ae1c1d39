// @vitest-environment happy-dom
/**
 * The frames table follows live traffic at the bottom, stays put when scrolled up (and says how many
 * rows came since), and the frames view comes back where it was after the Timeline tab.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { render } from "preact";
import { act } from "preact/test-utils";
import { FramesView } from "../../src/panel/FramesView";
import { App } from "../../src/panel/App";
import { reduce, type PanelModel } from "../../src/panel/model";
import type { PortLike } from "../../src/shared/transports";
import { fakePortPair, flush as flushPorts, type FakePort } from "../support/fake-ports";
import { eventsMessage, snapshotMessage, socketSnapshot, stateEvent } from "../support/messages";
import { manualSlices } from "./slices";
import { RECT, frame, frameEvents, modelWith, mount, seqs, settle, unmount } from "./frames-support";

let container: HTMLElement;
afterEach(async () => {
  if (container) await unmount(container);
});

/**
 * happy-dom lays nothing out: the table's scroll box gets the size a browser would give it (RECT high,
 * as tall inside as its spacer), so the virtualizer's clamping to the scroll range works as in a browser.
 */
const saved: [string, PropertyDescriptor | undefined][] = [];
beforeAll(() => {
  const box = (el: Element) => el.classList.contains("frames-scroll");
  const size: Record<string, (el: HTMLElement) => number> = {
    clientHeight: (el) => (box(el) ? RECT.height : 0),
    offsetHeight: (el) => (box(el) ? RECT.height : 0),
    scrollHeight: (el) => (box(el) ? Number(el.querySelector<HTMLElement>(".frames-spacer")!.style.height.replace("px", "")) : 0),
  };
  for (const [name, get] of Object.entries(size)) {
    saved.push([name, Object.getOwnPropertyDescriptor(HTMLElement.prototype, name)]);
    Object.defineProperty(HTMLElement.prototype, name, { configurable: true, get(this: HTMLElement) { return get(this); } });
  }
});
afterAll(() => {
  for (const [name, descriptor] of saved) {
    if (descriptor) Object.defineProperty(HTMLElement.prototype, name, descriptor);
    else delete (HTMLElement.prototype as unknown as Record<string, unknown>)[name];
  }
});

const ROW = 20;
const table = () => container.querySelector<HTMLElement>('[data-testid="frames-table"]')!;
const newButton = () => container.querySelector<HTMLButtonElement>('[data-testid="frames-new"]');
const frames = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => frame("a:1", from + i));

/** The user scrolls to `top` (happy-dom moves scrollTop but fires no scroll event: the test does). */
async function scrollTo(top: number) {
  await act(async () => {
    table().scrollTop = top;
    table().dispatchEvent(new Event("scroll"));
  });
  await settle();
}

/** What the browser does after a scroll the table made itself: tells the virtualizer where it is now. */
async function scrolled() {
  await act(async () => {
    table().dispatchEvent(new Event("scroll"));
  });
  await settle();
}

/** A live batch: the model folds it in and the view renders it. */
async function append(model: PanelModel, events: Parameters<typeof eventsMessage>[0]): Promise<PanelModel> {
  const next = reduce(model, eventsMessage(events));
  await act(async () => {
    render(<FramesView model={next} socket={null} initialRect={RECT} />, container);
  });
  await settle();
  return next;
}

const bottomOf = (rows: number) => rows * ROW - RECT.height;

describe("tailing live traffic", () => {
  it("at the bottom, the table follows new frames (and lifecycle rows)", async () => {
    let model = modelWith(frames(1, 10));
    container = await mount(<FramesView model={model} socket={null} initialRect={RECT} />);
    // Ten rows fit: the table shows its last row, so it follows.
    expect(table().dataset.pinned).toBe("true");
    model = await append(model, frameEvents(frames(11, 100)));
    expect(table().scrollTop).toBe(bottomOf(100));
    await scrolled();
    expect(seqs(container)).toContain(100);
    expect(seqs(container)).not.toContain(1);
    model = await append(model, [...frameEvents(frames(101, 110)), stateEvent("a:1", "closed", 1200, { code: 1006, wasClean: false })]);
    expect(table().scrollTop).toBe(bottomOf(111));
    await scrolled();
    expect(seqs(container)).toContain(110);
    expect(container.querySelector('[data-testid="lifecycle-row"][data-kind="closed"]')).not.toBeNull();
    expect(newButton()).toBeNull();
  });

  it("scrolled up, it stays put and counts what came; the button jumps to the newest and following resumes", async () => {
    let model = modelWith(frames(1, 100));
    container = await mount(<FramesView model={model} socket={null} initialRect={RECT} />);
    await scrollTo(bottomOf(100));
    expect(table().dataset.pinned).toBe("true");
    await scrollTo(500);
    expect(table().dataset.pinned).toBe("false");
    model = await append(model, [...frameEvents(frames(101, 129)), stateEvent("a:1", "reconnecting", 1200, { attempt: 1, delayMs: 250 })]);
    expect(table().scrollTop).toBe(500);
    expect(seqs(container)).toContain(26);
    expect(newButton()!.dataset.count).toBe("30");
    expect(newButton()!.textContent).toBe("30 new ↓");

    model = await append(model, frameEvents(frames(130, 134)));
    expect(table().scrollTop).toBe(500);
    expect(newButton()!.dataset.count).toBe("35");

    await act(async () => newButton()!.click());
    await settle();
    expect(table().scrollTop).toBe(bottomOf(135));
    expect(newButton()).toBeNull();
    await scrolled();
    expect(seqs(container)).toContain(134);

    model = await append(model, frameEvents(frames(135, 140)));
    expect(table().scrollTop).toBe(bottomOf(141));
    expect(newButton()).toBeNull();
  });

  it("a table opened on a long log starts at the newest row and follows; scrolled up, it stays put", async () => {
    let model = modelWith(frames(1, 1000));
    container = await mount(<FramesView model={model} socket={null} initialRect={RECT} />);
    await settle();
    expect(table().dataset.pinned).toBe("true");
    expect(table().scrollTop).toBe(bottomOf(1000));
    model = await append(model, frameEvents(frames(1001, 1003)));
    expect(table().scrollTop).toBe(bottomOf(1003));
    expect(newButton()).toBeNull();
    await scrollTo(0);
    model = await append(model, frameEvents(frames(1004, 1004)));
    expect(table().scrollTop).toBe(0);
    expect(newButton()!.dataset.count).toBe("1");
  });
});

describe("switching tabs", () => {
  const slices = manualSlices();
  async function mountApp() {
    const servers: FakePort[] = [];
    const connect = (name: string): PortLike => {
      const { client, server } = fakePortPair(name);
      servers.push(server);
      return client;
    };
    const flush = async () => {
      await flushPorts();
      slices.runAll();
      await flushPorts();
    };
    container = document.createElement("div");
    document.body.append(container);
    await act(async () => {
      render(<App ingest={{ schedule: (task) => slices.schedule(task) }} tabId={7} connect={connect} reconnectDelay={() => 0} tableRect={RECT} />, container);
      await flush();
    });
    const send = async (...messages: unknown[]) => {
      await act(async () => {
        for (const m of messages) servers.at(-1)!.postMessage(m);
        await flush();
      });
      await settle();
    };
    const click = async (id: string) => {
      await act(async () => {
        container.querySelector<HTMLElement>(`[data-testid="${id}"]`)!.click();
        await flush();
      });
      await settle();
    };
    return { send, click };
  }

  it("Frames -> Timeline -> Frames keeps the scroll position, the filter, and the count of what came meanwhile", async () => {
    const { send, click } = await mountApp();
    await send(snapshotMessage([socketSnapshot("a:1")]), eventsMessage(frameEvents(frames(1, 200))));
    await act(async () => {
      const input = container.querySelector<HTMLInputElement>('[data-testid="filter-hide-lifecycle"]')!;
      input.checked = true;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
    await scrollTo(bottomOf(200));
    await scrollTo(1000);
    const before = seqs(container);
    expect(before).toContain(51);

    await click("view-timeline");
    expect(container.querySelector('[data-testid="frames-table"]')).toBeNull();
    await send(eventsMessage(frameEvents(frames(201, 210)), 201));
    await click("view-frames");

    expect(table().scrollTop).toBe(1000);
    await scrolled();
    expect(seqs(container)).toEqual(before);
    expect(container.querySelector<HTMLInputElement>('[data-testid="filter-hide-lifecycle"]')!.checked).toBe(true);
    expect(newButton()!.dataset.count).toBe("10");
  });

  it("a table that was following comes back at the end, following", async () => {
    const { send, click } = await mountApp();
    await send(snapshotMessage([socketSnapshot("a:1")]), eventsMessage(frameEvents(frames(1, 5))));
    expect(table().dataset.pinned).toBe("true");
    await click("view-timeline");
    await send(eventsMessage(frameEvents(frames(6, 300)), 6));
    await click("view-frames");
    expect(table().scrollTop).toBe(bottomOf(300));
    await scrolled();
    expect(seqs(container)).toContain(300);
    expect(newButton()).toBeNull();
  });
});
