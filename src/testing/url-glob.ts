/**
 * Which sockets a command is for: the same globs as rules (`*` = any run of characters, the whole URL
 * must match), matched by the page world's own function, so a glob means here what it means in a rule.
 */
import { globError, matchGlob } from "../shared/settings";

/** Whether `url` fits `glob`; no glob fits every URL. Throws a TypeError on a glob a rule could not use. */
export function urlMatches(glob: string | undefined, url: string): boolean {
  if (glob === undefined) return true;
  const problem = globError(glob);
  if (problem) throw new TypeError(`Not a usable URL glob ${JSON.stringify(glob)}: ${problem}`);
  return matchGlob(glob.replace(/\*+/g, "*"), url);
}
