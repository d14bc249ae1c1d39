import { describe, expect, it } from "vitest";
import { decodeFrame } from "../../../src/panel/decoders";
import { at, ctx, opening, text } from "./frames";

describe("SockJS", () => {
  const SOCKJS = ctx("wss://app.example.com/stomp/123/x7a9b2qz/websocket");

  it("decodes open, heartbeat and close frames", () => {
    expect(decodeFrame(text("o"), SOCKJS)).toMatchObject({ protocol: "SockJS", summary: "open", kind: "control" });
    expect(decodeFrame(text("h"), SOCKJS)).toMatchObject({ summary: "heartbeat", kind: "heartbeat" });
    expect(decodeFrame(text('c[3000,"Go away!"]'), SOCKJS)).toMatchObject({ summary: "close 3000 Go away!", kind: "control" });
  });

  it("decodes message arrays, with JSON and STOMP inside", () => {
    const d = decodeFrame(text('a["{\\"n\\":1}","plain"]'), SOCKJS)!;
    expect(d.summary).toBe('a 2 messages: {"n":1} | "plain"');
    expect(at(d.tree, "messages", "0", "n")?.value).toBe(1);
    const stomp = decodeFrame(text(`a["MESSAGE\\ndestination:/topic/greetings\\nsubscription:sub-0\\n\\n{\\"content\\":\\"Hello\\"}\\u0000"]`), SOCKJS)!;
    expect(stomp.summary).toBe('a MESSAGE /topic/greetings {"content":"Hello"}');
    expect(at(stomp.tree, "messages", "0", "body", "content")?.value).toBe("Hello");
    expect(decodeFrame(text('m"hello"'), SOCKJS)!.summary).toBe('m "hello"');
  });

  it("decodes what the client sends, STOMP heart-beats as heartbeats", () => {
    expect(decodeFrame(text('["\\n"]', "out"), SOCKJS)).toMatchObject({ summary: "send STOMP heart-beat", kind: "heartbeat" });
    expect(decodeFrame(text('["SEND\\ndestination:/app/hello\\n\\nhi\\u0000"]', "out"), SOCKJS)!.summary).toBe("send SEND /app/hello hi");
  });

  it("recognises SockJS on any path by the server's open frame among the first frames, as the page does", () => {
    const anyPath = ctx("ws://h/sockjs/websocket");
    expect(decodeFrame(text('a["hi"]'), opening(anyPath, text("o"), text('a["hi"]')))).toMatchObject({ protocol: "SockJS", protocolId: "sockjs" });
    // The path alone says nothing (the page's recogniser reads /<server>/<session>/websocket only).
    expect(decodeFrame(text("o"), anyPath)).toBeNull();
  });

  it("reports malformed frames", () => {
    expect(decodeFrame(text("x"), SOCKJS)!.error).toMatch(/unknown frame type "x"/);
    expect(decodeFrame(text("a[1,"), SOCKJS)!.error).toMatch(/not valid JSON/);
    expect(decodeFrame(text("a[1]"), SOCKJS)!.error).toMatch(/message 0 is not a string/);
    expect(decodeFrame(text('c"bye"'), SOCKJS)!.error).toMatch(/\[code, "reason"\]/);
    expect(decodeFrame(text("ohello"), SOCKJS)!.error).toMatch(/unknown frame type "o"/);
  });
});

