/**
 * Delivery and resume against a real `ws` server that acks and replays (./ack-server.ts), with Node's
 * own WebSocket as the native socket: a kill with frames unacked, and a resume whose replay overlaps
 * what the page already saw.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { RecorderEvent } from "../../src/shared/protocol";
import { startAckServer, type AckServer } from "./ack-server";
import { openPageSocket, until, type PageView } from "./harness";

const RECONNECT = { minDelayMs: 50, maxDelayMs: 200, factor: 2, stableAfterMs: 5000, strategy: "transparent" as const };
const WAIT = 5000;

let server: AckServer | null = null;
let views: PageView[] = [];

afterEach(async () => {
  for (const v of views) v.conn.dispose();
  views = [];
  await server?.close();
  server = null;
});

const deliveries = (v: PageView, status: string) =>
  v.recorded.filter((e): e is Extract<RecorderEvent, { kind: "delivery" }> => e.kind === "delivery" && e.status === status);

/** Sequences of the event frames the page saw, in order. */
function pageSeqs(v: PageView): number[] {
  return v.seen.flatMap((s) => {
    if (s.ev.type !== "message") return [];
    const data = (s.ev as { data?: unknown }).data;
    if (typeof data !== "string") return [];
    const msg = JSON.parse(data) as { type?: string; seq?: number };
    return msg.type === "event" && typeof msg.seq === "number" ? [msg.seq] : [];
  });
}

async function finish(v: PageView): Promise<void> {
  v.conn.close(1000);
  await until(() => v.conn.readyState === 3, WAIT, "close");
  expect(v.pending.size).toBe(0);
}

describe("delivery against a real ws server", () => {
  it("a kill with 5 frames unacked: after recovery each reached the server at least once, no frame acked before the kill twice", async () => {
    server = await startAckServer();
    const v = openPageSocket(server.url, { reconnect: RECONNECT, delivery: { enabled: true, hideAcks: true } });
    views.push(v);
    await until(() => v.conn.readyState === 1, WAIT, "open");

    const acked = ["a1", "a2", "a3"];
    for (const id of acked) v.conn.send(JSON.stringify({ id, body: "acked before the kill" }));
    await until(() => deliveries(v, "acked").length === 3, WAIT, "3 acks");

    server.ackPaused = true;
    const unacked = ["u1", "u2", "u3", "u4", "u5"];
    for (const id of unacked) v.conn.send(JSON.stringify({ id, body: "unacked at the kill" }));
    await until(() => server!.received.length === 8, WAIT, "the 5 unacked frames at the server");
    server.ackPaused = false;
    server.latest().terminate();

    await until(() => deliveries(v, "acked").length === 8, WAIT, "every frame acked");
    const ids = server.received.map((t) => (JSON.parse(t) as { id: string }).id);
    const count = (id: string) => ids.filter((x) => x === id).length;
    const numbers = {
      sent: acked.length + unacked.length,
      acked: deliveries(v, "acked").length,
      resent: deliveries(v, "resent").length,
      lost: deliveries(v, "lost").length,
    };
    console.log(
      `[integration] delivery: frames sent ${numbers.sent}, acked ${numbers.acked}, resent ${numbers.resent}, lost ${numbers.lost}; ` +
        `server received ${ids.length} over ${server.connections} connections`,
    );
    for (const id of unacked) expect(count(id), id).toBeGreaterThanOrEqual(1);
    for (const id of acked) expect(count(id), id).toBe(1);
    expect(numbers).toEqual({ sent: 8, acked: 8, resent: 5, lost: 0 });
    // Resent in their original order, on the second connection.
    expect(ids.slice(8)).toEqual(unacked);
    // hideAcks: the page saw no ack.
    expect(v.count("message")).toBe(0);
    expect(v.count("close")).toBe(0);
    await finish(v);
  });
});

describe("resume against a real ws server", () => {
  it("by message: the server replays what was missed from lastSeq; dedupe hides the overlap; the page sees each event once", async () => {
    server = await startAckServer();
    server.overlap = 2;
    const v = openPageSocket(server.url, { reconnect: RECONNECT, resume: { enabled: true } }, undefined, { dedupeWindowMs: 1000 });
    views.push(v);
    await until(() => v.conn.readyState === 1, WAIT, "open");
    server.publish(5);
    await until(() => pageSeqs(v).length === 5, WAIT, "5 live events");
    server.latest().terminate();
    // Published while the page is away (at once: full jitter may reconnect within a few ms): only the
    // server's history has them.
    server.publish(5);
    await until(() => v.count("reconnecting") === 1, WAIT, "the loss");
    await until(() => pageSeqs(v).length === 10, WAIT, "the replay");
    await until(() => v.recorded.filter((e) => e.kind === "resume").length === 2, WAIT, "the end of the dedupe window");
    const [asked, done] = v.recorded.filter((e): e is Extract<RecorderEvent, { kind: "resume" }> => e.kind === "resume");
    console.log(
      `[integration] resume: asked since ${asked!.lastSeq} by ${asked!.via}; server replayed ${server.replayed} frames ` +
        `(overlap ${server.overlap}); engine counted replayed ${done!.replayed}, deduped ${done!.deduped}`,
    );
    expect(server.resumes).toEqual([{ since: 5, via: "message" }]);
    expect(server.replayed).toBe(7);
    expect(pageSeqs(v)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(done).toMatchObject({ lastSeq: "5", via: "message", replayed: 5, deduped: 2 });
    // After the window, a frame at or below lastSeq is no longer dropped.
    server.latest().send(JSON.stringify({ type: "event", seq: 3 }));
    await until(() => pageSeqs(v).length === 11, WAIT, "a late old frame");
    await finish(v);
  });

  it("by query parameter: the reconnect URL carries since=lastSeq", async () => {
    server = await startAckServer();
    server.overlap = 1;
    const v = openPageSocket(server.url, { reconnect: RECONNECT, resume: { enabled: true, queryParam: "since" } });
    views.push(v);
    await until(() => v.conn.readyState === 1, WAIT, "open");
    server.publish(3);
    await until(() => pageSeqs(v).length === 3, WAIT, "3 live events");
    server.latest().terminate();
    await until(() => v.count("reconnecting") === 1, WAIT, "the loss");
    server.publish(2);
    await until(() => pageSeqs(v).length === 5, WAIT, "the replay");
    expect(server.resumes).toEqual([{ since: 3, via: "query" }]);
    expect(pageSeqs(v)).toEqual([1, 2, 3, 4, 5]);
    // No resume message went out.
    expect(server.received).toEqual([]);
    await finish(v);
  });
});
