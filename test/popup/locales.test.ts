import { describe, expect, it } from "vitest";
import { POPUP_MESSAGES } from "../../src/popup/messages";
import { loadMessages, translator } from "./i18n";

const LOCALES = ["en", "zh_CN"];

describe("locales", () => {
  it("every locale has the same message keys", () => {
    const [first, ...rest] = LOCALES.map((l) => Object.keys(loadMessages(l)).sort());
    for (const keys of rest) expect(keys).toEqual(first);
  });

  it("every locale defines every popup message, with the same placeholders", () => {
    const en = loadMessages("en");
    for (const locale of LOCALES) {
      const messages = loadMessages(locale);
      for (const key of POPUP_MESSAGES) {
        expect(messages[key]?.message, `${locale}: ${key}`).toBeTruthy();
        expect(Object.keys(messages[key]?.placeholders ?? {}), `${locale}: ${key}`).toEqual(Object.keys(en[key]?.placeholders ?? {}));
        // Every named placeholder the text uses is declared.
        for (const [, name] of messages[key]!.message.matchAll(/\$([A-Za-z0-9_@]+)\$/g)) {
          expect(messages[key]!.placeholders, `${locale}: ${key} uses $${name}$`).toHaveProperty(name!.toLowerCase());
        }
      }
    }
  });

  it("substitutions land in both languages", () => {
    for (const locale of LOCALES) {
      expect(translator(locale)("popupProtectedBy", ["2", "wss://a.test/*"])).toMatch(/2.*wss:\/\/a\.test\/\*/);
    }
  });
});
