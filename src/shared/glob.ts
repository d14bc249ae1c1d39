/**
 * URL globs of rules (protection rules, frame rules, mocks): `*` is any run of characters, the rest is
 * literal, the whole URL must match. Matching is linear in the URL's length, whatever the pattern.
 */
import { phrase, phraseText, describe, type Phrase } from "./settings-problems";

/** Bounds of a usable glob: past them it is a mistake rather than a pattern. */
export const GLOB_LIMITS = { maxGlobLength: 2048, maxGlobStars: 32 } as const;

/**
 * `*` matches any run of characters (including none and including `/`); everything else is literal;
 * the whole URL must match. Throws on a glob that is not a usable rule pattern (see `globError`).
 */
export function globToRegExp(glob: string): RegExp {
  const err = globError(glob);
  if (err) throw new Error(err);
  const body = glob
    .replace(/\*+/g, "*")
    .split("*")
    .map((part) => part.replace(/[\\^$.|?*+()[\]{}/-]/g, "\\$&"))
    .join("[\\s\\S]*");
  return new RegExp(`^${body}$`);
}

/** Why `glob` cannot be a rule's `match`, as a phrase the options page translates; null when it can. */
export function globProblem(glob: unknown): Phrase | null {
  if (typeof glob !== "string") return phrase("expectedGlob", describe(glob));
  if (glob.length === 0) return phrase("emptyGlob");
  if (glob.length > GLOB_LIMITS.maxGlobLength) return phrase("globTooLong", String(GLOB_LIMITS.maxGlobLength));
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(glob)) return phrase("globWhitespace");
  const stars = glob.replace(/\*+/g, "*").split("*").length - 1;
  if (stars > GLOB_LIMITS.maxGlobStars) return phrase("globTooManyStars", String(GLOB_LIMITS.maxGlobStars));
  return null;
}

/** Why `glob` cannot be a rule's `match` (in English), or null when it can. */
export function globError(glob: unknown): string | null {
  const problem = globProblem(glob);
  return problem && phraseText(problem);
}

/**
 * Linear-time glob match (greedy with one backtrack point), used by `findRule` so that a page's long
 * URL cannot make a many-star pattern backtrack for seconds. Agrees with `globToRegExp`.
 */
export function matchGlob(glob: string, text: string): boolean {
  let g = 0;
  let t = 0;
  let starG = -1;
  let starT = 0;
  while (t < text.length) {
    if (g < glob.length && glob[g] === "*") {
      starG = g++;
      starT = t;
    } else if (g < glob.length && glob[g] === text[t]) {
      g++;
      t++;
    } else if (starG >= 0) {
      g = starG + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (g < glob.length && glob[g] === "*") g++;
  return g === glob.length;
}
