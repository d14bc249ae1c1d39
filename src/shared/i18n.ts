/**
 * The extension's own words (panel, options, popup) live in public/_locales/<locale>/messages.json
 * and are read with `i18n.getMessage`, so the browser picks the user's language. Where there is no
 * extension API (component tests under happy-dom, a page opened outside the extension) the English
 * file answers, with the same placeholder rules as the browser. Data — URLs, payloads, close reasons —
 * is never a message: it goes in as a substitution.
 */
import en from "../../public/_locales/en/messages.json";

export type MessageKey = keyof typeof en;

export type Translate = (key: MessageKey, substitutions?: string[]) => string;

interface Entry {
  message: string;
  placeholders?: Record<string, { content: string }>;
}

interface I18nApi {
  getMessage(key: string, substitutions?: string[]): string;
}

/** Chrome's and Firefox's rules: `$NAME$` becomes its placeholder's content, then `$1`..`$9` the substitutions, `$$` a dollar. */
export function formatMessage(entry: Entry, substitutions: readonly string[] = []): string {
  const named = entry.message.replace(/\$([A-Za-z0-9_@]+)\$/g, (_, name: string) => entry.placeholders?.[name.toLowerCase()]?.content ?? "");
  return named.replace(/\$(\$|\d)/g, (_, n: string) => (n === "$" ? "$" : (substitutions[Number(n) - 1] ?? "")));
}

function extensionI18n(): I18nApi | undefined {
  const api = (globalThis as { chrome?: { i18n?: Partial<I18nApi> } }).chrome?.i18n;
  return typeof api?.getMessage === "function" ? (api as I18nApi) : undefined;
}

/** `getMessage` of the extension, or the English text; never empty for a known key. */
export const t: Translate = (key, substitutions) => {
  const text = extensionI18n()?.getMessage(key, substitutions);
  return text || formatMessage((en as Record<string, Entry>)[key]!, substitutions);
};

/** The UI language the browser chose (for `<html lang>`), English without the extension API. */
export function uiLanguage(): string {
  const api = (globalThis as { chrome?: { i18n?: { getUILanguage?(): string } } }).chrome?.i18n;
  return api?.getUILanguage?.() ?? "en";
}

/**
 * A message with elements inside it (a `<code>`, a link): substitution `$n` becomes `parts[n-1]`, so a
 * translation may move them wherever its grammar wants.
 */
export function tParts<T>(key: MessageKey, parts: T[], translate: Translate = t): (string | T)[] {
  const marks = parts.map((_, i) => `\uE000${i}\uE000`);
  return translate(key, marks)
    .split(/\uE000(\d+)\uE000/)
    .map((piece, i) => (i % 2 === 1 ? parts[Number(piece)]! : piece))
    .filter((piece) => piece !== "");
}

/** `X` for every pair of messages `XOne` / `XOther`: a phrase whose noun follows a count. */
export type PluralBase = {
  [K in MessageKey]: K extends `${infer B}One` ? (`${B}Other` extends MessageKey ? B : never) : never;
}[MessageKey];

/**
 * The message for `count` of `base` in `language` (CLDR's rules through `Intl.PluralRules`): `XOne`
 * where the language says "one" (English 1, not 0 or 2), `XOther` otherwise (every count in Chinese,
 * which has no plural forms). `i18n.getMessage` has no plural rules of its own; two messages cover
 * the languages Lifeguard ships, and a language with more forms reads well enough with "other".
 */
export function pluralKey(base: PluralBase, count: number, language: string = uiLanguage()): MessageKey {
  let category: Intl.LDMLPluralRule;
  try {
    category = new Intl.PluralRules(language).select(count);
  } catch {
    // A language tag Intl does not take (getUILanguage gives `zh_CN`-style tags in some builds).
    category = new Intl.PluralRules(language.replace(/_/g, "-")).select(count);
  }
  return category === "one" ? `${base}One` : `${base}Other`;
}

/** `t` of the count's form: `tPlural("popupSocketCount", 2)` is "2 sockets in this tab"; the count is `$1`. */
export function tPlural(base: PluralBase, count: number, more: string[] = [], translate: Translate = t, language?: string): string {
  return translate(pluralKey(base, count, language), [String(count), ...more]);
}
