/** Protocol heartbeats through the engine, with fake timers and scripted sockets. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { harness, type FakeSocket } from "../fakes";
import type { Rule } from "../../../src/shared/settings";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const HB = { intervalMs: 1000, timeoutMs: 500 };

function open(url: string, protocols: string[], rule: Omit<Rule, "match"> = {}, negotiated = "") {
  const h = harness({ url, protocols, ruleOverrides: { heartbeat: HB, ...rule } });
  h.initial.serverOpen(negotiated);
  return h;
}

const bytes = (...b: number[]) => new Uint8Array(b);
const ab = (...b: number[]) => new Uint8Array(b).buffer;
/** What went out, binary frames as arrays. */
const sent = (s: FakeSocket) => s.sent.map((d) => (typeof d === "string" ? d : Array.from(new Uint8Array(d as ArrayBuffer))));
const messages = (page: string[]) => page.filter((p) => p.includes("message"));

const CONNECT = bytes(0x10, 0x0c, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3c, 0x00, 0x00);

describe("MQTT: PINGREQ / PINGRESP", () => {
  it("pings after CONNACK and hides only the PINGRESP that answers Lifeguard's own PINGREQ", () => {
    const h = open("ws://broker/mqtt", ["mqtt"], {}, "mqtt");
    h.conn.send(CONNECT);
    vi.advanceTimersByTime(5000);
    // No CONNACK yet: no ping before the session exists.
    expect(sent(h.initial)).toHaveLength(1);
    h.initial.serverMessage(ab(0x20, 0x02, 0x00, 0x00));
    vi.advanceTimersByTime(1000);
    expect(sent(h.initial).at(-1)).toEqual([0xc0, 0x00]);
    h.initial.serverMessage(ab(0xd0, 0x00));
    expect(h.heartbeats()).toEqual(["sent", "answered 0"]);
    // The page saw CONNACK only.
    expect(messages(h.page)).toEqual(["native:message <binary>"]);

    // The library's own PINGREQ, then Lifeguard's: the first PINGRESP is the library's.
    h.conn.send(bytes(0xc0, 0x00));
    vi.advanceTimersByTime(1000);
    expect(sent(h.initial).filter((d) => Array.isArray(d) && d[0] === 0xc0)).toHaveLength(3);
    h.initial.serverMessage(ab(0xd0, 0x00));
    expect(messages(h.page)).toHaveLength(2);
    h.initial.serverMessage(ab(0xd0, 0x00));
    expect(messages(h.page)).toHaveLength(2);
    // An unsolicited PINGRESP is the page's business.
    h.initial.serverMessage(ab(0xd0, 0x00));
    expect(messages(h.page)).toHaveLength(3);
  });

  it("under auto the strategy is surface: a dead connection becomes a prompt close 1006 and nothing reconnects", () => {
    const h = open("ws://broker/mqtt", ["mqtt"], { reconnect: { minDelayMs: 10, maxDelayMs: 10 } }, "mqtt");
    expect(h.conn.strategyChoice).toMatchObject({ strategy: "surface", protocol: "MQTT" });
    h.conn.send(CONNECT);
    h.initial.serverMessage(ab(0x20, 0x02, 0x00, 0x00));
    vi.advanceTimersByTime(1000 + 500);
    expect(h.heartbeats()).toEqual(["sent", "missed 500"]);
    expect(h.page.slice(-2)).toEqual(["synthetic:error", "synthetic:close 1006"]);
    expect(h.pageEvents.at(-1)).toMatchObject({ type: "close", code: 1006, wasClean: false });
    expect(h.conn.readyState).toBe(3);
    expect(h.initial.closeCalls).toHaveLength(1);
    vi.advanceTimersByTime(10_000);
    expect(h.sockets).toHaveLength(0);
  });

  it("a loss under surface reaches the page as the browser reports it", () => {
    const h = open("ws://broker/mqtt", ["mqtt"], {}, "mqtt");
    h.initial.drop();
    expect(h.page).toEqual(["native:open", "native:error", "native:close 1006"]);
    expect(h.sockets).toHaveLength(0);
  });
});

