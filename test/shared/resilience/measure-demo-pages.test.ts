/**
 * measure() on the three demo pages of issue 20, from hand-written records of what each page does under
 * the default scenario: (a) a raw socket with no reconnect logic, (b) a naive reconnect-on-close with no
 * heartbeat, (c) a Socket.IO client with its own ping; unprotected, then protected.
 */
import { describe, expect, it } from "vitest";
import { measure, NO_CONNECTION_REASON } from "../../../src/shared/resilience/measure";
import { DEFAULT_SCENARIO } from "../../../src/shared/resilience/scenario";
import type { StepMark } from "../../../src/shared/resilience/types";
import { mark, RecordBuilder, T0 } from "./record-builder";

const URL_A = "ws://127.0.0.1:8080/raw";
const URL_B = "ws://127.0.0.1:8080/naive";
const SIO = (sid: string) => `ws://127.0.0.1:8080/socket.io/?EIO=4&transport=websocket&sid=${sid}`;
const SUBSCRIBE = '{"type":"subscribe","channel":"prices"}';
const TAB = { tab: true } as const;

const [DROP, RESTART, OFFLINE, BLACKHOLE, LATENCY] = DEFAULT_SCENARIO.steps as [never, never, never, never, never];

/** The default scenario's five steps, 5 s apart, from 10 s after T0. */
const MARKS: StepMark[] = [mark(0, DROP, 10_000), mark(1, RESTART, 30_000), mark(2, OFFLINE, 55_000), mark(3, BLACKHOLE, 85_000), mark(4, LATENCY, 155_000)];

describe("page (a): a raw socket with no reconnect logic", () => {
  it("unprotected: fails from step 1 (not recovered), and the later steps have no connection to test", () => {
    const b = new RecordBuilder();
    b.at(0).created("s:1", URL_A).at(10).open("s:1").at(20).out("s:1", SUBSCRIBE).at(500).in("s:1", '{"price":1}');
    b.at(10_002).closed("s:1", 1006);
    const steps = measure(b.record(), MARKS, TAB);
    expect(steps.map((s) => s.verdict)).toEqual(["failed", "failed", "failed", "failed", "failed"]);
    const c = steps[0]!.connections[0]!;
    expect(c.endpoint).toBe(URL_A);
    expect(c.detected).toEqual({ at: b.t, afterMs: 2, by: "close" });
    expect(c.recovered).toEqual({ afterMs: null, reason: "not recovered within 15 s" });
    expect(c.resubscribed).toBe("unknown");
    expect(steps[0]!.reason).toBe("not recovered within 15 s; detected after 0 s");
    for (const s of steps.slice(1)) {
      expect(s.connections).toEqual([]);
      expect(s.reason).toBe(NO_CONNECTION_REASON);
    }
  });

  it("protected (transparent): Lifeguard hides every loss, reconnects, and the page subscribes again on the new open", () => {
    const b = new RecordBuilder();
    b.at(0).created("s:1", URL_A).protection("s:1").at(10).open("s:1").at(20).out("s:1", SUBSCRIBE);
    // 1 drop: reconnected at once.
    b.at(10_001).reconnecting("s:1", 1, 300).at(10_301).state("s:1", "connecting", { attempt: 1 }).at(10_310).open("s:1", { attempt: 1 });
    b.out("s:1", SUBSCRIBE);
    // 2 restart: refused 5 s, so attempts fail until the server is back.
    b.at(30_001).reconnecting("s:1", 1, 400).at(30_401).state("s:1", "connecting", { attempt: 1 }).at(30_402).reconnecting("s:1", 2, 1500);
    b.at(31_902).state("s:1", "connecting", { attempt: 2 }).at(31_903).reconnecting("s:1", 3, 3500);
    b.at(35_403).state("s:1", "connecting", { attempt: 3 }).at(35_410).open("s:1", { attempt: 3 }).out("s:1", SUBSCRIBE);
    // 3 offline: waits for online, probes at once.
    b.at(55_001).reconnecting("s:1", 1, 30_000).at(65_001).state("s:1", "connecting", { attempt: 1 }).at(65_020).open("s:1", { attempt: 1 });
    b.out("s:1", SUBSCRIBE);
    // 4 black-hole: the heartbeat (a ping message set in the rule) misses, Lifeguard abandons the dead socket.
    b.at(115_000).heartbeat("s:1", "sent").at(125_000).heartbeat("s:1", "missed").reconnecting("s:1", 1, 200);
    b.at(125_200).state("s:1", "connecting", { attempt: 1 }).at(125_210).open("s:1", { attempt: 1 }).out("s:1", SUBSCRIBE);
    // 5 latency: frames go late, nothing closes.
    b.at(160_000).out("s:1", '{"type":"order","id":1}', "delayed").at(163_000).in("s:1", '{"type":"ack","id":1}', "delayed");

    const steps = measure(b.record(), MARKS, TAB);
    expect(steps.map((s) => s.verdict)).toEqual(["passed", "passed", "passed", "passed", "passed"]);
    const [drop, restart, offline, blackhole, latency] = steps.map((s) => s.connections[0]!);
    expect(drop!.detected).toMatchObject({ afterMs: 1, by: "lifeguard-reconnect" });
    expect(drop!.recovered).toEqual({ afterMs: 309, by: "lifeguard", attempts: 1 });
    expect(drop!.resubscribed).toBe("yes");
    expect(drop!.resubscribeShapes).toEqual({ before: ['{"channel","type"} type=subscribe'], after: ['{"channel","type"} type=subscribe'] });
    expect(restart!.recovered).toEqual({ afterMs: 5409, by: "lifeguard", attempts: 3 });
    expect(offline!.recovered).toMatchObject({ afterMs: 10_019, by: "lifeguard" });
    expect(blackhole!.detected).toEqual({ at: T0 + 125_000, afterMs: 40_000, by: "heartbeat" });
    expect(blackhole!.recovered).toMatchObject({ afterMs: 210, by: "lifeguard" });
    expect(latency!.detected).toEqual({ at: null, reason: "no loss in this step" });
    expect(latency!.resubscribed).toBe("not needed");
    expect(latency!.messages).toEqual({ sent: 1, delivered: 1, lost: 0, duplicated: 0, queued: 0 });
    expect(latency!.reason).toBe("stayed open; frames kept flowing (1 in, 1 out); 1 message sent during the fault, all delivered");
    expect(drop!.reason).toBe("recovered by Lifeguard in 0.3 s");
  });
});

