import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { harness, type Harness } from "./fakes";

const FAST = { minDelayMs: 100, maxDelayMs: 1000, factor: 2, stableAfterMs: 5000 };

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Opens the page's socket and loses it abnormally; random 0.5 makes attempt N wait 50 * 2^(N-1) ms. */
function openThenDrop(h: Harness): void {
  h.initial.serverOpen();
  h.initial.drop();
}

describe("ResilientConnection: first connection", () => {
  it("lets the native open through and routes send to the page's socket", () => {
    const h = harness();
    expect(h.conn.readyState).toBe(0);
    expect(() => h.conn.send("early")).toThrow("native InvalidStateError");
    h.initial.serverOpen("chat");
    expect(h.page).toEqual(["native:open"]);
    expect(h.conn.readyState).toBe(1);
    expect(h.conn.protocol).toBe("chat");
    h.conn.send("hi");
    expect(h.initial.sent).toEqual(["hi"]);
    h.initial.serverMessage("yo");
    expect(h.page).toEqual(["native:open", "native:message yo"]);
    expect(h.states()).toEqual(["connecting", "open"]);
  });

  it("retries a failed first connect when retryInitialConnect; send throws until the first open", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST } });
    h.initial.drop();
    expect(h.page).toEqual(["synthetic:reconnecting 1"]);
    expect(h.conn.readyState).toBe(0);
    expect(() => h.conn.send("x")).toThrow("InvalidStateError");
    vi.advanceTimersByTime(50);
    h.latest().serverOpen();
    expect(h.page).toEqual(["synthetic:reconnecting 1", "synthetic:open", "synthetic:reconnected 1"]);
    expect(h.conn.readyState).toBe(1);
  });

  it("surfaces a failed first connect natively without retryInitialConnect", () => {
    const h = harness({ ruleOverrides: { reconnect: { retryInitialConnect: false } } });
    h.initial.drop();
    expect(h.page).toEqual(["native:error", "native:close 1006"]);
    expect(h.conn.readyState).toBe(3);
    expect(h.sockets).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("adopts a socket that is already open (settings arrived late)", () => {
    const h = harness({ initialState: 1, ruleOverrides: { reconnect: FAST } });
    expect(h.conn.readyState).toBe(1);
    h.initial.drop();
    expect(h.page).toEqual(["synthetic:reconnecting 1"]);
  });

  it("adopts a closed socket as closed", () => {
    const h = harness({ initialState: 3 });
    expect(h.conn.readyState).toBe(3);
    expect(() => h.conn.close(1000)).not.toThrow();
    expect(h.validateClose).toHaveBeenCalledWith(1000, undefined);
  });
});

