/**
 * Conventions the type checker cannot see: every file the manifest names exists, and every protocol
 * message type has a handler on the side that receives it.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import manifest from "../manifest.json" with { type: "json" };
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
    for (const type of PAGE_TO_RELAY_TYPES) expect(relay, type).toContain(`isPageToRelay(message)`);
    expect(PAGE_TO_RELAY_TYPES).toEqual(["rule-query"]);
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
      "rule-query": { url: "" },
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
