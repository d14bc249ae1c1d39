// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { act } from "preact/test-utils";
import { SocketList } from "../../src/panel/SocketList";
import { stateColumnMin } from "../../src/panel/SocketRow";
import { FramesView } from "../../src/panel/FramesView";
import { Splitter } from "../../src/panel/Splitter";
import { useStoredSize } from "../../src/panel/layout-memory";
import { textWidth } from "../../src/panel/text-width";
import { createModel, reduce } from "../../src/panel/model";
import { snapshotMessage, socketSnapshot } from "../support/messages";
import { RECT, frame, modelWith, mount, unmount } from "./frames-support";

let container: HTMLElement;
beforeEach(() => localStorage.clear());
afterEach(async () => {
  if (container) await unmount(container);
});

const $ = (id: string) => container.querySelector<HTMLElement>(`[data-testid="${id}"]`)!;
const model = () => reduce(createModel(), snapshotMessage([socketSnapshot("a:1"), socketSnapshot("a:2", { state: "reconnecting" })]));
/** The socket table's column widths, px, in order (the last col takes what is left and has none). */
const socketColumns = () => [...container.querySelectorAll<HTMLElement>(".socket-table col")].slice(0, -1).map((c) => parseFloat(c.style.width));
const STATE = 1;
const stored = (key: string) => JSON.parse(localStorage.getItem(`lifeguard.layout.${key}`)!) as unknown;

/** A pointer drag on a handle, from x (or y) `from` to `to`. */
async function drag(handle: HTMLElement, from: number, to: number, axis: "x" | "y" = "x") {
  const at = (v: number) => (axis === "x" ? { clientX: v, clientY: 0 } : { clientX: 0, clientY: v });
  await act(async () => {
    handle.dispatchEvent(new PointerEvent("pointerdown", { bubbles: true, button: 0, pointerId: 1, ...at(from) }));
    handle.dispatchEvent(new PointerEvent("pointermove", { bubbles: true, pointerId: 1, ...at((from + to) / 2) }));
    handle.dispatchEvent(new PointerEvent("pointermove", { bubbles: true, pointerId: 1, ...at(to) }));
    handle.dispatchEvent(new PointerEvent("pointerup", { bubbles: true, pointerId: 1, ...at(to) }));
  });
}

async function key(el: HTMLElement, k: string, shiftKey = false) {
  await act(async () => {
    el.dispatchEvent(new KeyboardEvent("keydown", { key: k, shiftKey, bubbles: true }));
  });
}

describe("resizable socket list columns", () => {
  it("a drag on a head's edge widens the column, is remembered, and comes back when the list is mounted again", async () => {
    container = await mount(<SocketList model={model()} initialRect={RECT} />);
    const before = socketColumns();
    const handle = $("resize-state");
    expect(handle.getAttribute("role")).toBe("separator");
    expect(handle.getAttribute("aria-orientation")).toBe("vertical");
    expect(handle.getAttribute("aria-valuenow")).toBe(String(before[STATE]));

    await drag(handle, 300, 360);
    const after = socketColumns();
    expect(after[STATE]).toBe(before[STATE]! + 60);
    expect(after.filter((_, i) => i !== STATE)).toEqual(before.filter((_, i) => i !== STATE));
    expect((stored("columns.sockets") as Record<string, number>).state).toBe(before[STATE]! + 60);
    // The rows scroll sideways rather than squeeze: the list is as wide as its columns.
    expect(container.querySelector<HTMLElement>(".socket-list-spacer")!.style.minWidth).toBe(`${after.reduce((a, b) => a + b)}px`);

    await unmount(container);
    container = await mount(<SocketList model={model()} initialRect={RECT} />);
    expect(socketColumns()).toEqual(after);
  });

  it("keyboard: arrows move the focused edge, never below the column's minimum", async () => {
    container = await mount(<SocketList model={model()} initialRect={RECT} />);
    const handle = $("resize-url");
    expect(handle.tabIndex).toBe(0);
    const url = socketColumns()[0]!;
    await key(handle, "ArrowRight");
    expect(socketColumns()[0]).toBe(url + 10);
    await key(handle, "ArrowLeft", true);
    expect(socketColumns()[0]).toBe(url - 40);
    expect($("resize-url").getAttribute("aria-valuenow")).toBe(String(url - 40));
    await key($("resize-url"), "Home");
    const min = Number($("resize-url").getAttribute("aria-valuemin"));
    expect(socketColumns()[0]).toBe(min);
    await drag($("resize-url"), 500, 0);
    expect(socketColumns()[0]).toBe(min);
  });

  it("the state column fits the longest state whole, and cannot be dragged narrower", async () => {
    container = await mount(<SocketList model={model()} initialRect={RECT} />);
    const longest = textWidth("reconnecting (attempt 999)");
    expect(stateColumnMin()).toBeGreaterThanOrEqual(longest);
    expect(socketColumns()[STATE]).toBeGreaterThan(longest + 16);
    await drag($("resize-state"), 300, 0);
    expect(socketColumns()[STATE]).toBeGreaterThan(longest + 16);
  });

  it("ignores what is stored when it is not a width: unparsable, wrong types, absurd sizes", async () => {
    container = await mount(<SocketList model={model()} initialRect={RECT} />);
    const defaults = socketColumns();
    await unmount(container);
    for (const garbage of ["{not json", "[1,2,3]", "null", '"wide"', JSON.stringify({ url: "wide", state: -5, frames: 1e9, bytes: null, last: Number.NaN })]) {
      localStorage.setItem("lifeguard.layout.columns.sockets", garbage);
      container = await mount(<SocketList model={model()} initialRect={RECT} />);
      expect(socketColumns(), garbage).toEqual(defaults);
      await unmount(container);
    }
    // A good value among bad ones is kept; one below the minimum is raised to it.
    localStorage.setItem("lifeguard.layout.columns.sockets", JSON.stringify({ url: 333, state: 5, bytes: "x" }));
    container = await mount(<SocketList model={model()} initialRect={RECT} />);
    expect(socketColumns()[0]).toBe(333);
    expect(socketColumns()[STATE]).toBe(Number($("resize-state").getAttribute("aria-valuemin")));
    expect(socketColumns().slice(2)).toEqual(defaults.slice(2));
  });
});

