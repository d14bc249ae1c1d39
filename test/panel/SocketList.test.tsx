// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from "vitest";
import { render } from "preact";
import { act } from "preact/test-utils";
import { GROUP_HEAD_HEIGHT, SOCKET_ROW_HEIGHT, SocketList } from "../../src/panel/SocketList";
import { createModel, reduce, type PanelModel } from "../../src/panel/model";
import { snapshotMessage, socketSnapshot, stateEvent, eventsMessage } from "../support/messages";
import { mount, unmount } from "./frames-support";

let container: HTMLElement;
afterEach(async () => {
  if (container) await unmount(container);
});

/** 1,500 sockets of the top frame, then 500 of a subframe. */
function manySockets(): PanelModel {
  let model = createModel();
  for (let p = 0; p < 2; p++) {
    model = reduce(model, snapshotMessage(Array.from({ length: 750 }, (_, i) => socketSnapshot(`t:${p * 750 + i}`, { framesIn: 1 }))));
  }
  return reduce(model, snapshotMessage(Array.from({ length: 500 }, (_, i) => socketSnapshot(`f:${i}`, {}, { topFrame: false, frameUrl: "https://ads.test/" })), "https://ads.test/"));
}

const rows = () => [...container.querySelectorAll<HTMLElement>('[data-testid="socket-row"]')];
const groups = () => [...container.querySelectorAll<HTMLElement>('[data-testid="frame-group"]')];
const RECT = { width: 600, height: 400 };

async function scrollTo(top: number): Promise<void> {
  const box = container.querySelector<HTMLElement>(".socket-list-scroll")!;
  await act(async () => {
    box.scrollTop = top;
    box.dispatchEvent(new Event("scroll"));
    await new Promise((r) => setTimeout(r, 0));
  });
}

describe("socket list", () => {
  it("draws only the rows in view (and a few more) of 2,000 sockets", async () => {
    const selected: (string | null)[] = [];
    container = await mount(<SocketList model={manySockets()} onSelect={(id) => selected.push(id)} initialRect={RECT} />);
    const shown = rows();
    expect(shown.length).toBeGreaterThanOrEqual(RECT.height / SOCKET_ROW_HEIGHT - 2);
    expect(shown.length).toBeLessThan(RECT.height / SOCKET_ROW_HEIGHT + 12);
    expect(shown[0]!.dataset.socketId).toBe("t:0");
    expect(groups().map((g) => g.dataset.topFrame)).toEqual(["true"]);
    expect(container.querySelector('[data-testid="socket-all"]')!.textContent).toContain("1500 frames");
    await act(async () => shown[3]!.click());
    expect(selected).toEqual(["t:3"]);
  });

  it("scrolled, draws the rows there, within their frame's group", async () => {
    container = await mount(<SocketList model={manySockets()} initialRect={RECT} />);
    await scrollTo(GROUP_HEAD_HEIGHT + 1200 * SOCKET_ROW_HEIGHT);
    expect(rows().map((r) => r.dataset.socketId)).toContain("t:1205");
    expect(rows().map((r) => r.dataset.socketId)).not.toContain("t:0");
    // Where the top frame's group ends and the subframe's starts, both are there, each with its own rows.
    await scrollTo(GROUP_HEAD_HEIGHT + 1490 * SOCKET_ROW_HEIGHT);
    const [top, sub] = groups();
    expect(top!.dataset.topFrame).toBe("true");
    expect(sub!.dataset.topFrame).toBe("false");
    expect(top!.querySelector<HTMLElement>('[data-testid="socket-row"]')!.dataset.socketId).not.toBe("t:0");
    expect([...sub!.querySelectorAll<HTMLElement>('[data-testid="socket-row"]')][0]!.dataset.socketId).toBe("f:0");
    expect(sub!.textContent).toContain("https://ads.test/");
  });

  it("a batch redraws the rows it changed, and keeps the others' elements", async () => {
    let model = manySockets();
    container = await mount(<SocketList model={model} initialRect={RECT} />);
    const before = rows()[2]!;
    model = reduce(model, eventsMessage([stateEvent("t:1", "closed", 5000, { code: 4000 })]));
    await act(async () => render(<SocketList model={model} initialRect={RECT} />, container));
    expect(rows()[1]!.dataset.state).toBe("closed");
    expect(rows()[1]!.textContent).toContain("closed (4000)");
    expect(rows()[2]).toBe(before);
  });
});
