/**
 * What the engine tells the page world's record (DESIGN.md, "Records"): who made each frame it sends
 * (`SocketLike.send(data, from)`), frames queued during an outage (`RecorderSink.queued`), what became
 * of each inbound frame (`conn.inbound`), and the negotiated subprotocol on `open` records.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { INBOUND, type InboundFate } from "../../src/core/types";
import type { RecorderEvent } from "../../src/shared/protocol";
import { harness, type FakeSocket, type Harness } from "./fakes";

const FAST = { minDelayMs: 100, maxDelayMs: 1000, factor: 2, stableAfterMs: 5000, strategy: "transparent" as const };
const HB = { enabled: true, intervalMs: 1000, timeoutMs: 500, message: "ping", reply: "pong", hideReplies: true };
const HB_OFF = { enabled: false };

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Loses the live connection and lets the next attempt dial and open (random 0.5: attempt N waits 50 * 2^(N-1) ms). */
function reconnect(h: Harness, onOpen?: () => void): FakeSocket {
  const live = h.sockets.length ? h.latest() : h.initial;
  live.drop();
  const ev = h.pageEvents.at(-1);
  if (ev?.type !== "reconnecting") throw new Error("expected reconnecting");
  vi.advanceTimersByTime(ev.detail.delayMs);
  const s = h.latest();
  if (onOpen) {
    const orig = h.pageEvents.push.bind(h.pageEvents);
    let done = false;
    h.pageEvents.push = (...evs) => {
      if (!done && evs[0]?.type === "open") {
        done = true;
        onOpen();
      }
      return orig(...evs);
    };
  }
  s.serverOpen();
  return s;
}

const wire = (s: FakeSocket) => s.wire.map((w) => `${w.from} ${typeof w.data === "string" ? w.data : "<binary>"}`);

describe("provenance of every send", () => {
  it("the page's frames go out as page, a frame sent as the page by the panel as panel", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST, heartbeat: HB_OFF } });
    h.initial.serverOpen();
    h.conn.send("mine");
    h.conn.send("yours", "panel");
    expect(wire(h.initial)).toEqual(["page mine", "panel yours"]);
  });

  it("heartbeat pings go out as heartbeat, on the page's socket and on a replacement", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST, heartbeat: HB } });
    h.initial.serverOpen();
    vi.advanceTimersByTime(1000);
    expect(wire(h.initial)).toEqual(["heartbeat ping"]);
    const s = reconnect(h);
    vi.advanceTimersByTime(1000);
    expect(wire(s)).toEqual(["heartbeat ping"]);
  });

  it("frames queued during an outage go out in order, each still marked as it was sent", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST, heartbeat: HB_OFF } });
    h.initial.serverOpen();
    h.initial.drop();
    h.conn.send("a");
    h.conn.send("b", "panel");
    h.conn.send(new Uint8Array([1, 2]));
    vi.advanceTimersByTime(50);
    h.latest().serverOpen();
    expect(wire(h.latest())).toEqual(["page a", "panel b", "page <binary>"]);
  });

  it("after a reconnect: the page's open handler (page), the resume message (resume), pending frames (resend), then the queue", () => {
    const h = harness({
      ruleOverrides: { reconnect: FAST, heartbeat: HB_OFF, delivery: { enabled: true }, resume: { enabled: true } },
    });
    h.initial.serverOpen();
    h.initial.serverMessage(JSON.stringify({ seq: 7 }));
    h.conn.send(JSON.stringify({ id: 1 }));
    h.initial.drop();
    h.conn.send("queued by page");
    h.conn.send("queued by panel", "panel");
    const s = reconnect(h, () => h.conn.send("auth"));
    expect(wire(s)).toEqual([
      "page auth",
      'resume {"type":"resume","since":7}',
      'resend {"id":1}',
      "page queued by page",
      "panel queued by panel",
    ]);
  });

  it("a send while closing still says who made it", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST, heartbeat: HB_OFF } });
    h.initial.serverOpen();
    h.conn.close(1000);
    h.initial.readyState = 1; // the closing handshake has not begun on the wire yet
    h.conn.send("late", "panel");
    expect(wire(h.initial)).toEqual(["panel late"]);
  });
});

