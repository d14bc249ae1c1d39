import { describe, expect, it } from "vitest";
import { PROTOCOLS, RECOGNISE_FRAMES, recogniseFirstFrames, recogniseFrame, recogniseSocket } from "../../../src/core/protocols/registry";
import type { ProtocolSamples } from "../../../src/core/protocols/types";
import { resolveStrategy } from "../../../src/core/strategy";

const samples = import.meta.glob<ProtocolSamples>(["../../../src/core/protocols/*.ts"], { eager: true, import: "samples" });
const byFile = Object.entries(samples).filter(([, s]) => s !== undefined);

describe("protocol registry", () => {
  it("finds every protocol module in the folder, each with samples", () => {
    expect(PROTOCOLS.map((p) => p.name).sort()).toEqual(
      [
        "Action Cable",
        "Centrifugo",
        "graphql-ws",
        "MQTT",
        "Phoenix",
        "SignalR",
        "Socket.IO / Engine.IO",
        "SockJS",
        "STOMP",
        "subscriptions-transport-ws",
        "WAMP",
      ].sort(),
    );
    expect(byFile).toHaveLength(PROTOCOLS.length);
  });

  it.each(byFile)("%s: its samples are recognised as itself, by constructor arguments or handshake frames", (file, s) => {
    const mod = PROTOCOLS.find((p) => file.endsWith(`/${p.id}.ts`))!;
    expect(mod, file).toBeDefined();
    const bySocket = recogniseSocket(s.url, s.protocols);
    const byFrame = s.handshake.map((h) => recogniseFrame(h.dir, h.frame)).find((r) => r !== null) ?? null;
    const found = bySocket ?? byFrame;
    expect(found?.protocol.name).toBe(mod.name);
    // Whatever recognises it, nothing else claims its frames.
    for (const h of s.handshake) {
      const r = recogniseFrame(h.dir, h.frame);
      if (r) expect(r.protocol.name).toBe(mod.name);
    }
  });
});

describe("recognition by what the page gave the constructor", () => {
  const cases: [string, string, string[], string | null][] = [
    ["socket.io default path", "wss://chat.example/socket.io/?EIO=4&transport=websocket&sid=abc", [], "Socket.IO / Engine.IO"],
    ["engine.io 3 on a custom path", "ws://h/realtime/?EIO=3&transport=websocket", [], "Socket.IO / Engine.IO"],
    ["MQTT.js", "ws://broker/mqtt", ["mqtt"], "MQTT"],
    ["MQTT 3.1", "ws://broker/", ["mqttv3.1"], "MQTT"],
    ["graphql-ws", "ws://h/graphql", ["graphql-transport-ws"], "graphql-ws"],
    ["subscriptions-transport-ws", "ws://h/graphql", ["graphql-ws"], "subscriptions-transport-ws"],
    ["stompjs", "ws://h/ws", ["v12.stomp", "v11.stomp", "v10.stomp"], "STOMP"],
    ["phoenix.js", "wss://h/socket/websocket?token=x&vsn=2.0.0", [], "Phoenix"],
    ["centrifuge-js", "wss://h/connection/websocket", [], "Centrifugo"],
    ["centrifuge protobuf", "wss://h/ws", ["centrifuge-protobuf"], "Centrifugo"],
    ["sockjs-client", "ws://h/echo/123/abcd1234/websocket", [], "SockJS"],
    ["actioncable", "wss://h/cable", ["actioncable-v1-json", "actioncable-unsupported"], "Action Cable"],
    ["autobahn", "wss://h/ws", ["wamp.2.json", "wamp.2.msgpack"], "WAMP"],
    ["autobahn, cbor only", "wss://h/ws", ["wamp.2.cbor"], "WAMP"],
    ["a plain socket", "wss://h/live?room=1", [], null],
    ["a plain socket whose query mentions socket.io", "wss://h/live?next=/socket.io/", [], null],
    ["a plain socket with a chat subprotocol", "wss://h/live", ["chat"], null],
  ];
  it.each(cases)("%s", (_what, url, protocols, name) => {
    expect(recogniseSocket(url, protocols)?.protocol.name ?? null).toBe(name);
  });
});

