/** `i18n.getMessage` over a locale's messages.json, placeholders included, for component tests. */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";

type Messages = Record<string, { message: string; placeholders?: Record<string, { content: string }> }>;

export function loadMessages(locale: string): Messages {
  const root = resolve(import.meta.dirname, "../..");
  return JSON.parse(readFileSync(join(root, "public/_locales", locale, "messages.json"), "utf8")) as Messages;
}

/** Like Chrome: `$NAME$` becomes its placeholder's content, then `$1`... the substitutions; unknown keys give "". */
export function translator(locale = "en") {
  const messages = loadMessages(locale);
  return (key: string, substitutions: string[] = []): string => {
    const entry = messages[key];
    if (!entry) throw new Error(`no message ${key} in ${locale}`);
    const named = entry.message.replace(/\$([A-Za-z0-9_@]+)\$/g, (_, name: string) => entry.placeholders?.[name.toLowerCase()]?.content ?? "");
    return named.replace(/\$(\d)/g, (_, n: string) => substitutions[Number(n) - 1] ?? "");
  };
}
