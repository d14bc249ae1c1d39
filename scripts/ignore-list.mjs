// Puts Lifeguard's page-world script on DevTools' ignore list, so the Network panel's Initiator
// column (and the console's stack links) point at the page's own `new WebSocket(...)` again instead
// of `index.iife.js:2`.
//
// Why this works: the Initiator cell links the top frame of the initiator stack that is not
// ignore-listed (devtools-frontend: NetworkDataGridNode -> Linkifier.linkifyStackTraceTopFrame ->
// DebuggerWorkspaceBinding's StackTraceTopFrameLocation.updateLocation, which skips frames whose
// source is ignore-listed by the user's rules or by a source map's `x_google_ignoreList`). The
// "Content scripts injected by extensions" rule does not cover this script: it runs in the page's
// MAIN world, so DevTools sees a page script.
//
// Why inline: DevTools loads a content script's source map from the page's context, where a
// chrome-extension:// file that is not web-accessible is refused ("DevTools failed to load source
// map ... net::ERR_BLOCKED_BY_CLIENT"), and making the map web-accessible would let any page detect
// Lifeguard (scripts/build.mjs keeps the page world itself off that list for the same reason).
// A data: URL needs no fetch. Ignore-listing needs no real mappings: one segment at line 1,
// column 1 maps every position of the script (DevTools takes the last mapping at or before a
// position) to one source, which the map ignore-lists. About 400 bytes, no sources shipped.

/** The source map: every position of the script maps to one ignore-listed source. */
export function ignoreListedSourceMap(file) {
  return {
    version: 3,
    file,
    sources: ["lifeguard-page-world.js"],
    sourcesContent: ["// Lifeguard's page-world hook (src/page/), ignore-listed so that DevTools shows the page's own code as a socket's initiator.\n"],
    names: [],
    mappings: "AAAA",
    // `ignoreList` is the name in the source map standard (ECMA-426); DevTools also reads the older one.
    ignoreList: [0],
    x_google_ignoreList: [0],
  };
}

const MAP_COMMENT = /\n?\/\/[#@] sourceMappingURL=\S*\s*$/;

/** `code` ending with the ignore-listed map as an inline `sourceMappingURL` (any earlier one replaced). */
export function withIgnoreListedSourceMap(code, file) {
  const json = JSON.stringify(ignoreListedSourceMap(file));
  const url = `data:application/json;charset=utf-8;base64,${Buffer.from(json).toString("base64")}`;
  return `${code.replace(MAP_COMMENT, "")}\n//# sourceMappingURL=${url}\n`;
}

/** The source map `code` carries inline, parsed; null if none. */
export function inlineSourceMap(code) {
  const url = /\/\/# sourceMappingURL=data:application\/json;[^,]*base64,([A-Za-z0-9+/=]+)\s*$/.exec(code)?.[1];
  return url ? JSON.parse(Buffer.from(url, "base64").toString("utf8")) : null;
}

/** Whether every source of `map` is on its ignore list (both spellings). */
export function ignoresEverySource(map) {
  if (!map || !Array.isArray(map.sources) || map.sources.length === 0) return false;
  return ["ignoreList", "x_google_ignoreList"].every((key) => map.sources.every((_, i) => map[key]?.includes(i)));
}
