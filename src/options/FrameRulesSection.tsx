import type { SettingsProblem } from "../shared/settings";
import type { Path } from "./draft";
import { FieldErrors } from "./FieldErrors";
import { FrameRuleRow, frameRulePaths } from "./FrameRuleRow";
import { t } from "../shared/i18n";

export interface FrameRulesSectionProps {
  frameRules: unknown;
  errorsOf(path: string): readonly SettingsProblem[];
  edit(path: Path, value: unknown): void;
}

/** A new rule: every field the validator needs is there but the glob, which the user types first. */
const NEW_RULE = { match: "", direction: "in", action: "drop" };

/** `frameRules` as a list of rows, in order (first match wins), with add, move and remove. */
export function FrameRulesSection({ frameRules, errorsOf, edit }: FrameRulesSectionProps) {
  const set = (next: unknown[]): void => edit(["frameRules"], next.length === 0 ? undefined : next);
  return (
    <>
      <h2>{t("optionsFrameRules")}</h2>
      <p class="form-note">{t("optionsFrameRulesNote")}</p>
      <FieldErrors errors={errorsOf("frameRules")} />
      {frameRules === undefined || Array.isArray(frameRules) ? (
        <>
          {Array.isArray(frameRules) && frameRules.length > 0 && (
            <ol class="rule-list" data-testid="frame-rule-list">
              {frameRules.map((rule: unknown, i) => (
                <FrameRuleRow
                  key={i}
                  index={i}
                  count={frameRules.length}
                  rule={rule}
                  errorsOf={errorsOf}
                  edit={edit}
                  move={(from, to) => {
                    const next = [...frameRules];
                    [next[from], next[to]] = [next[to], next[from]];
                    set(next);
                  }}
                  remove={(index) => set(frameRules.filter((_, j) => j !== index))}
                />
              ))}
            </ol>
          )}
          <button type="button" data-testid="add-frame-rule" onClick={() => set([...((frameRules as unknown[] | undefined) ?? []), { ...NEW_RULE }])}>
            {t("optionsAddFrameRule")}
          </button>
        </>
      ) : (
        <p class="form-note">{t("optionsFrameRulesNotAList")}</p>
      )}
    </>
  );
}

/** Every path the section shows a message beside. */
export function frameRulesPaths(frameRules: unknown): string[] {
  const paths = ["frameRules"];
  if (Array.isArray(frameRules)) frameRules.forEach((rule: unknown, i) => paths.push(...frameRulePaths(i, rule)));
  return paths;
}
