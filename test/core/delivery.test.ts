/** Delivery (acks, resends, bounds) and resume (lastSeq, dedupe) in ResilientConnection, with fake timers. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Rule } from "../../src/shared/settings";
import type { RecorderEvent } from "../../src/shared/protocol";
import { harness, type Harness } from "./fakes";

const FAST = { minDelayMs: 100, maxDelayMs: 1000, factor: 2, stableAfterMs: 5000, strategy: "transparent" as const };
const HB_OFF = { enabled: false };

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function open(over: Omit<Rule, "match"> = {}): Harness {
  const h = harness({ ruleOverrides: { reconnect: FAST, heartbeat: HB_OFF, ...over } });
  h.initial.serverOpen();
  return h;
}

const msg = (id: number | string, extra: Record<string, unknown> = {}) => JSON.stringify({ id, ...extra });
const ack = (id: number | string) => JSON.stringify({ type: "ack", id });

/** Delivery events as `status id` (`acked 3 12ms`, `lost 1 maxPending`). */
function deliveries(h: Harness): string[] {
  return h.recorded.flatMap((e) =>
    e.kind === "delivery"
      ? [[e.status, e.id, e.ackMs !== undefined ? `${e.ackMs}ms` : "", e.reason ?? ""].filter(Boolean).join(" ")]
      : [],
  );
}

function resumes(h: Harness): Extract<RecorderEvent, { kind: "resume" }>[] {
  return h.recorded.filter((e): e is Extract<RecorderEvent, { kind: "resume" }> => e.kind === "resume");
}

/** Loses the live connection and lets the first reconnect attempt dial (random 0.5: 50 ms). */
function dropAndDial(h: Harness): void {
  const live = h.sockets.length ? h.latest() : h.initial;
  live.drop();
  vi.advanceTimersByTime(50 * 2 ** 0);
}

/** Runs `fn` inside the page's `open` handler of the next reconnect. */
function onNextOpen(h: Harness, fn: () => void): void {
  const orig = h.pageEvents.push.bind(h.pageEvents);
  let done = false;
  h.pageEvents.push = (...evs) => {
    if (!done && evs[0]?.type === "open") {
      done = true;
      fn();
    }
    return orig(...evs);
  };
}

const DELIVERY = { delivery: { enabled: true } };

describe("delivery: pending and acks", () => {
  it("a frame with an id is pending once sent and done when its ack comes; ids compare as strings", () => {
    const h = open(DELIVERY);
    h.conn.send(msg(1));
    h.conn.send("not json");
    h.conn.send(msg("two"));
    h.conn.send(JSON.stringify({ noId: true }));
    vi.advanceTimersByTime(12);
    h.initial.serverMessage(ack("1"));
    h.initial.serverMessage(JSON.stringify({ type: "ack", id: "two" }));
    expect(deliveries(h)).toEqual(["pending 1", "pending two", "acked 1 12ms", "acked two 12ms"]);
    // Acks reach the page unless hideAcks.
    expect(h.page).toContain(`native:message ${ack("1")}`);
  });

  it("an ack must match ackWhen: another type with the same id acks nothing", () => {
    const h = open(DELIVERY);
    h.conn.send(msg(1));
    h.initial.serverMessage(JSON.stringify({ type: "reply", id: 1 }));
    h.initial.serverMessage(JSON.stringify({ type: "ack" }));
    expect(deliveries(h)).toEqual(["pending 1"]);
  });

  it("custom paths: $.meta.msgId out, $.acks[0] in, when $.kind == 3", () => {
    const h = open({ delivery: { enabled: true, idPath: "$.meta.msgId", ackWhen: { path: "$.kind", equals: 3 }, ackIdPath: "$.acks[0]" } });
    h.conn.send(JSON.stringify({ meta: { msgId: "m-9" } }));
    h.initial.serverMessage(JSON.stringify({ kind: "3", acks: ["m-9"] }));
    expect(deliveries(h)).toEqual(["pending m-9"]);
    h.initial.serverMessage(JSON.stringify({ kind: 3, acks: ["m-9"] }));
    expect(deliveries(h)).toEqual(["pending m-9", "acked m-9 0ms"]);
  });

  it("hideAcks keeps acks from the page and lets everything else through", () => {
    const h = open({ delivery: { enabled: true, hideAcks: true } });
    h.conn.send(msg(1));
    h.initial.serverMessage(ack(1));
    h.initial.serverMessage(ack(99));
    h.initial.serverMessage(msg(5, { type: "chat" }));
    expect(h.page).toEqual(["native:open", `native:message ${msg(5, { type: "chat" })}`]);
    expect(deliveries(h)).toEqual(["pending 1", "acked 1 0ms"]);
  });

  it("events carry the rule's idPath for the panel", () => {
    const h = open({ delivery: { enabled: true, idPath: "$.n" } });
    h.conn.send(JSON.stringify({ n: 4 }));
    expect(h.recorded.find((e) => e.kind === "delivery")).toMatchObject({ kind: "delivery", socket: "f:1", id: "4", status: "pending", idPath: "$.n" });
  });

  it("off by default, and off under the surface strategy", () => {
    const a = open();
    a.conn.send(msg(1));
    const b = open({ ...DELIVERY, reconnect: { ...FAST, strategy: "surface" } });
    b.conn.send(msg(1));
    expect(deliveries(a)).toEqual([]);
    expect(deliveries(b)).toEqual([]);
  });

  it("frames too large to match are not tracked, and say so in a note", () => {
    const h = open(DELIVERY);
    h.conn.send(`{"id":1,"pad":"${"x".repeat(1 << 20)}"}`);
    expect(deliveries(h)).toEqual([]);
    expect(h.notes().some((n) => n.includes("not matched: too large"))).toBe(true);
  });
});

