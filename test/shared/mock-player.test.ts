import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { MockFrame, MockSpec } from "../../src/shared/frame-rule-types";
import { mockPlayer, type MockPlayer } from "../../src/shared/mock-player";

const clock = {
  now: () => Date.now(),
  setTimeout: (fn: () => void, ms: number): unknown => setTimeout(fn, ms),
  clearTimeout: (h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

const out = (t: number, data: string): MockFrame => ({ dir: "out", t, opcode: "text", data });
const inn = (t: number, data: string, opcode: "text" | "binary" = "text"): MockFrame => ({ dir: "in", t, opcode, data });

function spec(frames: MockFrame[], over: Partial<MockSpec> = {}): MockSpec {
  return { match: "ws://x/*", protocol: "", frames, replay: { by: "order" }, timing: "recorded", ...over };
}

/** A started player and what it delivered, with the fake clock's time of each delivery. */
function play(s: MockSpec): { player: MockPlayer; got: string[] } {
  const got: string[] = [];
  const start = Date.now();
  const player = mockPlayer(s, clock);
  player.start((f) => got.push(`${Date.now() - start} ${f.data}`));
  return { player, got };
}

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("mock player, by order", () => {
  const recording = [inn(5, "hello"), inn(40, "motd"), out(100, "sub"), inn(130, "ok"), inn(180, "tick"), out(300, "ping"), inn(310, "pong")];

  it("plays what came before the first outbound frame on open, with its recorded times from the open", async () => {
    const { got } = play(spec(recording));
    // Nothing synchronously inside start: a server's frame never arrives in the same task.
    expect(got).toEqual([]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(got).toEqual(["5 hello", "40 motd"]);
  });

  it("the page's n-th frame releases what was recorded after the n-th outbound frame, gaps counted from the release", async () => {
    const { player, got } = play(spec(recording));
    await vi.advanceTimersByTimeAsync(1000);
    player.onOutbound("whatever the page says");
    await vi.advanceTimersByTimeAsync(29);
    expect(got.slice(2)).toEqual([]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(got.slice(2)).toEqual(["1030 ok", "1080 tick"]);
    player.onOutbound("ping");
    await vi.advanceTimersByTimeAsync(1000);
    expect(got.slice(4)).toEqual(["2039 pong"]);
    // More frames than the recording had release nothing.
    player.onOutbound("extra");
    await vi.advanceTimersByTimeAsync(5000);
    expect(got).toHaveLength(5);
  });

  it("fast: everything released goes at once, in recorded order, still never inside the call", async () => {
    const { player, got } = play(spec(recording, { timing: "fast" }));
    player.onOutbound("sub");
    player.onOutbound("ping");
    expect(got).toEqual([]);
    await vi.advanceTimersByTimeAsync(0);
    expect(got).toEqual(["0 hello", "0 motd", "0 ok", "0 tick", "0 pong"]);
  });

  it("keeps the recorded order when the page answers sooner than it did: a released answer waits behind an earlier push", async () => {
    const { player, got } = play(spec([inn(500, "push"), out(600, "q"), inn(610, "a")]));
    await vi.advanceTimersByTimeAsync(20);
    player.onOutbound("q");
    await vi.advanceTimersByTimeAsync(2000);
    expect(got).toEqual(["500 push", "500 a"]);
  });

  it("binary frames go as recorded (base64), and stop() ends every delivery, pending ones included", async () => {
    const { player, got } = play(spec([out(0, "q"), inn(10, "AAEC", "binary"), inn(200, "late")]));
    player.onOutbound("q");
    await vi.advanceTimersByTimeAsync(50);
    expect(got).toEqual(["10 AAEC"]);
    player.stop();
    player.onOutbound("q2");
    await vi.advanceTimersByTimeAsync(5000);
    expect(got).toEqual(["10 AAEC"]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("a frame sent before start releases nothing and is not counted", async () => {
    const player = mockPlayer(spec([out(0, "a"), inn(1, "A")]), clock);
    player.onOutbound("early");
    const got: string[] = [];
    player.start((f) => got.push(f.data));
    player.onOutbound("a");
    await vi.advanceTimersByTimeAsync(10);
    expect(got).toEqual(["A"]);
  });
});

describe("mock player, by path", () => {
  const recording = [
    inn(0, '{"type":"welcome"}'),
    out(100, '{"id":1,"op":"get"}'),
    out(110, '{"id":2,"op":"get"}'),
    inn(150, '{"id":2,"result":"two"}'),
    inn(170, '{"type":"event"}'),
    inn(200, '{"id":1,"result":"one"}'),
    inn(220, '{"id":99,"type":"push"}'),
    out(300, '{"id":1,"op":"again"}'),
    inn(305, '{"id":1,"result":"one again"}'),
  ];
  const byId = (timing: MockSpec["timing"] = "fast") => spec(recording, { replay: { by: "path", path: "$.id" }, timing });

  it("a page frame releases the answers recorded with its value, whatever order the page asks in", async () => {
    const { player, got } = play(byId());
    await vi.advanceTimersByTimeAsync(0);
    expect(got).toEqual(['0 {"type":"welcome"}']);
    player.onOutbound('{"op":"get","id":2}');
    await vi.advanceTimersByTimeAsync(0);
    // Id 2's answer only: by order, the first outbound frame releases what was recorded between the
    // first two outbound frames, which is nothing.
    expect(got.slice(1)).toEqual(['0 {"id":2,"result":"two"}']);
    player.onOutbound('{"op":"get","id":1}');
    await vi.advanceTimersByTimeAsync(0);
    expect(got.slice(2)).toEqual(['0 {"type":"event"}', '0 {"id":1,"result":"one"}', '0 {"id":99,"type":"push"}']);
  });

  it("the same value asked again releases the answer to its second asking, not the first again", async () => {
    const { player, got } = play(byId());
    player.onOutbound('{"id":1}');
    player.onOutbound('{"id":1}');
    await vi.advanceTimersByTimeAsync(0);
    expect(got.filter((l) => l.includes('"id":1'))).toEqual(['0 {"id":1,"result":"one"}', '0 {"id":1,"result":"one again"}']);
    player.onOutbound('{"id":1}');
    await vi.advanceTimersByTimeAsync(0);
    expect(got.filter((l) => l.includes('"id":1'))).toHaveLength(2);
  });

  it("values are compared as JSON: 1 is not \"1\"; frames that are not JSON objects release only by order", async () => {
    const { player, got } = play(spec([out(0, '{"id":1}'), inn(5, '{"id":1,"r":1}'), out(10, "plain"), inn(12, "by order")], { replay: { by: "path", path: "$.id" }, timing: "fast" }));
    player.onOutbound('{"id":"1"}');
    await vi.advanceTimersByTimeAsync(0);
    expect(got).toEqual([]);
    player.onOutbound(new Uint8Array([1]));
    await vi.advanceTimersByTimeAsync(0);
    expect(got).toEqual(["0 by order"]);
  });

  it("recorded timing counts each answer's gap from its own request", async () => {
    const { player, got } = play(byId("recorded"));
    await vi.advanceTimersByTimeAsync(1000);
    player.onOutbound('{"id":1}');
    await vi.advanceTimersByTimeAsync(1000);
    // Id 1 was asked at 100 and answered at 200: 100 ms after the page's ask.
    expect(got).toEqual(['0 {"type":"welcome"}', '1100 {"id":1,"result":"one"}']);
    player.onOutbound('{"id":2}');
    await vi.advanceTimersByTimeAsync(1000);
    // Id 2's answer 40 ms after; and the page's second frame releases, by order, what came after the
    // second recorded outbound frame (the event, and the push whose id nobody asked before): gaps from 110.
    expect(got.slice(2)).toEqual(['2040 {"id":2,"result":"two"}', '2060 {"type":"event"}', '2110 {"id":99,"type":"push"}']);
  });

  it("a path the grammar cannot read replays by order", async () => {
    const { player, got } = play(spec([out(0, '{"id":1}'), inn(1, "A")], { replay: { by: "path", path: "id" }, timing: "fast" }));
    player.onOutbound("anything");
    await vi.advanceTimersByTimeAsync(0);
    expect(got).toEqual(["0 A"]);
  });
});