describe("ResilientConnection: transparent reconnect", () => {
  it("hides the loss, reconnects with backoff, dispatches open, flushes the queue in order, then reconnected", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST } });
    openThenDrop(h);
    expect(h.page).toEqual(["native:open", "synthetic:reconnecting 1"]);
    expect(h.pageEvents[0]).toEqual({ type: "reconnecting", detail: { attempt: 1, delayMs: 50, code: 1006 } });
    expect(h.conn.readyState).toBe(0);
    h.conn.send("a");
    h.conn.send("b");
    expect(h.conn.bufferedAmount).toBe(2);
    vi.advanceTimersByTime(49);
    expect(h.sockets).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(h.sockets).toHaveLength(1);
    const s = h.latest();
    expect(s.binaryType).toBe("arraybuffer");
    expect(h.conn.readyState).toBe(0);
    h.conn.send("c");
    vi.advanceTimersByTime(30);
    s.serverOpen();
    expect(s.sent).toEqual(["a", "b", "c"]);
    expect(h.page.slice(2)).toEqual(["synthetic:open", "synthetic:reconnected 1"]);
    expect(h.pageEvents.at(-1)).toEqual({ type: "reconnected", detail: { attempts: 1, downtimeMs: 80 } });
    expect(h.conn.readyState).toBe(1);
    expect(h.conn.bufferedAmount).toBe(0);
    h.conn.send("d");
    expect(s.sent).toEqual(["a", "b", "c", "d"]);
    expect(h.states()).toEqual(["connecting", "open", "reconnecting 1006", "connecting", "open"]);
  });

  it("messages the page sends from its open handler go before the queue", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST } });
    openThenDrop(h);
    h.conn.send("queued");
    vi.advanceTimersByTime(50);
    const orig = h.pageEvents.push.bind(h.pageEvents);
    h.pageEvents.push = (...evs) => {
      if (evs[0]?.type === "open") h.conn.send("auth");
      return orig(...evs);
    };
    h.latest().serverOpen();
    expect(h.latest().sent).toEqual(["auth", "queued"]);
  });

  it("dispatches messages of the replacement, as Blob when the page's binaryType is blob", async () => {
    const h = harness({ ruleOverrides: { reconnect: FAST } });
    openThenDrop(h);
    vi.advanceTimersByTime(50);
    const s = h.latest();
    s.serverOpen();
    s.serverMessage("text", "ws://origin.test");
    s.serverMessage(new Uint8Array([1, 2]).buffer);
    const [text, bin] = h.pageEvents.filter((e) => e.type === "message");
    expect(text).toEqual({ type: "message", data: "text", origin: "ws://origin.test" });
    expect(bin?.type === "message" && bin.data instanceof Blob).toBe(true);
    if (bin?.type === "message") expect([...new Uint8Array(await (bin.data as Blob).arrayBuffer())]).toEqual([1, 2]);
  });

  it("passes ArrayBuffers as they are when the page's binaryType is arraybuffer", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST }, binaryType: () => "arraybuffer" });
    openThenDrop(h);
    vi.advanceTimersByTime(50);
    h.latest().serverOpen();
    h.latest().serverMessage(new ArrayBuffer(3));
    const m = h.pageEvents.find((e) => e.type === "message");
    expect(m?.type === "message" && m.data instanceof ArrayBuffer).toBe(true);
  });

  it("keeps retrying failed attempts with growing delays; a reconnecting event per attempt, before its wait", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST } });
    openThenDrop(h);
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const ev = h.pageEvents.at(-1);
      if (ev?.type !== "reconnecting") throw new Error("expected reconnecting");
      expect(ev.detail.attempt).toBe(i + 1);
      delays.push(ev.detail.delayMs);
      vi.advanceTimersByTime(ev.detail.delayMs);
      h.latest().drop();
    }
    expect(delays).toEqual([50, 100, 200, 400, 500, 500]);
    expect(h.sockets).toHaveLength(6);
    expect(h.page.filter((p) => p.startsWith("native")).length).toBe(1);
  });

  it("hides 1001, 1006, 1011 and 4000 but not codes in stopOnCodes", () => {
    for (const code of [1001, 1011, 4000]) {
      const h = harness({ ruleOverrides: { reconnect: FAST } });
      h.initial.serverOpen();
      h.initial.serverClose(code);
      expect(h.page).toEqual(["native:open", "synthetic:reconnecting 1"]);
      expect((h.pageEvents[0] as { detail: { code: number } }).detail.code).toBe(code);
      h.conn.dispose();
    }
    for (const code of [1000, 1008]) {
      const h = harness({ ruleOverrides: { reconnect: FAST } });
      h.initial.serverOpen();
      h.initial.serverClose(code, "bye");
      expect(h.page).toEqual(["native:open", `native:close ${code}`]);
      expect(h.conn.readyState).toBe(3);
      expect(vi.getTimerCount()).toBe(0);
    }
    const h = harness({ ruleOverrides: { reconnect: { ...FAST, stopOnCodes: [4000] } } });
    h.initial.serverOpen();
    h.initial.serverClose(4000);
    expect(h.page).toEqual(["native:open", "native:close 4000"]);
  });

  it("an error held back for a loss that surfaces is dispatched before the native close", () => {
    const h = harness({ ruleOverrides: { reconnect: { ...FAST, stopOnCodes: [1006] } } });
    openThenDrop(h);
    expect(h.page).toEqual(["native:open", "synthetic:error", "native:close 1006"]);
  });

  it("a stop code on a replacement surfaces as synthetic close", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST } });
    openThenDrop(h);
    vi.advanceTimersByTime(50);
    h.latest().serverOpen();
    h.latest().serverClose(1008, "policy");
    expect(h.page.slice(-1)).toEqual(["synthetic:close 1008"]);
    expect(h.pageEvents.at(-1)).toEqual({ type: "close", code: 1008, reason: "policy", wasClean: true });
    expect(h.conn.readyState).toBe(3);
    expect(h.latest().listenerCount()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("absorbs events from the abandoned page socket", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST } });
    openThenDrop(h);
    h.initial.serverMessage("late");
    h.initial.serverClose(1000);
    expect(h.page).toEqual(["native:open", "synthetic:reconnecting 1"]);
  });
});

