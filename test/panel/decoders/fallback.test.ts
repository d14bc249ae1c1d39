import { describe, expect, it } from "vitest";
import { decodeFrame, GENERIC_DECODERS, hexToBytes, PROTOCOL_DECODERS } from "../../../src/panel/decoders";
import { PROTOCOL_IDS } from "../../../src/shared/protocol-catalogue";
import { at, binary, ctx, hexOf, opening, text } from "./frames";

const PLAIN = ctx("wss://example.com/ws");

describe("JSON, MessagePack and CBOR fallbacks", () => {
  it("decodes JSON objects and arrays into a tree", () => {
    const d = decodeFrame(text('{"type":"chat","n":[1,2],"ok":true,"x":null}'), PLAIN)!;
    expect(d).toMatchObject({ protocol: "JSON", summary: '{"type":"chat","n":[1,2],"ok":true,"x":null}', kind: "data" });
    expect(d.tree).toEqual({
      type: "object",
      children: [
        { key: "type", type: "string", value: "chat" },
        { key: "n", type: "array", children: [{ key: "0", type: "number", value: 1 }, { key: "1", type: "number", value: 2 }] },
        { key: "ok", type: "boolean", value: true },
        { key: "x", type: "null", value: null },
      ],
    });
  });

  it("leaves plain text, bare JSON scalars and broken JSON alone", () => {
    expect(decodeFrame(text("hello"), PLAIN)).toBeNull();
    expect(decodeFrame(text("42"), PLAIN)).toBeNull();
    expect(decodeFrame(text("{not json"), PLAIN)).toBeNull();
  });

  it("says a truncated JSON preview was not parsed", () => {
    const d = decodeFrame(text('{"a":"bbbbbb', "in", true), PLAIN)!;
    expect(d.protocol).toBe("JSON");
    expect(d.error).toMatch(/truncated/);
  });

  it("decodes MessagePack maps and arrays", () => {
    // {type:"chat", text:"hi", n:[1,2]} encoded by @msgpack/msgpack 3.
    const d = decodeFrame(binary("83a474797065a463686174a474657874a26869a16e920102"), PLAIN)!;
    expect(d).toMatchObject({ protocol: "MessagePack", summary: '{"type":"chat","text":"hi","n":[1,2]}', kind: "data" });
    expect(at(d.tree, "n", "1")?.value).toBe(2);
  });

  it("decodes CBOR maps and arrays", () => {
    // The same value as encoded by cbor-x 1.6 (indefinite-free, 32-bit map header).
    const d = decodeFrame(binary("b90003647479706564636861746474657874626869616e820102"), PLAIN)!;
    expect(d).toMatchObject({ protocol: "CBOR", summary: '{"type":"chat","text":"hi","n":[1,2]}' });
    expect(decodeFrame(binary("c11a00000000"), PLAIN)).toBeNull(); // a bare date: a scalar, not shown as CBOR
    const dated = decodeFrame(binary("81c11a00000000"), PLAIN)!; // [Date(0)]
    expect(at(dated.tree, "0")?.value).toBe("1970-01-01T00:00:00.000Z");
  });

  it("does not decode binary that is neither, nor a truncated preview", () => {
    expect(decodeFrame(binary("089601"), PLAIN)).toBeNull(); // protobuf varint field
    expect(decodeFrame(binary("deadbeef"), PLAIN)).toBeNull();
    expect(decodeFrame(binary("83a474797065", "in", true), PLAIN)).toBeNull();
    expect(decodeFrame(binary(""), PLAIN)).toBeNull();
  });

  it("never decodes tags that construct objects by name (27) or define records (105)", () => {
    // [tag 27 ["Error","x"]]: a decoder honouring it would call the global Error.
    expect(decodeFrame(binary("81d81b82654572726f726178"), PLAIN)).toBeNull();
    // tag 0xdfff record definitions would compile readers from the frame's keys.
    expect(decodeFrame(binary("81d9dfff8301816161" + "01"), PLAIN)).toBeNull();
  });
});

