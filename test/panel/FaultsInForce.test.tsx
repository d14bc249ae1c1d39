// @vitest-environment happy-dom
/**
 * A refusal in force (FaultsInForce.tsx): what it is, its time left, and End, which ends it for the
 * tab (a refusal is of endpoints, and may outlive the sockets it was started on); and its timeline label.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { render } from "preact";
import { act } from "preact/test-utils";
import { FaultsInForce } from "../../src/panel/FaultsInForce";
import { faultLabel } from "../../src/panel/timeline-model";
import type { SocketView } from "../../src/panel/model";

let container: HTMLElement;

afterEach(() => {
  render(null, container);
  container.remove();
});

const socket = (id: string, url: string, state: SocketView["state"] = "open"): SocketView => ({
  id,
  url,
  protocols: [],
  frameUrl: "https://app.test/",
  topFrame: true,
  state,
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
});

describe("a refusal in force", () => {
  it("says it refuses connections, for how long, on what; End ends it for the tab whatever it is on", () => {
    const onFault = vi.fn();
    container = document.createElement("div");
    document.body.append(container);
    const closed = socket("f:1", "wss://app.test/live?session=1", "closed");
    act(() =>
      render(<FaultsInForce inForce={[{ kind: "refuse", sockets: [closed], until: 5_000 }]} live={2} now={1_200} onFault={onFault} />, container),
    );
    const entry = container.querySelector('[data-testid="fault-in-force"]') as HTMLElement;
    expect(entry.dataset.kind).toBe("refuse");
    expect(container.querySelector('[data-testid="fault-refuse-countdown"]')!.textContent).toBe("Refusing connections: 4 s left");
    expect(container.querySelector('[data-testid="fault-in-force-on"]')!.textContent).toBe("app.test/live?session=1");
    const end = container.querySelector('[data-testid="fault-refuse-end"]') as HTMLButtonElement;
    expect(end.getAttribute("aria-label")).toBe("End refuse connections");
    act(() => end.click());
    expect(onFault.mock.calls).toEqual([[{ tab: true }, { kind: "refuse", durationMs: 0 }]]);
  });

  it("reads as a lasting fault on the timeline: started with its duration, then ended", () => {
    const base = { kind: "fault", t: 1, socket: "f:1", fault: "refuse" } as const;
    expect(faultLabel({ ...base, active: true, detail: "5000 ms", untilT: 5001 })).toBe("fault: refuse connections started (5000 ms)");
    expect(faultLabel({ ...base, active: false })).toBe("fault: refuse connections ended");
  });
});