describe("page (b): reconnects on close, no heartbeat", () => {
  /** The page's own reconnect: a new socket `delay` ms after each close, until one opens. */
  function unprotectedB(): RecordBuilder {
    const b = new RecordBuilder();
    b.at(0).created("s:1", URL_B).at(10).open("s:1").at(20).out("s:1", SUBSCRIBE);
    // 1 drop.
    b.at(10_002).closed("s:1").at(11_002).created("s:2", URL_B).at(11_010).open("s:2").out("s:2", SUBSCRIBE);
    // 2 restart: closed 1012, refused until 35 s (every new socket fails), then open.
    b.at(30_001).closed("s:2", 1012);
    let n = 3;
    for (let at = 31_001; at < 35_000; at += 1000, n++) b.at(at).created(`s:${n}`, URL_B).at(at + 3).closed(`s:${n}`);
    b.at(35_001).created(`s:${n}`, URL_B).at(35_010).open(`s:${n}`).out(`s:${n}`, SUBSCRIBE);
    const afterRestart = `s:${n++}`;
    // 3 offline 10 s: the same.
    b.at(55_001).closed(afterRestart);
    for (let at = 56_001; at < 65_000; at += 3000, n++) b.at(at).created(`s:${n}`, URL_B).at(at + 1).closed(`s:${n}`);
    b.at(65_500).created(`s:${n}`, URL_B).at(65_510).open(`s:${n}`).out(`s:${n}`, SUBSCRIBE);
    const afterOffline = `s:${n}`;
    // 4 black-hole: the page sends into it; nothing tells it the connection is dead. The wire keeps the
    // frame and lets it go when the black-hole ends (no later `dropped` record): delivered, 60 s late.
    b.at(90_000).out(afterOffline, '{"type":"order","id":7}', "held");
    // 5 latency.
    b.at(160_000).out(afterOffline, '{"type":"order","id":8}', "delayed").at(162_000).in(afterOffline, '{"price":2}', "delayed");
    return b;
  }

  it("unprotected: recovers steps 1-3 by itself and fails step 4 (the half-open connection goes unnoticed)", () => {
    const steps = measure(unprotectedB().record(), MARKS, TAB);
    expect(steps.map((s) => s.verdict)).toEqual(["passed", "passed", "passed", "failed", "passed"]);
    const [drop, restart, offline, blackhole] = steps.map((s) => s.connections[0]!);
    expect(drop!.recovered).toEqual({ afterMs: 1008, by: "page", attempts: 1 });
    expect(drop!.resubscribed).toBe("yes");
    expect(drop!.sockets).toEqual(["s:1", "s:2"]);
    expect(restart!.detected).toMatchObject({ by: "close", afterMs: 1 });
    expect(restart!.recovered).toEqual({ afterMs: 5009, by: "page", attempts: 5 });
    expect(restart!.reason).toBe("recovered by the page in 5 s");
    expect(offline!.recovered).toMatchObject({ afterMs: 10_509, by: "page", attempts: 4 });
    expect(blackhole!.detected).toEqual({ at: null, reason: "half-open for 60 s went unnoticed" });
    expect(blackhole!.recovered).toEqual({ afterMs: null, reason: "never detected, so never recovered" });
    expect(blackhole!.resubscribed).toBe("not needed");
    expect(blackhole!.messages).toEqual({ sent: 1, delivered: 1, lost: 0, duplicated: 0, queued: 0 });
    expect(blackhole!.reason).toBe("half-open for 60 s went unnoticed; 1 message sent during the loss, all delivered");
  });

  it("protected with a heartbeat: the black-hole is found by the heartbeat and step 4 passes", () => {
    const b = new RecordBuilder();
    b.at(0).created("s:1", URL_B).protection("s:1").at(10).open("s:1").at(20).out("s:1", SUBSCRIBE);
    b.at(85_000 + 30_000).heartbeat("s:1", "sent").at(85_000 + 40_000).heartbeat("s:1", "missed").reconnecting("s:1", 1);
    b.at(125_600).open("s:1", { attempt: 1 }).out("s:1", SUBSCRIBE);
    const [step] = measure(b.record(), [mark(3, BLACKHOLE, 85_000)], TAB);
    expect(step!.verdict).toBe("passed");
    expect(step!.connections[0]!.detected).toMatchObject({ afterMs: 40_000, by: "heartbeat" });
    expect(step!.connections[0]!.recovered).toEqual({ afterMs: 600, by: "lifeguard", attempts: 1 });
  });

  it("attempts are this outage's, not the engine's running number (which carries on across outages closer than stableAfterMs)", () => {
    const b = new RecordBuilder();
    b.at(0).created("s:1", URL_B).protection("s:1").at(10).open("s:1").at(20).out("s:1", SUBSCRIBE);
    b.at(85_000 + 700).heartbeat("s:1", "missed").reconnecting("s:1", 13);
    b.at(85_000 + 900).open("s:1", { attempt: 13 }).out("s:1", SUBSCRIBE);
    const [step] = measure(b.record(), [mark(3, BLACKHOLE, 85_000)], TAB);
    expect(step!.connections[0]!.recovered).toEqual({ afterMs: 200, by: "lifeguard", attempts: 1 });
  });
});