describe("STOMP", () => {
  const STOMP = ctx("wss://mq.example.com:15674/ws", ["v12.stomp", "v11.stomp", "v10.stomp"], "v12.stomp");
  // Frames as @stomp/stompjs 7 serialises them.
  const SEND = 'SEND\ndestination:/app/chat\ncontent-type:application/json\ncontent-length:13\n\n{"text":"hi"}\u0000';
  const CONNECT = "CONNECT\naccept-version:1.2,1.1,1.0\nheart-beat:10000,10000\nhost:localhost\n\n\u0000";

  it("decodes command, headers and body", () => {
    const d = decodeFrame(text(SEND, "out"), STOMP)!;
    expect(d).toMatchObject({ protocol: "STOMP", summary: 'SEND /app/chat {"text":"hi"}', kind: "data" });
    expect(at(d.tree, "headers", "content-length")?.value).toBe("13");
    expect(at(d.tree, "body", "text")?.value).toBe("hi");
    expect(decodeFrame(text(CONNECT, "out"), STOMP)).toMatchObject({
      summary: "CONNECT host=localhost accept-version=1.2,1.1,1.0 heart-beat=10000,10000",
      kind: "control",
    });
    expect(decodeFrame(text("CONNECTED\nversion:1.2\nheart-beat:0,0\nserver:RabbitMQ/3.13\n\n\u0000"), STOMP)!.summary).toBe(
      "CONNECTED version=1.2 server=RabbitMQ/3.13 heart-beat=0,0",
    );
    expect(decodeFrame(text("SUBSCRIBE\nid:sub-0\ndestination:/topic/greetings\n\n\u0000", "out"), STOMP)!.summary).toBe("SUBSCRIBE /topic/greetings id=sub-0");
    expect(decodeFrame(text("ERROR\nmessage:malformed frame received\n\nbad\u0000"), STOMP)!.summary).toBe("ERROR malformed frame received bad");
  });

  it("unescapes 1.2 header values and accepts CRLF", () => {
    const d = decodeFrame(text("MESSAGE\r\ndestination:/topic/a\\cb\r\nmessage-id:1\r\n\r\nhello\u0000"), STOMP)!;
    expect(d.summary).toBe("MESSAGE /topic/a:b hello");
  });

  it("marks a lone EOL as a heart-beat", () => {
    expect(decodeFrame(text("\n"), STOMP)).toMatchObject({ summary: "heart-beat", kind: "heartbeat" });
    expect(decodeFrame(text("\r\n", "out"), STOMP)).toMatchObject({ kind: "heartbeat" });
  });

  it("recognises STOMP on a socket without the subprotocol by its CONNECT among the first frames", () => {
    expect(decodeFrame(text(SEND, "out"), opening(ctx("wss://x/ws"), text(CONNECT, "out")))!.protocol).toBe("STOMP");
    // A frame that merely looks like STOMP later on is no evidence: the page would not recognise it either.
    expect(decodeFrame(text(SEND, "out"), ctx("wss://x/ws"))).toBeNull();
    expect(decodeFrame(text("SEND is a word\nwithout NUL"), ctx("wss://x/ws"))).toBeNull();
  });

  it("reports malformed frames", () => {
    expect(decodeFrame(text("FOO\n\n\u0000"), STOMP)!.error).toMatch(/unknown command "FOO"/);
    expect(decodeFrame(text("SEND\ndestination:/a\n\nbody"), STOMP)!.error).toMatch(/does not end with NUL/);
    expect(decodeFrame(text("SEND\nnocolon\n\n\u0000"), STOMP)!.error).toMatch(/header line without a colon/);
    expect(decodeFrame(text("SEND\ndestination:/a\n\nbody", "out", true), STOMP)!.error).toBeUndefined();
  });
});

