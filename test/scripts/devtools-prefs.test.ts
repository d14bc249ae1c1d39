// The DevTools preferences `npm start` writes into its Chromium profile (scripts/devtools-prefs.mjs).
import { describe, expect, it } from "vitest";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  devtoolsPreferences,
  extensionIdFor,
  extensionIdForPath,
  panelId,
  withDevtoolsPreferences,
  writeDevtoolsPreferences,
} from "../../scripts/devtools-prefs.mjs";

const ID = "abcdefghijklmnopabcdefghijklmnop";

describe("DevTools preferences for npm start", () => {
  it("dock at the bottom, the Lifeguard panel selected and first, as JSON-encoded strings", () => {
    const prefs = devtoolsPreferences(ID);
    expect(JSON.parse(prefs.currentDockState!)).toBe("bottom");
    expect(JSON.parse(prefs["panel-selected-tab"]!)).toBe(`chrome-extension://${ID}Lifeguard`);
    expect(JSON.parse(prefs["panel-selectedTab"]!)).toBe(`chrome-extension://${ID}Lifeguard`);
    const order = JSON.parse(prefs["panel-tab-order"]!) as Record<string, number>;
    expect(order[`chrome-extension://${ID}Lifeguard`]).toBeLessThan(order.elements!);
  });

  it("forms the panel id as DevTools does: origin + title without whitespace or port", () => {
    expect(panelId(ID, "My Panel")).toBe(`chrome-extension://${ID}MyPanel`);
  });

  it("merging keeps every other preference and other DevTools settings", () => {
    const existing = {
      browser: { has_seen_welcome_page: true },
      devtools: { preferences: { "ui-theme": '"dark"', currentDockState: '"right"' }, synced_preferences_sync_disabled: { a: "1" } },
    };
    const merged = withDevtoolsPreferences(existing, ID);
    expect(merged.browser).toEqual({ has_seen_welcome_page: true });
    expect(merged.devtools.synced_preferences_sync_disabled).toEqual({ a: "1" });
    expect(merged.devtools.preferences["ui-theme"]).toBe('"dark"');
    expect(merged.devtools.preferences.currentDockState).toBe('"bottom"');
    expect(existing.devtools.preferences.currentDockState).toBe('"right"'); // not mutated
  });

  it("writes Default/Preferences into a fresh or an existing profile", () => {
    const profile = mkdtempSync(join(tmpdir(), "lifeguard-prefs-"));
    try {
      writeDevtoolsPreferences(profile, ID);
      const file = join(profile, "Default", "Preferences");
      expect(JSON.parse(readFileSync(file, "utf8")).devtools.preferences.currentDockState).toBe('"bottom"');
      writeFileSync(file, JSON.stringify({ profile: { name: "x" } }));
      writeDevtoolsPreferences(profile, ID);
      const again = JSON.parse(readFileSync(file, "utf8"));
      expect(again.profile).toEqual({ name: "x" });
      expect(again.devtools.preferences["panel-selected-tab"]).toBe(JSON.stringify(`chrome-extension://${ID}Lifeguard`));
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
  });

  it("computes an unpacked extension's id from its real path as Chromium does", () => {
    const root = mkdtempSync(join(tmpdir(), "lifeguard-id-"));
    try {
      const dir = join(root, "dist");
      mkdirSync(dir);
      symlinkSync(dir, join(root, "link"));
      const id = extensionIdForPath(dir);
      expect(id).toMatch(/^[a-p]{32}$/);
      // The same directory through a symlink: Chromium resolves it first (MakeAbsoluteFilePath).
      expect(extensionIdForPath(join(root, "link"))).toBe(id);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("maps the SHA-256 prefix to a-p (sha256(\"test\") = 9f86d081 884c7d65 9a2feaa0 c55ad015...)", () => {
    expect(extensionIdFor("test")).toBe("jpignaibiiemhngfjkcpokkamffknabf");
  });
});
