import { describe, expect, it } from "vitest";
import { endpointOf } from "../../../src/shared/resilience/endpoint";
import { DEFAULT_SCENARIO, stepLabel, validateScenario } from "../../../src/shared/resilience/scenario";
import { formatSeconds } from "../../../src/shared/resilience/seconds";
import { frameShape, isEngineIoHeartbeat } from "../../../src/shared/resilience/shapes";

const problemsOf = (x: unknown): string[] => {
  const r = validateScenario(x);
  return r.ok ? [] : r.problems;
};

const withStep = (step: unknown) => ({ ...DEFAULT_SCENARIO, steps: [step] });

describe("DEFAULT_SCENARIO", () => {
  it("is issue 20's five steps, and valid", () => {
    expect(validateScenario(DEFAULT_SCENARIO)).toEqual({ ok: true, scenario: DEFAULT_SCENARIO });
    expect(DEFAULT_SCENARIO.steps.map(stepLabel)).toEqual([
      "Server drops the connection (1006)",
      "Server restarts: closes with 1012, refuses connections for 5 s",
      "Network offline for 10 s",
      "Half-open for 60 s (black-hole)",
      "Slow network: 2 s latency both ways for 20 s",
    ]);
  });
});

describe("stepLabel", () => {
  it("says in and out apart when they differ, and a restart with no refusal as just a close", () => {
    expect(stepLabel({ kind: "latency", inMs: 2000, outMs: 0, durationMs: 20_000, observeMs: 25_000 })).toBe(
      "Slow network: latency in 2 s, out 0 s for 20 s",
    );
    expect(stepLabel({ kind: "latency", inMs: 500, outMs: 500, observeMs: 8000 })).toBe("Slow network: 0.5 s latency both ways for 8 s");
    expect(stepLabel({ kind: "restart", code: 4000, durationMs: 0, observeMs: 1000 })).toBe("Server restarts: closes with 4000");
    expect(stepLabel({ kind: "restart", observeMs: 1000 })).toBe("Server restarts: closes with 1012");
  });

  it("formats seconds with one decimal at most", () => {
    expect([0, 800, 1000, 1234, 15_000, 14_960].map(formatSeconds)).toEqual(["0 s", "0.8 s", "1 s", "1.2 s", "15 s", "15 s"]);
  });
});

describe("validateScenario", () => {
  it("names the field that is wrong", () => {
    const steps = DEFAULT_SCENARIO.steps.map((s) => ({ ...s }));
    steps[2]!.durationMs = -1;
    expect(problemsOf({ ...DEFAULT_SCENARIO, steps })).toEqual(["steps[2].durationMs must be an integer from 0 to 3600000"]);
    expect(problemsOf(withStep({ kind: "offline", durationMs: 1.5, observeMs: 10 }))).toEqual([
      "steps[0].durationMs must be an integer from 0 to 3600000",
    ]);
    expect(problemsOf(withStep({ kind: "blackhole", durationMs: 3_600_001, observeMs: 3_600_000 }))).toEqual([
      "steps[0].durationMs must be an integer from 0 to 3600000",
    ]);
  });

  it("wants each step watched at least as long as its fault lasts", () => {
    expect(problemsOf(withStep({ kind: "offline", durationMs: 10_000, observeMs: 9999 }))).toEqual([
      "steps[0].observeMs must be at least durationMs (10000): the step is watched while its fault lasts",
    ]);
    expect(problemsOf(withStep({ kind: "offline", durationMs: 10_000, observeMs: 10_000 }))).toEqual([]);
  });

  it("takes only close codes a server may send for a restart", () => {
    for (const code of [1004, 1005, 1006, 1015, 999, 5000, 2000, "1012"]) {
      expect(problemsOf(withStep({ kind: "restart", code, durationMs: 0, observeMs: 1000 }))).toEqual([
        "steps[0].code must be a close code a server may send (1000-1003, 1007-1014, 3000-4999)",
      ]);
    }
    for (const code of [1000, 1012, 1014, 3000, 4999]) expect(problemsOf(withStep({ kind: "restart", code, observeMs: 1000 }))).toEqual([]);
  });

  it("wants 1 to 20 steps, a name of at most 200 characters, a settle time, a known kind", () => {
    expect(problemsOf({ ...DEFAULT_SCENARIO, steps: [] })).toEqual(["steps must be a list of 1 to 20 steps"]);
    expect(problemsOf({ ...DEFAULT_SCENARIO, steps: Array(21).fill({ kind: "drop", observeMs: 1 }) })).toEqual(["steps must be a list of 1 to 20 steps"]);
    expect(problemsOf({ ...DEFAULT_SCENARIO, steps: Array(20).fill({ kind: "drop", observeMs: 1 }) })).toEqual([]);
    expect(problemsOf({ ...DEFAULT_SCENARIO, name: "x".repeat(201) })).toEqual(["name must be a string of at most 200 characters"]);
    expect(problemsOf({ ...DEFAULT_SCENARIO, name: "x".repeat(200) })).toEqual([]);
    expect(problemsOf({ ...DEFAULT_SCENARIO, settleMs: "5000" })).toEqual(["settleMs must be an integer from 0 to 3600000"]);
    expect(problemsOf(withStep({ kind: "explode", observeMs: 1 }))).toEqual(["steps[0].kind must be one of drop, restart, offline, blackhole, latency"]);
    expect(problemsOf(withStep({ kind: "offline", observeMs: 1 }))).toEqual(["steps[0].durationMs is required for offline steps"]);
    expect(problemsOf(withStep("drop"))).toEqual(["steps[0] must be an object"]);
  });

  it("never throws on hostile input, and gives a clean copy of what it accepts", () => {
    for (const x of [null, undefined, 42, "x", [], { steps: null }]) expect(validateScenario(x).ok).toBe(false);
    const hostile = {
      name: "n",
      settleMs: 0,
      get steps(): never {
        throw new Error("gotcha");
      },
    };
    expect(validateScenario(hostile)).toEqual({ ok: false, problems: ["scenario could not be read"] });
    const stored = { name: "n", settleMs: 0, extra: 1, steps: [{ kind: "drop", observeMs: 1000, durationMs: 5, code: 4000, script: "x" }] };
    expect(validateScenario(stored)).toEqual({ ok: true, scenario: { name: "n", settleMs: 0, steps: [{ kind: "drop", observeMs: 1000 }] } });
  });
});

