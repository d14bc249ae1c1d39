import { useState } from "preact/hooks";
import { testRule } from "../shared/rules";
import { isRecord } from "./draft";
import "./RuleTester.css";
import { t } from "../shared/i18n";

export interface RuleTesterProps {
  /** The draft's `rules`, as typed (not yet saved). */
  rules: unknown;
}

interface Verdict {
  matches: boolean;
  why: string;
}

function verdicts(rules: unknown, url: string): Verdict[] {
  if (!Array.isArray(rules)) return [];
  return rules.map((rule: unknown) =>
    isRecord(rule) ? testRule({ match: rule.match as string }, url) : { matches: false, why: "not a rule object" },
  );
}

/** "Which rule wins for this socket URL, and why": the draft's rules, judged the way the page world matches. */
export function RuleTester({ rules }: RuleTesterProps) {
  const [url, setUrl] = useState("");
  const results = url === "" ? [] : verdicts(rules, url);
  const winner = results.findIndex((r) => r.matches);
  return (
    <section class="rule-tester">
      <h2>{t("optionsTestTitle")}</h2>
      <input
        type="url"
        class="field-input"
        data-testid="test-url"
        aria-label={t("optionsTestUrl")}
        placeholder="wss://chat.example.com/socket"
        spellcheck={false}
        value={url}
        onInput={(e) => setUrl(e.currentTarget.value.trim())}
      />
      {url !== "" && (
        <div class="rule-tester-result" data-testid="test-result" data-winner={winner}>
          {!/^wss?:\/\//i.test(url) && <p class="rule-tester-hint">{t("optionsTestScheme")}</p>}
          <p class={winner >= 0 ? "rule-tester-verdict rule-tester-protected" : "rule-tester-verdict"}>
            {winner >= 0
              ? t("optionsTestWins", [String(winner + 1)])
              : results.length === 0
                ? t("optionsTestNoRules")
                : t("optionsTestNoMatch")}
          </p>
          <ol class="rule-tester-list">
            {results.map((r, i) => (
              <li key={i} class={i === winner ? "rule-tester-winner" : i > winner && winner >= 0 ? "rule-tester-after" : ""}>
                {r.matches ? "✓" : "✗"} {r.why}
                {i > winner && winner >= 0 && r.matches ? t("optionsTestAlso") : ""}
              </li>
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}
