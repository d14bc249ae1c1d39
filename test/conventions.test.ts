/**
 * Conventions the type checker cannot see: every file the manifest names exists, every protocol
 * message type has a handler on the side that receives it, and the protocol catalogue is one thing
 * (each protocol's page half, decoder and samples, recognised alike by the page and the panel).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import manifest from "../manifest.json" with { type: "json" };
import { PROTOCOLS } from "../src/core/protocols/registry";
import type { Frame, ProtocolModule, ProtocolSamples } from "../src/core/protocols/types";
import { decodeFrame, PROTOCOL_DECODERS, recogniseSocketOf, recognitionFrames, type FrameInput, type ProtocolDecoder } from "../src/panel/decoders";
import { PROTOCOL_IDS } from "../src/shared/protocol-catalogue";
import { harness } from "./core/fakes";
import { backgroundMessageHandlers, pageMessageHandlers, relayMessageHandlers } from "../src/panel/model";
import {
  BACKGROUND_TO_PANEL_TYPES,
  PAGE_TO_PANEL_TYPES,
  PAGE_TO_RELAY_TYPES,
  PANEL_TO_PAGE_TYPES,
  RELAY_TO_PAGE_TYPES,
  RELAY_TO_PANEL_TYPES,
  envelope,
  isBackgroundToPanel,
  isPageToPanel,
  isPageToRelay,
  isPanelToPage,
  isRelayToPage,
  isRelayToPanel,
} from "../src/shared/protocol";

const ROOT = resolve(import.meta.dirname, "..");
/** Source paths (src/...) live at the root; static assets (icons, _locales) are copied from public/. */
const exists = (path: string): boolean => existsSync(join(ROOT, path)) || existsSync(join(ROOT, "public", path));

function manifestFiles(): string[] {
  const files: string[] = [];
  for (const cs of manifest.content_scripts) files.push(...cs.js);
  files.push(manifest.background.service_worker, ...manifest.background.scripts);
  files.push(manifest.devtools_page, manifest.options_ui.page, manifest.action.default_popup);
  files.push(...Object.values(manifest.icons), ...Object.values(manifest.action.default_icon));
  files.push(`_locales/${manifest.default_locale}/messages.json`);
  return files;
}