describe("recognition by the first frames", () => {
  it("SignalR by its handshake record (json and messagepack), nothing by a lookalike", () => {
    expect(recogniseFrame("out", '{"protocol":"json","version":1}\x1e')?.protocol.name).toBe("SignalR");
    expect(recogniseFrame("out", '{"protocol":"messagepack","version":1}\x1e')?.protocol.name).toBe("SignalR");
    expect(recogniseFrame("out", '{"protocol":"json","version":1}')).toBeNull();
    expect(recogniseFrame("in", '{"protocol":"json","version":1}\x1e')).toBeNull();
  });

  it("MQTT by CONNECT (3.1.1 and 3.1), not by other binary", () => {
    const v311 = new Uint8Array([0x10, 0x0c, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3c, 0x00, 0x00]);
    const v31 = new Uint8Array([0x10, 0x0e, 0x00, 0x06, 0x4d, 0x51, 0x49, 0x73, 0x64, 0x70, 0x03, 0x02, 0x00, 0x3c, 0x00, 0x00]);
    expect(recogniseFrame("out", v311)?.protocol.name).toBe("MQTT");
    expect(recogniseFrame("out", v31)?.protocol.name).toBe("MQTT");
    expect(recogniseFrame("out", new Uint8Array([0x10, 0x02, 0x00, 0x00]))).toBeNull();
    expect(recogniseFrame("out", new Uint8Array([1, 2, 3]))).toBeNull();
  });

  it("STOMP by CONNECT/STOMP/CONNECTED, Engine.IO by its open packet, SockJS by `o`, Action Cable by welcome, Phoenix by phx_join", () => {
    expect(recogniseFrame("out", "STOMP\naccept-version:1.2\nhost:h\n\n\0")?.protocol.name).toBe("STOMP");
    expect(recogniseFrame("in", "CONNECTED\nversion:1.2\n\n\0")?.protocol.name).toBe("STOMP");
    expect(recogniseFrame("in", '0{"sid":"x","upgrades":[],"pingInterval":1000,"pingTimeout":1000}')?.protocol.name).toBe(
      "Socket.IO / Engine.IO",
    );
    expect(recogniseFrame("in", "o")?.protocol.name).toBe("SockJS");
    expect(recogniseFrame("in", '{"type":"welcome"}')?.protocol.name).toBe("Action Cable");
    expect(recogniseFrame("out", '{"topic":"room:1","event":"phx_join","payload":{},"ref":"1"}')?.protocol.name).toBe("Phoenix");
    expect(recogniseFrame("out", '{"connect":{"token":"t"},"id":1}')?.protocol.name).toBe("Centrifugo");
    for (const plain of ["hello", '{"type":"chat","text":"o"}', "0", "ping", new Uint8Array([0xc0, 0])]) {
      expect(recogniseFrame("in", plain)).toBeNull();
      expect(recogniseFrame("out", plain)).toBeNull();
    }
  });
});

describe("recognition of a socket seen afterwards (the panel's)", () => {
  const CONNECTED = "CONNECTED\nversion:1.2\n\n\0";
  const chatter = (n: number) => Array.from({ length: n }, (_, i) => ({ dir: "in" as const, frame: `{"n":${i}}` }));

  it("is the engine's rule: the constructor's arguments first, then the first RECOGNISE_FRAMES frames", () => {
    expect(RECOGNISE_FRAMES).toBe(8);
    expect(recogniseFirstFrames("ws://b/", ["mqtt"], [{ dir: "in", frame: CONNECTED }])?.protocol.id).toBe("mqtt");
    const last = [...chatter(RECOGNISE_FRAMES - 1), { dir: "in" as const, frame: CONNECTED }];
    expect(recogniseFirstFrames("ws://h/ws", [], last)).toMatchObject({ protocol: { id: "stomp" }, evidence: "STOMP CONNECTED frame" });
    const tooLate = [...chatter(RECOGNISE_FRAMES), { dir: "in" as const, frame: CONNECTED }];
    expect(recogniseFirstFrames("ws://h/ws", [], tooLate)).toBeNull();
  });
});

describe("auto strategy", () => {
  it("every recognised protocol says which strategy and why; unknown is transparent; a rule's choice wins", () => {
    for (const p of PROTOCOLS) {
      const c = resolveStrategy("auto", { protocol: p, evidence: "test" });
      expect(c.strategy).toBe(p.strategy);
      expect(c.protocol).toBe(p.name);
      expect(c.reason).toContain(p.name);
      expect(p.why.length).toBeGreaterThan(20);
    }
    expect(resolveStrategy("auto", null)).toEqual({ strategy: "transparent", reason: "auto: no known client-library protocol recognised" });
    const mqtt = recogniseSocket("ws://b/", ["mqtt"]);
    expect(resolveStrategy("auto", mqtt).strategy).toBe("surface");
    expect(resolveStrategy("transparent", mqtt)).toMatchObject({ strategy: "transparent", protocol: "MQTT" });
  });
});