describe("ResilientConnection: attempts", () => {
  it("gives up after maxAttempts with error then close 1006", () => {
    const h = harness({ ruleOverrides: { reconnect: { ...FAST, maxAttempts: 2 } } });
    openThenDrop(h);
    h.conn.send("lost");
    vi.advanceTimersByTime(50);
    h.latest().drop();
    vi.advanceTimersByTime(100);
    h.latest().drop();
    expect(h.page).toEqual([
      "native:open",
      "synthetic:reconnecting 1",
      "synthetic:reconnecting 2",
      "synthetic:error",
      "synthetic:close 1006",
    ]);
    expect(h.pageEvents.at(-1)).toEqual({ type: "close", code: 1006, reason: "", wasClean: false });
    expect(h.conn.readyState).toBe(3);
    expect(h.conn.bufferedAmount).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    expect(h.sockets.every((s) => s.listenerCount("open") === 0)).toBe(true);
  });

  it("maxAttempts 0 surfaces the loss natively", () => {
    const h = harness({ ruleOverrides: { reconnect: { ...FAST, maxAttempts: 0 } } });
    openThenDrop(h);
    expect(h.page).toEqual(["native:open", "native:error", "native:close 1006"]);
  });

  it("resets the attempt count only after a connection stayed open stableAfterMs", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST } });
    openThenDrop(h);
    vi.advanceTimersByTime(50);
    h.latest().serverOpen();
    vi.advanceTimersByTime(4999);
    h.latest().drop(); // not stable yet: the count goes on
    expect(h.pageEvents.at(-1)).toEqual({ type: "reconnecting", detail: { attempt: 2, delayMs: 100, code: 1006 } });
    vi.advanceTimersByTime(100);
    h.latest().serverOpen();
    expect(h.pageEvents.at(-1)).toEqual({ type: "reconnected", detail: { attempts: 2, downtimeMs: 100 } });
    vi.advanceTimersByTime(5000);
    h.latest().drop(); // stable: the count starts again
    expect(h.pageEvents.at(-1)).toEqual({ type: "reconnecting", detail: { attempt: 1, delayMs: 50, code: 1006 } });
  });

  it("maxAttempts counts across a flap that never became stable", () => {
    const h = harness({ ruleOverrides: { reconnect: { ...FAST, maxAttempts: 1 } } });
    openThenDrop(h);
    vi.advanceTimersByTime(50);
    h.latest().serverOpen();
    h.latest().drop();
    expect(h.page.slice(-2)).toEqual(["synthetic:error", "synthetic:close 1006"]);
  });
});