describe("recognition by context", () => {
  const cases: [string, ReturnType<typeof ctx>, ReturnType<typeof text>, string][] = [
    ["Socket.IO by path", ctx("wss://h/socket.io/?EIO=4&transport=websocket"), text("2"), "Engine.IO"],
    ["Socket.IO by EIO= on another path", ctx("wss://h/realtime/?EIO=3&transport=websocket"), text('42["a"]'), "Socket.IO"],
    ["SockJS by URL shape", ctx("ws://h/echo/512/abcdefgh/websocket"), text("o"), "SockJS"],
    ["MQTT by subprotocol", ctx("wss://h/mqtt", ["mqtt"]), binary("c000"), "MQTT"],
    ["graphql-ws", ctx("wss://h/graphql", ["graphql-transport-ws"]), text('{"type":"ping"}'), "graphql-ws"],
    ["subscriptions-transport-ws", ctx("wss://h/graphql", ["graphql-ws"]), text('{"type":"ka"}'), "subscriptions-transport-ws"],
    ["STOMP v11", ctx("wss://h/ws", ["v11.stomp"]), text("\n"), "STOMP"],
    ["WAMP", ctx("wss://h/ws", ["wamp.2.json"]), text('[1,"realm1",{}]'), "WAMP"],
    ["Action Cable", ctx("wss://h/cable", ["actioncable-v1-json"]), text('{"type":"welcome"}'), "Action Cable"],
    ["Phoenix vsn=", ctx("wss://h/socket/websocket?vsn=2.0.0"), text('[null,"1","phoenix","heartbeat",{}]'), "Phoenix"],
    ["SignalR by its handshake record", opening(ctx("wss://h/chat?id=x"), text('{"protocol":"json","version":1}\u001e', "out")), text('{"type":6}\u001e'), "SignalR"],
    ["Centrifugo", ctx("wss://h/connection/websocket"), text("{}"), "Centrifugo"],
  ];
  it.each(cases)("%s", (_name, c, frame, protocol) => {
    expect(decodeFrame(frame, c)?.protocol).toBe(protocol);
  });

  it("uses the negotiated subprotocol over the offered list", () => {
    const offered = ctx("wss://h/graphql", ["graphql-ws", "graphql-transport-ws"], "graphql-transport-ws");
    expect(decodeFrame(text('{"type":"ping"}'), offered)?.protocol).toBe("graphql-ws");
  });

  it("does not read Socket.IO frames on a socket without the context", () => {
    expect(decodeFrame(text("2"), PLAIN)).toBeNull();
    expect(decodeFrame(text('42["chat","hi"]'), PLAIN)).toBeNull();
    // The same Phoenix array without vsn= is only JSON.
    expect(decodeFrame(text('[null,"1","phoenix","heartbeat",{}]'), PLAIN)?.protocol).toBe("JSON");
    // A plain `/api/v1/websocket` is not SockJS's `/<3 digits>/<session>/websocket`.
    expect(decodeFrame(text("o"), ctx("wss://h/api/v1/websocket"))).toBeNull();
  });

  it("lets text that is not record-separated fall through on a hub-looking URL", () => {
    expect(decodeFrame(text('{"a":1}'), ctx("wss://h/hubs/x"))?.protocol).toBe("JSON");
  });

  it("survives an unparsable socket URL", () => {
    expect(decodeFrame(text('{"a":1}'), ctx("not a url"))?.protocol).toBe("JSON");
  });

  it("has one decoder per catalogue protocol, keyed by its id, and the generic JSON, MessagePack and CBOR", () => {
    expect(Object.keys(PROTOCOL_DECODERS).sort()).toEqual([...PROTOCOL_IDS].sort());
    for (const [id, d] of Object.entries(PROTOCOL_DECODERS)) expect(d.id).toBe(id);
    expect(GENERIC_DECODERS.map((d) => d.name)).toEqual(["JSON", "MessagePack", "CBOR"]);
  });
});

describe("hexToBytes", () => {
  it("turns a binary preview back into bytes", () => {
    expect([...hexToBytes("00ff10aB")]).toEqual([0, 255, 16, 171]);
    expect(hexToBytes("").length).toBe(0);
    expect(hexOf([1, 2])).toBe("0102");
  });

  it("rejects odd lengths and non-hex digits", () => {
    expect(() => hexToBytes("abc")).toThrow(RangeError);
    expect(() => hexToBytes("zz")).toThrow(/not a hex digit at 0/);
  });
});