describe("graphql-ws: ping / pong", () => {
  it("sends {type:ping} and hides only the pong to it; the library's pong passes", () => {
    const h = open("ws://h/graphql", ["graphql-transport-ws"], {}, "graphql-transport-ws");
    h.conn.send('{"type":"connection_init"}');
    h.initial.serverMessage('{"type":"connection_ack"}');
    vi.advanceTimersByTime(1000);
    expect(sent(h.initial)).toEqual(['{"type":"connection_init"}', '{"type":"ping"}']);
    h.initial.serverMessage('{"type":"pong"}');
    h.conn.send('{"type":"ping","payload":{"lib":true}}');
    h.initial.serverMessage('{"type":"pong","payload":{"lib":true}}');
    // A server's ping is answered by the library, never by Lifeguard.
    h.initial.serverMessage('{"type":"ping"}');
    expect(messages(h.page)).toEqual([
      'native:message {"type":"connection_ack"}',
      'native:message {"type":"pong","payload":{"lib":true}}',
      'native:message {"type":"ping"}',
    ]);
  });

  it("with hideReplies false the pong reaches the page", () => {
    const h = open("ws://h/graphql", ["graphql-transport-ws"], { heartbeat: { ...HB, hideReplies: false } });
    vi.advanceTimersByTime(1000);
    h.initial.serverMessage('{"type":"pong"}');
    expect(messages(h.page)).toEqual(['native:message {"type":"pong"}']);
    expect(h.heartbeats()).toEqual(["sent", "answered 0"]);
  });
});

describe("Phoenix: heartbeat on topic phoenix", () => {
  it("v2 (arrays): sends an array heartbeat with its own ref and hides only that reply", () => {
    const h = open("ws://h/socket/websocket?vsn=2.0.0", []);
    vi.advanceTimersByTime(1000);
    expect(sent(h.initial)).toEqual(['[null,"lg:1","phoenix","heartbeat",{}]']);
    h.initial.serverMessage('[null,"7","phoenix","phx_reply",{"status":"ok","response":{}}]');
    h.initial.serverMessage('[null,"lg:1","phoenix","phx_reply",{"status":"ok","response":{}}]');
    expect(messages(h.page)).toEqual(['native:message [null,"7","phoenix","phx_reply",{"status":"ok","response":{}}]']);
    // A reply naming a ref Lifeguard never sent passes.
    h.initial.serverMessage('[null,"lg:9","phoenix","phx_reply",{"status":"ok","response":{}}]');
    expect(messages(h.page)).toHaveLength(2);
  });

  it("v1 (objects)", () => {
    const h = open("ws://h/socket/websocket?vsn=1.0.0", []);
    vi.advanceTimersByTime(1000);
    expect(sent(h.initial)).toEqual(['{"topic":"phoenix","event":"heartbeat","payload":{},"ref":"lg:1"}']);
    h.initial.serverMessage('{"topic":"phoenix","event":"phx_reply","payload":{"status":"ok","response":{}},"ref":"lg:1"}');
    expect(messages(h.page)).toEqual([]);
    expect(h.heartbeats()).toEqual(["sent", "answered 0"]);
  });
});

describe("SignalR: ping record", () => {
  it("recognised by the handshake: surface, sends {type:6}+RS, and waits at least 30 s of silence in all", () => {
    const h = open("ws://h/hub?id=abc", []);
    expect(h.conn.strategyChoice.strategy).toBe("transparent");
    h.conn.send('{"protocol":"json","version":1}\x1e');
    expect(h.conn.strategyChoice).toMatchObject({ strategy: "surface", protocol: "SignalR" });
    expect(h.recorded.filter((e) => e.kind === "protection")).toMatchObject([{ protected: true, strategy: "surface", protocol: "SignalR" }]);
    h.initial.serverMessage("{}\x1e");
    vi.advanceTimersByTime(1000);
    expect(sent(h.initial).at(-1)).toBe('{"type":6}\x1e');
    vi.advanceTimersByTime(28_900);
    expect(h.conn.readyState).toBe(1);
    vi.advanceTimersByTime(200);
    expect(h.page.slice(-1)).toEqual(["synthetic:close 1006"]);
  });

  it("messagepack: the binary ping", () => {
    const h = open("ws://h/hub?id=abc", []);
    h.conn.send('{"protocol":"messagepack","version":1}\x1e');
    h.initial.serverMessage("{}\x1e");
    vi.advanceTimersByTime(1000);
    expect(sent(h.initial).at(-1)).toEqual([0x02, 0x91, 0x06]);
  });
});