describe("delivery: after a reconnect", () => {
  it("open handlers, then pending frames again in their original order, then the queue; an acked frame is never resent", () => {
    const h = open(DELIVERY);
    for (let i = 1; i <= 5; i++) h.conn.send(msg(i));
    h.initial.serverMessage(ack(2));
    h.initial.serverMessage(ack(4));
    dropAndDial(h);
    h.conn.send(msg("q1"));
    h.conn.send("plain queued");
    const s = h.latest();
    onNextOpen(h, () => h.conn.send(msg("auth")));
    s.serverOpen();
    expect(s.sent).toEqual([msg("auth"), msg(1), msg(3), msg(5), msg("q1"), "plain queued"]);
    expect(deliveries(h).slice(7)).toEqual(["pending auth", "resent 1", "resent 3", "resent 5", "pending q1"]);
    expect(h.page.slice(-2)).toEqual(["synthetic:open", "synthetic:reconnected 1"]);
  });

  it("a frame sent during the outage becomes pending when the queue flushes, and is resent after a second loss", () => {
    const h = open(DELIVERY);
    dropAndDial(h);
    h.conn.send(msg("q"));
    expect(deliveries(h)).toEqual([]);
    h.latest().serverOpen();
    expect(deliveries(h)).toEqual(["pending q"]);
    h.latest().drop();
    // Attempt 2 of the same unstable run: 100 ms.
    vi.advanceTimersByTime(100);
    expect(h.sockets).toHaveLength(2);
    h.latest().serverOpen();
    expect(h.latest().sent).toEqual([msg("q")]);
    h.latest().serverMessage(ack("q"));
    expect(deliveries(h)).toEqual(["pending q", "resent q", "acked q 0ms"]);
  });

  it("ack latency of a resent frame counts from its resend", () => {
    const h = open(DELIVERY);
    h.conn.send(msg(1));
    h.initial.drop();
    vi.advanceTimersByTime(50);
    vi.advanceTimersByTime(100);
    h.latest().serverOpen();
    vi.advanceTimersByTime(7);
    h.latest().serverMessage(ack(1));
    expect(deliveries(h)).toEqual(["pending 1", "resent 1", "acked 1 7ms"]);
  });
});

describe("delivery: bounds", () => {
  it("past maxPending the oldest is lost, visibly, and never resent", () => {
    const h = open({ delivery: { enabled: true, maxPending: 2 } });
    h.conn.send(msg(1));
    h.conn.send(msg(2));
    h.conn.send(msg(3));
    expect(deliveries(h)).toEqual(["pending 1", "pending 2", "pending 3", "lost 1 maxPending"]);
    dropAndDial(h);
    h.latest().serverOpen();
    expect(h.latest().sent).toEqual([msg(2), msg(3)]);
  });

  it("past maxPendingBytes the oldest is lost", () => {
    const h = open({ delivery: { enabled: true, maxPendingBytes: msg(1).length * 2 } });
    h.conn.send(msg(1));
    h.conn.send(msg(2));
    h.conn.send(msg(3));
    expect(deliveries(h)).toContain("lost 1 maxPendingBytes");
    expect(deliveries(h).filter((d) => d.startsWith("lost"))).toHaveLength(1);
  });

  it("a frame older than maxAgeMs is lost when it ages out, even during an outage, and not resent", () => {
    const h = open({ delivery: { enabled: true, maxAgeMs: 1000 } });
    h.conn.send(msg(1));
    vi.advanceTimersByTime(600);
    h.conn.send(msg(2));
    h.initial.drop();
    vi.advanceTimersByTime(399);
    expect(deliveries(h)).toEqual(["pending 1", "pending 2"]);
    vi.advanceTimersByTime(1);
    expect(deliveries(h)).toEqual(["pending 1", "pending 2", "lost 1 maxAgeMs"]);
    h.latest().serverOpen();
    expect(h.latest().sent).toEqual([msg(2)]);
    vi.advanceTimersByTime(600);
    expect(deliveries(h).at(-1)).toBe("lost 2 maxAgeMs");
  });

  it("what is pending when the socket ends is lost; no timer is left", () => {
    const h = open({ delivery: { enabled: true } });
    h.conn.send(msg(1));
    h.conn.close(1000);
    h.initial.serverClose(1000);
    expect(deliveries(h)).toEqual(["pending 1", "lost 1 socket closed"]);
    expect(vi.getTimerCount()).toBe(0);
  });
});

