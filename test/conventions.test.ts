/**
 * Conventions the type checker cannot see: every file the manifest names exists, and every protocol
 * message type has a handler on the side that receives it.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import manifest from "../manifest.json" with { type: "json" };
import { backgroundMessageHandlers, pageMessageHandlers } from "../src/panel/model";
import {
  BACKGROUND_TO_PANEL_TYPES,
  PAGE_TO_PANEL_TYPES,
  PANEL_TO_PAGE_TYPES,
  envelope,
  isBackgroundToPanel,
  isPageToPanel,
  isPanelToPage,
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

  it("the page world handles every panel -> page message type", async () => {
    // The page world's handler table is private to startPageWorld; it exports its keys for this check.
    const { pageHandlersForTest } = await import("../src/page/world");
    expect([...pageHandlersForTest].sort()).toEqual([...PANEL_TO_PAGE_TYPES].sort());
  });

  it("every declared type passes its guard with an empty-enough payload", () => {
    // A type listed but unknown to its guard would be dropped on the wire before any handler saw it.
    const minimal: Record<string, object> = {
      events: { events: [] },
      snapshot: { frameUrl: "", sockets: [] },
      "snapshot-request": {},
      settings: { settings: null },
      fault: { target: { tab: true }, fault: { kind: "drop" } },
      listening: { on: true },
      "frame-connected": { frameId: 0, url: "" },
      "frame-disconnected": { frameId: 0 },
      "version-mismatch": { expected: 1, got: 2 },
    };
    const wire = (type: string) => envelope<Record<string, object>, string>("lifeguard-page", type, minimal[type]!);
    for (const type of PAGE_TO_PANEL_TYPES) expect(isPageToPanel(wire(type)), type).toBe(true);
    for (const type of PANEL_TO_PAGE_TYPES) expect(isPanelToPage(wire(type)), type).toBe(true);
    for (const type of BACKGROUND_TO_PANEL_TYPES) expect(isBackgroundToPanel(wire(type)), type).toBe(true);
  });
});