describe("SignalR", () => {
  const HANDSHAKE = text('{"protocol":"json","version":1}\u001e', "out");
  // SignalR's URL says nothing; the client's handshake record, its first frame, does.
  const HUB = opening(ctx("wss://app.example.com/hubs/chat?id=gnkk8lJNjTCcGzxLuG2Ppw"), HANDSHAKE, text("{}\u001e"));

  it("decodes the handshake both ways", () => {
    expect(decodeFrame(text('{"protocol":"json","version":1}\u001e', "out"), HUB)).toMatchObject({ protocol: "SignalR", summary: "handshake json v1", kind: "control" });
    expect(decodeFrame(text("{}\u001e"), HUB)).toMatchObject({ summary: "handshake ok", kind: "control" });
    expect(decodeFrame(text('{"error":"Requested protocol \'messagepack\' is not available."}\u001e'), HUB)!.error).toMatch(/handshake refused/);
  });

  it("names message types 1..7, ping as heartbeat", () => {
    const inv = decodeFrame(text('{"type":1,"target":"ReceiveMessage","arguments":["alice","hi"]}\u001e'), HUB)!;
    expect(inv).toMatchObject({ summary: 'Invocation ReceiveMessage ["alice","hi"]', kind: "data" });
    expect(at(inv.tree, "arguments", "1")?.value).toBe("hi");
    expect(decodeFrame(text('{"type":1,"invocationId":"0","target":"Send","arguments":[]}\u001e', "out"), HUB)!.summary).toBe("Invocation Send #0 []");
    expect(decodeFrame(text('{"type":2,"invocationId":"1","item":42}\u001e'), HUB)!.summary).toBe("StreamItem #1 42");
    expect(decodeFrame(text('{"type":3,"invocationId":"0","result":{"ok":true}}\u001e'), HUB)!.summary).toBe('Completion #0 {"ok":true}');
    expect(decodeFrame(text('{"type":3,"invocationId":"0","error":"boom"}\u001e'), HUB)!.summary).toBe('Completion #0 error "boom"');
    expect(decodeFrame(text('{"type":5,"invocationId":"1"}\u001e', "out"), HUB)!.summary).toBe("CancelInvocation #1");
    expect(decodeFrame(text('{"type":6}\u001e'), HUB)).toMatchObject({ summary: "Ping", kind: "heartbeat" });
    expect(decodeFrame(text('{"type":7,"error":"Server shut down","allowReconnect":true}\u001e'), HUB)!.summary).toBe('Close "Server shut down" allowReconnect');
  });

  it("splits several records in one frame", () => {
    const d = decodeFrame(text('{}\u001e{"type":6}\u001e'), HUB)!;
    expect(d.summary).toBe("2 messages: handshake ok | Ping");
    expect(d.kind).toBe("control");
  });

  it("recognises the handshake among the first frames on any URL, and a hub URL alone as nothing", () => {
    expect(decodeFrame(text('{"protocol":"json","version":1}\u001e', "out"), opening(ctx("wss://x/chat"), HANDSHAKE))!.protocol).toBe("SignalR");
    expect(decodeFrame(text('{"type":6}\u001e'), ctx("wss://app.example.com/hubs/chat"))).toBeNull();
  });

  it("decodes the MessagePack hub protocol", () => {
    // Length-prefixed [1, {}, "7", "ReceiveMessage", ["alice","hi"]] and [6], as @microsoft/signalr-protocol-msgpack frames them.
    const d = decodeFrame({ opcode: "binary", preview: "1e950180a137ae526563656976654d65737361676592a5616c696365a26869", dir: "in", truncated: false }, HUB)!;
    expect(d.summary).toBe('Invocation ReceiveMessage #7 ["alice","hi"]');
    expect(decodeFrame({ opcode: "binary", preview: "029106", dir: "in", truncated: false }, HUB)).toMatchObject({ summary: "Ping", kind: "heartbeat" });
    expect(decodeFrame({ opcode: "binary", preview: "0591", dir: "in", truncated: false }, HUB)!.error).toMatch(/record of 5 bytes but only 1 left/);
    expect(decodeFrame({ opcode: "binary", preview: "029106ff", dir: "in", truncated: false }, HUB)!.error).toMatch(/length prefix cut short/);
  });

  it("reports malformed records", () => {
    expect(decodeFrame(text('{"type":99}\u001e'), HUB)!.error).toMatch(/unknown message type 99/);
    expect(decodeFrame(text('{"type":1,"arguments":[]}\u001e'), HUB)!.error).toMatch(/without a target/);
    expect(decodeFrame(text("{nope\u001e"), HUB)!.error).toMatch(/not valid JSON/);
    expect(decodeFrame(text('{"type":6}\u001e{"type"'), HUB)!.error).toMatch(/after the last U\+001E/);
  });
});