describe("queued frames are reported", () => {
  it("each frame sent during an outage, with who sent it, in order; none twice after the flush", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST, heartbeat: HB_OFF } });
    h.initial.serverOpen();
    h.conn.send("live");
    h.initial.drop();
    h.conn.send("a");
    vi.advanceTimersByTime(50); // dialing: still queued
    h.conn.send("b", "panel");
    expect(h.queued).toEqual([
      { data: "a", from: "page" },
      { data: "b", from: "panel" },
    ]);
    h.latest().serverOpen();
    h.conn.send("after");
    expect(h.queued).toHaveLength(2);
  });

  it("nothing is reported queued when send throws (before the first open, or the queue off)", () => {
    const first = harness({ ruleOverrides: { reconnect: FAST } });
    first.initial.drop();
    expect(() => first.conn.send("x")).toThrow("InvalidStateError");
    expect(first.queued).toEqual([]);
    const off = harness({ ruleOverrides: { reconnect: FAST, queue: { enabled: false } } });
    off.initial.serverOpen();
    off.initial.drop();
    expect(() => off.conn.send("x")).toThrow("InvalidStateError");
    expect(off.queued).toEqual([]);
  });

  it("a frame past the queue's bound is reported queued, and the oldest dropped as a queue event", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST, heartbeat: HB_OFF, queue: { maxMessages: 1 } } });
    h.initial.serverOpen();
    h.initial.drop();
    h.conn.send("1");
    h.conn.send("2", "panel");
    expect(h.queued.map((q) => q.data)).toEqual(["1", "2"]);
    expect(h.recorded).toContainEqual(expect.objectContaining({ kind: "queue", action: "dropped", count: 1, reason: "maxMessages" }));
    vi.advanceTimersByTime(50);
    h.latest().serverOpen();
    expect(wire(h.latest())).toEqual(["panel 2"]);
  });
});

