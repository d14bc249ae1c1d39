import { describe, expect, it } from "vitest";
import { TabRouter } from "../../src/background/router";
import { TESTING_GLOBAL, installTestingHook, testingHook } from "../../src/background/testing-hook";
import { CONTENT_PORT, PROTOCOL_VERSION, envelope, type PanelToPage } from "../../src/shared/protocol";
import { fakePortPair, flush, type FakePort } from "../support/fake-ports";
import { eventsMessage, snapshotMessage, socketSnapshot, stateEvent } from "../support/messages";

const EXT = "chrome-extension://lifeguard/";

function setup(inboxMax?: number) {
  const router = new TabRouter({ extensionOrigin: EXT });
  const hook = testingHook(router, EXT, inboxMax);
  /** A frame's relay that answers every snapshot request as its page world would. */
  const frame = (tabId: number, frameId: number, stream: string, sockets = [socketSnapshot(`${stream}:1`)]): FakePort => {
    const { client, server } = fakePortPair(CONTENT_PORT, { tab: { id: tabId }, frameId, url: `https://app.test/${frameId}` });
    client.onMessage.addListener((m) => {
      if ((m as { type: string }).type === "snapshot-request") client.postMessage(snapshotMessage(sockets, `https://app.test/${frameId}`, { stream, upTo: 3 }));
    });
    router.connect(server);
    return client;
  };
  return { router, hook, frame };
}

const drop = envelope<PanelToPage, "fault">("lifeguard-panel", "fault", { target: { tab: true }, fault: { kind: "drop" } });

describe("testing hook", () => {
  it("is a panel to the router: the tab's frames start posting, and stop when it closes", async () => {
    const { router, hook, frame } = setup();
    const top = frame(4, 0, "a");
    const connection = hook.connect(4);
    await flush();
    expect(router.stats(4)).toEqual({ contents: 1, panels: 1 });
    expect(top.received).toContainEqual(expect.objectContaining({ type: "listening", on: true }));
    connection.close();
    await flush();
    expect(router.stats(4)).toEqual({ contents: 1, panels: 0 });
    expect(top.received.at(-1)).toMatchObject({ type: "listening", on: false });
    expect(hook.connect(4)).not.toBe(connection);
  });

  it("sends the command before the snapshot request, and answers with every frame's snapshot", async () => {
    const { hook, frame } = setup();
    const top = frame(4, 0, "a");
    const sub = frame(4, 9, "b", [socketSnapshot("b:1"), socketSnapshot("b:2")]);
    const connection = hook.connect(4);
    await flush();
    const answer = await connection.request(drop, 1000);
    for (const port of [top, sub]) {
      const types = port.received.map((m) => (m as { type: string }).type).filter((t) => t !== "listening");
      expect(types).toEqual(["fault", "snapshot-request"]);
    }
    expect(answer.complete).toBe(true);
    expect(answer.relays).toBe(2);
    expect(answer.frames.map((f) => [f.stream, f.sockets.map((s) => s.info.id)]).sort()).toEqual([
      ["a", ["a:1"]],
      ["b", ["b:1", "b:2"]],
    ]);
  });

  it("joins a snapshot sent in parts, in part order", async () => {
    const { router, hook } = setup();
    const { client, server } = fakePortPair(CONTENT_PORT, { tab: { id: 2 }, frameId: 0, url: "https://app.test/" });
    client.onMessage.addListener((m) => {
      if ((m as { type: string }).type !== "snapshot-request") return;
      client.postMessage(snapshotMessage([socketSnapshot("p:2")], "https://app.test/", { stream: "p", upTo: 5, part: 1, parts: 2 }));
      client.postMessage(snapshotMessage([socketSnapshot("p:1")], "https://app.test/", { stream: "p", upTo: 5, part: 0, parts: 2 }));
    });
    router.connect(server);
    const answer = await hook.connect(2).request(null, 1000);
    expect(answer.frames[0]!.sockets.map((s) => s.info.id)).toEqual(["p:1", "p:2"]);
  });

  it("says the answer is incomplete when a frame stays silent past the time given", async () => {
    const { router, hook, frame } = setup();
    frame(4, 0, "a");
    const { server } = fakePortPair(CONTENT_PORT, { tab: { id: 4 }, frameId: 3, url: "about:blank" });
    router.connect(server);
    const answer = await hook.connect(4).request(null, 30);
    expect(answer).toMatchObject({ complete: false, relays: 2 });
    expect(answer.frames).toHaveLength(1);
  });

  it("refuses what is not a panel command of this protocol, and sends nothing", async () => {
    const { hook, frame } = setup();
    const top = frame(4, 0, "a");
    const connection = hook.connect(4);
    await expect(connection.request({ ...drop, v: PROTOCOL_VERSION + 1 }, 100)).rejects.toThrow(/protocol version/);
    await expect(connection.request({ ...drop, source: "lifeguard-page" }, 100)).rejects.toThrow(/panel command/);
    await flush();
    expect(top.received.filter((m) => (m as { type: string }).type !== "listening")).toEqual([]);
  });

  it("keeps what else the tab posts for take(), bounded, oldest let go first", async () => {
    const { hook, frame } = setup(3);
    const top = frame(4, 0, "a");
    const connection = hook.connect(4);
    await flush();
    connection.take();
    for (let i = 1; i <= 8; i++) top.postMessage(eventsMessage([stateEvent("a:1", "open", i)], i, "a"));
    await flush();
    const { messages, lost } = connection.take();
    expect(lost).toBe(5);
    expect(messages.map((m) => (m as { from: number }).from)).toEqual([6, 7, 8]);
    expect(connection.take()).toEqual({ messages: [], lost: 0 });
  });

  it("closeAll ends every tab's connection: their frames stop posting", async () => {
    const { router, hook, frame } = setup();
    const a = frame(4, 0, "a");
    const b = frame(5, 0, "b");
    hook.connect(4);
    hook.connect(5);
    await flush();
    hook.closeAll();
    await flush();
    expect([router.stats(4).panels, router.stats(5).panels]).toEqual([0, 0]);
    for (const port of [a, b]) expect(port.received.at(-1)).toMatchObject({ type: "listening", on: false });
  });

  it("lives on the worker's global, not enumerable and not replaceable", () => {
    const { hook } = setup();
    const global = {} as Record<string, unknown>;
    installTestingHook(global, hook);
    expect(global[TESTING_GLOBAL]).toBe(hook);
    expect(Object.keys(global)).toEqual([]);
    expect(() => {
      "use strict";
      global[TESTING_GLOBAL] = {};
    }).toThrow();
  });
});