describe("ResilientConnection: page close", () => {
  it("closes the live socket first; a native exception leaves the state unchanged", () => {
    const h = harness();
    h.initial.serverOpen();
    expect(() => h.conn.close(1005)).toThrow("native InvalidAccessError");
    expect(h.conn.readyState).toBe(1);
    h.conn.close(4001, "done");
    expect(h.initial.closeCalls).toEqual([{ code: 4001, reason: "done" }]);
    expect(h.conn.readyState).toBe(2);
    h.initial.serverClose(4001, "done");
    expect(h.page).toEqual(["native:open", "native:close 4001"]);
    expect(h.conn.readyState).toBe(3);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("close on a connecting page socket ends natively (error, close 1006)", () => {
    const h = harness();
    h.conn.close();
    h.initial.drop();
    expect(h.page).toEqual(["native:error", "native:close 1006"]);
    expect(h.sockets).toHaveLength(0);
  });

  it("while reconnecting: validated, then error and close 1006 asynchronously; the dialing socket is abandoned", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST } });
    openThenDrop(h);
    vi.advanceTimersByTime(50);
    const dialing = h.latest();
    expect(() => h.conn.close(1)).toThrow("native InvalidAccessError");
    expect(h.conn.readyState).toBe(0);
    h.conn.send("q");
    h.conn.close(1000);
    expect(h.validateClose).toHaveBeenLastCalledWith(1000, undefined);
    expect(dialing.closeCalls).toHaveLength(1);
    expect(dialing.listenerCount("open")).toBe(0);
    expect(dialing.listenerCount("error")).toBe(1); // the error sink
    expect(h.conn.readyState).toBe(2);
    expect(h.page.slice(-1)).toEqual(["synthetic:reconnecting 1"]);
    vi.advanceTimersByTime(0);
    expect(h.page.slice(-2)).toEqual(["synthetic:error", "synthetic:close 1006"]);
    expect(h.pageEvents.at(-1)).toEqual({ type: "close", code: 1006, reason: "", wasClean: false });
    expect(h.conn.readyState).toBe(3);
    dialing.serverOpen();
    expect(h.page.slice(-1)).toEqual(["synthetic:close 1006"]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("on a replacement: the replacement's close comes through as a synthetic close", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST } });
    openThenDrop(h);
    vi.advanceTimersByTime(50);
    h.latest().serverOpen();
    h.conn.close(1000, "bye");
    expect(h.latest().closeCalls).toEqual([{ code: 1000, reason: "bye" }]);
    h.latest().serverMessage("after close");
    h.latest().serverClose(1000, "bye");
    expect(h.page.slice(-2)).toEqual(["synthetic:reconnected 1", "synthetic:close 1000"]);
  });

  it("from the page's open handler: the queue is not flushed into a closing socket", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST } });
    openThenDrop(h);
    h.conn.send("q");
    vi.advanceTimersByTime(50);
    const orig = h.pageEvents.push.bind(h.pageEvents);
    h.pageEvents.push = (...evs) => {
      if (evs[0]?.type === "open") h.conn.close();
      return orig(...evs);
    };
    h.latest().serverOpen();
    expect(h.latest().sent).toEqual([]);
    expect(h.page.at(-1)).toBe("synthetic:open");
  });
});

describe("ResilientConnection: queue", () => {
  it("drops the oldest past maxMessages and records it", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST, queue: { maxMessages: 2 } } });
    openThenDrop(h);
    h.conn.send("1");
    h.conn.send("2");
    h.conn.send("3");
    expect(h.recorded).toContainEqual(expect.objectContaining({ kind: "queue", action: "dropped", count: 1, bytes: 1, reason: "maxMessages" }));
    vi.advanceTimersByTime(50);
    h.latest().serverOpen();
    expect(h.latest().sent).toEqual(["2", "3"]);
  });

  it("drops the oldest past maxBytes", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST, queue: { maxBytes: 4 } } });
    openThenDrop(h);
    h.conn.send("aa");
    h.conn.send("bb");
    h.conn.send(new Uint8Array([1]));
    vi.advanceTimersByTime(50);
    h.latest().serverOpen();
    expect(h.latest().sent.slice(0, 1)).toEqual(["bb"]);
    expect(h.latest().sent).toHaveLength(2);
  });

  it("with the queue disabled, send while reconnecting throws InvalidStateError", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST, queue: { enabled: false } } });
    openThenDrop(h);
    expect(() => h.conn.send("x")).toThrow("InvalidStateError");
  });

  it("send after the end is discarded and counted in bufferedAmount, as native", () => {
    const h = harness({ ruleOverrides: { reconnect: { ...FAST, maxAttempts: 0 } } });
    openThenDrop(h);
    expect(() => h.conn.send("abc")).not.toThrow();
    expect(h.conn.bufferedAmount).toBe(3);
  });
});

