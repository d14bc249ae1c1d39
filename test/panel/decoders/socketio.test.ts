import { describe, expect, it } from "vitest";
import { decodeFrame } from "../../../src/panel/decoders";
import { at, binary, ctx, text } from "./frames";

// Frames as socket.io-parser 4.2 / engine.io-parser 5 put them on the wire.
const SIO4 = ctx("wss://chat.example.com/socket.io/?EIO=4&transport=websocket");
const SIO3 = ctx("wss://chat.example.com/socket.io/?EIO=3&transport=websocket");

describe("Engine.IO layer", () => {
  it("decodes the open handshake", () => {
    const d = decodeFrame(text('0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}'), SIO4)!;
    expect(d).toMatchObject({ protocol: "Engine.IO", kind: "control" });
    expect(d.summary).toBe("OPEN sid=lv_VI97HAXpY6yYWAAAC pingInterval=25000 pingTimeout=20000 maxPayload=1000000");
    expect(at(d.tree, "pingInterval")?.value).toBe(25000);
    expect(d.error).toBeUndefined();
  });

  it("marks ping and pong (and the upgrade probe) as heartbeats", () => {
    expect(decodeFrame(text("2"), SIO4)).toMatchObject({ protocol: "Engine.IO", summary: "PING", kind: "heartbeat" });
    expect(decodeFrame(text("3", "out"), SIO4)).toMatchObject({ summary: "PONG", kind: "heartbeat" });
    expect(decodeFrame(text("2probe", "out"), SIO4)).toMatchObject({ summary: 'PING "probe"', kind: "heartbeat" });
  });

  it("names close, upgrade and noop", () => {
    expect(decodeFrame(text("1"), SIO4)).toMatchObject({ summary: "CLOSE", kind: "control" });
    expect(decodeFrame(text("5"), SIO4)).toMatchObject({ summary: "UPGRADE", kind: "control" });
    expect(decodeFrame(text("6"), SIO4)).toMatchObject({ summary: "NOOP", kind: "control" });
  });

  it("reports an unknown packet type and a handshake without sid", () => {
    expect(decodeFrame(text("9hello"), SIO4)!.error).toMatch(/unknown packet type "9"/);
    expect(decodeFrame(text('0{"upgrades":[]}'), SIO4)!.error).toMatch(/no sid/);
    expect(decodeFrame(text("0{not json"), SIO4)!.error).toMatch(/not valid JSON/);
  });

  it("decodes plain Engine.IO on /engine.io/ without Socket.IO on top", () => {
    const d = decodeFrame(text("4hello world"), ctx("ws://localhost:3000/engine.io/?EIO=4&transport=websocket"))!;
    expect(d).toMatchObject({ protocol: "Engine.IO", summary: 'MESSAGE "hello world"', kind: "data" });
  });
});

describe("Socket.IO packets", () => {
  it("decodes CONNECT from the client and the server's answer with the sid", () => {
    expect(decodeFrame(text("40", "out"), SIO4)).toMatchObject({ protocol: "Socket.IO", summary: "CONNECT /", kind: "control" });
    expect(decodeFrame(text('40{"sid":"wZX3oN0bSVIhsaknAAAI"}'), SIO4)!.summary).toBe("CONNECT / sid=wZX3oN0bSVIhsaknAAAI");
    const ns = decodeFrame(text('40/admin,{"token":"t"}', "out"), SIO4)!;
    expect(ns.summary).toBe('CONNECT /admin {"token":"t"}');
    expect(at(ns.tree, "nsp")?.value).toBe("/admin");
  });

  it("decodes EVENT with namespace and ack id", () => {
    expect(decodeFrame(text('42["chat","hi"]'), SIO4)).toMatchObject({ summary: 'EVENT chat ["hi"]', kind: "data" });
    const d = decodeFrame(text('42/admin,13["chat",{"a":1}]', "out"), SIO4)!;
    expect(d.summary).toBe('EVENT /admin chat [{"a":1}] ack=13');
    expect(at(d.tree, "id")?.value).toBe(13);
    expect(at(d.tree, "data", "1", "a")?.value).toBe(1);
  });

  it("decodes ACK, DISCONNECT and CONNECT_ERROR", () => {
    expect(decodeFrame(text('431[{"ok":true}]'), SIO4)!.summary).toBe('ACK 1 [{"ok":true}]');
    expect(decodeFrame(text("41"), SIO4)!.summary).toBe("DISCONNECT /");
    expect(decodeFrame(text('44{"message":"Not authorized"}'), SIO4)).toMatchObject({ summary: "CONNECT_ERROR / Not authorized", kind: "control" });
  });

  it("decodes BINARY_EVENT with its attachment count, and the attachment frame", () => {
    const d = decodeFrame(text('451-["upload",{"_placeholder":true,"num":0}]', "out"), SIO4)!;
    expect(d.summary).toBe('BINARY_EVENT upload [{"_placeholder":true,"num":0}] (1 attachment)');
    expect(at(d.tree, "attachments")?.value).toBe(1);
    expect(decodeFrame(binary("010203", "out"), SIO4)).toMatchObject({ protocol: "Socket.IO", summary: "binary attachment (3 bytes)" });
  });

  it("reads v3 (EIO=3) binary frames with their message-type byte", () => {
    expect(decodeFrame(binary("04010203"), SIO3)!.summary).toBe("binary attachment (3 bytes)");
    expect(decodeFrame(binary("010203"), SIO3)!.error).toMatch(/expected 4/);
  });

  it("reports malformed Socket.IO packets", () => {
    expect(decodeFrame(text("49"), SIO4)!.error).toMatch(/unknown packet type "9"/);
    expect(decodeFrame(text('42{"not":"array"}'), SIO4)!.error).toMatch(/non-empty array/);
    expect(decodeFrame(text("42[1"), SIO4)!.error).toMatch(/not valid JSON/);
    expect(decodeFrame(text('43["x"]'), SIO4)!.error).toMatch(/without an ack id/);
    expect(decodeFrame(text('45["x"]'), SIO4)!.error).toMatch(/attachment count/);
    expect(decodeFrame(text('41{"x":1}'), SIO4)!.error).toMatch(/no payload/);
  });

  it("does not call a truncated event malformed", () => {
    const d = decodeFrame(text('42["chat","aaaa', "in", true), SIO4)!;
    expect(d.summary).toBe("EVENT");
    expect(d.error).toMatch(/truncated/);
    expect(d.error).not.toMatch(/not valid JSON/);
  });
});