/** Local scripts and stylesheets an HTML page loads, relative to the repository root. */
function htmlReferences(page: string): string[] {
  const html = readFileSync(join(ROOT, page), "utf8");
  const refs = [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
  return refs.filter((r) => !/^[a-z]+:/.test(r)).map((r) => (r.startsWith("/") ? r.slice(1) : join(dirname(page), r)));
}

describe("manifest", () => {
  it.each(manifestFiles())("references %s, which exists", (file) => {
    expect(exists(file)).toBe(true);
  });

  it("and the panel page, which only devtools.panels.create opens, exists", () => {
    expect(exists("src/panel/index.html")).toBe(true);
  });

  it("and the page-world script, which the background registers at run time, exists", () => {
    const background = readFileSync(join(ROOT, "src/background/index.ts"), "utf8");
    const file = /from "(\.\.\/page\/[\w.]+)\?iife"/.exec(background)?.[1];
    expect(file).toBeTruthy();
    expect(exists(join("src/background", file!))).toBe(true);
  });

  it.each(["src/panel/index.html", manifest.devtools_page, manifest.options_ui.page, manifest.action.default_popup])(
    "%s loads only files that exist",
    (page) => {
      const refs = htmlReferences(page);
      expect(refs.length).toBeGreaterThan(0);
      for (const ref of refs) expect(exists(ref), ref).toBe(true);
    },
  );

  it("uses only __MSG_ names that every locale defines", () => {
    const names = [...JSON.stringify(manifest).matchAll(/__MSG_(\w+)__/g)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(0);
    for (const locale of ["en", "zh_CN"]) {
      const messages = JSON.parse(readFileSync(join(ROOT, "public/_locales", locale, "messages.json"), "utf8"));
      for (const name of names) expect(messages, `${locale}: ${name}`).toHaveProperty(name);
    }
  });
});

describe("protocol handlers", () => {
  it("the panel handles every page -> panel message type", () => {
    expect(Object.keys(pageMessageHandlers).sort()).toEqual([...PAGE_TO_PANEL_TYPES].sort());
  });

  it("the panel handles every background -> panel message type", () => {
    expect(Object.keys(backgroundMessageHandlers).sort()).toEqual([...BACKGROUND_TO_PANEL_TYPES].sort());
  });

  it("the panel handles every relay -> panel message type", () => {
    expect(Object.keys(relayMessageHandlers).sort()).toEqual([...RELAY_TO_PANEL_TYPES].sort());
  });

  it("the page world handles every panel -> page and relay -> page message type", async () => {
    // The page world's handler table is private to startPageWorld; it exports its keys for this check.
    const { pageHandlersForTest } = await import("../src/page/world");
    expect([...pageHandlersForTest].sort()).toEqual([...PANEL_TO_PAGE_TYPES, ...RELAY_TO_PAGE_TYPES].sort());
  });

  it("the relay answers every page -> relay message type", () => {
    const relay = readFileSync(join(ROOT, "src/content/relay.ts"), "utf8");
    expect(relay).toContain(`isPageToRelay(message)`);
    // Each type has its answer there: a type added to the protocol must be added here too.
    const answers: Record<string, string> = { "rule-query": "answerRule(message.url)", "mock-query": "answerMock(message.url)" };
    expect([...PAGE_TO_RELAY_TYPES].sort()).toEqual(Object.keys(answers).sort());
    for (const type of PAGE_TO_RELAY_TYPES) expect(relay, type).toContain(answers[type]);
  });

  it("every declared type passes its guard with an empty-enough payload", () => {
    // A type listed but unknown to its guard would be dropped on the wire before any handler saw it.
    const drops = { messages: 0, events: 0, sockets: 0, chars: 0 };
    const minimal: Record<string, object> = {
      events: { stream: "s", from: 1, to: 0, events: [] },
      snapshot: { stream: "s", upTo: 0, part: 0, parts: 1, frameUrl: "", sockets: [] },
      "snapshot-request": {},
      fault: { target: { tab: true }, fault: { kind: "drop" } },
      listening: { on: true },
      check: { on: true },
      "rule-query": { url: "" },
      "mock-query": { url: "" },
      pause: { socket: "s:1", id: 1, action: "forward" },
      mock: { url: "", mock: null },
      config: { enabled: true, record: { maxFramesPerSocket: 1, maxPreviewBytes: 1 } },
      rule: { url: "", rule: null },
      "bridge-refused": { relay: "r", frameUrl: "", reason: "late", count: 1 },
      "frame-connected": { frameId: 0, url: "" },
      "frame-disconnected": { frameId: 0 },
      "version-mismatch": { expected: 1, got: 2 },
    };
    const wire = (type: string, over: object = {}) =>
      envelope<Record<string, object>, string>("lifeguard-relay", type, { ...minimal[type], ...over });
    for (const type of PAGE_TO_PANEL_TYPES) expect(isPageToPanel(wire(type)), type).toBe(true);
    for (const type of PANEL_TO_PAGE_TYPES) expect(isPanelToPage(wire(type)), type).toBe(true);
    for (const type of PAGE_TO_RELAY_TYPES) expect(isPageToRelay(wire(type)), type).toBe(true);
    for (const type of RELAY_TO_PAGE_TYPES) expect(isRelayToPage(wire(type)), type).toBe(true);
    for (const type of RELAY_TO_PANEL_TYPES) expect(isRelayToPanel(wire(type, { relay: "r", frameUrl: "", dropped: drops })), type).toBe(true);
    for (const type of BACKGROUND_TO_PANEL_TYPES) expect(isBackgroundToPanel(wire(type, { dropped: drops })), type).toBe(true);
  });
});

// --- The protocol catalogue (DESIGN.md, "Parts"; issue 18) -------------------------------------------

/** A folder's modules by file name (without `.ts`). */
function byFileName<T>(modules: Record<string, T>): Map<string, T> {
  return new Map(Object.entries(modules).map(([path, m]) => [basename(path, ".ts"), m]));
}

const pageHalves = byFileName(
  import.meta.glob<{ protocol?: ProtocolModule; samples?: ProtocolSamples }>("../src/core/protocols/*.ts", { eager: true }),
);
const panelHalves = byFileName(import.meta.glob<{ decoder?: ProtocolDecoder }>("../src/panel/decoders/protocols/*.ts", { eager: true }));
/** Files of the page half's folder that are not protocols. */
const PAGE_HELPERS = ["ping-pong", "registry", "types"];

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
/** A frame as the recorder keeps it and the panel receives it: text, or binary as hex. */
const recorded = (dir: "in" | "out", frame: Frame): FrameInput =>
  typeof frame === "string" ? { dir, opcode: "text", preview: frame, truncated: false } : { dir, opcode: "binary", preview: hex(frame), truncated: false };

/** The engine's recognition (as `auto` reports it), after the constructor and the handshake on the wire. */
function pageRecognises(url: string, protocols: string[], handshake: ProtocolSamples["handshake"]): string | null {
  const h = harness({ url, protocols, ruleOverrides: { heartbeat: { intervalMs: 60_000, timeoutMs: 10_000 } } });
  h.initial.serverOpen(protocols[0] ?? "");
  for (const { dir, frame } of handshake) {
    if (dir === "out") h.conn.send(frame);
    else h.initial.serverMessage(typeof frame === "string" ? frame : frame.slice().buffer);
  }
  const name = h.conn.strategyChoice.protocol;
  h.conn.close();
  return name === undefined ? null : PROTOCOLS.find((p) => p.name === name)!.id;
}

/** The panel's recognition, from the records of the same frames. */
function panelRecognises(url: string, protocols: string[], handshake: ProtocolSamples["handshake"]): string | null {
  const firstFrames = recognitionFrames(handshake.map(({ dir, frame }) => recorded(dir, frame)));
  return recogniseSocketOf({ url, protocols, firstFrames })?.id ?? null;
}

describe("protocol catalogue", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("has a page half and a decoder for every id, named by it, and nothing outside it", () => {
    const pageIds = [...pageHalves].filter(([, m]) => m.protocol).map(([file]) => file);
    expect(pageIds.sort()).toEqual([...PROTOCOL_IDS].sort());
    expect([...pageHalves.keys()].filter((f) => !pageIds.includes(f)).sort()).toEqual(PAGE_HELPERS);
    expect([...panelHalves.keys()].sort()).toEqual([...PROTOCOL_IDS].sort());
    expect(PROTOCOLS.map((p) => p.id).sort()).toEqual([...PROTOCOL_IDS].sort());
    for (const id of PROTOCOL_IDS) {
      expect(pageHalves.get(id)!.protocol!.id, id).toBe(id);
      const decoder = panelHalves.get(id)!.decoder;
      expect(decoder?.id, id).toBe(id);
      expect(PROTOCOL_DECODERS[id], id).toBe(decoder);
    }
  });

  it.each(PROTOCOL_IDS)("%s: recognition, strategy, a heartbeat session that agrees with its samples", (id) => {
    const { protocol, samples } = pageHalves.get(id)!;
    const p = protocol!;
    expect(typeof p.recogniseSocket).toBe("function");
    expect(typeof p.recogniseFrame).toBe("function");
    expect(["surface", "transparent"]).toContain(p.strategy);
    expect(p.why.length, "why").toBeGreaterThan(20);
    expect(samples, "samples").toBeDefined();
    expect(samples!.handshake.length).toBeGreaterThan(0);

    const session = p.session(samples!.url, false);
    samples!.handshake.forEach(({ dir, frame }, i) => session.observe(dir, frame, i));
    const liveness = session.liveness();
    if (liveness.kind === "ping") {
      // Lifeguard's ping is the one the samples show, and the server's answer to it is recognised as such.
      expect(samples!.ping, "samples.ping").toBeDefined();
      expect(session.ping()).toEqual(samples!.ping);
      if (samples!.pong !== undefined) expect(session.isOwnReply(samples!.pong)).toBe(true);
    } else {
      // Off or passive, with the reason the panel shows.
      expect(liveness.why.length, "why").toBeGreaterThan(10);
    }
  });

  it.each(PROTOCOL_IDS)("%s: its decoder reads its samples, the protocol's own pings as heartbeats", (id) => {
    const samples = pageHalves.get(id)!.samples!;
    const ctx = { url: samples.url, protocols: samples.protocols, firstFrames: samples.handshake.map(({ dir, frame }) => recorded(dir, frame)) };
    for (const { dir, frame } of samples.handshake) {
      const d = decodeFrame(recorded(dir, frame), ctx);
      expect(d, String(frame)).toMatchObject({ protocolId: id });
      expect(d!.error, String(frame)).toBeUndefined();
    }
    for (const frame of [samples.ping, samples.pong]) {
      if (frame === undefined) continue;
      // Either way: a sample ping may be the server's (passive protocols) or Lifeguard's.
      const read = (["out", "in"] as const).map((dir) => decodeFrame(recorded(dir, frame), ctx)).find((d) => d && !d.error);
      expect(read, String(frame)).toMatchObject({ protocolId: id, kind: "heartbeat" });
    }
  });

  it.each(PROTOCOL_IDS)("%s: the page and the panel recognise its samples as the same protocol", (id) => {
    const { url, protocols, handshake } = pageHalves.get(id)!.samples!;
    expect(pageRecognises(url, protocols, handshake)).toBe(id);
    expect(panelRecognises(url, protocols, handshake)).toBe(id);
    // By the frames alone (a URL and subprotocols that say nothing), they still agree, whatever they find.
    const neutral = "wss://example.test/";
    expect(panelRecognises(neutral, [], handshake)).toBe(pageRecognises(neutral, [], handshake));
  });

  it("the engine and the panel read the same number of first frames: the registry's", () => {
    const engine = readdirSync(join(ROOT, "src/core"))
      .filter((f) => f.endsWith(".ts"))
      .map((f) => ({ file: `src/core/${f}`, text: readFileSync(join(ROOT, "src/core", f), "utf8") }));
    const recognisers = engine.filter((e) => /\brecogniseFrame\(/.test(e.text));
    expect(recognisers.length, "the engine recognises frames somewhere in src/core").toBeGreaterThan(0);
    for (const { file, text } of recognisers) {
      expect(text, file).toMatch(/import \{[^}]*\bRECOGNISE_FRAMES\b[^}]*\} from "\.\/protocols\/registry"/);
    }
    for (const { file, text } of engine) expect(text, file).not.toMatch(/\bRECOGNISE_FRAMES\s*=/);
  });
});

