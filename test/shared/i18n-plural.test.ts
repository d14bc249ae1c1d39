import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pluralKey, tPlural } from "../../src/shared/i18n";
import { loadMessages, translator } from "../popup/i18n";

describe("plural forms", () => {
  it("English: one for 1, other for 0, 2 and more", () => {
    const en = translator("en");
    expect([0, 1, 2, 21].map((n) => tPlural("popupSocketCount", n, [], en, "en"))).toEqual([
      "0 sockets in this tab",
      "1 socket in this tab",
      "2 sockets in this tab",
      "21 sockets in this tab",
    ]);
    expect(tPlural("optionsProblems", 1, [], en, "en-GB")).toBe("1 problem: fix it to save (shown beside its field).");
    expect(tPlural("optionsProblems", 2, [], en, "en")).toBe("2 problems: fix them to save (shown beside their fields).");
  });

  it("Chinese has no plural forms: every count takes the other form", () => {
    const zh = translator("zh_CN");
    for (const lang of ["zh-CN", "zh_CN", "zh"]) expect([0, 1, 2].map((n) => pluralKey("popupSocketCount", n, lang))).toEqual(Array(3).fill("popupSocketCountOther"));
    expect([0, 1, 2].map((n) => tPlural("popupSocketCount", n, [], zh, "zh-CN"))).toEqual([
      "此标签页中有 0 个 WebSocket",
      "此标签页中有 1 个 WebSocket",
      "此标签页中有 2 个 WebSocket",
    ]);
  });

  it("without a language, follows the browser's (English without the extension API)", () => {
    expect(pluralKey("popupSocketCount", 1)).toBe("popupSocketCountOne");
    expect(pluralKey("popupSocketCount", 0)).toBe("popupSocketCountOther");
  });

  it("every plural the code asks for has both forms in every locale, with the count as $1", () => {
    const root = resolve(import.meta.dirname, "../..");
    const code = ["src/popup/SocketCount.tsx", "src/options/OptionsPage.tsx"].map((f) => readFileSync(resolve(root, f), "utf8")).join("\n");
    const bases = [...code.matchAll(/(?:tPlural|pluralKey)\("([A-Za-z]+)"/g)].map((m) => m[1]!);
    expect(bases.sort()).toEqual(["optionsProblems", "popupSocketCount"]);
    for (const locale of ["en", "zh_CN"]) {
      const messages = loadMessages(locale);
      for (const key of bases.flatMap((b) => [`${b}One`, `${b}Other`])) {
        expect(Object.values(messages[key]?.placeholders ?? {})[0]?.content, `${locale}: ${key}`).toBe("$1");
      }
    }
  });
});
