import { errorPath } from "./draft";
import "./Field.css";

/** The validator's messages for one place in the form, beside it. */
export function FieldErrors({ errors }: { errors: readonly string[] }) {
  if (errors.length === 0) return null;
  return (
    <ul class="field-errors" role="alert">
      {errors.map((e) => (
        <li key={e} class="field-error" data-testid="field-error" data-path={errorPath(e)}>
          {e}
        </li>
      ))}
    </ul>
  );
}
