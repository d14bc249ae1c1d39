/** Where the built extension is, seen from the testing API's own module. */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { LifeguardNotLoadedError } from "./errors";

/**
 * The built `dist/chrome` (or `dist/firefox`) beside this module: one level up from dist/testing/ in
 * the package, or under dist/ from src/testing/ in this repository.
 */
export function builtExtension(target: "chrome" | "firefox" = "chrome"): string {
  // The URLs are made from a variable: a literal `new URL("...", import.meta.url)` would be taken by
  // the bundler for an asset to copy.
  const candidates = [`../${target}`, `../../dist/${target}`].map((rel) => fileURLToPath(new URL(rel, import.meta.url)));
  const found = candidates.find((dir) => existsSync(`${dir}/manifest.json`));
  if (!found) throw new LifeguardNotLoadedError(`no built extension at ${candidates.join(" or ")}; run npm run build`);
  return found;
}
