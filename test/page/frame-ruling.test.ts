/**
 * FrameRuling on its own (frame-ruling.ts): which rules a socket's answer leaves in force per
 * direction, and that nothing a page sends makes it throw. What the actions do is in frame-rules.test.ts.
 */
import { describe, expect, it, vi } from "vitest";
import { FrameRuling, type RuledSocket } from "../../src/page/frame-ruling";
import type { Wire } from "../../src/page/wire";
import { frameRules } from "../support/page-world";

function socket() {
  return { n: {} as RuledSocket["n"], recordFrame: vi.fn<RuledSocket["recordFrame"]>(), replyLater: vi.fn<RuledSocket["replyLater"]>(), breakpoints: () => null };
}
const wire = {} as Wire;

describe("FrameRuling", () => {
  it("no rules, or none usable: null, so the socket's wires pay one null check per frame", () => {
    expect(FrameRuling.of(undefined)).toBeNull();
    expect(FrameRuling.of([])).toBeNull();
    expect(FrameRuling.of(frameRules({ match: "*", direction: "in", when: { regex: "(" }, action: "drop" }))).toBeNull();
    expect(FrameRuling.of(frameRules({ match: "*", direction: "out", action: "drop", enabled: false }))).toBeNull();
    expect(FrameRuling.of(["not a rule" as unknown as never])).toBeNull();
  });

  it("respond answers the page's frames only: on `both` it leaves the server's frames alone", () => {
    const ruling = FrameRuling.of(frameRules({ match: "*", direction: "both", action: "respond", with: "hi" }))!;
    const s = socket();
    expect(ruling.inbound(s, wire, new MessageEvent("message", { data: "from the server" }) as MessageEvent)).toBe(false);
    expect(s.recordFrame).not.toHaveBeenCalled();
  });

  it("a frame whose reading throws (a Proxy the page made) goes on as if no rule matched", () => {
    const ruling = FrameRuling.of(frameRules({ match: "*", direction: "out", when: { hexPrefix: "00" }, action: "drop" }))!;
    const hostile = new Proxy(
      {},
      {
        getPrototypeOf() {
          throw new Error("no prototype for you");
        },
      },
    );
    const s = socket();
    expect(ruling.outbound(s, wire, hostile)).toBe(false);
    expect(s.recordFrame).not.toHaveBeenCalled();
    // The same rule still takes what it matches.
    expect(ruling.outbound(s, wire, new Uint8Array([0, 1]))).toBe(true);
    expect(s.recordFrame).toHaveBeenCalledWith(true, new Uint8Array([0, 1]), "page", "dropped", 0);
  });
});
