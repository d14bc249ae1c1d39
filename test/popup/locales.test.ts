import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { formatMessage, t } from "../../src/shared/i18n";
import { loadMessages, translator } from "./i18n";

const LOCALES = ["en", "zh_CN"];
const ROOT = resolve(import.meta.dirname, "../..");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

describe("locales", () => {
  it("every locale has the same message keys", () => {
    const [first, ...rest] = LOCALES.map((l) => Object.keys(loadMessages(l)).sort());
    for (const keys of rest) expect(keys).toEqual(first);
  });

  it("every message of every locale is written, with the placeholders English declares, each one used", () => {
    const en = loadMessages("en");
    for (const locale of LOCALES) {
      const messages = loadMessages(locale);
      for (const key of Object.keys(en)) {
        const text = messages[key]?.message;
        expect(text, `${locale}: ${key}`).toBeTruthy();
        expect(Object.keys(messages[key]?.placeholders ?? {}), `${locale}: ${key}`).toEqual(Object.keys(en[key]?.placeholders ?? {}));
        const used = [...text!.matchAll(/\$([A-Za-z0-9_@]+)\$/g)].map(([, name]) => name!.toLowerCase());
        // Every named placeholder the text uses is declared, and every declared one appears.
        expect(new Set(used), `${locale}: ${key}`).toEqual(new Set(Object.keys(messages[key]?.placeholders ?? {})));
        // A lone `$` would be read as the start of a placeholder by the browser.
        expect(text!.replace(/\$([A-Za-z0-9_@]+)\$|\$\$/g, ""), `${locale}: ${key}`).not.toContain("$");
      }
    }
  });

  it("the Chinese locale is translated, not copied", () => {
    const en = loadMessages("en");
    const zh = loadMessages("zh_CN");
    const same = Object.keys(en).filter((k) => en[k]!.message === zh[k]!.message);
    // Only words that are the same in both (a column named URL).
    expect(same).toEqual(["panelColUrl"]);
    // A message of placeholders and punctuation alone ("$LABEL$, $DETAIL$") has no words to translate, only its punctuation.
    const wordsOf = (m: string) => m.replace(/\$[A-Z_]+\$/g, "");
    for (const k of Object.keys(zh).filter((k) => k !== "panelColUrl" && /\p{L}/u.test(wordsOf(en[k]!.message)))) expect(zh[k]!.message, k).toMatch(/[\u4e00-\u9fff]/);
  });

  it("every message is used by the manifest or the code", () => {
    const code = [readFileSync(join(ROOT, "manifest.json"), "utf8"), ...sources(join(ROOT, "src")).map((f) => readFileSync(f, "utf8"))].join("\n");
    // A plural pair `XOne` / `XOther` is used through its base: `tPlural("X", n)`, `pluralKey("X", n)`.
    const base = (key: string) => key.replace(/(One|Other)$/, "");
    const unused = Object.keys(loadMessages("en")).filter(
      (key) => !code.includes(`"${key}"`) && !code.includes(`__MSG_${key}__`) && !(base(key) !== key && code.includes(`"${base(key)}"`)),
    );
    expect(unused).toEqual([]);
  });

  it("substitutions land in both languages", () => {
    for (const locale of LOCALES) {
      expect(translator(locale)("popupProtectedBy", ["2", "wss://a.test/*"])).toMatch(/2.*wss:\/\/a\.test\/\*/);
      expect(translator(locale)("panelFrameCountFiltered", ["3", "10"])).toMatch(/3.*10/);
    }
  });

  it("without an extension API, t() answers in English with the browser's placeholder rules", () => {
    expect(t("panelFrameCountFiltered", ["3", "10"])).toBe("3 of 10 frames");
    expect(t("panelSocketCountOne", ["1"])).toBe("1 socket");
    expect(formatMessage({ message: "$A$ costs $$5", placeholders: { a: { content: "$1" } } }, ["it"])).toBe("it costs $5");
  });

  it("with an extension API, t() asks it and passes the substitutions", () => {
    const calls: unknown[] = [];
    const g = globalThis as { chrome?: unknown };
    const saved = g.chrome;
    g.chrome = { i18n: { getMessage: (key: string, subs?: string[]) => (calls.push([key, subs]), "翻译") } };
    try {
      expect(t("panelTab", ["7"])).toBe("翻译");
      expect(calls).toEqual([["panelTab", ["7"]]]);
    } finally {
      g.chrome = saved;
    }
  });
});
