import { describe, expect, it } from "vitest";
import { decodeFrame } from "../../../src/panel/decoders";
import { at, binary, ctx, opening, text } from "./frames";

describe("graphql-ws (graphql-transport-ws)", () => {
  const GQL = ctx("wss://api.example.com/graphql", ["graphql-transport-ws"], "graphql-transport-ws");

  it("decodes the connection, subscribe, next, error and complete", () => {
    expect(decodeFrame(text('{"type":"connection_init","payload":{"token":"t"}}', "out"), GQL)).toMatchObject({ protocol: "graphql-ws", summary: 'connection_init {"token":"t"}', kind: "control" });
    expect(decodeFrame(text('{"type":"connection_ack"}'), GQL)).toMatchObject({ summary: "connection_ack", kind: "control" });
    const sub = decodeFrame(text('{"id":"1","type":"subscribe","payload":{"query":"subscription OnMessage { messageAdded { text } }","operationName":"OnMessage"}}', "out"), GQL)!;
    expect(sub).toMatchObject({ summary: "subscribe 1 OnMessage", kind: "data" });
    expect(at(sub.tree, "payload", "operationName")?.value).toBe("OnMessage");
    const anon = decodeFrame(text('{"id":"2","type":"subscribe","payload":{"query":"subscription {\\n  ticks\\n}"}}', "out"), GQL)!;
    expect(anon.summary).toBe("subscribe 2 subscription { ticks }");
    expect(decodeFrame(text('{"id":"1","type":"next","payload":{"data":{"messageAdded":{"text":"hi"}}}}'), GQL)!.summary).toBe('next 1 {"data":{"messageAdded":{"text":"hi"}}}');
    expect(decodeFrame(text('{"id":"1","type":"error","payload":[{"message":"denied"}]}'), GQL)!.summary).toBe('error 1 [{"message":"denied"}]');
    expect(decodeFrame(text('{"id":"1","type":"complete"}'), GQL)).toMatchObject({ summary: "complete 1", kind: "control" });
  });

  it("marks ping and pong as heartbeats", () => {
    expect(decodeFrame(text('{"type":"ping"}', "out"), GQL)).toMatchObject({ summary: "ping", kind: "heartbeat" });
    expect(decodeFrame(text('{"type":"pong"}'), GQL)).toMatchObject({ summary: "pong", kind: "heartbeat" });
  });

  it("reports malformed messages", () => {
    expect(decodeFrame(text('{"type":"ka"}'), GQL)!.error).toMatch(/unknown message type "ka"/);
    expect(decodeFrame(text('{"id":"1"}'), GQL)!.error).toMatch(/no string `type`/);
    expect(decodeFrame(text('{"type":"next","payload":{}}'), GQL)!.error).toMatch(/without a string id/);
    expect(decodeFrame(text('{"id":"1","type":"subscribe","payload":{}}'), GQL)!.error).toMatch(/without payload.query/);
    expect(decodeFrame(text("nope"), GQL)!.error).toMatch(/not valid JSON/);
  });
});

describe("subscriptions-transport-ws (graphql-ws subprotocol)", () => {
  const APOLLO = ctx("wss://api.example.com/graphql", ["graphql-ws"]);

  it("decodes start/data/stop and marks ka as heartbeat", () => {
    expect(decodeFrame(text('{"type":"connection_init","payload":{}}', "out"), APOLLO)).toMatchObject({ protocol: "subscriptions-transport-ws", kind: "control" });
    expect(decodeFrame(text('{"type":"ka"}'), APOLLO)).toMatchObject({ summary: "ka", kind: "heartbeat" });
    expect(decodeFrame(text('{"id":"1","type":"start","payload":{"query":"subscription { ticks }","variables":{}}}', "out"), APOLLO)!.summary).toBe("start 1 subscription { ticks }");
    expect(decodeFrame(text('{"id":"1","type":"data","payload":{"data":{"ticks":3}}}'), APOLLO)).toMatchObject({ summary: 'data 1 {"data":{"ticks":3}}', kind: "data" });
    expect(decodeFrame(text('{"id":"1","type":"stop"}', "out"), APOLLO)).toMatchObject({ summary: "stop 1", kind: "control" });
    expect(decodeFrame(text('{"type":"connection_terminate"}', "out"), APOLLO)!.summary).toBe("connection_terminate");
  });

  it("rejects graphql-ws library types it does not have", () => {
    expect(decodeFrame(text('{"type":"ping"}'), APOLLO)!.error).toMatch(/unknown message type "ping"/);
  });
});

