import { afterEach, describe, expect, it, vi } from "vitest";
import {
  memoryTransportPair,
  messagePortTransport,
  runtimePortTransport,
  type PortLike,
} from "../../src/shared/transports";
import { fakePortPair, flush, type FakePort } from "../support/fake-ports";

/** A `connect` that hands out fresh fake ports and keeps their server ends. */
function fakeRuntime() {
  const servers: FakePort[] = [];
  const connect = (): PortLike => {
    const { client, server } = fakePortPair("content", { tab: { id: 1 }, frameId: 0 });
    servers.push(server);
    return client;
  };
  return { servers, connect };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("runtimePortTransport", () => {
  it("posts and receives over the port", async () => {
    const { servers, connect } = fakeRuntime();
    const transport = runtimePortTransport(connect);
    const got: unknown[] = [];
    transport.onMessage((m) => got.push(m));
    transport.post({ hello: 1 });
    servers[0]!.postMessage({ back: 2 });
    await flush();
    expect(servers[0]!.received).toEqual([{ hello: 1 }]);
    expect(got).toEqual([{ back: 2 }]);
    expect(transport.connected).toBe(true);
  });

  it("reconnects after the background goes away, calls onReconnect, and keeps its listeners", async () => {
    vi.useFakeTimers();
    const { servers, connect } = fakeRuntime();
    const onReconnect = vi.fn();
    const transport = runtimePortTransport(connect, { onReconnect, reconnectDelay: () => 100 });
    const got: unknown[] = [];
    transport.onMessage((m) => got.push(m));
    expect(onReconnect).not.toHaveBeenCalled();

    servers[0]!.disconnect(); // the service worker was killed
    await flush();
    expect(transport.connected).toBe(false);
    transport.post("lost"); // dropped, not thrown
    await vi.advanceTimersByTimeAsync(99);
    expect(servers).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(servers).toHaveLength(2);
    expect(onReconnect).toHaveBeenCalledTimes(1);
    expect(transport.connected).toBe(true);

    transport.post("again");
    servers[1]!.postMessage("from the new worker");
    await flush();
    expect(servers[1]!.received).toEqual(["again"]);
    expect(got).toEqual(["from the new worker"]);
    transport.close();
  });

  it("backs off while the port keeps dropping, and resets once a connection holds", async () => {
    vi.useFakeTimers();
    const { servers, connect } = fakeRuntime();
    const delays: number[] = [];
    runtimePortTransport(connect, {
      reconnectDelay: (attempt) => {
        delays.push(attempt);
        return 10;
      },
      stableAfterMs: 1000,
    });
    for (let i = 0; i < 3; i++) {
      servers.at(-1)!.disconnect();
      await flush();
      await vi.advanceTimersByTimeAsync(10);
    }
    expect(delays).toEqual([0, 1, 2]);
    await vi.advanceTimersByTimeAsync(1000);
    servers.at(-1)!.disconnect();
    await flush();
    expect(delays).toEqual([0, 1, 2, 0]);
  });

  it("stops for good when closed, and when connect throws (extension context gone)", async () => {
    vi.useFakeTimers();
    const { servers, connect } = fakeRuntime();
    const closed = runtimePortTransport(connect, { reconnectDelay: () => 10 });
    closed.close();
    await flush();
    expect(servers[0]!.disconnected).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(servers).toHaveLength(1);

    let calls = 0;
    const orphan = runtimePortTransport(
      () => {
        calls += 1;
        if (calls > 1) throw new Error("Extension context invalidated.");
        return connect();
      },
      { reconnectDelay: () => 10 },
    );
    servers.at(-1)!.disconnect();
    await flush();
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toBe(2);
    expect(orphan.connected).toBe(false);
  });

  it("does not throw when the port throws on post", () => {
    const port: PortLike = {
      name: "content",
      postMessage: () => {
        throw new Error("Attempting to use a disconnected port object");
      },
      onMessage: { addListener: () => {}, removeListener: () => {} },
      onDisconnect: { addListener: () => {} },
      disconnect: () => {},
    };
    const transport = runtimePortTransport(() => port);
    expect(() => transport.post("x")).not.toThrow();
    transport.close();
  });
});

describe("messagePortTransport", () => {
  it("carries messages both ways over a real MessageChannel", async () => {
    const channel = new MessageChannel();
    const a = messagePortTransport<string, { n: number }>(channel.port1);
    const b = messagePortTransport<{ n: number }, string>(channel.port2);
    const atB = new Promise<{ n: number }>((resolve) => b.onMessage(resolve));
    const atA = new Promise<string>((resolve) => a.onMessage(resolve));
    a.post({ n: 1 });
    b.post("pong");
    expect(await atB).toEqual({ n: 1 });
    expect(await atA).toBe("pong");
    a.close();
    b.close();
  });

  it("starts the port: in browsers, addEventListener alone leaves messages queued", () => {
    const port = Object.assign(new EventTarget(), { start: vi.fn(), close: vi.fn(), postMessage: vi.fn() });
    const transport = messagePortTransport(port as unknown as MessagePort);
    expect(port.start).toHaveBeenCalledTimes(1);
    transport.close();
    expect(port.close).toHaveBeenCalledTimes(1);
  });

  it("stops delivering after unsubscribe and close", async () => {
    const channel = new MessageChannel();
    const a = messagePortTransport(channel.port1);
    const b = messagePortTransport(channel.port2);
    const seen: unknown[] = [];
    const off = b.onMessage((m) => seen.push(m));
    const last = new Promise((resolve) => b.onMessage(resolve));
    off();
    a.post("one");
    await last;
    expect(seen).toEqual([]);
    a.close();
    b.close();
    expect(() => a.post("after close")).not.toThrow();
  });
});

describe("memoryTransportPair", () => {
  it("delivers cloned messages asynchronously, in order", async () => {
    const [a, b] = memoryTransportPair<string, { list: number[] }>();
    const got: { list: number[] }[] = [];
    b.onMessage((m) => got.push(m));
    const sent = { list: [1] };
    a.post(sent);
    a.post({ list: [2] });
    expect(got).toEqual([]);
    await flush();
    expect(got).toEqual([{ list: [1] }, { list: [2] }]);
    expect(got[0]).not.toBe(sent);
  });
});