describe("the panel recognises protocols only through the core's recognisers", () => {
  const panelFiles = (readdirSync(join(ROOT, "src/panel"), { recursive: true }) as string[])
    .filter((f) => /\.tsx?$/.test(f))
    .map((f) => join("src/panel", f).split("\\").join("/"));
  const source = (file: string) => readFileSync(join(ROOT, file), "utf8");
  const RECOGNITION = "src/panel/decoders/recognition.ts";

  it("in one place: only the decoders' recognition imports or calls them", () => {
    expect(panelFiles).toContain(RECOGNITION);
    for (const file of panelFiles) {
      const calls = /core\/protocols\/(registry|[\w-]+)"|\brecognise(Socket|Frame|FirstFrames)\(/.test(source(file));
      expect(calls, file).toBe(file === RECOGNITION);
    }
  });

  it("no decoder has a recogniser of its own", () => {
    for (const [id, decoder] of Object.entries(PROTOCOL_DECODERS)) expect(Object.keys(decoder).sort(), id).toEqual(["decode", "id"]);
    for (const file of panelFiles.filter((f) => f.startsWith("src/panel/decoders/"))) {
      expect(source(file), file).not.toMatch(/\b(matches|sniff)\s*[:(]\s*\(?\s*ctx\b/);
    }
  });

  it("outside the decoders, panel code names no protocol's subprotocol or URL mark", () => {
    const subprotocols = [...pageHalves.values()].flatMap((m) => m.samples?.protocols ?? []);
    expect(subprotocols.length).toBeGreaterThan(5);
    const marks = [...subprotocols.map((p) => JSON.stringify(p)), "EIO=", "/socket.io/", "/engine.io/", "vsn=", "/connection/websocket", "/websocket"];
    for (const file of panelFiles.filter((f) => !f.startsWith("src/panel/decoders/"))) {
      const text = source(file);
      for (const mark of marks) expect(text.includes(mark), `${file} mentions ${mark}`).toBe(false);
    }
  });
});