describe("endpointOf", () => {
  it("keeps scheme, host, port and path; drops query, hash, credentials and default ports", () => {
    expect(endpointOf("wss://chat.example.com/socket.io/?EIO=4&sid=abc#x")).toBe("wss://chat.example.com/socket.io/");
    expect(endpointOf("ws://127.0.0.1:8080/feed?token=1")).toBe("ws://127.0.0.1:8080/feed");
    expect(endpointOf("ws://host:80/a")).toBe("ws://host/a");
    expect(endpointOf("wss://host:443")).toBe("wss://host/");
    expect(endpointOf("ws://user:pw@host:81/a")).toBe("ws://host:81/a");
    expect(endpointOf("not a url?q=1")).toBe("not a url");
  });
});

describe("frameShape", () => {
  const text = (preview: string) => ({ opcode: "text" as const, preview });

  it("JSON objects: sorted keys and the naming key's value; other text and binary by kind", () => {
    expect(frameShape(text('{"type":"subscribe","channel":"a","id":3}'), false)).toBe('{"channel","id","type"} type=subscribe');
    expect(frameShape(text('{"op":2,"event":"join"}'), false)).toBe('{"event","op"} event=join');
    expect(frameShape(text('{"a":{"b":1}}'), false)).toBe('{"a"}');
    expect(frameShape(text('["subscribe"]'), false)).toBe("text");
    expect(frameShape(text("{not json"), false)).toBe("text");
    expect(frameShape(text("hello"), false)).toBe("text");
    expect(frameShape({ opcode: "binary", preview: "00ff" }, false)).toBe("binary");
  });

  it("Engine.IO / Socket.IO packets: types, namespace and event name; ack ids and attachments left out", () => {
    expect(frameShape(text('42["subscribe",{"room":"a"}]'), true)).toBe('sio:42["subscribe"');
    expect(frameShape(text('4217["subscribe",{"room":"b"}]'), true)).toBe('sio:42["subscribe"');
    expect(frameShape(text('42/chat,3["join"]'), true)).toBe('sio:42/chat,["join"');
    expect(frameShape(text('451-["upload",{"_placeholder":true,"num":0}]'), true)).toBe('sio:45["upload"');
    expect(frameShape(text("40"), true)).toBe("sio:40");
    expect(frameShape(text('40{"token":"t"}'), true)).toBe("sio:40");
    expect(frameShape(text('{"type":"x"}'), true)).toBe('{"type"} type=x');
    expect(["2", "3", "2probe", "3probe"].every(isEngineIoHeartbeat)).toBe(true);
    expect(["40", "42[]", "5"].some(isEngineIoHeartbeat)).toBe(false);
  });

  it("clips a shape of a huge object", () => {
    const big = JSON.stringify(Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`key${i}`, i])));
    const shape = frameShape(text(big), false);
    expect(shape.length).toBe(200);
    expect(shape.endsWith("…")).toBe(true);
  });
});