describe("Phoenix channels", () => {
  const V2 = ctx("wss://app.example.com/socket/websocket?token=abc&vsn=2.0.0");
  const V1 = ctx("wss://app.example.com/socket/websocket?vsn=1.0.0");

  it("decodes v2 arrays: join, reply, push, broadcast", () => {
    expect(decodeFrame(text('["3","3","room:lobby","phx_join",{}]', "out"), V2)).toMatchObject({ protocol: "Phoenix", summary: "room:lobby phx_join ref=3", kind: "control" });
    expect(decodeFrame(text('["3","3","room:lobby","phx_reply",{"status":"ok","response":{}}]'), V2)!.summary).toBe("room:lobby phx_reply ok ref=3");
    const push = decodeFrame(text('[null,null,"room:lobby","new_msg",{"body":"hi"}]'), V2)!;
    expect(push).toMatchObject({ summary: 'room:lobby new_msg {"body":"hi"}', kind: "data" });
    expect(at(push.tree, "4", "body")?.value).toBe("hi");
  });

  it("marks heartbeat on topic phoenix (and its reply) as heartbeat", () => {
    expect(decodeFrame(text('[null,"5","phoenix","heartbeat",{}]', "out"), V2)).toMatchObject({ summary: "phoenix heartbeat ref=5", kind: "heartbeat" });
    expect(decodeFrame(text('[null,"5","phoenix","phx_reply",{"status":"ok","response":{}}]'), V2)!.kind).toBe("heartbeat");
    expect(decodeFrame(text('{"topic":"phoenix","event":"heartbeat","payload":{},"ref":"1"}', "out"), V1)!.kind).toBe("heartbeat");
  });

  it("decodes v1 objects", () => {
    expect(decodeFrame(text('{"topic":"room:1","event":"shout","payload":{"x":1},"ref":null}'), V1)!.summary).toBe('room:1 shout {"x":1}');
  });

  it("decodes v2 binary push frames", () => {
    // kind 0 (push), join_ref "1", topic "t", event "e", then raw payload bytes.
    const d = decodeFrame(binary("00010101" + "31" + "74" + "65" + "cafe"), V2)!;
    expect(d.summary).toBe("t e <2 bytes>");
    expect(at(d.tree, "payload")).toMatchObject({ type: "bytes", value: "cafe" });
    // kind 1 (reply): join_ref "1", ref "2", topic "t", status "ok", payload ff.
    const reply = decodeFrame(binary("0101010102" + "31" + "32" + "74" + "6f6b" + "ff"), V2)!;
    expect(reply.summary).toBe("t phx_reply ok ref=2 <1 bytes>");
    expect(at(reply.tree, "status")?.value).toBe("ok");
  });

  it("recognises LiveView sockets as the page does: by the vsn= phoenix.js adds, or a phx_join among the first frames", () => {
    const join = text('["4","4","lv:phx-F","phx_join",{}]', "out");
    expect(decodeFrame(join, ctx("wss://h/live/websocket?_csrf_token=x&vsn=2.0.0"))!.protocol).toBe("Phoenix");
    expect(decodeFrame(text('["4","4","lv:phx-F","phx_reply",{"status":"ok","response":{}}]'), opening(ctx("wss://h/live/websocket"), join))!.protocol).toBe("Phoenix");
    // The path alone says nothing: the array is only JSON.
    expect(decodeFrame(join, ctx("wss://h/live/websocket"))!.protocol).toBe("JSON");
  });

  it("reports malformed messages", () => {
    expect(decodeFrame(text('["1","room","x"]'), V2)!.error).toMatch(/got 3 elements/);
    expect(decodeFrame(text('[null,null,1,"e",{}]'), V2)!.error).toMatch(/must be strings/);
    expect(decodeFrame(text('"str"'), V2)!.error).toMatch(/object \(v1\) or an array \(v2\)/);
    expect(decodeFrame(binary("07"), V2)!.error).toMatch(/unknown binary message kind 7/);
    expect(decodeFrame(binary("0001"), V2)!.error).toMatch(/cut short/);
  });
});

