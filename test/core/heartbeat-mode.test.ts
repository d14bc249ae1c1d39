/**
 * The heartbeat mode a protection event carries (issue 19): the panel says "heartbeat off" only when
 * the page world says so, so the engine must say it truly, and again whenever it changes.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { harness, rule } from "./fakes";
import type { Rule } from "../../src/shared/settings";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function open(url: string, protocols: string[], overrides: Omit<Rule, "match"> = {}, negotiated = "") {
  const h = harness({ url, protocols, ruleOverrides: overrides });
  h.initial.serverOpen(negotiated);
  return h;
}

const told = (h: ReturnType<typeof open>) => h.recorded.flatMap((e) => (e.kind === "protection" ? [e.heartbeat] : []));

describe("the heartbeat mode of a protected socket", () => {
  it("auto on a protocol Lifeguard does not know: off", () => {
    const h = open("ws://h/unknown", []);
    expect(h.conn.strategyChoice.heartbeat).toBe("off");
    h.initial.serverMessage("hello");
    expect(told(h)).toEqual([]);
  });

  it("a message of the rule's own: message", () => {
    expect(open("ws://h/unknown", [], { heartbeat: { message: "ping" } }).conn.strategyChoice.heartbeat).toBe("message");
  });

  it("the heartbeat disabled: off, even for a protocol it knows", () => {
    expect(open("ws://broker/mqtt", ["mqtt"], { heartbeat: { enabled: false } }, "mqtt").conn.strategyChoice.heartbeat).toBe("off");
  });

  it("MQTT: not known before CONNACK, then its own ping, told once", () => {
    const h = open("ws://broker/mqtt", ["mqtt"], {}, "mqtt");
    expect(h.conn.strategyChoice.heartbeat).toBeUndefined();
    h.initial.serverMessage(new Uint8Array([0x20, 0x02, 0x00, 0x00]).buffer);
    expect(h.conn.strategyChoice.heartbeat).toBe("protocol");
    h.initial.serverMessage(new Uint8Array([0xd0, 0x00]).buffer);
    expect(h.recorded.filter((e) => e.kind === "protection")).toMatchObject([{ protected: true, protocol: "MQTT", heartbeat: "protocol" }]);
  });

  it("Engine.IO 4: the server pings only: passive", () => {
    const h = open("ws://h/socket.io/?EIO=4&transport=websocket", []);
    h.initial.serverMessage('0{"sid":"a","upgrades":[],"pingInterval":1000,"pingTimeout":500}');
    expect(h.conn.strategyChoice.heartbeat).toBe("passive");
    expect(told(h).at(-1)).toBe("passive");
  });

  it("a ping message saved into the rule under protection is told at once", () => {
    const h = open("ws://h/unknown", []);
    h.conn.updateRule(rule({ heartbeat: { message: "ping" } }));
    expect(h.recorded.filter((e) => e.kind === "protection")).toMatchObject([{ protected: true, heartbeat: "message" }]);
    // The same mode again is no news.
    h.conn.updateRule(rule({ heartbeat: { message: "pong" } }));
    expect(told(h)).toEqual(["message"]);
  });
});
