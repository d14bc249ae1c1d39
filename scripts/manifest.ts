import source from "../manifest.json" with { type: "json" };

export type Target = "chrome" | "firefox";

type Manifest = typeof source & Record<string, unknown>;

/**
 * The Chrome and Firefox variants of the one source manifest. Chrome: a service worker, no gecko
 * settings. Firefox: background scripts (it has no extension service workers), the gecko id and
 * data-collection declaration; `match_origin_as_fallback` is kept (Firefox 128+ knows it).
 */
export function manifestFor(target: Target): Record<string, unknown> {
  const m = structuredClone(source) as Manifest;
  if (target === "chrome") {
    const { scripts: _scripts, ...background } = m.background;
    delete (m as Record<string, unknown>).browser_specific_settings;
    return { ...m, background } as unknown as Record<string, unknown>;
  }
  const { service_worker: _sw, ...background } = m.background;
  return { ...m, background } as unknown as Record<string, unknown>;
}
