import { Fragment } from "preact";
import type { SettingsProblem } from "../shared/settings";
import { showProblem, type PathStyle } from "./problem-text";
import "./Field.css";
import { tParts } from "../shared/i18n";

/** A JSON path may break after a `.` or before a `[` (`rules[0].heartbeat.<wbr>intervalMs`), not mid-name. */
function Breakable({ text }: { text: string }) {
  return (
    <>
      {text.split(/(?=[.[])/).map((part, i) => (
        <Fragment key={i}>
          {i > 0 && <wbr />}
          {part}
        </Fragment>
      ))}
    </>
  );
}

/** The validator's problems for one place, beside it: in the form as the form numbers rules, by the JSON as JSON paths. */
export function FieldErrors({ errors, style = "form" }: { errors: readonly SettingsProblem[]; style?: PathStyle }) {
  if (errors.length === 0) return null;
  return (
    <ul class="field-errors" role="alert">
      {errors.map((problem, i) => {
        const shown = showProblem(problem, style);
        return (
          <li key={i} class="field-error" data-testid="field-error" data-error-path={shown.path}>
            {tParts("optionsProblemAt", [<Breakable key="w" text={shown.where} />, shown.what])}
          </li>
        );
      })}
    </ul>
  );
}