describe("page (c): a Socket.IO client with its own ping", () => {
  function connect(b: RecordBuilder, id: string, sid: string, at: number): void {
    b.at(at).created(id, SIO(sid)).at(at + 5).open(id).in(id, `0{"sid":"${sid}","pingInterval":25000,"pingTimeout":20000}`);
    b.at(at + 6).out(id, "40").in(id, '40{"sid":"x"}').at(at + 7).out(id, '42["subscribe","prices"]');
  }

  it("unprotected: its library recovers every step, and finds the black-hole by its own ping timeout", () => {
    const b = new RecordBuilder();
    connect(b, "s:1", "a", 0);
    b.at(5000).in("s:1", "2").out("s:1", "3");
    // 1 drop: the Manager reconnects after its delay.
    b.at(10_002).closed("s:1");
    connect(b, "s:2", "b", 11_200);
    // 4 black-hole: no ping for pingInterval + pingTimeout, the client gives up the socket and opens another.
    connect(b, "s:3", "c", 85_000 + 45_000);
    const steps = measure(b.record(), [mark(0, DROP, 10_000), mark(3, BLACKHOLE, 85_000)], TAB);
    const [drop, blackhole] = steps.map((s) => s.connections[0]!);
    expect(drop!.endpoint).toBe("ws://127.0.0.1:8080/socket.io/");
    expect(drop!.recovered).toEqual({ afterMs: 1203, by: "library", attempts: 1 });
    expect(drop!.resubscribed).toBe("yes");
    expect(drop!.resubscribeShapes!.before).toEqual(["sio:40", 'sio:42["subscribe"']);
    expect(drop!.reason).toBe("recovered by its library (Socket.IO / Engine.IO) in 1.2 s");
    expect(blackhole!.detected).toMatchObject({ afterMs: 45_000, by: "close" });
    expect(blackhole!.recovered).toMatchObject({ afterMs: 5, by: "library" });
    expect(steps.map((s) => s.verdict)).toEqual(["passed", "passed"]);
  });

  it("protected (surface, passive heartbeat): Lifeguard turns the silence into a close; the library reconnects", () => {
    const b = new RecordBuilder();
    connect(b, "s:1", "a", 0);
    b.protection("s:1", { strategy: "surface", protocol: "Socket.IO / Engine.IO" });
    b.at(85_000 + 44_000).heartbeat("s:1", "missed").closed("s:1", 1006, { cause: "heartbeat timeout" });
    connect(b, "s:2", "b", 85_000 + 45_000);
    const [step] = measure(b.record(), [mark(3, BLACKHOLE, 85_000)], TAB);
    const c = step!.connections[0]!;
    expect(c.detected).toMatchObject({ afterMs: 44_000, by: "heartbeat" });
    expect(c.recovered).toMatchObject({ by: "library", attempts: 1 });
    expect(step!.verdict).toBe("passed");
  });
});