describe("Engine.IO", () => {
  it("3: the client pings `2`, the server's `3` to Lifeguard's ping is hidden", () => {
    const h = open("ws://h/socket.io/?EIO=3&transport=websocket", []);
    h.initial.serverMessage('0{"sid":"a","upgrades":[],"pingInterval":25000,"pingTimeout":5000}');
    vi.advanceTimersByTime(1000);
    expect(sent(h.initial)).toEqual(["2"]);
    h.initial.serverMessage("3");
    h.conn.send("2");
    h.initial.serverMessage("3");
    expect(messages(h.page)).toEqual([expect.stringContaining("native:message 0{"), "native:message 3"]);
  });

  it("4: passive; dead after pingInterval + pingTimeout from the open packet, whatever the rule says; nothing is sent", () => {
    const h = open("ws://h/socket.io/?EIO=4&transport=websocket", [], { heartbeat: { intervalMs: 60_000, timeoutMs: 60_000 } });
    h.initial.serverMessage('0{"sid":"a","upgrades":[],"pingInterval":1000,"pingTimeout":500,"maxPayload":1000000}');
    h.conn.send("40");
    h.initial.serverMessage('40{"sid":"b"}');
    // The server's pings keep it alive for as long as they come.
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(1000);
      h.initial.serverMessage("2");
      h.conn.send("3");
    }
    expect(h.conn.readyState).toBe(1);
    vi.advanceTimersByTime(1499);
    expect(h.conn.readyState).toBe(1);
    vi.advanceTimersByTime(2);
    expect(h.page.slice(-2)).toEqual(["synthetic:error", "synthetic:close 1006"]);
    expect(sent(h.initial).filter((d) => d !== "40" && d !== "3")).toEqual([]);
    expect(h.heartbeats()).toEqual(["missed 500"]);
  });

  it("4 without an open packet (upgraded from polling): the Engine.IO defaults, 25 s + 20 s", () => {
    const h = open("ws://h/socket.io/?EIO=4&transport=websocket&sid=x", []);
    h.conn.send("2probe");
    h.initial.serverMessage("3probe");
    vi.advanceTimersByTime(44_900);
    expect(h.conn.readyState).toBe(1);
    vi.advanceTimersByTime(200);
    expect(h.conn.readyState).toBe(3);
  });

  it("4: online or visible asks for no probe (there is nothing to send) and does not shorten the window", () => {
    const h = open("ws://h/socket.io/?EIO=4&transport=websocket", []);
    h.initial.serverMessage('0{"sid":"a","upgrades":[],"pingInterval":1000,"pingTimeout":500}');
    vi.advanceTimersByTime(900);
    h.conn.environment("online");
    h.conn.environment("resume");
    vi.advanceTimersByTime(1000);
    expect(h.conn.readyState).toBe(1);
    expect(h.initial.sent).toEqual([]);
  });
});

describe("passive windows announced or learnt", () => {
  it("STOMP: passive at twice the negotiated server heart-beat; off when not negotiated", () => {
    const h = open("ws://h/stomp", ["v12.stomp"], {}, "v12.stomp");
    h.conn.send("CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0");
    h.initial.serverMessage("CONNECTED\nversion:1.2\nheart-beat:1000,0\n\n\0");
    vi.advanceTimersByTime(600_000);
    expect(h.conn.readyState).toBe(1);
    expect(h.initial.sent).toHaveLength(1);

    const g = open("ws://h/stomp", ["v12.stomp"], {}, "v12.stomp");
    g.conn.send("CONNECT\naccept-version:1.2\nheart-beat:400,800\n\n\0");
    g.initial.serverMessage("CONNECTED\nversion:1.2\nheart-beat:1000,400\n\n\0");
    vi.advanceTimersByTime(1000);
    g.initial.serverMessage("\n");
    vi.advanceTimersByTime(1999);
    expect(g.conn.readyState).toBe(1);
    vi.advanceTimersByTime(2);
    expect(g.conn.readyState).toBe(3);
    expect(g.initial.sent).toHaveLength(1);
  });

  it("Action Cable: 3 s pings, dead after 6 s of silence", () => {
    const h = open("ws://h/cable", ["actioncable-v1-json", "actioncable-unsupported"], {}, "actioncable-v1-json");
    h.initial.serverMessage('{"type":"welcome"}');
    vi.advanceTimersByTime(5999);
    expect(h.conn.readyState).toBe(1);
    vi.advanceTimersByTime(2);
    expect(h.conn.readyState).toBe(3);
  });

  it("Centrifugo: the connect reply's ping + 10 s; off before it", () => {
    const h = open("ws://h/connection/websocket", []);
    vi.advanceTimersByTime(100_000);
    expect(h.conn.readyState).toBe(1);
    h.conn.send('{"connect":{"name":"js"},"id":1}');
    h.initial.serverMessage('{"id":1,"connect":{"client":"c","version":"5","ping":2,"pong":true}}');
    vi.advanceTimersByTime(11_999);
    expect(h.conn.readyState).toBe(1);
    vi.advanceTimersByTime(2);
    expect(h.conn.readyState).toBe(3);
    expect(h.initial.sent).toHaveLength(1);
  });

  it("SockJS: off until the server sends an `h` (sockjs-node pings at the WebSocket level instead)", () => {
    const h = open("ws://h/echo/123/abcdefgh/websocket", []);
    h.initial.serverMessage("o");
    vi.advanceTimersByTime(600_000);
    expect(h.conn.readyState).toBe(1);
    h.initial.serverMessage("h");
    vi.advanceTimersByTime(49_999);
    expect(h.conn.readyState).toBe(1);
    vi.advanceTimersByTime(2);
    expect(h.conn.readyState).toBe(3);
  });

  it("SockJS: learns the heartbeat period from two `h` in a row, dead after twice that", () => {
    const h = open("ws://h/echo/123/abcdefgh/websocket", []);
    h.initial.serverMessage("o");
    vi.advanceTimersByTime(700);
    h.initial.serverMessage("h");
    vi.advanceTimersByTime(1000);
    h.initial.serverMessage("h");
    vi.advanceTimersByTime(1999);
    expect(h.conn.readyState).toBe(1);
    vi.advanceTimersByTime(2);
    expect(h.conn.readyState).toBe(3);
  });
});

