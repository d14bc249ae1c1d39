/**
 * Page errors in the panel's model (page-errors.ts, model.ts): a batch's `page-error` events become
 * `pageErrors` with their stream, newest PAGE_ERRORS_KEPT kept, a new array whenever they change, through
 * `reduce` and through the inbox alike; they touch no socket, and a HAR import never brings one.
 */
import { describe, expect, it } from "vitest";
import { PanelInbox } from "../../src/panel/inbox";
import { createModel, reduce } from "../../src/panel/model";
import { PAGE_ERRORS_KEPT } from "../../src/panel/page-errors";
import { importHar } from "../../src/panel/har";
import type { PageErrorEvent, RecorderEvent } from "../../src/shared/protocol";
import { eventsMessage, snapshotMessage, socketInfo, socketSnapshot } from "../support/messages";
import { manualSlices } from "./slices";

const pageError = (t: number, message: string, what: PageErrorEvent["what"] = "console"): PageErrorEvent => ({ kind: "page-error", t, what, message });
const created = (id: string): RecorderEvent => ({ kind: "created", t: 1, socket: socketInfo(id) });

describe("page errors in the panel model", () => {
  it("are kept with the stream that sent them, in order, and change no socket", () => {
    let model = reduce(createModel(), eventsMessage([created("a:1"), pageError(5, "boom", "error")], 1, "a"));
    const sockets = model.socketsVersion;
    const logVersion = model.logVersion;
    model = reduce(model, eventsMessage([pageError(6, "nope", "unhandledrejection")], 1, "b"));
    expect(model.pageErrors).toEqual([
      { t: 5, stream: "a", what: "error", message: "boom" },
      { t: 6, stream: "b", what: "unhandledrejection", message: "nope" },
    ]);
    expect(model.socketsVersion).toBe(sockets);
    expect(model.logVersion).toBe(logVersion);
    expect(model.log.eventsOf("a:1").map((e) => e.kind)).toEqual(["created"]);
  });

  it("keep the newest PAGE_ERRORS_KEPT; a model with new ones has a new array, one without the same", () => {
    let model = createModel();
    const before = model.pageErrors;
    const n = PAGE_ERRORS_KEPT + 20;
    model = reduce(model, eventsMessage(Array.from({ length: n }, (_, i) => pageError(i, `e${i}`))));
    expect(model.pageErrors).not.toBe(before);
    expect(model.pageErrors).toHaveLength(PAGE_ERRORS_KEPT);
    expect(model.pageErrors[0]!.message).toBe("e20");
    expect(model.pageErrors.at(-1)!.message).toBe(`e${n - 1}`);
    const held = model.pageErrors;
    model = reduce(model, eventsMessage([created("a:1")], n + 1));
    expect(model.pageErrors).toBe(held);
    // What a view was handed does not change under it.
    model = reduce(model, eventsMessage([pageError(1e6, "later")], n + 2));
    expect(held.at(-1)!.message).toBe(`e${n - 1}`);
    expect(model.pageErrors.at(-1)!.message).toBe("later");
  });

  it("go with a clear", () => {
    let model = reduce(createModel(), eventsMessage([pageError(1, "x")]));
    model = reduce(model, { type: "clear" });
    expect(model.pageErrors).toEqual([]);
  });

  it("come through the inbox's slices with their stream", () => {
    const slices = manualSlices();
    const inbox = new PanelInbox(createModel(), () => {}, { schedule: slices.schedule });
    inbox.receive(snapshotMessage([socketSnapshot("s:1")]));
    inbox.receive(eventsMessage([pageError(3, "sliced"), { kind: "note", t: 4, socket: "s:1", text: "n" }], 1, "s"));
    slices.runAll();
    expect(inbox.current.pageErrors).toEqual([{ t: 3, stream: "s", what: "console", message: "sliced" }]);
    expect(inbox.current.log.eventsOf("s:1").map((e) => e.kind)).toEqual(["note"]);
  });

  it("a HAR entry that carries one among its events imports without it", () => {
    const har = {
      log: {
        entries: [
          {
            request: { url: "wss://app.test/x", headers: [] },
            startedDateTime: new Date(1000).toISOString(),
            _webSocketMessages: [],
            _lifeguardEvents: [pageError(2, "not a socket's"), { kind: "note", t: 3, socket: "h:1", text: "kept" }],
          },
        ],
      },
    };
    const [socket] = importHar(JSON.stringify(har), 1);
    expect(socket!.events.map((e) => e.kind)).toEqual(["note"]);
  });
});
