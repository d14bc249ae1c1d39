import { describe, expect, it } from "vitest";
import { createModel, reduce, type PanelAction, type PanelModel } from "../../src/panel/model";
import { checkRecord } from "../../src/panel/resilience-record";
import { liveTargets, openSockets, scopeOf } from "../../src/panel/resilience-targets";
import type { FrameRecord, RecorderEvent } from "../../src/shared/protocol";
import { eventsMessage, snapshotMessage, socketSnapshot } from "../support/messages";

const out = (socket: string, seq: number, t: number, preview = `{"type":"m${seq}"}`): RecorderEvent => ({
  kind: "frame",
  frame: { socket, seq, t, dir: "out", opcode: "text", size: preview.length, preview, truncated: false },
});
const created = (id: string, t: number, url = "wss://app.test/live"): RecorderEvent => ({
  kind: "created",
  t,
  socket: { id, url, protocols: [], frameUrl: "https://app.test/", topFrame: true, createdAt: t },
});

function modelOf(...messages: unknown[]): PanelModel {
  let model = createModel();
  for (const m of messages) model = reduce(model, m as PanelAction);
  return model;
}

const kinds = (events: RecorderEvent[]) => events.map((e) => (e.kind === "frame" ? `frame ${e.frame.socket}#${e.frame.seq}` : e.kind === "state" ? `${e.state} ${e.socket}` : `${e.kind} ${"socket" in e ? (typeof e.socket === "string" ? e.socket : e.socket.id) : ""}`));

describe("checkRecord: what a check measures, read from the model", () => {
  it("keeps each socket's stream order: an event after the frame it followed, even on the same millisecond", () => {
    const model = modelOf(
      eventsMessage([
        created("p:1", 100),
        { kind: "state", t: 110, socket: "p:1", state: "open" },
        out("p:1", 1, 120),
        out("p:1", 2, 500),
        { kind: "state", t: 500, socket: "p:1", state: "closed", code: 1006 },
        created("p:2", 600),
        { kind: "state", t: 700, socket: "p:2", state: "open" },
      ]),
    );
    const record = checkRecord(model, 400);
    expect(kinds(record.events)).toEqual(["created p:1", "open p:1", "frame p:1#1", "frame p:1#2", "closed p:1", "created p:2", "open p:2"]);
  });

  it("a socket whose ring lost its creation still says its URL; sockets done before the check are left out", () => {
    const model = modelOf(
      snapshotMessage([
        socketSnapshot("p:1", { state: "open", events: [{ kind: "state", t: 1100, socket: "p:1", state: "open" }] }, { url: "wss://app.test/a", createdAt: 1000 }),
        socketSnapshot("p:2", { state: "closed", events: [{ kind: "state", t: 1200, socket: "p:2", state: "closed" }] }, { url: "wss://app.test/b", createdAt: 1000 }),
      ]),
    );
    const record = checkRecord(model, 5000);
    expect(record.events[0]).toEqual(created("p:1", 1000, "wss://app.test/a"));
    expect(kinds(record.events)).toEqual(["created p:1", "open p:1"]);
  });

  it("from before the check, only the first page sends (what resubscription compares); everything from its start", () => {
    const before: RecorderEvent[] = [created("p:1", 0), { kind: "state", t: 1, socket: "p:1", state: "open" }];
    for (let seq = 1; seq <= 30; seq++) before.push(out("p:1", seq, 10 + seq));
    const heartbeat: FrameRecord = { socket: "p:1", seq: 31, t: 50, dir: "out", opcode: "text", size: 4, preview: "ping", truncated: false, from: "heartbeat" };
    const during: RecorderEvent[] = [{ kind: "frame", frame: heartbeat }, out("p:1", 32, 1000), out("p:1", 33, 1001)];
    const model = modelOf(eventsMessage([...before, ...during]));
    const frames = checkRecord(model, 900).events.filter((e) => e.kind === "frame").map((e) => (e.kind === "frame" ? e.frame.seq : 0));
    expect(frames).toEqual([...Array.from({ length: 20 }, (_, i) => i + 1), 32, 33]);
  });

  it("page errors from the check's start, with their stream", () => {
    const model = modelOf(
      eventsMessage([created("p:1", 0), { kind: "page-error", t: 50, what: "console", message: "old" }, { kind: "page-error", t: 150, what: "error", message: "boom" }], 1, "p"),
    );
    expect(checkRecord(model, 100).errors).toEqual([{ t: 150, stream: "p", what: "error", message: "boom" }]);
  });
});

describe("check targets", () => {
  it("a socket's check follows its logical connection to the socket that replaced it", () => {
    const model = modelOf(
      eventsMessage([
        created("p:1", 0),
        created("p:9", 0, "wss://other.test/x"),
        { kind: "state", t: 1, socket: "p:1", state: "open" },
        { kind: "state", t: 1, socket: "p:9", state: "open" },
      ]),
    );
    const scope = scopeOf(model.sockets.get("p:1")!);
    expect(liveTargets(model, scope)).toEqual([{ socket: "p:1" }]);
    expect(liveTargets(model, { tab: true })).toEqual([{ socket: "p:1" }, { socket: "p:9" }]);
    const replaced = reduce(
      model,
      eventsMessage(
        [
          { kind: "state", t: 10, socket: "p:1", state: "closed", code: 1006 },
          created("p:2", 20, "wss://app.test/live?sid=2"),
          { kind: "state", t: 21, socket: "p:2", state: "open" },
        ],
        5,
      ) as PanelAction,
    );
    expect(liveTargets(replaced, scope)).toEqual([{ socket: "p:2" }]);
    expect(openSockets(replaced, scope, new Set(["p:1"])).map((v) => v.id)).toEqual(["p:2"]);
  });
});
