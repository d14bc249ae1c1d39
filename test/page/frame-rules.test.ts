/**
 * Frame rules in the page world (frame-ruling.ts, pause.ts, wire.ts), with the relay's answer carrying
 * `frameRules` and the panel's `pause` answers over the page world's channel, a real `ws` server, on
 * unprotected and protected sockets: what the page and the server see, order kept per direction, and
 * the record of every frame a rule touched (provenance, fate, rule, breakpoint).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FrameRule } from "../../src/shared/frame-rule-types";
import { FRAME_RULE_LIMITS } from "../../src/shared/frame-rule-types";
import type { FrameRecord, RecorderEvent } from "../../src/shared/protocol";
import { frameRules, next, rule, startTestWorld, until, watch, type TestWorld } from "../support/page-world";
import { startServer, type TestServer } from "../support/ws-server";

let world: TestWorld;
let server: TestServer;
/** The frame rules the relay answers with, for every URL (set by each test before its socket opens). */
let rules: FrameRule[] = [];
let protectedSockets = false;

beforeEach(async () => {
  rules = [];
  protectedSockets = false;
  server = await startServer();
  world = await startTestWorld({
    ruleFor: () => (protectedSockets ? rule() : null),
    frameRulesFor: () => frameRules(...rules),
  });
});

afterEach(async () => {
  expect(world.problems).toEqual([]);
  await world.close();
  await server.close();
});

async function openSocket(path = "") {
  const ws = new world.WebSocket(server.url(path));
  const seen = watch(ws);
  await next(ws, "open");
  const conn = server.last();
  // The relay's answer (rules and protection) is in force before the test speaks.
  await until(() => {
    expect(world.owner(ws).frameRules === null).toBe(rules.length === 0);
    if (protectedSockets) expect(world.owner(ws).conn).not.toBeNull();
  });
  return { ws, seen, conn };
}

/** A frame record in short: direction, provenance, fate, preview, rule, breakpoint. */
function short(f: FrameRecord): string {
  const fate = f.fate ?? (f.dir === "in" ? "delivered" : "sent");
  const preview = f.opcode === "binary" ? `<${f.preview}>` : f.preview;
  return `${f.dir} ${f.from ?? "page"} ${fate} ${preview}${f.rule !== undefined ? ` r${f.rule}` : ""}${f.pause !== undefined ? ` p${f.pause}` : ""}`;
}
const frameLines = (ws: WebSocket) => world.frames(ws).map(short);
type PauseEvent = Extract<RecorderEvent, { kind: "pause" }>;
const pauses = (ws: WebSocket) => world.of(ws).filter((e): e is PauseEvent => e.kind === "pause");
const pauseLines = (ws: WebSocket) => pauses(ws).map((p) => `${p.dir} ${p.phase} r${p.rule} p${p.id}${p.edited ? " edited" : ""}`);

/** The breakpoint id of the paused frame whose preview is `preview`, once it is recorded. */
function pausedId(ws: WebSocket, preview: string): Promise<number> {
  return until(() => {
    const f = world.frames(ws).find((r) => r.fate === "paused" && r.preview === preview);
    expect(f).toBeDefined();
    return f!.pause!;
  });
}

