import { describe, expect, it } from "vitest";
import { measure, NO_CONNECTION_REASON } from "../../../src/shared/resilience/measure";
import type { Step } from "../../../src/shared/resilience/types";
import { mark, PAGE, RecordBuilder, T0 } from "./record-builder";

const URL = "ws://127.0.0.1:8080/feed";
const OTHER = "ws://127.0.0.1:9090/chat";
const SUBSCRIBE = '{"type":"subscribe","channel":"prices"}';
const TAB = { tab: true } as const;
const DROP: Step = { kind: "drop", observeMs: 15_000 };
const OFFLINE: Step = { kind: "offline", durationMs: 10_000, observeMs: 40_000 };
const LATENCY: Step = { kind: "latency", inMs: 2000, outMs: 2000, durationMs: 20_000, observeMs: 25_000 };

/** A protected socket open since 10 ms that subscribed, and a drop at 10 s that Lifeguard sees at once. */
function protectedDropped(): RecordBuilder {
  const b = new RecordBuilder();
  b.at(0).created("s:1", URL).protection("s:1").at(10).open("s:1").at(20).out("s:1", SUBSCRIBE);
  b.at(10_001).reconnecting("s:1", 1);
  return b;
}

describe("measure: edge cases", () => {
  it("a stopped step: measured up to the stop, and says so", () => {
    const b = new RecordBuilder();
    b.at(0).created("s:1", URL).at(10).open("s:1").at(10_002).closed("s:1");
    const [step] = measure(b.record(), [mark(0, DROP, 10_000, { endMs: 13_000, stopped: true })], TAB);
    expect(step!.stopped).toBe(true);
    expect(step!.verdict).toBe("failed");
    expect(step!.connections[0]!.recovered).toEqual({ afterMs: null, reason: "not recovered before the check was stopped, 3 s into the step" });
    // A reconnect after the stop is not the step's.
    b.at(14_000).created("s:2", URL).at(14_010).open("s:2");
    const [again] = measure(b.record(), [mark(0, DROP, 10_000, { endMs: 13_000, stopped: true })], TAB);
    expect(again!.connections[0]!.recovered.afterMs).toBeNull();
  });

  it("no sockets at all: every step failed, no connection to test", () => {
    const steps = measure({ events: [], errors: [] }, [mark(0, DROP, 0), mark(1, OFFLINE, 20_000)], TAB);
    expect(steps.map((s) => [s.verdict, s.reason, s.connections.length])).toEqual([
      ["failed", NO_CONNECTION_REASON, 0],
      ["failed", NO_CONNECTION_REASON, 0],
    ]);
  });

  it("a socket closed before the step, or one opened only during it, is not tested", () => {
    const b = new RecordBuilder();
    b.at(0).created("s:1", URL).at(10).open("s:1").at(5000).closed("s:1", 1000);
    b.at(12_000).created("s:2", OTHER).at(12_010).open("s:2");
    const [step] = measure(b.record(), [mark(0, DROP, 10_000)], TAB);
    expect(step!.connections).toEqual([]);
    expect(step!.reason).toBe(NO_CONNECTION_REASON);
  });

  it("a socket target: only that socket's connection (and its replacements); an unknown socket has nothing to test", () => {
    const b = new RecordBuilder();
    b.at(0).created("s:1", URL).created("s:2", OTHER).at(10).open("s:1").open("s:2");
    b.at(10_001).closed("s:1").closed("s:2").at(10_500).created("s:3", `${URL}?session=2`).at(10_510).open("s:3");
    const marks = [mark(0, DROP, 10_000)];
    const [one] = measure(b.record(), marks, { socket: "s:1" });
    expect(one!.connections.map((c) => [c.endpoint, c.sockets, c.verdict])).toEqual([[URL, ["s:1", "s:3"], "passed"]]);
    const [all] = measure(b.record(), marks, TAB);
    expect(all!.connections.map((c) => c.endpoint)).toEqual([URL, OTHER]);
    expect(all!.verdict).toBe("failed");
    expect(all!.reason).toBe(`${OTHER}: not recovered within 15 s; detected after 0 s (2 connections tested)`);
    const [none] = measure(b.record(), marks, { socket: "s:99" });
    expect(none!.connections).toEqual([]);
  });

  it("the same endpoint from another frame is another connection", () => {
    const b = new RecordBuilder();
    b.at(0).created("s:1", URL).created("f:1", URL, "http://127.0.0.1:8080/frame.html").at(10).open("s:1").open("f:1");
    b.at(10_001).closed("s:1").at(10_500).created("s:2", URL).at(10_510).open("s:2");
    const [step] = measure(b.record(), [mark(0, DROP, 10_000)], TAB);
    expect(step!.connections.map((c) => c.sockets)).toEqual([["s:1", "s:2"], ["f:1"]]);
    expect(step!.connections[1]!.detected).toEqual({ at: null, reason: "no loss in this step" });
    expect(step!.connections[1]!.recovered).toEqual({ afterMs: null, reason: "not needed: the connection stayed open" });
    expect(PAGE).not.toBe("http://127.0.0.1:8080/frame.html");
  });

  it("frames queued during the outage, then flushed after the new open: sent once each, delivered", () => {
    const b = protectedDropped();
    b.at(10_100).out("s:1", '{"type":"order","id":1}', "queued").at(10_200).out("s:1", '{"type":"order","id":2}', "queued");
    b.at(10_800).open("s:1", { attempt: 1 }).out("s:1", SUBSCRIBE).out("s:1", '{"type":"order","id":1}').out("s:1", '{"type":"order","id":2}');
    b.queue("s:1", "flushed", 2);
    const [step] = measure(b.record(), [mark(0, DROP, 10_000)], TAB);
    const c = step!.connections[0]!;
    expect(c.messages).toEqual({ sent: 2, delivered: 2, lost: 0, duplicated: 0, queued: 2 });
    expect(c.reason).toBe("recovered by Lifeguard in 0.8 s; 2 messages queued and delivered");
    expect(c.verdict).toBe("passed");
    // The flush is not itself what the page subscribed with, but the page's own re-send is there.
    expect(c.resubscribed).toBe("yes");
  });

  it("a queue bound drops the oldest: that message is lost, the step degraded", () => {
    const b = protectedDropped();
    b.at(10_100).out("s:1", "a", "queued").out("s:1", "b", "queued").out("s:1", "c", "queued").queue("s:1", "dropped", 1, "queue full");
    b.at(10_800).open("s:1", { attempt: 1 }).out("s:1", SUBSCRIBE).out("s:1", "b").out("s:1", "c");
    const [step] = measure(b.record(), [mark(0, DROP, 10_000)], TAB);
    const c = step!.connections[0]!;
    expect(c.messages).toEqual({ sent: 3, delivered: 2, lost: 1, duplicated: 0, queued: 3 });
    expect(c.verdict).toBe("degraded");
    expect(c.reason).toBe("recovered by Lifeguard in 0.8 s, but 1 message lost");
  });

  it("queued messages never sent before the window closed (not recovered) are lost", () => {
    const b = protectedDropped();
    b.at(10_100).out("s:1", "a", "queued");
    const [step] = measure(b.record(), [mark(0, DROP, 10_000)], TAB);
    expect(step!.connections[0]!.messages).toMatchObject({ sent: 1, lost: 1, queued: 1 });
    expect(step!.verdict).toBe("failed");
  });

  it("a send() that threw and a send on the closed socket are lost (unprotected page)", () => {
    const b = new RecordBuilder();
    b.at(0).created("s:1", URL).at(10).open("s:1").out("s:1", SUBSCRIBE);
    b.at(10_001).closed("s:1").at(10_050).out("s:1", "late", "dropped");
    b.at(10_500).created("s:2", URL).queue("s:2", "dropped", 1, "send() threw InvalidStateError").at(10_510).open("s:2").out("s:2", SUBSCRIBE);
    const [step] = measure(b.record(), [mark(0, DROP, 10_000)], TAB);
    expect(step!.connections[0]!.messages).toEqual({ sent: 2, delivered: 0, lost: 2, duplicated: 0, queued: 0 });
    expect(step!.verdict).toBe("degraded");
  });

  it("a delivery resent for an id already acknowledged counts as duplicated", () => {
    const b = protectedDropped();
    b.at(9000).delivery("s:1", "7", "pending").delivery("s:1", "7", "acked").delivery("s:1", "8", "pending");
    b.at(10_800).open("s:1", { attempt: 1 }).out("s:1", SUBSCRIBE).delivery("s:1", "7", "resent").delivery("s:1", "8", "resent");
    const [step] = measure(b.record(), [mark(0, DROP, 10_000)], TAB);
    expect(step!.connections[0]!.messages.duplicated).toBe(1);
    expect(step!.verdict).toBe("degraded");
  });

  it("resubscribed: no when the page does not send again what it subscribed with; unknown with no baseline", () => {
    const b = new RecordBuilder();
    b.at(0).created("s:1", URL).at(10).open("s:1").out("s:1", SUBSCRIBE).out("s:1", '{"type":"hello","v":1}');
    b.at(10_001).closed("s:1").at(10_500).created("s:2", URL).at(10_510).open("s:2").out("s:2", '{"v":2,"type":"hello"}');
    const [step] = measure(b.record(), [mark(0, DROP, 10_000)], TAB);
    const c = step!.connections[0]!;
    expect(c.resubscribed).toBe("no");
    expect(c.resubscribeShapes).toEqual({ before: ['{"channel","type"} type=subscribe', '{"type","v"} type=hello'], after: ['{"type","v"} type=hello'] });
    expect(c.verdict).toBe("degraded");
    expect(c.reason).toBe('recovered by the page in 0.5 s, but did not resubscribe ({"channel","type"} type=subscribe not sent again)');

    const quiet = new RecordBuilder();
    quiet.at(0).created("s:1", URL).at(10).open("s:1").at(10_001).closed("s:1").at(10_500).created("s:2", URL).at(10_510).open("s:2");
    const [q] = measure(quiet.record(), [mark(0, DROP, 10_000)], TAB);
    expect(q!.connections[0]!.resubscribed).toBe("unknown");
    expect(q!.verdict).toBe("passed");
  });

  it("resubscribed compares with the first connection's frames only, not a queue flushed after a later reconnect", () => {
    const b = protectedDropped();
    b.at(10_100).out("s:1", '{"type":"order","id":1}', "queued");
    b.at(10_800).open("s:1", { attempt: 1 }).out("s:1", SUBSCRIBE).out("s:1", '{"type":"order","id":1}');
    b.at(30_001).reconnecting("s:1", 1).at(30_500).open("s:1", { attempt: 1 }).out("s:1", SUBSCRIBE);
    const [, second] = measure(b.record(), [mark(0, DROP, 10_000), mark(1, DROP, 30_000)], TAB);
    expect(second!.connections[0]!.resubscribeShapes!.before).toEqual(['{"channel","type"} type=subscribe']);
    expect(second!.connections[0]!.resubscribed).toBe("yes");
  });

  it("the resubscription may come after the window, before the next step", () => {
    const b = new RecordBuilder();
    b.at(0).created("s:1", URL).at(10).open("s:1").out("s:1", SUBSCRIBE);
    b.at(10_001).closed("s:1").at(24_990).created("s:2", URL).at(24_999).open("s:2").at(25_100).out("s:2", SUBSCRIBE);
    b.at(31_000).out("s:2", '{"type":"late"}');
    const marks = [mark(0, DROP, 10_000), mark(1, DROP, 30_000)];
    expect(measure(b.record(), marks, TAB)[0]!.connections[0]!.resubscribed).toBe("yes");
  });

  it("page errors during the step degrade it; errors outside it do not count", () => {
    const b = new RecordBuilder();
    b.at(0).created("s:1", URL).at(10).open("s:1").out("s:1", SUBSCRIBE).error("before the check");
    b.at(10_001).closed("s:1").error("WebSocket is closed", "console").at(10_500).created("s:2", URL).at(10_510).open("s:2").out("s:2", SUBSCRIBE);
    b.at(40_000).error("after the step");
    const [step] = measure(b.record(), [mark(0, DROP, 10_000)], TAB);
    const c = step!.connections[0]!;
    expect(c.errors.map((e) => e.message)).toEqual(["WebSocket is closed"]);
    expect(c.verdict).toBe("degraded");
    expect(c.reason).toBe("recovered by the page in 0.5 s, but 1 page error");
  });

  it("recovery slower than 10 s after the outage ended is degraded; right after it is not", () => {
    const slow = protectedDropped();
    const late = new RecordBuilder();
    for (const [b, openAt] of [
      [slow, 35_500],
      [late, 20_400],
    ] as const) {
      if (b === late) b.at(0).created("s:1", URL).protection("s:1").at(10).open("s:1").out("s:1", SUBSCRIBE).at(10_001).reconnecting("s:1", 1);
      b.at(openAt).open("s:1", { attempt: 4 }).out("s:1", SUBSCRIBE);
    }
    const [s] = measure(slow.record(), [mark(0, OFFLINE, 10_000)], TAB);
    expect(s!.verdict).toBe("degraded");
    expect(s!.reason).toBe("recovered by Lifeguard in 25.5 s, but back only 15.5 s after the fault ended");
    const [l] = measure(late.record(), [mark(0, OFFLINE, 10_000)], TAB);
    expect(l!.verdict).toBe("passed");
  });

  it("latency: a connection that closed and came back is degraded, one that did not come back failed", () => {
    const b = new RecordBuilder();
    b.at(0).created("s:1", URL).at(10).open("s:1").out("s:1", SUBSCRIBE);
    b.at(15_000).state("s:1", "closing").at(15_005).closed("s:1", 1000).at(16_000).created("s:2", URL).at(16_010).open("s:2").out("s:2", SUBSCRIBE);
    const [back] = measure(b.record(), [mark(0, LATENCY, 10_000)], TAB);
    expect(back!.verdict).toBe("degraded");
    expect(back!.connections[0]!.detected).toMatchObject({ by: "close", afterMs: 5000 });
    expect(back!.reason).toBe("closed under latency; recovered by the page in 1 s");

    const gone = new RecordBuilder();
    gone.at(0).created("s:1", URL).at(10).open("s:1").at(15_000).closed("s:1");
    expect(measure(gone.record(), [mark(0, LATENCY, 10_000)], TAB)[0]!.verdict).toBe("failed");
  });

  it("latency: a delayed frame the wire recorded dropped (its socket ended first) is lost, once", () => {
    const b = new RecordBuilder();
    b.at(0).created("s:1", URL).at(10).open("s:1").at(11_000).out("s:1", "x", "delayed");
    b.at(12_000).out("s:1", "x", "dropped").state("s:1", "closing").closed("s:1", 1000);
    const [step] = measure(b.record(), [mark(0, LATENCY, 10_000)], TAB);
    expect(step!.connections[0]!.messages).toMatchObject({ sent: 1, lost: 1, delivered: 0 });
  });

  it("a held or delayed frame with no later dropped record went when the fault let it: delivered", () => {
    const b = new RecordBuilder();
    b.at(0).created("s:1", URL).at(10).open("s:1").at(11_000).out("s:1", "x", "delayed").out("s:1", "y", "delayed");
    b.at(12_000).out("s:1", "y", "dropped");
    const [step] = measure(b.record(), [mark(0, LATENCY, 10_000)], TAB);
    expect(step!.connections[0]!.messages).toMatchObject({ sent: 2, delivered: 1, lost: 1 });
  });

  it("page errors and unknown sockets in the record are ignored, events out of order are put in order", () => {
    const b = new RecordBuilder();
    b.at(0).created("s:1", URL).at(10).open("s:1").at(10_500).open("s:2").at(10_001).closed("s:1");
    const events = [...b.events, { kind: "page-error", t: T0 + 10_002, what: "error", message: "boom" } as never];
    const reversed = [events[events.length - 2]!, ...events.slice(0, -2), events.at(-1)!];
    const [step] = measure({ events: reversed, errors: [] }, [mark(0, DROP, 10_000)], TAB);
    expect(step!.connections[0]!.detected).toMatchObject({ at: T0 + 10_001, by: "close" });
    expect(step!.connections[0]!.sockets).toEqual(["s:1"]);
  });
});
