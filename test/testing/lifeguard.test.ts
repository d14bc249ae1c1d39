/**
 * The API's logic over a scripted tab: which sockets a command goes to, when a call resolves (the
 * page world's record, not the command's departure), how it fails. The real path is in
 * playwright.chromium.test.ts.
 */
import { describe, expect, it } from "vitest";
import type { TabAnswer } from "../../src/background/testing-answer";
import type { PanelToPage, RecorderEvent, SocketSnapshot } from "../../src/shared/protocol";
import { FaultNotAppliedError, InvalidSettingsError, LifeguardNotLoadedError, NoSocketMatchesError, PageClosedError, WaitTimeoutError } from "../../src/testing/errors";
import { createLifeguard, type LifeguardDriver } from "../../src/testing/lifeguard";
import { readSettingsInWorker, requestInWorker, writeSettingsInWorker } from "../../src/testing/worker-calls";
import { socketSnapshot } from "../support/messages";

type Fault = PanelToPage["fault"];
interface FakePage {
  closed: boolean;
}

/**
 * A tab whose page world is `react`: it gets each command and may change the sockets then, or only
 * on a later snapshot (`later`), as a page world whose effect lands after a timer would.
 */
function fakeTab(sockets: SocketSnapshot[], react: (fault: Fault, sockets: SocketSnapshot[]) => void = () => {}) {
  const commands: Fault[] = [];
  const later: (() => void)[] = [];
  let stored: unknown = {};
  let loaded = true;
  const page: FakePage = { closed: false };
  const driver: LifeguardDriver<FakePage> = {
    isClosed: (p) => p.closed,
    tabIdOf: async () => 7,
    async evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> {
      if (fn === (readSettingsInWorker as unknown)) return stored as R;
      if (fn === (writeSettingsInWorker as unknown)) {
        stored = arg;
        for (const s of sockets) s.protected = JSON.stringify(arg).includes("127.0.0.1");
        return undefined as R;
      }
      if (fn !== (requestInWorker as unknown)) return undefined as R;
      if (!loaded) return { kind: "not-loaded" } as R;
      later.splice(0).forEach((f) => f());
      const command = (arg as { command: (Fault & { type: string }) | null }).command;
      if (command?.type === "fault") {
        commands.push(command);
        react(command, sockets);
      }
      const answer: TabAnswer = { frames: [{ stream: "s", frameUrl: "https://app.test/", upTo: 1, sockets: structuredClone(sockets) }], relays: 1, complete: true };
      return { kind: "answer", answer } as R;
    },
  };
  return {
    lg: createLifeguard(driver),
    page,
    commands,
    later,
    sockets,
    stored: () => stored,
    unload: () => (loaded = false),
  };
}

const open = (id: string, url: string) => socketSnapshot(id, { state: "open", events: [] }, { url });
const push = (s: SocketSnapshot, e: RecorderEvent) => s.events.push(e);

