import { Fragment } from "preact";
import { errorPath } from "./draft";
import "./Field.css";

/** A message's path may break after a `.` or before a `[` (`rules[0].heartbeat.<wbr>intervalMs`), not mid-name. */
function Breakable({ message }: { message: string }) {
  const path = errorPath(message);
  const parts = path.split(/(?=[.[])/);
  return (
    <>
      {parts.map((part, i) => (
        <Fragment key={i}>
          {i > 0 && <wbr />}
          {part}
        </Fragment>
      ))}
      {message.slice(path.length)}
    </>
  );
}

/** The validator's messages for one place in the form, beside it. */
export function FieldErrors({ errors }: { errors: readonly string[] }) {
  if (errors.length === 0) return null;
  return (
    <ul class="field-errors" role="alert">
      {errors.map((e) => (
        <li key={e} class="field-error" data-testid="field-error" data-error-path={errorPath(e)}>
          <Breakable message={e} />
        </li>
      ))}
    </ul>
  );
}
