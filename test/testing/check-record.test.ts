/**
 * The check's record from the hook's answers: sockets merged by time with each one's own order kept,
 * a creation the ring let go put back, sockets done before the check left out, and page errors taken
 * from batches only when they are well formed and of the check.
 */
import { describe, expect, it } from "vitest";
import type { SocketEvent } from "../../src/shared/protocol";
import { checkRecordOf, pageErrorsIn } from "../../src/testing/check-record";
import { socketSnapshot } from "../support/messages";

const state = (socket: string, t: number, s: "open" | "closed"): SocketEvent => ({ kind: "state", t, socket, state: s });
const describeEvent = (e: { kind: string; t?: number; socket?: unknown; state?: string }) =>
  `${e.kind}${e.state ? `:${e.state}` : ""}@${e.t}/${typeof e.socket === "string" ? e.socket : (e.socket as { id: string }).id}`;

describe("checkRecordOf", () => {
  it("merges the sockets by time, keeps a socket's own order on a tie, and puts back a lost creation", () => {
    const a = socketSnapshot("a:1", { events: [state("a:1", 120, "closed"), state("a:1", 120, "open"), state("a:1", 100, "open")] }, { createdAt: 90 });
    const b = socketSnapshot("a:2", { state: "open", events: [{ kind: "created", t: 95, socket: { ...a.info, id: "a:2", createdAt: 95 } }, state("a:2", 120, "open")] });
    // Two of a:1's events share a millisecond: its ring's order stands, and a:2's event of that time comes after both.
    const { events } = checkRecordOf([a, b], [], 50);
    expect(events.map((e) => describeEvent(e as never))).toEqual([
      "created@90/a:1",
      "created@95/a:2",
      "state:open@100/a:1",
      "state:closed@120/a:1",
      "state:open@120/a:1",
      "state:open@120/a:2",
    ]);
  });

  it("leaves out a socket closed before the check began, and keeps one closed during it", () => {
    const before = socketSnapshot("a:1", { state: "closed", events: [state("a:1", 10, "open"), state("a:1", 20, "closed")] }, { createdAt: 5 });
    const during = socketSnapshot("a:2", { state: "closed", events: [state("a:2", 10, "open"), state("a:2", 60, "closed")] }, { createdAt: 5 });
    const { events } = checkRecordOf([before, during], [], 50);
    expect(new Set(events.map((e) => (e.kind === "created" ? e.socket.id : (e as { socket: string }).socket)))).toEqual(new Set(["a:2"]));
  });
});

describe("pageErrorsIn", () => {
  it("reads page errors of events batches from the check's start, with their stream, clipped, and skips what is malformed", () => {
    const errors = pageErrorsIn(
      [
        { type: "events", stream: "s1", events: [{ kind: "page-error", t: 40, what: "console", message: "old" }, { kind: "page-error", t: 70, what: "error", message: "x".repeat(5000) }] },
        { type: "events", stream: "s2", events: [{ kind: "page-error", t: 60, what: "unhandledrejection", message: "boom" }, { kind: "page-error", t: 61, what: "alert", message: "no" }, null] },
        { type: "snapshot", stream: "s3", events: [{ kind: "page-error", t: 80, what: "console", message: "not a batch" }] },
        { type: "events", stream: 3, events: [{ kind: "page-error", t: 80, what: "console", message: "no stream" }] },
        "noise",
      ],
      50,
    );
    expect(errors.map((e) => [e.stream, e.t, e.what, e.message.length])).toEqual([
      ["s2", 60, "unhandledrejection", 4],
      ["s1", 70, "error", 1000],
    ]);
  });
});
