// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from "vitest";
import { SocketList } from "../../src/panel/SocketList";
import { createModel, reduce, type PanelModel } from "../../src/panel/model";
import type { SocketView } from "../../src/panel/model";
import { snapshotMessage, socketSnapshot } from "../support/messages";
import { RECT, mount, unmount } from "./frames-support";

let container: HTMLElement;
afterEach(async () => {
  if (container) await unmount(container);
});

/** A live socket `a:1` (open, protected); `origin` makes its view one from a file or from a previous page. */
function modelWith(origin: SocketView["origin"], over: Partial<SocketView> = {}): PanelModel {
  const model = reduce(createModel(), snapshotMessage([socketSnapshot("a:1", { protected: true })]));
  const view = model.sockets.get("a:1")!;
  model.sockets.set("a:1", { ...view, origin, ...over });
  return model;
}

const row = () => container.querySelector<HTMLElement>('[data-testid="socket-row"]')!;
const cell = (id: string) => row().querySelector<HTMLElement>(`[data-testid="${id}"]`)!;

describe("recorded sockets", () => {
  it("a live socket shows its state in the live colour and whether a rule protects it", async () => {
    container = await mount(<SocketList model={modelWith("live")} initialRect={RECT} />);
    expect(cell("socket-state").className).toContain("socket-state-open");
    expect(cell("socket-state").textContent).toBe("open");
    expect(cell("socket-protected").textContent).toBe("yes");
    expect(row().querySelector('[data-testid="recording-badge"]')).toBeNull();
  });

  it("an imported socket is a recording: a badge, its last state in a neutral colour, no claim about protection", async () => {
    container = await mount(<SocketList model={modelWith("imported")} initialRect={RECT} />);
    expect(row().querySelector('[data-testid="recording-badge"]')!.textContent).toBe("recording");
    expect(cell("socket-state").textContent).toBe("open");
    expect(cell("socket-state").className).toContain("socket-state-recorded");
    expect(cell("socket-state").className).not.toContain("socket-state-open");
    expect(cell("socket-state").title).toBe("Last recorded state: open (not live)");
    expect(cell("socket-protected").textContent).toBe("—");
    expect(cell("socket-protected").title).toContain("Recorded");
  });

  it("a previous page's socket reads the same way: not live, not protected now", async () => {
    container = await mount(<SocketList model={modelWith("previous-page", { state: "closed", closeCode: 1006 })} initialRect={RECT} />);
    expect(row().textContent).toContain("previous page");
    expect(cell("socket-state").textContent).toBe("closed (1006)");
    expect(cell("socket-state").className).toContain("socket-state-recorded");
    expect(cell("socket-protected").textContent).toBe("—");
  });
});
