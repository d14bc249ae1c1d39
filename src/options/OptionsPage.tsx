import { useEffect, useRef, useState } from "preact/hooks";
import type { SettingsStore } from "./settings-store";
import { validateSettings } from "./validate";
import "./OptionsPage.css";

export interface OptionsPageProps {
  store: SettingsStore;
}

type Status =
  | { kind: "loading" }
  | { kind: "idle" }
  | { kind: "saved" }
  | { kind: "parse-error"; message: string }
  | { kind: "invalid"; errors: string[] }
  | { kind: "save-failed"; message: string };

const format = (value: unknown): string => JSON.stringify(value ?? {}, null, 2);

/** The stored settings as JSON text: edit, check, save; changes made elsewhere show up here. */
export function OptionsPage({ store }: OptionsPageProps) {
  const [text, setText] = useState("");
  const [status, setStatus] = useState<Status>({ kind: "loading" });
  const [storedProblems, setStoredProblems] = useState<string[]>([]);
  /** A value saved elsewhere while the user had unsaved edits here: offered, never forced. */
  const [incoming, setIncoming] = useState<{ value: unknown } | null>(null);
  const dirty = useRef(false);

  const show = (value: unknown): void => {
    dirty.current = false;
    setText(format(value));
    setIncoming(null);
    setStoredProblems(value === undefined ? [] : validateSettings(value).errors);
  };

  useEffect(() => {
    let live = true;
    const unwatch = store.watch((value) => {
      if (!live) return;
      if (dirty.current) setIncoming({ value });
      else show(value);
    });
    store.load().then(
      (value) => {
        if (!live) return;
        show(value);
        setStatus({ kind: "idle" });
      },
      (err: unknown) => live && setStatus({ kind: "save-failed", message: `Could not read settings: ${String(err)}` }),
    );
    return () => {
      live = false;
      unwatch();
    };
  }, [store]);

  const save = async (): Promise<void> => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      setStatus({ kind: "parse-error", message: err instanceof Error ? err.message : String(err) });
      return;
    }
    const { errors } = validateSettings(parsed);
    if (errors.length > 0) {
      setStatus({ kind: "invalid", errors });
      return;
    }
    try {
      await store.save(parsed);
    } catch (err) {
      setStatus({ kind: "save-failed", message: String(err) });
      return;
    }
    dirty.current = false;
    setIncoming(null);
    setStoredProblems([]);
    setStatus({ kind: "saved" });
  };

  return (
    <main class="options">
      <h1>Lifeguard settings</h1>
      <p class="options-hint">
        Stored in <code>storage.local</code> under <code>settings</code>. Every field is optional; a socket matches
        the first rule whose <code>match</code> glob fits its URL, and sockets no rule matches are only inspected.
      </p>
      {storedProblems.length > 0 && (
        <div class="options-warning" data-testid="stored-problems">
          The stored settings have problems; the fields named here take their defaults:
          <ul>
            {storedProblems.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        </div>
      )}
      {incoming && (
        <div class="options-warning" role="status" data-testid="changed-elsewhere">
          The settings were changed elsewhere while you were editing.{" "}
          <button type="button" onClick={() => show(incoming.value)}>
            Load them (discards your edits)
          </button>
        </div>
      )}
      <textarea
        class="options-editor"
        data-testid="settings-json"
        spellcheck={false}
        disabled={status.kind === "loading"}
        value={text}
        onInput={(e) => {
          dirty.current = true;
          setText(e.currentTarget.value);
          if (status.kind !== "idle") setStatus({ kind: "idle" });
        }}
      />
      <div class="options-actions">
        <button type="button" data-testid="save" disabled={status.kind === "loading"} onClick={() => void save()}>
          Save
        </button>
        <StatusLine status={status} />
      </div>
    </main>
  );
}

function StatusLine({ status }: { status: Status }) {
  switch (status.kind) {
    case "saved":
      return <span class="options-ok" data-testid="status">Saved.</span>;
    case "parse-error":
      return (
        <span class="options-error" role="alert" data-testid="status">
          Not valid JSON, nothing saved: {status.message}
        </span>
      );
    case "invalid":
      return (
        <div class="options-error" role="alert" data-testid="status">
          Nothing saved; fix these first:
          <ul>
            {status.errors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        </div>
      );
    case "save-failed":
      return (
        <span class="options-error" role="alert" data-testid="status">
          {status.message}
        </span>
      );
    default:
      return null;
  }
}