describe("resizable frames table columns and detail split", () => {
  const frames = [frame("a:1", 1), frame("a:1", 2)];
  const columns = () => container.querySelector<HTMLElement>(".frames")!.style.getPropertyValue("--frames-columns");

  it("a drag on the Time head's edge changes the grid of the heads and rows, and is remembered", async () => {
    container = await mount(<FramesView model={modelWith(frames)} socket={null} initialRect={RECT} />);
    expect(columns()).toBe("96px 18px 64px 80px minmax(0, 1fr)");
    await drag($("resize-time"), 100, 140);
    expect(columns()).toBe("136px 18px 64px 80px minmax(0, 1fr)");
    await key($("resize-type"), "ArrowRight");
    expect(columns()).toBe("136px 18px 64px 90px minmax(0, 1fr)");
    expect(stored("columns.frames")).toEqual({ time: 136, size: 64, type: 90 });
    await unmount(container);
    container = await mount(<FramesView model={modelWith(frames)} socket={null} initialRect={RECT} />);
    expect(columns()).toBe("136px 18px 64px 90px minmax(0, 1fr)");
    // Still virtualized: the rows are the table's, drawn from the same grid.
    expect(container.querySelectorAll('[data-testid="frame-row"]')).toHaveLength(2);
  });

  it("the split above the frame detail drags up to grow it, and is remembered", async () => {
    container = await mount(<FramesView model={modelWith(frames)} socket={null} initialRect={RECT} />);
    expect(container.querySelector('[data-testid="detail-splitter"]')).toBeNull();
    await act(async () => {
      container.querySelector<HTMLElement>('[data-testid="frame-row"]')!.dispatchEvent(new MouseEvent("mousedown", { bubbles: true }));
    });
    const split = $("detail-splitter");
    expect(split.getAttribute("aria-orientation")).toBe("horizontal");
    // Not dragged yet: the CSS default holds (no size set).
    expect(container.querySelector<HTMLElement>(".frames-view")!.style.getPropertyValue("--detail-height")).toBe("");
    Object.defineProperty(container.querySelector(".frame-detail")!, "getBoundingClientRect", { value: () => ({ height: 160 }) });
    await drag(split, 300, 250, "y");
    expect(container.querySelector<HTMLElement>(".frames-view")!.style.getPropertyValue("--detail-height")).toBe("210px");
    expect(stored("split.detail")).toBe(210);
    await key($("detail-splitter"), "ArrowDown");
    expect(stored("split.detail")).toBe(200);
  });
});

describe("splitter", () => {
  function Pane() {
    const [size, setSize] = useStoredSize("split.test", 100);
    return (
      <div data-size={size ?? "default"}>
        <Splitter label="Resize" orientation="vertical" value={size} measure={() => 300} min={100} max={600} onChange={setSize} testId="split" />
      </div>
    );
  }
  const size = () => container.querySelector<HTMLElement>("[data-size]")!.dataset.size;

  it("starts from the laid-out size, is dragged within its bounds, and is back after a reload", async () => {
    container = await mount(<Pane />);
    expect(size()).toBe("default");
    expect($("split").getAttribute("aria-valuenow")).toBe("300");
    await drag($("split"), 400, 450);
    expect(size()).toBe("350");
    await drag($("split"), 400, 2000);
    expect(size()).toBe("600");
    await key($("split"), "Home");
    expect(size()).toBe("100");
    await key($("split"), "End");
    expect(size()).toBe("600");
    await unmount(container);
    container = await mount(<Pane />);
    expect(size()).toBe("600");
    localStorage.setItem("lifeguard.layout.split.test", '"600px"');
    await unmount(container);
    container = await mount(<Pane />);
    expect(size()).toBe("default");
  });

  it("a pointer move without a press does nothing", async () => {
    container = await mount(<Pane />);
    await act(async () => {
      $("split").dispatchEvent(new PointerEvent("pointermove", { bubbles: true, clientX: 900 }));
    });
    expect(size()).toBe("default");
    expect(localStorage.getItem("lifeguard.layout.split.test")).toBeNull();
  });
});