describe("ResilientConnection: heartbeat", () => {
  const HB = { enabled: true, intervalMs: 1000, timeoutMs: 500, message: "ping", reply: "pong", hideReplies: true };

  it("sends the message after intervalMs of silence; any inbound frame answers; the reply is hidden", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST, heartbeat: HB } });
    h.initial.serverOpen();
    vi.advanceTimersByTime(1000);
    expect(h.initial.sent).toEqual(["ping"]);
    h.initial.serverMessage("pong");
    expect(h.page).toEqual(["native:open"]);
    expect(h.heartbeats()).toEqual(["sent", "answered 0"]);
    vi.advanceTimersByTime(600);
    h.initial.serverMessage("news");
    vi.advanceTimersByTime(999);
    expect(h.initial.sent).toEqual(["ping"]);
    expect(h.page).toEqual(["native:open", "native:message news"]);
  });

  it("shows replies when hideReplies is off", () => {
    const h = harness({ ruleOverrides: { heartbeat: { ...HB, hideReplies: false } } });
    h.initial.serverOpen();
    h.initial.serverMessage("pong");
    expect(h.page).toEqual(["native:open", "native:message pong"]);
  });

  it("abandons a silent socket at once and reconnects (transparent)", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST, heartbeat: HB } });
    h.initial.serverOpen();
    vi.advanceTimersByTime(1499);
    expect(h.page).toEqual(["native:open"]);
    vi.advanceTimersByTime(1);
    expect(h.initial.closeCalls).toHaveLength(1);
    expect(h.page).toEqual(["native:open", "synthetic:reconnecting 1"]);
    expect(h.heartbeats()).toContain("missed 500");
    expect(h.recorded.some((e) => e.kind === "state" && e.cause === "heartbeat timeout")).toBe(true);
    // The dead socket's eventual close never reaches the page.
    h.initial.drop();
    expect(h.page).toEqual(["native:open", "synthetic:reconnecting 1"]);
    vi.advanceTimersByTime(50);
    h.latest().serverOpen();
    expect(h.page.slice(-2)).toEqual(["synthetic:open", "synthetic:reconnected 1"]);
    // The heartbeat runs on the replacement too.
    vi.advanceTimersByTime(1000);
    expect(h.latest().sent).toEqual(["ping"]);
    h.latest().serverMessage("pong");
    expect(h.page.at(-1)).toBe("synthetic:reconnected 1");
  });

  it("under surface: a heartbeat timeout is a prompt error + close 1006", () => {
    const h = harness({ ruleOverrides: { reconnect: { ...FAST, strategy: "surface" }, heartbeat: HB } });
    h.initial.serverOpen();
    vi.advanceTimersByTime(1500);
    expect(h.page).toEqual(["native:open", "synthetic:error", "synthetic:close 1006"]);
    expect(h.pageEvents.at(-1)).toEqual({ type: "close", code: 1006, reason: "", wasClean: false });
    expect(h.conn.readyState).toBe(3);
    h.initial.drop();
    expect(h.page).toHaveLength(3);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("under surface, ordinary losses reach the page natively", () => {
    const h = harness({ ruleOverrides: { reconnect: { ...FAST, strategy: "surface" } } });
    openThenDrop(h);
    expect(h.page).toEqual(["native:open", "native:error", "native:close 1006"]);
  });

  it('message "auto" (no protocol recognised yet) means off: nothing sent, silence never kills', () => {
    const h = harness({ ruleOverrides: { heartbeat: { ...HB, message: "auto" } } });
    h.initial.serverOpen();
    vi.advanceTimersByTime(10 * 60_000);
    expect(h.initial.sent).toEqual([]);
    expect(h.conn.readyState).toBe(1);
    expect(h.initial.closeCalls).toEqual([]);
  });

  it("a late deadline after the tab slept probes again instead of killing the socket", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST, heartbeat: HB } });
    h.initial.serverOpen();
    vi.advanceTimersByTime(1000);
    vi.setSystemTime(Date.now() + 120_000);
    vi.advanceTimersByTime(500);
    expect(h.initial.sent).toEqual(["ping", "ping"]);
    expect(h.initial.closeCalls).toEqual([]);
    expect(h.notes().some((n) => /fired 120000 ms late/.test(n))).toBe(true);
    h.initial.serverMessage("pong");
    expect(h.conn.readyState).toBe(1);
  });
});