describe("inbound fate", () => {
  /** Puts a value no handled frame can leave behind, so each check proves `inbound` was set for that frame. */
  const SENTINEL = { from: "mock", fate: "held" } as const satisfies InboundFate;
  function fateOf(h: Harness, deliver: () => void): InboundFate {
    h.conn.inbound = SENTINEL;
    deliver();
    expect(h.conn.inbound).not.toBe(SENTINEL);
    return h.fates.at(-1)!;
  }

  it("a frame for the page is delivered, on the page's socket", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST, heartbeat: HB_OFF } });
    h.initial.serverOpen();
    expect(fateOf(h, () => h.initial.serverMessage("news"))).toBe(INBOUND.delivered);
    expect(h.page).toContain("native:message news");
  });

  it("a reply to Lifeguard's own ping: hidden-reply, or delivered as heartbeat when hideReplies is off", () => {
    const hidden = harness({ ruleOverrides: { reconnect: FAST, heartbeat: HB } });
    hidden.initial.serverOpen();
    expect(fateOf(hidden, () => hidden.initial.serverMessage("pong"))).toBe(INBOUND.hiddenReply);
    expect(hidden.page).toEqual(["native:open"]);
    const shown = harness({ ruleOverrides: { reconnect: FAST, heartbeat: { ...HB, hideReplies: false } } });
    shown.initial.serverOpen();
    expect(fateOf(shown, () => shown.initial.serverMessage("pong"))).toBe(INBOUND.reply);
    expect(shown.page).toEqual(["native:open", "native:message pong"]);
  });

  it("an ack hidden by hideAcks is hidden-ack; shown, it is delivered", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST, heartbeat: HB_OFF, delivery: { enabled: true, hideAcks: true } } });
    h.initial.serverOpen();
    h.conn.send(JSON.stringify({ id: 1 }));
    expect(fateOf(h, () => h.initial.serverMessage(JSON.stringify({ type: "ack", id: 1 })))).toBe(INBOUND.hiddenAck);
    expect(h.page).toEqual(["native:open"]);
    const shown = harness({ ruleOverrides: { reconnect: FAST, heartbeat: HB_OFF, delivery: { enabled: true } } });
    shown.initial.serverOpen();
    expect(fateOf(shown, () => shown.initial.serverMessage(JSON.stringify({ type: "ack", id: 1 })))).toBe(INBOUND.delivered);
  });

  it("a replayed duplicate dropped by resume.dedupe is hidden-duplicate; a new sequence is delivered", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST, heartbeat: HB_OFF, resume: { enabled: true } } });
    h.initial.serverOpen();
    h.initial.serverMessage(JSON.stringify({ seq: 5 }));
    const s = reconnect(h);
    expect(fateOf(h, () => s.serverMessage(JSON.stringify({ seq: 4 })))).toBe(INBOUND.hiddenDuplicate);
    expect(fateOf(h, () => s.serverMessage(JSON.stringify({ seq: 6 })))).toBe(INBOUND.delivered);
    expect(h.pageEvents.filter((e) => e.type === "message")).toHaveLength(1);
  });

  it("on a replacement, is set before the frame is dispatched to the page", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST, heartbeat: HB } });
    h.initial.serverOpen();
    const s = reconnect(h);
    vi.advanceTimersByTime(1000);
    s.serverMessage("pong");
    expect(h.conn.inbound).toBe(INBOUND.hiddenReply);
    s.serverMessage("news");
    expect(h.fatesAtDispatch).toEqual([INBOUND.delivered]);
  });

  it("is the same for replacement frames before and after any number of reconnects", () => {
    const h = harness({
      ruleOverrides: {
        reconnect: FAST,
        heartbeat: HB,
        delivery: { enabled: true, hideAcks: true },
        resume: { enabled: true },
      },
      dedupeWindowMs: 200,
    });
    h.initial.serverOpen();
    let seq = 0;
    const round = (s: FakeSocket): InboundFate[] => {
      h.fates.length = 0;
      vi.advanceTimersByTime(1000); // a ping goes out
      s.serverMessage("pong");
      h.conn.send(JSON.stringify({ id: seq }));
      s.serverMessage(JSON.stringify({ type: "ack", id: seq }));
      s.serverMessage(JSON.stringify({ seq: ++seq }));
      s.serverMessage(JSON.stringify({ seq: seq - 1 }));
      s.serverMessage("news");
      return [...h.fates];
    };
    const first = round(h.initial);
    expect(first).toEqual([INBOUND.hiddenReply, INBOUND.hiddenAck, INBOUND.delivered, INBOUND.delivered, INBOUND.delivered]);
    for (let i = 1; i <= 4; i++) {
      const s = reconnect(h);
      vi.advanceTimersByTime(200); // the dedupe window of this reconnect ends
      const fates = round(s);
      expect(fates, `after reconnect ${i}`).toEqual(first);
      expect(fates.every((f) => (Object.values(INBOUND) as InboundFate[]).includes(f))).toBe(true);
    }
    expect(h.pageEvents.filter((e) => e.type === "message" && e.data === "news")).toHaveLength(4);
  });

  it("a frame the page never sees because Lifeguard left its socket is dropped", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST, heartbeat: HB } });
    h.initial.serverOpen();
    vi.advanceTimersByTime(1500); // heartbeat timeout: the page's socket is abandoned
    expect(fateOf(h, () => h.initial.serverMessage("late"))).toBe(INBOUND.dropped);
    vi.advanceTimersByTime(50);
    const s = h.latest();
    s.serverOpen();
    h.conn.close(1000);
    expect(fateOf(h, () => s.serverMessage("after close"))).toBe(INBOUND.dropped);
    expect(h.page.some((p) => p.includes("late") || p.includes("after close"))).toBe(false);
  });

  it("is delivered for the page's own frames once the engine let go of them (disposed)", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST, heartbeat: HB } });
    h.initial.serverOpen();
    h.conn.dispose();
    expect(fateOf(h, () => h.initial.serverMessage("pong"))).toBe(INBOUND.delivered);
    expect(h.page).toContain("native:message pong");
  });
});

describe("open records carry the negotiated subprotocol", () => {
  const opens = (h: Harness) =>
    h.recorded.filter((e): e is Extract<RecorderEvent, { kind: "state" }> => e.kind === "state" && e.state === "open");

  it("of the page's socket, and of each replacement", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST, heartbeat: HB_OFF } });
    h.initial.extensions = "permessage-deflate";
    h.initial.serverOpen("chat.v1");
    h.initial.drop();
    vi.advanceTimersByTime(50);
    h.latest().extensions = "";
    h.latest().serverOpen("chat.v2");
    expect(opens(h).map((e) => [e.protocol, e.extensions])).toEqual([
      ["chat.v1", "permessage-deflate"],
      ["chat.v2", ""],
    ]);
  });

  it("of a socket adopted while open", () => {
    const h = harness({ initialState: 1 });
    expect(opens(h)).toEqual([expect.objectContaining({ protocol: "", extensions: "", cause: "adopted while open" })]);
  });
});