describe.each([
  ["unprotected", false],
  ["protected", true],
])("each action on a %s socket", (_name, prot) => {
  beforeEach(() => {
    protectedSockets = prot;
  });

  it("drop, outbound: the server never gets it; recorded dropped with its rule", async () => {
    rules = [{ match: "*", direction: "out", when: { text: "secret" }, action: "drop" }];
    const { ws, conn } = await openSocket();
    ws.send("one");
    ws.send("my secret");
    ws.send("two");
    await until(() => expect(conn.received).toEqual(["one", "two"]));
    await until(() => expect(frameLines(ws)).toEqual(["out page sent one", "out page dropped my secret r0", "out page sent two"]));
  });

  it("drop, inbound: the page never gets it; recorded dropped with its rule", async () => {
    rules = [{ match: "*", direction: "in", when: { path: "$.type", equals: "noise" }, action: "drop" }];
    const { ws, seen, conn } = await openSocket();
    conn.ws.send("a");
    conn.ws.send('{"type":"noise"}');
    conn.ws.send("b");
    await until(() => expect(seen).toEqual(["open", "message:a", "message:b"]));
    await until(() => expect(frameLines(ws)).toEqual(["in page delivered a", 'in page dropped {"type":"noise"} r0', "in page delivered b"]));
  });

  it("replace, outbound: the server gets the rendered template; the original recorded edited, then what went from the rule", async () => {
    rules = [{ match: "*", direction: "both", when: { path: "$.op", equals: "login" }, action: "replace", with: '{"op":"login","user":{{$.user}},"token":"test"}' }];
    const { ws, conn } = await openSocket();
    ws.send('{"op":"login","user":"ann","token":"real"}');
    ws.send("after");
    await until(() => expect(conn.received).toEqual(['{"op":"login","user":"ann","token":"test"}', "after"]));
    await until(() =>
      expect(frameLines(ws)).toEqual([
        'out page edited {"op":"login","user":"ann","token":"real"} r0',
        'out rule sent {"op":"login","user":"ann","token":"test"} r0',
        "out page sent after",
      ]),
    );
  });

  it("replace, inbound: the page gets the new payload in the place of the old, once per listener", async () => {
    rules = [{ match: "*", direction: "in", when: { text: "price" }, action: "replace", with: '{"price":{{$.price}},"mocked":true}' }];
    const { ws, seen, conn } = await openSocket();
    const viaProperty: string[] = [];
    ws.onmessage = (ev) => viaProperty.push(String(ev.data));
    conn.ws.send("before");
    conn.ws.send('{"price":12}');
    conn.ws.send("after");
    await until(() => expect(seen).toEqual(["open", "message:before", 'message:{"price":12,"mocked":true}', "message:after"]));
    expect(viaProperty).toEqual(["before", '{"price":12,"mocked":true}', "after"]);
    await until(() =>
      expect(frameLines(ws)).toEqual([
        "in page delivered before",
        'in page edited {"price":12} r0',
        'in rule delivered {"price":12,"mocked":true} r0',
        "in page delivered after",
      ]),
    );
  });

  it("respond: the page gets the reply after its send returns, as if from the server; the original still goes", async () => {
    rules = [{ match: "*", direction: "both", when: { path: "$.op", equals: "ping" }, action: "respond", with: '{"op":"pong","id":{{$.id}}}' }];
    const { ws, seen, conn } = await openSocket();
    let during = -1;
    ws.send("first");
    ws.send('{"op":"ping","id":5}');
    during = seen.length;
    const reply = (await next(ws, "message")) as MessageEvent;
    expect(during).toBe(1);
    expect([reply.data, reply.origin]).toEqual(['{"op":"pong","id":5}', new URL(server.url()).origin]);
    await until(() => expect(conn.received).toEqual(["first", '{"op":"ping","id":5}']));
    // A `both` respond rule does not answer the server's frames: they arrive as they are.
    conn.ws.send('{"op":"ping","id":6}');
    await until(() => expect(seen).toEqual(["open", 'message:{"op":"pong","id":5}', 'message:{"op":"ping","id":6}']));
    await until(() =>
      expect(frameLines(ws)).toEqual([
        "out page sent first",
        'out page sent {"op":"ping","id":5} r0',
        'in rule delivered {"op":"pong","id":5} r0',
        'in page delivered {"op":"ping","id":6}',
      ]),
    );
  });

  it("respond with forward false: only the page hears of it", async () => {
    rules = [{ match: "*", direction: "out", when: { text: "hello" }, action: "respond", with: "hi", forward: false }];
    const { ws, seen, conn } = await openSocket();
    ws.send("hello");
    ws.send("then");
    await until(() => expect(seen).toEqual(["open", "message:hi"]));
    await until(() => expect(conn.received).toEqual(["then"]));
    await until(() => expect(frameLines(ws)).toEqual(["out page dropped hello r0", "out page sent then", "in rule delivered hi r0"]));
  });

  it("delay, outbound: held for delayMs, later frames wait behind it in order", async () => {
    rules = [{ match: "*", direction: "out", when: { text: "slow" }, action: "delay", delayMs: 300 }];
    const { ws, conn } = await openSocket();
    const sentAt = Date.now();
    ws.send("slow 1");
    ws.send("quick 2");
    await new Promise((r) => setTimeout(r, 150));
    expect(conn.received).toEqual([]);
    await until(() => expect(conn.received).toEqual(["slow 1", "quick 2"]));
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(290);
    // One record each, at arrival: the rule's frame names its rule; the one behind it was only delayed.
    await until(() => expect(frameLines(ws)).toEqual(["out page delayed slow 1 r0", "out page delayed quick 2"]));
  });

  it("delay, inbound: the page gets it delayMs later, and what came after it after it", async () => {
    rules = [{ match: "*", direction: "in", when: { regex: "^slow" }, action: "delay", delayMs: 300 }];
    const { ws, seen, conn } = await openSocket();
    const sentAt = Date.now();
    conn.ws.send("slow 1");
    conn.ws.send("quick 2");
    await new Promise((r) => setTimeout(r, 150));
    expect(seen).toEqual(["open"]);
    await until(() => expect(seen).toEqual(["open", "message:slow 1", "message:quick 2"]));
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(290);
    await until(() => expect(frameLines(ws)).toEqual(["in page delayed slow 1 r0", "in page delayed quick 2"]));
  });

  it("pause, outbound: waits with later frames behind it; forwarded edited, it goes from the panel, then the rest in order", async () => {
    rules = [{ match: "*", direction: "out", when: { text: "order" }, action: "pause" }];
    const { ws, conn } = await openSocket();
    const before = Date.now();
    ws.send('{"order":1}');
    ws.send("behind");
    const id = await pausedId(ws, '{"order":1}');
    const paused = await until(() => {
      expect(pauses(ws)).toHaveLength(1);
      return pauses(ws)[0]!;
    });
    expect(paused).toMatchObject({ id, dir: "out", rule: 0, phase: "paused" });
    expect(paused.untilT! - before).toBeGreaterThanOrEqual(FRAME_RULE_LIMITS.pauseTimeoutMs - 50);
    await new Promise((r) => setTimeout(r, 100));
    expect(conn.received).toEqual([]);
    await world.pause(ws, id, "forward", '{"order":2}', "text");
    await until(() => expect(conn.received).toEqual(['{"order":2}', "behind"]));
    await until(() =>
      expect(frameLines(ws)).toEqual([`out page paused {"order":1} r0 p${id}`, "out page delayed behind", `out panel sent {"order":2} r0 p${id}`]),
    );
    expect(pauseLines(ws)).toEqual([`out paused r0 p${id}`, `out forwarded r0 p${id} edited`]);
  });

  it("pause, inbound: the page sees nothing until it is forwarded (edited as hex: binary), then both in order", async () => {
    rules = [{ match: "*", direction: "in", when: { text: "tick" }, action: "pause" }];
    const { ws, seen, conn } = await openSocket();
    ws.binaryType = "arraybuffer";
    const got: unknown[] = [];
    ws.addEventListener("message", (ev) => got.push(ev.data));
    conn.ws.send("tick 1");
    conn.ws.send("plain 2");
    const id = await pausedId(ws, "tick 1");
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toEqual(["open"]);
    await world.pause(ws, id, "forward", "01ff7a", "hex");
    await until(() => expect(got).toHaveLength(2));
    expect([...new Uint8Array(got[0] as ArrayBuffer)]).toEqual([1, 255, 122]);
    expect(got[1]).toBe("plain 2");
    await until(() => expect(frameLines(ws)).toEqual([`in page paused tick 1 r0 p${id}`, "in page delayed plain 2", `in panel delivered <01ff7a> r0 p${id}`]));
    expect(pauseLines(ws)).toEqual([`in paused r0 p${id}`, `in forwarded r0 p${id} edited`]);
  });
});

