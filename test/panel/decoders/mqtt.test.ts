import { describe, expect, it } from "vitest";
import { decodeFrame } from "../../../src/panel/decoders";
import { at, binary, ctx, text } from "./frames";

// Bytes as mqtt-packet 9.0.2 (the MQTT.js encoder) generates them.
const HEX = {
  connect4: "101900044d5154540402003c000d6d7174746a735f316132623363",
  connect4user: "102f00044d51545404ee001e0003616263000673746174757300076f66666c696e650005616c6963650006733363726574",
  connect5: "101800044d5154540502003c08110000012c2100640003616263",
  connect31: "101100064d51497364700302000a00036f6c64",
  connack4: "20020000",
  connack4bad: "20020005",
  connack5: "200e01000b1200057372762d3122000a",
  publish0: "3018000a636861742f726f6f6d317b226d7367223a226869227d",
  publish1: "3311000973656e736f72732f74000a32312e35",
  publishbin: "3009000362696efffe0001",
  publish5: "321d0003612f6200071403000a746578742f706c61696e2600016b00017678",
  puback: "4002000a",
  puback5: "4004000a1000",
  pubrel: "6202000b",
  subscribe: "821200010006636861742f230100046e65777300",
  subscribe5: "82090002000003612f2b16",
  suback: "900400010180",
  unsubscribe: "a20a00030006636861742f23",
  unsuback: "b0020003",
  pingreq: "c000",
  pingresp: "d000",
  disconnect: "e000",
  disconnect5: "e0028e00",
  auth5: "f010180e15000b534352414d2d5348412d31",
};

const MQTT = ctx("wss://broker.example.com:8884/mqtt", ["mqtt"]);
const decode = (hex: string, c = MQTT, dir: "in" | "out" = "in", truncated = false) => decodeFrame(binary(hex, dir, truncated), c)!;