describe("protocols without a ping: recognised, surfaced, heartbeat off", () => {
  it.each([
    ["subscriptions-transport-ws", "ws://h/graphql", ["graphql-ws"], '{"type":"connection_init","payload":{}}'],
    ["WAMP", "wss://h/ws", ["wamp.2.json", "wamp.2.msgpack"], '[1,"realm1",{"roles":{"subscriber":{}}}]'],
  ])("%s: sends nothing and never kills an idle socket, under surface", (name, url, protocols, hello) => {
    const h = open(url, protocols, {}, protocols[0]);
    expect(h.conn.strategyChoice).toMatchObject({ strategy: "surface", protocol: name });
    h.conn.send(hello);
    vi.advanceTimersByTime(3_600_000);
    expect(h.conn.readyState).toBe(1);
    expect(h.initial.sent).toEqual([hello]);
    expect(h.heartbeats()).toEqual([]);
  });
});

describe("unknown protocol with message auto", () => {
  it("sends nothing and never kills an idle, healthy socket", () => {
    const h = open("ws://h/live", []);
    vi.advanceTimersByTime(3_600_000);
    expect(h.conn.readyState).toBe(1);
    expect(h.initial.sent).toEqual([]);
    expect(h.heartbeats()).toEqual([]);
    expect(h.conn.strategyChoice.strategy).toBe("transparent");
  });

  it("a rule's own message still works on any socket, recognised or not", () => {
    const h = open("ws://h/socket.io/?EIO=4", [], { heartbeat: { ...HB, message: "hb", reply: "ok" } });
    vi.advanceTimersByTime(1000);
    expect(sent(h.initial)).toEqual(["hb"]);
  });
});

describe("a page close() on a dead connection", () => {
  it("ends with close 1006 after the heartbeat's timeout when no closing handshake comes back", () => {
    const h = open("ws://h/stomp", ["v12.stomp"], {}, "v12.stomp");
    h.conn.send("CONNECT\naccept-version:1.2\nheart-beat:1000,1000\n\n\0");
    h.initial.serverMessage("CONNECTED\nversion:1.2\nheart-beat:1000,1000\n\n\0");
    // The library found it dead and closes it; the network never answers.
    h.conn.close();
    expect(h.conn.readyState).toBe(2);
    vi.advanceTimersByTime(999);
    expect(h.page.filter((p) => p.includes("close"))).toEqual([]);
    vi.advanceTimersByTime(2);
    expect(h.page.at(-1)).toBe("synthetic:close 1006");
    expect(h.pageEvents.at(-1)).toMatchObject({ wasClean: false });
    expect(h.conn.readyState).toBe(3);
    // The late native close is not shown twice.
    h.initial.serverClose(1006);
    expect(h.page.filter((p) => p.includes("close"))).toHaveLength(1);
  });

  it("a closing handshake in time ends it natively, with no timer left", () => {
    const h = open("ws://h/graphql", ["graphql-transport-ws"]);
    h.conn.close(1000);
    h.initial.serverClose(1000);
    expect(h.page.at(-1)).toBe("native:close 1000");
    expect(vi.getTimerCount()).toBe(0);
  });
});