describe("Action Cable", () => {
  const CABLE = ctx("wss://app.example.com/cable", ["actioncable-v1-json", "actioncable-unsupported"]);
  const ID = JSON.stringify(JSON.stringify({ channel: "ChatChannel", room: "1" }));

  it("decodes welcome, ping (heartbeat), confirm_subscription and messages", () => {
    expect(decodeFrame(text('{"type":"welcome"}'), CABLE)).toMatchObject({ protocol: "Action Cable", summary: "welcome", kind: "control" });
    expect(decodeFrame(text('{"type":"ping","message":1700000000}'), CABLE)).toMatchObject({ summary: "ping 1700000000", kind: "heartbeat" });
    const confirm = decodeFrame(text(`{"identifier":${ID},"type":"confirm_subscription"}`), CABLE)!;
    expect(confirm.summary).toBe("confirm_subscription ChatChannel");
    expect(at(confirm.tree, "identifier", "room")?.value).toBe("1");
    expect(decodeFrame(text(`{"identifier":${ID},"message":{"body":"hi"}}`), CABLE)).toMatchObject({ summary: 'ChatChannel {"body":"hi"}', kind: "data" });
    expect(decodeFrame(text('{"type":"disconnect","reason":"unauthorized","reconnect":false}'), CABLE)!.summary).toBe("disconnect unauthorized (no reconnect)");
  });

  it("decodes the client's commands, data parsed", () => {
    expect(decodeFrame(text(`{"command":"subscribe","identifier":${ID}}`, "out"), CABLE)!.summary).toBe("subscribe ChatChannel");
    const data = JSON.stringify(JSON.stringify({ action: "speak", body: "hi" }));
    const d = decodeFrame(text(`{"command":"message","identifier":${ID},"data":${data}}`, "out"), CABLE)!;
    expect(d.summary).toBe('message ChatChannel speak {"action":"speak","body":"hi"}');
    expect(at(d.tree, "data", "action")?.value).toBe("speak");
  });

  it("reports malformed messages", () => {
    expect(decodeFrame(text('{"type":"hello"}'), CABLE)!.error).toMatch(/unknown message type "hello"/);
    expect(decodeFrame(text('{"command":"jump","identifier":"{}"}', "out"), CABLE)!.error).toMatch(/unknown command "jump"/);
    expect(decodeFrame(text('{"command":"subscribe"}', "out"), CABLE)!.error).toMatch(/without an identifier/);
    expect(decodeFrame(text('{"foo":1}'), CABLE)!.error).toMatch(/neither/);
  });
});

