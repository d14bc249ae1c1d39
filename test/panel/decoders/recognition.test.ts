/** The panel's recognition: the core's recognisers, on the frames the engine saw, and nothing else. */
import { describe, expect, it } from "vitest";
import { RECOGNISE_FRAMES } from "../../../src/core/protocols/registry";
import { decodeFrame, recogniseSocketOf, recognitionFrames, type FrameInput } from "../../../src/panel/decoders";
import { binary, ctx, hexOf, opening, text } from "./frames";

const CONNECT = "CONNECT\naccept-version:1.2\nhost:h\n\n\0";
const chatter = (n: number): FrameInput[] => Array.from({ length: n }, (_, i) => text(`{"n":${i}}`));

describe("recogniseSocketOf", () => {
  it("reads what the page gave the constructor first", () => {
    expect(recogniseSocketOf(ctx("ws://b/", ["mqtt"]))).toEqual({ id: "mqtt", name: "MQTT", evidence: "subprotocol mqtt" });
    expect(recogniseSocketOf(ctx("ws://h/socket.io/?EIO=4"))).toMatchObject({ id: "engineio", evidence: "URL query EIO=4" });
  });

  it("then the first frames, as many as the engine reads and no more", () => {
    const at8 = opening(ctx("ws://h/ws"), ...chatter(RECOGNISE_FRAMES - 1), text(CONNECT, "out"));
    expect(recogniseSocketOf(at8)).toMatchObject({ id: "stomp", evidence: "STOMP CONNECT frame" });
    const at9 = opening(ctx("ws://h/ws"), ...chatter(RECOGNISE_FRAMES), text(CONNECT, "out"));
    expect(recogniseSocketOf(at9)).toBeNull();
  });

  it("reads binary previews as the bytes the engine had", () => {
    const mqttConnect = hexOf([0x10, 0x0e, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3c, 0x00, 0x02, 0x6c, 0x67]);
    expect(recogniseSocketOf(opening(ctx("ws://h/"), binary(mqttConnect, "out")))?.id).toBe("mqtt");
    expect(recogniseSocketOf(opening(ctx("ws://h/"), binary("zz", "out")))).toBeNull();
  });

  it("without first frames, uses the first outbound frame the panel had before", () => {
    expect(recogniseSocketOf({ ...ctx("ws://h/ws"), firstOutbound: text(CONNECT, "out") })?.id).toBe("stomp");
  });

  it("remembers a socket's answer by its first frame, and never hands it to another socket", () => {
    const first = text(CONNECT, "out");
    const stompCtx = opening(ctx("ws://h/ws"), first);
    expect(recogniseSocketOf(stompCtx)?.id).toBe("stomp");
    expect(recogniseSocketOf(stompCtx)?.id).toBe("stomp");
    // The same first record with other constructor arguments is another question.
    expect(recogniseSocketOf(opening(ctx("ws://b/", ["mqtt"]), first))?.id).toBe("mqtt");
    expect(recogniseSocketOf(opening(ctx("ws://h/ws"), first, text("o")))?.id).toBe("stomp");
  });
});

describe("recognitionFrames", () => {
  it("keeps the page's and the server's frames that crossed the wire, up to the engine's limit", () => {
    const f = (preview: string, extra: { from?: string; fate?: string } = {}) => ({ ...text(preview), ...extra });
    const log = [
      f("ping", { from: "heartbeat" }),
      f("queued", { fate: "queued" }),
      f("a"),
      f("resume", { from: "resume" }),
      f("injected", { from: "injected" }),
      f("b", { from: "page", fate: "sent" }),
      f("reply", { from: "heartbeat", fate: "hidden-reply" }),
      f("held", { fate: "held" }),
      f("c", { fate: "hidden-ack" }),
      ...Array.from({ length: 20 }, (_, i) => f(String(i))),
    ];
    const kept = recognitionFrames(log).map((r) => r.preview);
    expect(kept).toHaveLength(RECOGNISE_FRAMES);
    expect(kept.slice(0, 4)).toEqual(["a", "b", "c", "0"]);
  });

  it("only from the socket's first record on, without a gap: a log that lost the start knows nothing", () => {
    const f = (seq: number, preview = String(seq)) => ({ ...text(preview), seq });
    expect(recognitionFrames([f(1), f(2), f(4), f(5)]).map((r) => r.seq)).toEqual([1, 2]);
    expect(recognitionFrames([f(3, CONNECT), f(4)])).toEqual([]);
  });
});

describe("decodeFrame", () => {
  it("says which catalogue protocol it read the frame as; generic results say none", () => {
    expect(decodeFrame(text("2"), ctx("ws://h/socket.io/?EIO=4"))).toMatchObject({ protocol: "Engine.IO", protocolId: "engineio" });
    expect(decodeFrame(text("{}"), ctx("ws://h/x"))).not.toHaveProperty("protocolId");
  });

  it("leaves a frame its protocol decoder cannot read to the generic decoders", () => {
    // Centrifugo's protobuf flavour is binary: a MessagePack-looking frame there is shown as such.
    expect(decodeFrame(binary("81a17801"), ctx("wss://h/connection/websocket"))).toMatchObject({ protocol: "MessagePack" });
  });
});
