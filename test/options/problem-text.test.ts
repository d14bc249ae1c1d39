import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { PROBLEM_TEXT, phraseText, validateSettings, type ProblemCode } from "../../src/shared/settings";
import { PROBLEM_KEYS, formWhere, jsonWhere, problemLine, problemWhat, showProblem } from "../../src/options/problem-text";
import { formatMessage } from "../../src/shared/i18n";
import { loadMessages, translator } from "../popup/i18n";

const CODES = Object.keys(PROBLEM_TEXT) as ProblemCode[];
const MARKS = ["‹1›", "‹2›", "‹3›"];

describe("the validator's messages in every locale (convention)", () => {
  it("every code the validator uses is a message key of both locales, and English says exactly what the validator says", () => {
    const en = loadMessages("en");
    const zh = loadMessages("zh_CN");
    expect(Object.keys(PROBLEM_KEYS).sort()).toEqual([...CODES].sort());
    for (const code of CODES) {
      const key = PROBLEM_KEYS[code];
      expect(en[key], key).toBeDefined();
      expect(zh[key], key).toBeDefined();
      expect(formatMessage(en[key]!, MARKS), key).toBe(phraseText({ code, subs: MARKS }));
      // The translation keeps every substitution.
      const arity = (PROBLEM_TEXT[code].match(/\$\d/g) ?? []).length;
      for (const mark of MARKS.slice(0, arity)) expect(formatMessage(zh[key]!, MARKS), key).toContain(mark);
    }
  });

  it("every code of the table is one the validator can say (no dead messages)", () => {
    const validators = ["settings.ts", "settings-problems.ts", "glob.ts", "frame-rules-validate.ts", "regex-shape.ts", "mock-validate.ts"];
    // PROBLEM_TEXT's own keys are not quoted: a quoted code is one a validator says.
    const source = validators.map((f) => readFileSync(resolve(import.meta.dirname, "../../src/shared", f), "utf8")).join("\n");
    for (const code of CODES) expect(source.includes(`"${code}"`), code).toBe(true);
  });
});

describe("problems as the user sees them", () => {
  const zh = translator("zh_CN");

  it("in Chinese, nested phrases included", () => {
    const { problems } = validateSettings({ rules: [{ match: "*", heartbeat: { message: [] } }, 5], colour: 1, enabled: "x".repeat(41) });
    expect(problems.map((p) => problemLine(showProblem(p, "json", zh), zh))).toEqual([
      "rules[0].heartbeat.message（规则 1）：应为字符串，实际为 一个数组",
      "rules[1]（规则 2）：应为对象，实际为 5；此规则已丢弃",
      "colour：未知的键",
      "enabled：应为 true 或 false，实际为 长度为 41 的字符串",
    ]);
    expect(problemWhat(validateSettings(7).problems[0]!, zh)).toBe("应为对象，实际为 7");
    expect(jsonWhere([], zh)).toBe("（根）");
  });

  it("the form counts rules and list items from 1; the JSON view keeps the path and names the rule", () => {
    expect(formWhere(["rules", 0, "heartbeat", "intervalMs"])).toBe("Rule 1 › heartbeat › intervalMs");
    expect(formWhere(["rules", 2, "reconnect", "stopOnCodes", 1])).toBe("Rule 3 › reconnect › stopOnCodes › item 2");
    expect(formWhere(["rules"])).toBe("rules");
    expect(formWhere(["record", "maxPreviewBytes"])).toBe("record › maxPreviewBytes");
    expect(formWhere(["rules", 0, "heartbeat", "intervalMs"], zh)).toBe("规则 1 › heartbeat › intervalMs");
    expect(jsonWhere(["rules", 0, "heartbeat", "intervalMs"])).toBe("rules[0].heartbeat.intervalMs (rule 1)");
    expect(jsonWhere(["enabled"])).toBe("enabled");
    expect(jsonWhere([])).toBe("(root)");
  });
});