describe("ResilientConnection: settings and environment", () => {
  it("updateRule(null) during an outage ends it: error + close 1006, no timers", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST } });
    openThenDrop(h);
    h.conn.updateRule(null);
    expect(h.page.slice(-2)).toEqual(["synthetic:error", "synthetic:close 1006"]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("updateRule(null) while open: heartbeat stops, the next loss surfaces natively", () => {
    const h = harness({
      ruleOverrides: { reconnect: FAST, heartbeat: { enabled: true, intervalMs: 1000, timeoutMs: 500, message: "p" } },
    });
    h.initial.serverOpen();
    h.conn.updateRule(null);
    expect(vi.getTimerCount()).toBe(0);
    h.initial.drop();
    expect(h.page).toEqual(["native:open", "native:error", "native:close 1006"]);
  });

  it("updateRule with a heartbeat starts it on an open socket", async () => {
    const h = harness();
    h.initial.serverOpen();
    const { resolveRule } = await import("../../src/shared/settings");
    h.conn.updateRule(resolveRule({ match: "*", heartbeat: { intervalMs: 200, message: "hb" } }));
    vi.advanceTimersByTime(200);
    expect(h.initial.sent).toEqual(["hb"]);
  });

  it("online / visible while waiting: dial at once", () => {
    for (const ev of ["online", "visible", "resume"] as const) {
      const h = harness({ ruleOverrides: { reconnect: { ...FAST, minDelayMs: 10_000, maxDelayMs: 10_000 } } });
      openThenDrop(h);
      expect(h.sockets).toHaveLength(0);
      h.conn.environment(ev);
      expect(h.sockets).toHaveLength(1);
      h.latest().serverOpen();
      expect(h.conn.readyState).toBe(1);
      expect(vi.getTimerCount()).toBe(1); // the stable timer only
      h.conn.dispose();
    }
  });

  it("offline abandons the dialing socket and waits for online", () => {
    const h = harness({ ruleOverrides: { reconnect: { ...FAST, maxDelayMs: 60_000 } } });
    openThenDrop(h);
    vi.advanceTimersByTime(50);
    const dialing = h.latest();
    h.conn.environment("offline");
    expect(dialing.closeCalls).toHaveLength(1);
    expect(h.pageEvents.at(-1)).toEqual({ type: "reconnecting", detail: { attempt: 2, delayMs: 60_000, code: 1006 } });
    vi.advanceTimersByTime(30_000);
    expect(h.sockets).toHaveLength(1);
    h.conn.environment("online");
    expect(h.sockets).toHaveLength(2);
  });

  it("visible while open makes the heartbeat due now", () => {
    const h = harness({ ruleOverrides: { heartbeat: { intervalMs: 10_000, message: "p" } } });
    h.initial.serverOpen();
    h.conn.environment("visible");
    expect(h.initial.sent).toEqual(["p"]);
  });

  it("dispose clears every timer and detaches from replacement sockets", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST, heartbeat: { intervalMs: 1000, message: "p" } } });
    openThenDrop(h);
    vi.advanceTimersByTime(50);
    h.latest().serverOpen();
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    h.conn.dispose();
    expect(vi.getTimerCount()).toBe(0);
    expect(h.latest().listenerCount("message")).toBe(0);
    expect(h.latest().closeCalls).toHaveLength(1);
  });

  it("records every transition with its cause", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST } });
    openThenDrop(h);
    vi.advanceTimersByTime(50);
    h.latest().drop();
    vi.advanceTimersByTime(100);
    h.latest().serverOpen();
    const states = h.recorded.filter((e) => e.kind === "state");
    expect(states.map((e) => [e.state, e.attempt, e.delayMs])).toEqual([
      ["connecting", undefined, undefined],
      ["open", undefined, undefined],
      ["reconnecting", 1, 50],
      ["connecting", 1, undefined],
      ["reconnecting", 2, 100],
      ["connecting", 2, undefined],
      ["open", 2, undefined],
    ]);
    expect(states.every((e) => e.kind === "state" && typeof e.cause === "string" && e.socket === "f:1")).toBe(true);
  });
});

