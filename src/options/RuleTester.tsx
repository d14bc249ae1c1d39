import { useState } from "preact/hooks";
import { ruleVerdict, type RuleVerdict } from "./rule-verdict";
import { socketUrl, type SocketUrl } from "./socket-url";
import "./RuleTester.css";
import { t, type MessageKey } from "../shared/i18n";

export interface RuleTesterProps {
  /** The draft's `rules`, as typed (not yet saved). */
  rules: unknown;
}

function verdicts(rules: unknown, url: string): RuleVerdict[] {
  return Array.isArray(rules) ? rules.map((rule: unknown) => ruleVerdict(rule, url)) : [];
}

const REFUSED: Record<Exclude<SocketUrl, { ok: true }>["why"], MessageKey> = {
  notAbsolute: "optionsTestNotAbsolute",
  scheme: "optionsTestScheme",
  fragment: "optionsTestFragment",
};

/**
 * "Which rule wins for this socket URL, and why": the draft's rules, judged the way the page world
 * matches, against the URL as `new WebSocket()` would make it (the page world sees the socket's `url`).
 */
export function RuleTester({ rules }: RuleTesterProps) {
  const [text, setText] = useState("");
  const url = text === "" ? null : socketUrl(text);
  const results = url?.ok ? verdicts(rules, url.url) : [];
  const winner = results.findIndex((r) => r.matches);
  return (
    <section class="rule-tester">
      <h2>{t("optionsTestTitle")}</h2>
      <label class="field">
        <span class="field-label">{t("optionsTestUrl")}</span>
        <input
          type="url"
          class="field-input"
          data-testid="test-url"
          placeholder="wss://chat.example.com/socket"
          spellcheck={false}
          value={text}
          onInput={(e) => setText(e.currentTarget.value.trim())}
        />
      </label>
      {url !== null && (
        <div class="rule-tester-result" data-testid="test-result" data-winner={url.ok ? winner : ""}>
          {url.ok ? (
            <>
              <p class="rule-tester-tested" data-testid="test-normalised" data-url={url.url}>
                {t("optionsTestTested", [url.url])}
                {url.converted && ` ${t("optionsTestConverted")}`}
              </p>
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
            </>
          ) : (
            <p class="rule-tester-hint" data-testid="test-refused">
              {t(REFUSED[url.why])}
            </p>
          )}
        </div>
      )}
    </section>
  );
}