describe("WAMP v2", () => {
  const JSON_CTX = ctx("wss://router.example.com/ws", ["wamp.2.json"], "wamp.2.json");
  const MP_CTX = ctx("wss://router.example.com/ws", ["wamp.2.msgpack", "wamp.2.json"], "wamp.2.msgpack");

  it("names message codes and shows their URIs", () => {
    expect(decodeFrame(text('[1,"realm1",{"roles":{"caller":{}}}]', "out"), JSON_CTX)).toMatchObject({ protocol: "WAMP", summary: "HELLO realm1", kind: "control" });
    expect(decodeFrame(text('[2,9129137332,{"roles":{"broker":{}}}]'), JSON_CTX)!.summary).toBe("WELCOME 9129137332");
    expect(decodeFrame(text('[48,7814135,{},"com.myapp.add2",[23,7]]', "out"), JSON_CTX)).toMatchObject({ summary: "CALL com.myapp.add2 7814135 [23,7]", kind: "data" });
    expect(decodeFrame(text("[50,7814135,{},[30]]"), JSON_CTX)!.summary).toBe("RESULT 7814135 [30]");
    expect(decodeFrame(text('[32,713845233,{},"com.myapp.mytopic1"]', "out"), JSON_CTX)!.summary).toBe("SUBSCRIBE com.myapp.mytopic1 713845233");
    expect(decodeFrame(text('[8,48,7814135,{},"wamp.error.no_such_procedure"]'), JSON_CTX)!.summary).toBe("ERROR wamp.error.no_such_procedure 7814135");
    expect(decodeFrame(text('[6,{},"wamp.close.close_realm"]'), JSON_CTX)!.summary).toBe("GOODBYE wamp.close.close_realm");
  });

  it("decodes wamp.2.msgpack binary frames", () => {
    // [36, 5512315355, 4429313566, {}, ["Hello"]] encoded by @msgpack/msgpack.
    const d = decodeFrame(binary("9524cf00000001488f41dbcf000000010801f61e8091a548656c6c6f"), MP_CTX)!;
    expect(d).toMatchObject({ protocol: "WAMP", summary: 'EVENT 5512315355 ["Hello"]', kind: "data" });
    expect(decodeFrame(binary("9524", "in", true), MP_CTX)!.error).toMatch(/truncated/);
  });

  it("reports malformed messages", () => {
    expect(decodeFrame(text("[99]"), JSON_CTX)!.error).toMatch(/unknown message type 99/);
    expect(decodeFrame(text('{"a":1}'), JSON_CTX)!.error).toMatch(/array starting with its type code/);
    expect(decodeFrame(binary("c1"), MP_CTX)!.error).toMatch(/not MessagePack/);
  });
});

describe("Centrifugo (JSON protocol)", () => {
  const CF = ctx("wss://rt.example.com/connection/websocket");

  it("decodes connect, subscribe, publications and replies", () => {
    expect(decodeFrame(text('{"id":1,"connect":{"token":"t","name":"js"}}', "out"), CF)).toMatchObject({ protocol: "Centrifugo", summary: "connect #1", kind: "control" });
    expect(decodeFrame(text('{"id":1,"connect":{"client":"421bf374-dd05","version":"5.4.0","ping":25,"pong":true}}'), CF)!.summary).toBe("connect #1 client=421bf374-dd05");
    expect(decodeFrame(text('{"id":2,"subscribe":{"channel":"news"}}', "out"), CF)!.summary).toBe("subscribe #2 news");
    const push = decodeFrame(text('{"push":{"channel":"news","pub":{"data":{"title":"x"},"offset":5}}}'), CF)!;
    expect(push).toMatchObject({ summary: 'push news {"title":"x"}', kind: "data" });
    expect(at(push.tree, "push", "pub", "offset")?.value).toBe(5);
    expect(decodeFrame(text('{"id":3,"error":{"code":103,"message":"permission denied"}}'), CF)!.summary).toBe("error #3 103 permission denied");
  });

  it("marks the empty object as ping/pong heartbeat", () => {
    expect(decodeFrame(text("{}"), CF)).toMatchObject({ summary: "ping/pong", kind: "heartbeat" });
    expect(decodeFrame(text("{}", "out"), CF)!.kind).toBe("heartbeat");
  });

  it("decodes several newline-separated replies in one frame", () => {
    const d = decodeFrame(text('{"id":2,"subscribe":{}}\n{"push":{"channel":"news","join":{"info":{}}}}'), CF)!;
    expect(d.summary).toBe("subscribe #2 | push join news");
    expect(d.tree?.type).toBe("array");
  });

  it("reports malformed messages", () => {
    expect(decodeFrame(text('{"bogus":1}'), CF)!.error).toMatch(/no known command/);
    expect(decodeFrame(text("{oops"), CF)!.error).toMatch(/not valid JSON/);
    expect(decodeFrame(text("[1]"), CF)!.error).toMatch(/not an object/);
  });
});