describe("MQTT", () => {
  it("decodes CONNECT 3.1.1, 3.1 and 5", () => {
    const d = decode(HEX.connect4, MQTT, "out");
    expect(d).toMatchObject({ protocol: "MQTT", summary: "CONNECT v3.1.1 client=mqttjs_1a2b3c keepalive=60 clean", kind: "control" });
    expect(at(d.tree, "protocol")?.value).toBe("MQTT");
    expect(decode(HEX.connect31, MQTT, "out").summary).toBe("CONNECT v3.1 client=old keepalive=10 clean");
    const v5 = decode(HEX.connect5, MQTT, "out");
    expect(v5.summary).toBe("CONNECT v5 client=abc keepalive=60 clean");
    expect(at(v5.tree, "properties", "session expiry interval")?.value).toBe(300);
    expect(at(v5.tree, "properties", "receive maximum")?.value).toBe(100);
  });

  it("shows will and user name but hides the password", () => {
    const d = decode(HEX.connect4user, MQTT, "out");
    expect(d.summary).toBe("CONNECT v3.1.1 client=abc keepalive=30 clean user=alice");
    expect(at(d.tree, "will", "topic")?.value).toBe("status");
    expect(at(d.tree, "will", "payload")?.value).toBe("offline");
    expect(at(d.tree, "password")?.value).toBe("(6 bytes, hidden)");
    expect(JSON.stringify(d)).not.toContain("s3cret");
  });

  it("decodes CONNACK in 3.1.1 and 5 (known from its length)", () => {
    expect(decode(HEX.connack4).summary).toBe("CONNACK accepted");
    expect(decode(HEX.connack4bad).summary).toBe("CONNACK not authorized");
    const d = decode(HEX.connack5);
    expect(d.summary).toBe("CONNACK success session present");
    expect(at(d.tree, "properties", "assigned client identifier")?.value).toBe("srv-1");
  });

  it("decodes PUBLISH: topic, QoS, packet id, retain, payload as text or bytes", () => {
    const d = decode(HEX.publish0);
    expect(d).toMatchObject({ summary: 'PUBLISH chat/room1 qos=0 "{\\"msg\\":\\"hi\\"}"', kind: "data" });
    expect(at(d.tree, "payload")).toEqual({ key: "payload", type: "string", value: '{"msg":"hi"}' });
    expect(decode(HEX.publish1).summary).toBe('PUBLISH sensors/t qos=1 id=10 retain "21.5"');
    const bin = decode(HEX.publishbin);
    expect(bin.summary).toBe("PUBLISH bin qos=0 <4 bytes>");
    expect(at(bin.tree, "payload")).toMatchObject({ type: "bytes", value: "fffe0001" });
  });

  it("decodes MQTT 5 PUBLISH properties when the CONNECT says v5", () => {
    const v5 = { ...MQTT, firstOutbound: binary(HEX.connect5, "out") };
    const d = decode(HEX.publish5, v5);
    expect(d.summary).toBe('PUBLISH a/b qos=1 id=7 "x"');
    expect(at(d.tree, "properties", "content type")?.value).toBe("text/plain");
    expect(at(d.tree, "properties", "user property", "k")?.value).toBe("v");
  });

  it("reads the protocol level from the CONNECT among the first frames too", () => {
    const v5 = { ...MQTT, firstFrames: [binary(HEX.connect5, "out"), binary(HEX.connack5)] };
    expect(decode(HEX.publish5, v5).summary).toBe('PUBLISH a/b qos=1 id=7 "x"');
  });

  it("decodes the acknowledgements", () => {
    expect(decode(HEX.puback).summary).toBe("PUBACK id=10");
    expect(decode(HEX.puback5).summary).toBe("PUBACK id=10 no matching subscribers");
    expect(decode(HEX.pubrel).summary).toBe("PUBREL id=11");
    expect(decode(HEX.suback).summary).toBe("SUBACK id=1 granted QoS 1, unspecified error");
    expect(decode(HEX.unsuback).summary).toBe("UNSUBACK id=3");
  });

  it("decodes SUBSCRIBE and UNSUBSCRIBE with their topics", () => {
    const d = decode(HEX.subscribe, MQTT, "out");
    expect(d.summary).toBe("SUBSCRIBE id=1 chat/#(qos 1), news(qos 0)");
    expect(at(d.tree, "topics", "1", "filter")?.value).toBe("news");
    const v5 = decode(HEX.subscribe5, { ...MQTT, firstOutbound: binary(HEX.connect5, "out") }, "out");
    expect(v5.summary).toBe("SUBSCRIBE id=2 a/+(qos 2)");
    expect(at(v5.tree, "topics", "0", "no local")?.value).toBe(true);
    expect(at(v5.tree, "topics", "0", "retain handling")?.value).toBe(1);
    expect(decode(HEX.unsubscribe, MQTT, "out").summary).toBe("UNSUBSCRIBE id=3 chat/#");
  });

  it("marks PINGREQ and PINGRESP as heartbeats", () => {
    expect(decode(HEX.pingreq, MQTT, "out")).toMatchObject({ summary: "PINGREQ", kind: "heartbeat" });
    expect(decode(HEX.pingresp)).toMatchObject({ summary: "PINGRESP", kind: "heartbeat" });
  });

  it("decodes DISCONNECT (3.1.1 and 5) and AUTH", () => {
    expect(decode(HEX.disconnect, MQTT, "out").summary).toBe("DISCONNECT");
    expect(decode(HEX.disconnect5).summary).toBe("DISCONNECT session taken over");
    const auth = decode(HEX.auth5);
    expect(auth.summary).toBe("AUTH continue authentication");
    expect(at(auth.tree, "properties", "authentication method")?.value).toBe("SCRAM-SHA-1");
  });

  it("decodes several packets in one frame", () => {
    const d = decode(HEX.puback + HEX.pingreq);
    expect(d.summary).toBe("PUBACK id=10 + PINGREQ");
    expect(d.kind).toBe("control");
    expect(d.tree?.type).toBe("array");
  });

  it("recognises MQTT by the mqttv3.1 subprotocol too", () => {
    expect(decode(HEX.pingreq, ctx("ws://b/mqtt", ["mqttv3.1"])).protocol).toBe("MQTT");
  });

  it("reports malformed packets", () => {
    expect(decode("c001").error).toMatch(/^PINGREQ: remaining length 1 but only 0/);
    expect(decode("c00100").error).toMatch(/PINGREQ has a remaining length of 1/);
    expect(decode("3602000161").error).toMatch(/QoS 3/);
    expect(decode("82020001").error).toMatch(/without a topic filter/);
    expect(decode("800400010000").error).toMatch(/SUBSCRIBE flags must be 0x2/);
    expect(decode("100c00044d5154540402003c0000".replace("4d515454", "4d515858")).error).toMatch(/protocol name "MQXX"/);
    expect(decode("0000").error).toMatch(/reserved/);
    expect(decode("c0ffffffff7f").error).toMatch(/longer than 4 bytes/);
    expect(decode("3004000262ff").error).toMatch(/topic name is not valid UTF-8/);
    expect(decodeFrame(text("hello"), MQTT)!.error).toMatch(/binary frames only/);
    expect(decode("").error).toMatch(/empty/);
  });

  it("decodes what a truncated preview still holds, without calling it malformed", () => {
    const cut = HEX.publish0.slice(0, 30);
    const d = decode(cut, MQTT, "in", true);
    expect(d.summary).toMatch(/^PUBLISH chat\/room1 qos=0 .*\(truncated\)$/);
    expect(d.error).toBeUndefined();
    expect(decode("30", MQTT, "in", true)).toMatchObject({ summary: "PUBLISH (truncated)" });
  });
});