describe("breakpoints", () => {
  it("forward as it was, drop: the dropped frame never goes; what waited behind goes on", async () => {
    rules = [{ match: "*", direction: "out", when: { text: "stop" }, action: "pause" }];
    const { ws, conn } = await openSocket();
    ws.send("stop a");
    ws.send("stop b");
    ws.send("plain c");
    const a = await pausedId(ws, "stop a");
    const b = await pausedId(ws, "stop b");
    // b is answered first: it still waits behind a.
    await world.pause(ws, b, "forward");
    await new Promise((r) => setTimeout(r, 50));
    expect(conn.received).toEqual([]);
    await world.pause(ws, a, "drop");
    await until(() => expect(conn.received).toEqual(["stop b", "plain c"]));
    await until(() =>
      expect(frameLines(ws)).toEqual([
        `out page paused stop a r0 p${a}`,
        `out page paused stop b r0 p${b}`,
        "out page delayed plain c",
        `out page dropped stop a r0 p${a}`,
        `out page sent stop b r0 p${b}`,
      ]),
    );
    expect(pauseLines(ws)).toEqual([`out paused r0 p${a}`, `out paused r0 p${b}`, `out forwarded r0 p${b}`, `out dropped r0 p${a}`]);
    // Answered already: a second answer changes nothing.
    await world.pause(ws, a, "forward");
    await new Promise((r) => setTimeout(r, 50));
    expect(conn.received).toEqual(["stop b", "plain c"]);
  });

  it("forward all: every paused frame goes as it was, and nothing pauses on that socket until its rules change", async () => {
    rules = [{ match: "*", direction: "both", when: { text: "stop" }, action: "pause" }];
    const { ws, seen, conn } = await openSocket();
    ws.send("stop 1");
    conn.ws.send("stop in");
    const first = await pausedId(ws, "stop 1");
    await pausedId(ws, "stop in");
    await world.pause(ws, first, "forward-all");
    await until(() => expect(conn.received).toEqual(["stop 1"]));
    await until(() => expect(seen).toEqual(["open", "message:stop in"]));
    ws.send("stop 2");
    await until(() => expect(conn.received).toEqual(["stop 1", "stop 2"]));
    await until(() => expect(frameLines(ws).filter((l) => l.includes("stop 2"))).toEqual(["out page sent stop 2"]));
    expect(pauses(ws).map((p) => `${p.dir} ${p.phase}`)).toEqual(["out paused", "in paused", "out forwarded", "in forwarded"]);
    // The same rules again (another setting changed): still not pausing.
    await world.answer(ws);
    ws.send("stop 3");
    await until(() => expect(conn.received).toEqual(["stop 1", "stop 2", "stop 3"]));
    // Changed rules: pausing again.
    rules = [{ match: "*", direction: "out", when: { text: "stop" }, action: "pause", pauseTimeoutMs: 60_000 }];
    await world.answer(ws);
    ws.send("stop 4");
    await pausedId(ws, "stop 4");
    expect(conn.received).toEqual(["stop 1", "stop 2", "stop 3"]);
  });

  it("a pause nobody answers goes on as it was when its time runs out", async () => {
    rules = [{ match: "*", direction: "out", when: { text: "wait" }, action: "pause", pauseTimeoutMs: 250 }];
    const { ws, conn } = await openSocket();
    const sentAt = Date.now();
    ws.send("wait for me");
    ws.send("behind");
    const id = await pausedId(ws, "wait for me");
    const untilT = pauses(ws)[0]!.untilT!;
    expect(untilT - sentAt).toBeGreaterThanOrEqual(240);
    expect(untilT - sentAt).toBeLessThan(1000);
    await until(() => expect(conn.received).toEqual(["wait for me", "behind"]));
    expect(Date.now()).toBeGreaterThanOrEqual(untilT);
    await until(() => expect(pauseLines(ws)).toEqual([`out paused r0 p${id}`, `out timed-out r0 p${id}`]));
    expect(frameLines(ws)).toEqual([`out page paused wait for me r0 p${id}`, "out page delayed behind", `out page sent wait for me r0 p${id}`]);
  });

  it("past the bound on paused frames, a matching frame goes on unpaused (behind the others, in order)", async () => {
    rules = [{ match: "*", direction: "out", when: { text: "stop" }, action: "pause" }];
    const { ws, conn } = await openSocket();
    const limit = FRAME_RULE_LIMITS.pausedPerSocket;
    for (let i = 1; i <= limit + 1; i++) ws.send(`stop ${i}`);
    await until(() => expect(world.frames(ws)).toHaveLength(limit + 1));
    const frames = world.frames(ws);
    expect(frames.filter((f) => f.fate === "paused")).toHaveLength(limit);
    expect(short(frames[limit]!)).toBe(`out page delayed stop ${limit + 1}`);
    await world.pause(ws, 1, "forward-all");
    await until(() => expect(conn.received).toHaveLength(limit + 1));
    expect(conn.received).toEqual(Array.from({ length: limit + 1 }, (_, i) => `stop ${i + 1}`));
  });

  it.each([
    ["unprotected", false],
    ["protected", true],
  ])("the page closes the %s socket while frames are paused both ways: they are dropped, the server never gets them", async (_name, prot) => {
    protectedSockets = prot;
    rules = [{ match: "*", direction: "both", when: { text: "stop" }, action: "pause" }];
    const { ws, seen, conn } = await openSocket();
    conn.ws.send("stop in");
    const inId = await pausedId(ws, "stop in");
    ws.send("stop out");
    const outId = await pausedId(ws, "stop out");
    ws.close();
    await until(() => expect(conn.closed).not.toBeNull());
    await until(() => expect(seen).toEqual(["open", "close:1005"]));
    expect(conn.received).toEqual([]);
    // Which of the two is dropped first is the engine's business (a protected socket's close drops its outbound frames first).
    await until(() => expect(frameLines(ws)).toHaveLength(4));
    expect(frameLines(ws).slice(0, 2)).toEqual([`in page paused stop in r0 p${inId}`, `out page paused stop out r0 p${outId}`]);
    expect(frameLines(ws).slice(2).sort()).toEqual([`in page dropped stop in r0 p${inId}`, `out page dropped stop out r0 p${outId}`]);
    expect(pauseLines(ws).slice(0, 2)).toEqual([`in paused r0 p${inId}`, `out paused r0 p${outId}`]);
    expect(pauseLines(ws).slice(2).sort()).toEqual([`in dropped r0 p${inId}`, `out dropped r0 p${outId}`]);
    // Too late to answer.
    await world.pause(ws, outId, "forward");
    await new Promise((r) => setTimeout(r, 50));
    expect(frameLines(ws)).toHaveLength(4);
  });

  it("a fault that ends the connection drops what is paused there", async () => {
    rules = [{ match: "*", direction: "out", when: { text: "stop" }, action: "pause" }];
    const { ws, conn } = await openSocket();
    ws.send("stop");
    const id = await pausedId(ws, "stop");
    await world.fault(ws, { kind: "drop" });
    await next(ws, "close");
    await until(() => expect(pauseLines(ws)).toEqual([`out paused r0 p${id}`, `out dropped r0 p${id}`]));
    expect(frameLines(ws)).toEqual([`out page paused stop r0 p${id}`, `out page dropped stop r0 p${id}`]);
    expect(conn.received).toEqual([]);
  });

  it("rules removed while a frame is paused: it stays paused and answerable; new frames are not paused, they wait behind it", async () => {
    rules = [{ match: "*", direction: "out", when: { text: "stop" }, action: "pause" }];
    const { ws, conn } = await openSocket();
    ws.send("stop 1");
    const id = await pausedId(ws, "stop 1");
    rules = [];
    await world.answer(ws);
    expect(world.owner(ws).frameRules).toBeNull();
    ws.send("stop 2");
    await new Promise((r) => setTimeout(r, 100));
    expect(conn.received).toEqual([]);
    expect(pauseLines(ws)).toEqual([`out paused r0 p${id}`]);
    await world.pause(ws, id, "forward");
    await until(() => expect(conn.received).toEqual(["stop 1", "stop 2"]));
    await until(() => expect(frameLines(ws)).toEqual([`out page paused stop 1 r0 p${id}`, "out page delayed stop 2", `out page sent stop 1 r0 p${id}`]));
  });

  it("on a protected socket, Lifeguard's heartbeat does not wait behind a paused frame: the connection stays up", async () => {
    protectedSockets = true;
    world.ruleFor = () => rule({ heartbeat: { enabled: true, intervalMs: 100, timeoutMs: 150, message: "ping", reply: "pong", hideReplies: true } });
    server.onText = (text, conn) => {
      if (text === "ping") conn.ws.send("pong");
    };
    rules = [{ match: "*", direction: "out", when: { text: "stop" }, action: "pause", pauseTimeoutMs: 60_000 }];
    const { ws, seen, conn } = await openSocket();
    ws.send("stop");
    const id = await pausedId(ws, "stop");
    await until(() => expect(conn.received.filter((t) => t === "ping").length).toBeGreaterThanOrEqual(3), 2000);
    expect(conn.received.filter((t) => t !== "ping")).toEqual([]);
    await world.pause(ws, id, "forward");
    await until(() => expect(conn.received.filter((t) => t !== "ping")).toEqual(["stop"]));
    expect([server.connections.length, seen]).toEqual([1, ["open"]]);
  });

  it("a bad hex answer leaves the frame paused", async () => {
    rules = [{ match: "*", direction: "out", when: { text: "stop" }, action: "pause" }];
    const { ws, conn } = await openSocket();
    ws.send("stop");
    const id = await pausedId(ws, "stop");
    await world.pause(ws, id, "forward", "not base64 at all!", "base64");
    await new Promise((r) => setTimeout(r, 50));
    expect(conn.received).toEqual([]);
    await world.pause(ws, id, "forward", "aGk=", "base64");
    await until(() => expect(conn.received).toEqual(["<binary 2>"]));
  });
});

