import { useState } from "preact/hooks";
import { formatJson } from "./draft";
import { validateSettings } from "./validate";
import "./ImportExport.css";
import { t } from "../shared/i18n";
import { jsonErrorPosition } from "./json-position";
import { problemLine, showProblem } from "./problem-text";

export interface ImportExportProps {
  /** The draft, exported as shown; export is offered only while it is valid. */
  value: unknown;
  canExport: boolean;
  /** A file that parsed and validated: it replaces the draft (saved only by Save). */
  onImport(value: unknown, fileName: string): void;
}

/** Files past this are not settings anyone wrote; refused before reading. */
const MAX_FILE_BYTES = 5 * 1024 * 1024;
export const EXPORT_FILE_NAME = "lifeguard-settings.json";

type ImportStatus = { kind: "none" } | { kind: "imported"; name: string } | { kind: "refused"; name: string; errors: string[] };

/** Reads a chosen settings file; a file that is not valid settings changes nothing and says why. */
export async function readSettingsFile(file: File): Promise<{ value: unknown; errors: string[] }> {
  if (file.size > MAX_FILE_BYTES) return { value: undefined, errors: [t("optionsFileTooLarge", [String(MAX_FILE_BYTES)])] };
  let value: unknown;
  const text = await file.text();
  try {
    value = JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const at = jsonErrorPosition(text, message);
    return {
      value: undefined,
      errors: [at ? t("optionsFileNotJsonAt", [String(at.line), String(at.column), message]) : t("optionsFileNotJson", [message])],
    };
  }
  return { value, errors: validateSettings(value).problems.map((p) => problemLine(showProblem(p, "json"))) };
}

export function ImportExport({ value, canExport, onImport }: ImportExportProps) {
  const [status, setStatus] = useState<ImportStatus>({ kind: "none" });

  const exportFile = (): void => {
    const url = URL.createObjectURL(new Blob([`${formatJson(value)}\n`], { type: "application/json" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = EXPORT_FILE_NAME;
    a.click();
    // The download has taken the URL by the next task; a live blob URL would pin the blob until unload.
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  const importFile = async (input: HTMLInputElement): Promise<void> => {
    const file = input.files?.[0];
    // The same file can be chosen again after fixing it.
    input.value = "";
    if (!file) return;
    const { value: imported, errors } = await readSettingsFile(file);
    if (errors.length > 0) {
      setStatus({ kind: "refused", name: file.name, errors });
      return;
    }
    setStatus({ kind: "imported", name: file.name });
    onImport(imported, file.name);
  };

  return (
    <section class="import-export">
      <button type="button" data-testid="export" disabled={!canExport} title={canExport ? "" : t("optionsFixFirst")} onClick={exportFile}>
        {t("optionsExport")}
      </button>
      <label class="import-button">
        {t("optionsImport")}
        <input
          type="file"
          accept="application/json,.json"
          data-testid="import"
          onChange={(e) => void importFile(e.currentTarget)}
        />
      </label>
      {status.kind === "imported" && (
        <span class="import-ok" data-testid="import-status">
          {t("optionsImported", [status.name])}
        </span>
      )}
      {status.kind === "refused" && (
        <div class="import-refused" role="alert" data-testid="import-status">
          {t("optionsImportRefused", [status.name])}
          <ul>
            {status.errors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
