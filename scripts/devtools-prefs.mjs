// DevTools settings for the profile `npm start` opens: docked at the bottom, the Lifeguard panel
// selected and first in the tab strip (so it is never hidden under "»").
//
// Chromium keeps DevTools settings in the profile's `Default/Preferences` JSON under
// `devtools.preferences`, each value a JSON-encoded string; the names are those of the DevTools
// front end (github.com/ChromeDevTools/devtools-frontend):
//   currentDockState     ui/legacy/DockController.ts, moduleSetting('currentDockState')
//   panel-selected-tab   ui/legacy/ViewManager.ts, TabbedLocation: `${location}-selected-tab`
//                        (`panel-selectedTab` before the settings moved to kebab case)
//   panel-tab-order      same class, `${location}-tab-order` (`panel-tabOrder` before)
// An extension panel's id is its extension origin plus its title, whitespace and `:port` removed
// (models/extensions/ExtensionServer.ts, onCreatePanel): `chrome-extension://<id>Lifeguard`.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The title src/devtools/index.ts gives `devtools.panels.create`. */
export const PANEL_TITLE = "Lifeguard";

/**
 * The id Chromium gives an unpacked extension without a manifest `key`: the first 128 bits of the
 * SHA-256 of its absolute, symlink-free path, each hex digit 0-f written as a-p
 * (components/crx_file/id_util.cc, GenerateIdForPath).
 */
export function extensionIdForPath(dir) {
  return extensionIdFor(realpathSync(dir));
}

/** crx_file::id_util::GenerateId: SHA-256, first 16 bytes, hex digits 0-f written as a-p. */
export function extensionIdFor(input) {
  const hex = createHash("sha256").update(input).digest("hex").slice(0, 32);
  return [...hex].map((d) => String.fromCharCode(97 + parseInt(d, 16))).join("");
}

export function panelId(extensionId, title = PANEL_TITLE) {
  return `chrome-extension://${extensionId}${title}`.replace(/\s|:\d+/g, "");
}

/** The `devtools.preferences` entries that open DevTools at the bottom on the Lifeguard panel. */
export function devtoolsPreferences(extensionId) {
  const panel = JSON.stringify(panelId(extensionId));
  // Ahead of Elements (whose default order is 10): the panel is the first tab, never under "»".
  const order = JSON.stringify({ [panelId(extensionId)]: 1, elements: 10 });
  return {
    currentDockState: JSON.stringify("bottom"),
    "panel-selected-tab": panel,
    "panel-selectedTab": panel,
    "panel-tab-order": order,
    "panel-tabOrder": order,
  };
}

/** `preferences` (a parsed Preferences file) with ours merged in; every other key is kept. */
export function withDevtoolsPreferences(preferences, extensionId) {
  const devtools = preferences.devtools ?? {};
  return {
    ...preferences,
    devtools: { ...devtools, preferences: { ...devtools.preferences, ...devtoolsPreferences(extensionId) } },
  };
}

/** Writes them into `<profile>/Default/Preferences` (before the browser starts: it owns the file after). */
export function writeDevtoolsPreferences(profileDir, extensionId) {
  const dir = join(profileDir, "Default");
  const file = join(dir, "Preferences");
  mkdirSync(dir, { recursive: true });
  let current = {};
  try {
    current = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    // a fresh profile has no Preferences yet
  }
  writeFileSync(file, JSON.stringify(withDevtoolsPreferences(current, extensionId)));
}

/**
 * Selects the Lifeguard panel in the DevTools window of a Playwright persistent context, best effort.
 * The `panel-selected-tab` preference alone does not do it: DevTools applies it when its front end
 * starts, before the extension's devtools page has created the panel, and falls back to Elements
 * (seen in Chromium 156, on first open and on every reopen). So, once the panel exists, this asks the
 * front end itself over CDP (`InspectorView.showPanel`, devtools-frontend ui/legacy/InspectorView.ts).
 * That reaches into DevTools' internals: on any failure it resolves false and the caller says "pick
 * Lifeguard" instead.
 */
export async function selectPanelInDevtools(context, extensionId, timeoutMs = 10_000) {
  const id = panelId(extensionId);
  let cdp;
  try {
    cdp = await context.browser().newBrowserCDPSession();
    const deadline = Date.now() + timeoutMs;
    // The front end is ready for this once it has loaded the extension's devtools page (asking it
    // earlier makes it build its views before its settings exist, and it throws).
    let target;
    let extensionPage;
    while (!(target && extensionPage) && Date.now() < deadline) {
      const { targetInfos } = await cdp.send("Target.getTargets");
      target = targetInfos.find((t) => t.url.startsWith("devtools://devtools/bundled/devtools_app.html"));
      extensionPage = targetInfos.find((t) => t.url.startsWith(`chrome-extension://${extensionId}/`) && t.type === "iframe");
      if (!(target && extensionPage)) await new Promise((r) => setTimeout(r, 200));
    }
    if (!(target && extensionPage)) return false;
    // A flat session cannot be driven through Playwright's CDPSession; the message-passing form can.
    const { sessionId } = await cdp.send("Target.attachToTarget", { targetId: target.targetId, flatten: false });
    const answer = new Promise((resolveAnswer) => {
      cdp.on("Target.receivedMessageFromTarget", (e) => {
        const message = JSON.parse(e.message);
        if (message.id === 1) resolveAnswer(message.result?.result?.value === true);
      });
    });
    const expression = `(async () => {
      const { InspectorView } = await import("./ui/legacy/legacy.js");
      const view = InspectorView.InspectorView.instance();
      for (const end = Date.now() + ${timeoutMs}; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
        if (view.tabbedPane.hasTab(${JSON.stringify(id)})) { await view.showPanel(${JSON.stringify(id)}); return true; }
      }
      return false;
    })()`;
    await cdp.send("Target.sendMessageToTarget", {
      sessionId,
      message: JSON.stringify({ id: 1, method: "Runtime.evaluate", params: { expression, awaitPromise: true, returnByValue: true } }),
    });
    return await Promise.race([answer, new Promise((r) => setTimeout(() => r(false), timeoutMs + 2_000))]);
  } catch {
    return false;
  } finally {
    await cdp?.detach().catch(() => {});
  }
}
