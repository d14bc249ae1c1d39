// JavaScript with a declaration file beside it (manifest.d.mts) so that vite.config.ts can import it
// with its extension: Vite's native config loader (its planned default) cannot resolve an import
// without one, and warns about it on every build.
import source from "../manifest.json" with { type: "json" };

/**
 * The Chrome and Firefox variants of the one source manifest. Chrome: a service worker, no gecko
 * settings. Firefox: background scripts (it has no extension service workers), the gecko id and
 * data-collection declaration; `match_origin_as_fallback` is kept (Firefox 128+ knows it).
 */
export function manifestFor(target) {
  const m = structuredClone(source);
  if (target === "chrome") {
    const { scripts: _scripts, ...background } = m.background;
    delete m.browser_specific_settings;
    return { ...m, background };
  }
  const { service_worker: _sw, ...background } = m.background;
  return { ...m, background };
}