describe("createLifeguard", () => {
  it("sends a fault with a glob to each matching open socket, and one without a glob to the tab", async () => {
    const t = fakeTab([open("a:1", "ws://127.0.0.1:1/x"), open("a:2", "wss://other.test/"), { ...open("a:3", "ws://127.0.0.1:1/y"), state: "closed" }], (f, sockets) => {
      for (const s of sockets) if ("tab" in f.target || f.target.socket === s.info.id) push(s, { kind: "fault", t: Date.now(), socket: s.info.id, fault: "blackhole", active: true });
    });
    await t.lg.blackhole(t.page, 1000, { url: "ws://127.0.0.1:*" });
    expect(t.commands.map((c) => c.target)).toEqual([{ socket: "a:1" }]);
    await t.lg.blackhole(t.page, 1000);
    expect(t.commands.at(-1)!.target).toEqual({ tab: true });
  });

  it("resolves only once the page world recorded the effect, however late", async () => {
    const t = fakeTab([open("a:1", "ws://h/")], (_f, sockets) => {
      const s = sockets[0]!;
      push(s, { kind: "fault", t: Date.now(), socket: s.info.id, fault: "drop", active: false });
      // The page sees its close a little after the command.
      t.later.push(() => t.later.push(() => ((s.state = "closed"), push(s, { kind: "state", t: Date.now(), socket: s.info.id, state: "closed", code: 1006 }))));
    });
    await t.lg.drop(t.page);
    expect(t.sockets[0]!.state).toBe("closed");
  });

  it("rejects with FaultNotAppliedError and the page world's reason when it refuses", async () => {
    const t = fakeTab([open("a:1", "ws://h/")], (_f, sockets) => {
      push(sockets[0]!, { kind: "fault", t: Date.now(), socket: "a:1", fault: "reconnect", active: false, detail: "not applied: the socket is not protected" });
    });
    const call = t.lg.reconnectNow(t.page, { url: "ws://h/" });
    await expect(call).rejects.toBeInstanceOf(FaultNotAppliedError);
    await expect(call).rejects.toThrow(/not protected/);
  });

  it("rejects with NoSocketMatchesError, naming the open sockets, and sends nothing", async () => {
    const t = fakeTab([open("a:1", "ws://h/")]);
    const call = t.lg.drop(t.page, { url: "wss://nowhere/*" });
    await expect(call).rejects.toBeInstanceOf(NoSocketMatchesError);
    await expect(call).rejects.toThrow(/ws:\/\/h\//);
    expect(t.commands).toEqual([]);
  });

  it("offline needs no socket: the tab's page worlds answered after the command", async () => {
    const t = fakeTab([]);
    await t.lg.offline(t.page, 500);
    expect(t.commands).toEqual([expect.objectContaining({ target: { tab: true }, fault: { kind: "offline", durationMs: 500 } })]);
  });

  it("inject and send resolve when the frame is on the wire record, bytes as base64", async () => {
    const t = fakeTab([open("a:1", "ws://h/")], (f, sockets) => {
      const kind = f.fault.kind;
      if (kind !== "inject" && kind !== "send") return;
      const frame = { socket: "a:1", seq: 1, t: Date.now(), dir: kind === "inject" ? "in" : "out", opcode: "text", size: 1, preview: "", truncated: false, from: kind === "inject" ? "injected" : "panel" } as const;
      t.later.push(() => push(sockets[0]!, { kind: "frame", frame }));
    });
    const onRecord = () => t.sockets[0]!.events.map((e) => (e.kind === "frame" ? e.frame.from : e.kind));
    await t.lg.inject(t.page, new Uint8Array([1, 2, 255]));
    expect(t.commands[0]!.fault).toEqual({ kind: "inject", data: "AQL/", encoding: "base64" });
    expect(onRecord()).toEqual(["injected"]);
    await t.lg.send(t.page, "hi");
    expect(t.commands[1]!.fault).toEqual({ kind: "send", data: "hi", encoding: "text" });
    expect(onRecord()).toEqual(["injected", "panel"]);
  });

  it("says which call timed out and what it saw", async () => {
    const t = fakeTab([open("a:1", "ws://h/")]);
    const call = t.lg.waitFor(t.page, { url: "ws://h/", state: "reconnecting", timeoutMs: 60 });
    await expect(call).rejects.toBeInstanceOf(WaitTimeoutError);
    await expect(call).rejects.toThrow(/reconnecting.*ws:\/\/h\/ \(open\)/);
  });

  it("waitForReconnect wants a recovery after the last fault it forced", async () => {
    const t = fakeTab([open("a:1", "ws://h/")], (_f, sockets) => {
      push(sockets[0]!, { kind: "fault", t: Date.now(), socket: "a:1", fault: "reconnect", active: false });
    });
    await expect(t.lg.reconnectNow(t.page)).rejects.toThrow(/no protected WebSocket/);
    t.sockets[0]!.protected = true;
    push(t.sockets[0]!, { kind: "state", t: Date.now() - 5_000, socket: "a:1", state: "open", attempt: 1, cause: "reconnected after 1 attempt(s), 10 ms down" });
    await t.lg.reconnectNow(t.page);
    await expect(t.lg.waitForReconnect(t.page, { timeoutMs: 60 })).rejects.toBeInstanceOf(WaitTimeoutError);
    push(t.sockets[0]!, { kind: "state", t: Date.now(), socket: "a:1", state: "open", attempt: 2, cause: "reconnected after 2 attempt(s), 10 ms down" });
    expect(await t.lg.waitForReconnect(t.page, { timeoutMs: 500 })).toMatchObject({ id: "a:1", reconnects: 2 });
  });

  it("protect puts its rule first, replacing one for the same glob, and waits for the sockets to follow", async () => {
    const t = fakeTab([open("a:1", "ws://127.0.0.1:9/")]);
    await t.lg.sockets(t.page);
    await t.lg.setSettings({ rules: [{ match: "wss://a.test/*" }, { match: "ws://127.0.0.1:*", reconnect: { minDelayMs: 1 } }] });
    await t.lg.protect("ws://127.0.0.1:*", { heartbeat: { enabled: false } });
    expect((t.stored() as { rules: unknown[] }).rules).toEqual([{ heartbeat: { enabled: false }, match: "ws://127.0.0.1:*" }, { match: "wss://a.test/*" }]);
    expect((await t.lg.sockets(t.page))[0]!.protected).toBe(true);
    await expect(t.lg.setSettings({ rules: [{ match: 5 }] })).rejects.toBeInstanceOf(InvalidSettingsError);
  });

  it("rejects with PageClosedError and LifeguardNotLoadedError", async () => {
    const t = fakeTab([open("a:1", "ws://h/")]);
    t.unload();
    await expect(t.lg.sockets(t.page)).rejects.toBeInstanceOf(LifeguardNotLoadedError);
    t.page.closed = true;
    await expect(t.lg.sockets(t.page)).rejects.toBeInstanceOf(PageClosedError);
  });

  it("refuses durations that cannot be faults", async () => {
    const t = fakeTab([open("a:1", "ws://h/")]);
    expect(() => t.lg.offline(t.page, 0)).toThrow(/endFaults/);
    expect(() => t.lg.latency(t.page, { inMs: -1, outMs: 0 })).toThrow(RangeError);
  });
});