describe("which frames rules see", () => {
  it("rules that arrive after the socket opened apply from then on", async () => {
    const { ws, conn } = await openSocket();
    expect(world.owner(ws).frameRules).toBeNull();
    ws.send("drop me 1");
    await until(() => expect(conn.received).toEqual(["drop me 1"]));
    rules = [{ match: "*", direction: "out", when: { text: "drop me" }, action: "drop" }];
    await world.answer(ws);
    ws.send("drop me 2");
    ws.send("keep");
    await until(() => expect(conn.received).toEqual(["drop me 1", "keep"]));
    await until(() => expect(frameLines(ws)).toEqual(["out page sent drop me 1", "out page dropped drop me 2 r0", "out page sent keep"]));
  });

  it("frames sent from the panel are not the page's: no rule touches them", async () => {
    rules = [{ match: "*", direction: "out", action: "drop" }];
    const { ws, conn } = await openSocket();
    await world.fault(ws, { kind: "send", data: "from the panel", encoding: "text" });
    ws.send("from the page");
    await until(() => expect(conn.received).toEqual(["from the panel"]));
    await until(() => expect(frameLines(ws)).toEqual(["out panel sent from the panel", "out page dropped from the page r0"]));
  });

  it("a frame queued during an outage is ruled when it really goes, after the reconnect", async () => {
    protectedSockets = true;
    rules = [{ match: "*", direction: "out", when: { text: "drop me" }, action: "drop" }];
    const { ws, conn } = await openSocket();
    conn.ws.terminate();
    await next(ws, "reconnecting");
    ws.send("drop me");
    ws.send("keep me");
    await next(ws, "reconnected");
    await until(() => expect(server.connections[1]?.received).toEqual(["keep me"]));
    await until(() =>
      expect(frameLines(ws)).toEqual(["out page queued drop me", "out page queued keep me", "out page dropped drop me r0", "out page sent keep me"]),
    );
  });

  it("a regex rule never runs on a frame past the match size; the page keeps running", async () => {
    rules = [{ match: "*", direction: "in", when: { regex: "(a|aa)+$" }, action: "drop" }];
    const { ws, seen, conn } = await openSocket();
    const huge = "a".repeat(FRAME_RULE_LIMITS.matchBytes + 1) + "!";
    conn.ws.send(huge);
    conn.ws.send("aaaa");
    await until(() => expect(seen).toHaveLength(2));
    expect(seen[1]).toBe(`message:${huge}`);
    await until(() => expect(world.frames(ws).map((f) => f.fate ?? "delivered")).toEqual(["delivered", "dropped"]));
  });

  it("binary frames: hexPrefix matches the bytes, and the replacement is text", async () => {
    rules = [{ match: "*", direction: "out", when: { hexPrefix: "cafe" }, action: "replace", with: "was binary" }];
    const { ws, conn } = await openSocket();
    ws.send(new Uint8Array([0xca, 0xfe, 1]));
    ws.send(new Uint8Array([0xbe, 0xef]));
    await until(() => expect(conn.received).toEqual(["was binary", "<binary 2>"]));
    await until(() => expect(frameLines(ws)).toEqual(["out page edited <cafe01> r0", "out rule sent was binary r0", "out page sent <beef>"]));
  });
});