const RESUME = { resume: { enabled: true } };

describe("resume", () => {
  it("after open, the resume message with the highest sequence, then pending resends, then the queue", () => {
    const h = open({ ...RESUME, ...DELIVERY });
    h.initial.serverMessage(JSON.stringify({ seq: 3 }));
    h.initial.serverMessage(JSON.stringify({ seq: 41 }));
    h.initial.serverMessage(JSON.stringify({ seq: 40 }));
    h.conn.send(msg(1));
    dropAndDial(h);
    h.conn.send("queued");
    onNextOpen(h, () => h.conn.send("auth"));
    h.latest().serverOpen();
    expect(h.latest().sent).toEqual(["auth", '{"type":"resume","since":41}', msg(1), "queued"]);
    expect(resumes(h)).toEqual([expect.objectContaining({ kind: "resume", lastSeq: "41", via: "message" })]);
  });

  it("nothing on the first connection, nor before any sequence was seen", () => {
    const h = open(RESUME);
    expect(h.initial.sent).toEqual([]);
    dropAndDial(h);
    h.latest().serverOpen();
    expect(h.latest().sent).toEqual([]);
    expect(resumes(h)).toEqual([]);
  });

  it("a string sequence is quoted as JSON; a custom path and template", () => {
    const h = open({ resume: { enabled: true, seqPath: "$.meta.cursor", message: '["resume",{{lastSeq}}]' } });
    h.initial.serverMessage(JSON.stringify({ meta: { cursor: 'c"7' } }));
    dropAndDial(h);
    h.latest().serverOpen();
    expect(h.latest().sent).toEqual(['["resume","c\\"7"]']);
  });

  it("with queryParam the reconnect URL carries it and no message is sent", () => {
    const h = open({ resume: { enabled: true, queryParam: "since" } });
    h.initial.serverMessage(JSON.stringify({ seq: 12 }));
    dropAndDial(h);
    expect(h.latest().url).toBe("ws://example.test/live?since=12");
    h.latest().serverOpen();
    expect(h.latest().sent).toEqual([]);
    expect(resumes(h)).toEqual([expect.objectContaining({ lastSeq: "12", via: "query" })]);
  });

  it("dedupe drops frames at or below the last sequence for 10 s after the reconnect, and reports the counts", () => {
    const h = open(RESUME);
    h.initial.serverMessage(JSON.stringify({ seq: 5 }));
    dropAndDial(h);
    const s = h.latest();
    s.serverOpen();
    for (const seq of [4, 5, 6, 7, 6]) s.serverMessage(JSON.stringify({ seq }));
    s.serverMessage("no sequence here");
    const seen = h.page.filter((p) => p.includes("message")).map((p) => p.replace(/^\w+:message /, ""));
    expect(seen).toEqual(['{"seq":5}', '{"seq":6}', '{"seq":7}', "no sequence here"]);
    expect(resumes(h)).toHaveLength(1);
    vi.advanceTimersByTime(10_000);
    expect(resumes(h)[1]).toMatchObject({ lastSeq: "5", via: "message", replayed: 2, deduped: 3 });
    // After the window a server that restarted its numbering is heard again.
    s.serverMessage(JSON.stringify({ seq: 1 }));
    expect(h.page.at(-1)).toBe('synthetic:message {"seq":1}');
  });

  it("dedupe: false lets the overlap through", () => {
    const h = open({ resume: { enabled: true, dedupe: false } });
    h.initial.serverMessage(JSON.stringify({ seq: 5 }));
    dropAndDial(h);
    h.latest().serverOpen();
    h.latest().serverMessage(JSON.stringify({ seq: 5 }));
    expect(h.page.at(-1)).toBe('synthetic:message {"seq":5}');
  });

  it("a second loss inside the window reports the first resume and resumes from the newer sequence", () => {
    const h = open(RESUME);
    h.initial.serverMessage(JSON.stringify({ seq: "9" }));
    dropAndDial(h);
    h.latest().serverOpen();
    h.latest().serverMessage(JSON.stringify({ seq: "10" }));
    h.latest().drop();
    expect(resumes(h)[1]).toMatchObject({ lastSeq: "9", replayed: 1, deduped: 0 });
    vi.advanceTimersByTime(100);
    expect(h.sockets).toHaveLength(2);
    h.latest().serverOpen();
    expect(h.latest().sent).toEqual(['{"type":"resume","since":"10"}']);
  });
});