describe("ResilientConnection: edges", () => {
  it("a replacement that stays CONNECTING past dialTimeoutMs is a failed attempt", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST }, dialTimeoutMs: 2000 });
    openThenDrop(h);
    vi.advanceTimersByTime(50);
    const stuck = h.latest();
    vi.advanceTimersByTime(1999);
    expect(h.sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(stuck.closeCalls).toHaveLength(1);
    expect(h.pageEvents.at(-1)).toEqual({ type: "reconnecting", detail: { attempt: 2, delayMs: 100, code: 1006 } });
    stuck.serverOpen();
    expect(h.conn.readyState).toBe(0);
  });

  it("a createSocket that throws is a failed attempt", () => {
    let calls = 0;
    const h = harness({
      ruleOverrides: { reconnect: { ...FAST, maxAttempts: 3 } },
      createSocket: () => {
        calls++;
        throw new Error("blocked by CSP");
      },
    });
    openThenDrop(h);
    vi.advanceTimersByTime(50 + 100 + 200);
    expect(calls).toBe(3);
    expect(h.page.slice(-2)).toEqual(["synthetic:error", "synthetic:close 1006"]);
    expect(h.notes().some((n) => n.includes("blocked by CSP"))).toBe(true);
  });

  it("with reconnect disabled, losses are native but a heartbeat timeout is still a prompt close", () => {
    const h = harness({
      ruleOverrides: { reconnect: { enabled: false }, heartbeat: { intervalMs: 1000, timeoutMs: 500, message: "p" } },
    });
    h.initial.serverOpen();
    vi.advanceTimersByTime(1500);
    expect(h.page).toEqual(["native:open", "synthetic:error", "synthetic:close 1006"]);
  });

  it("protocol and extensions: the page socket's, then the replacement's, kept after close", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST } });
    h.initial.extensions = "permessage-deflate";
    h.initial.serverOpen("v1");
    expect([h.conn.protocol, h.conn.extensions]).toEqual(["v1", "permessage-deflate"]);
    h.initial.drop();
    expect(h.conn.protocol).toBe("v1");
    vi.advanceTimersByTime(50);
    h.latest().serverOpen("v2");
    expect([h.conn.protocol, h.conn.extensions]).toEqual(["v2", ""]);
    h.conn.close();
    h.latest().serverClose(1005);
    expect(h.conn.protocol).toBe("v2");
  });

  it("the page's reconnecting handler may close the socket", () => {
    const h = harness({ ruleOverrides: { reconnect: FAST } });
    const orig = h.pageEvents.push.bind(h.pageEvents);
    h.pageEvents.push = (...evs) => {
      const n = orig(...evs);
      if (evs[0]?.type === "reconnecting") h.conn.close();
      return n;
    };
    openThenDrop(h);
    vi.advanceTimersByTime(1000);
    expect(h.sockets).toHaveLength(0);
    expect(h.page).toEqual(["native:open", "synthetic:reconnecting 1", "synthetic:error", "synthetic:close 1006"]);
    expect(vi.getTimerCount()).toBe(0);
  });
});

