import { useEffect, useState } from "preact/hooks";
import type { FrameRecord } from "../shared/protocol";
import type { MockSpec } from "../shared/frame-rule-types";
import { buildMock } from "../shared/mock-from-har";
import { isJsonPath, problemText } from "../shared/settings";
import { validateMocks } from "../shared/mock-validate";
import type { SocketView } from "./model";
import type { StoredValue } from "./stored-value";
import { putMock } from "./mock-list";
import { clip } from "./format";
import { t } from "../shared/i18n";
import "./MockFromRecording.css";

export interface MockFromRecordingProps {
  /** The selected imported socket. */
  socket: SocketView;
  /** Its recorded frames, in order. */
  frames(): readonly FrameRecord[];
  /** The subprotocol it negotiated ("" when none or not known). */
  protocol: string;
  /** When it opened (ms since the epoch): recorded gaps count from there. */
  openedAt: number;
  /** The `mocks` key of `storage.local`. */
  store: StoredValue;
  reloadPage?: () => void;
}

interface Served {
  match: string;
  frames: number;
  replaced: boolean;
  /** Frames recorded in part, and frames past the mock's bounds: left out. */
  truncated: number;
  overLimit: number;
}

let ids = 0;

/**
 * "Serve as mock" on a socket read from a HAR file: its recorded conversation stands in for the server
 * on sockets to that URL (the page world replays it, src/shared/mock-player.ts). The user picks how the
 * page's frames release the recorded answers (in order, or by a JSON path such as `$.id`) and whether
 * the recorded gaps are kept; the mock replaces one serving the same URL. Sockets use it from their
 * next connection: the page is reloaded for that.
 */
export function MockFromRecording({ socket, frames, protocol, openedAt, store, reloadPage }: MockFromRecordingProps) {
  const [id] = useState(() => `mock-${++ids}`);
  const [by, setBy] = useState<"order" | "path">("order");
  const [path, setPath] = useState("$.id");
  const [timing, setTiming] = useState<MockSpec["timing"]>("recorded");
  const [served, setServed] = useState<Served | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setServed(null);
    setError(null);
  }, [socket.id]);

  const usable = /^wss?:\/\//i.test(socket.url);
  const pathOk = by === "order" || isJsonPath(path);

  const serve = (): void => {
    setError(null);
    setServed(null);
    if (!pathOk) return setError(t("panelMockBadPath"));
    const built = buildMock(socket.url, protocol, frames(), {
      replay: by === "order" ? { by: "order" } : { by: "path", path },
      timing,
      openedAt,
      // Bounded: the mocks' validation refuses a long one, and with it the whole mock.
      source: clip(socket.frameUrl, 200),
    });
    if (built.mock.frames.length === 0) return setError(t("panelMockNothing"));
    // What the relay would refuse is named here rather than stored to do nothing.
    const refused = validateMocks([built.mock]).problems[0];
    if (refused) return setError(t("panelMockSaveFailed", [problemText(refused)]));
    void (async () => {
      try {
        const put = putMock(await store.load(), built.mock);
        if ("full" in put) return setError(t("panelMockFull"));
        await store.save(put.mocks);
        setServed({ match: built.mock.match, frames: built.mock.frames.length, replaced: put.replaced, truncated: built.truncated, overLimit: built.overLimit });
      } catch (e) {
        setError(t("panelMockSaveFailed", [e instanceof Error ? e.message : String(e)]));
      }
    })();
  };

  const f = (name: string) => `${id}-${name}`;
  return (
    <form
      class="mock-from-recording"
      data-testid="mock-from-recording"
      aria-label={t("panelMockGroup")}
      onSubmit={(e) => {
        e.preventDefault();
        serve();
      }}
    >
      <div class="mock-line">
        <fieldset class="mock-choice">
          <legend>{t("panelMockReplay")}</legend>
          <label>
            <input type="radio" name={f("by")} data-testid="mock-by-order" checked={by === "order"} onChange={() => setBy("order")} />
            {t("panelMockByOrder")}
          </label>
          <label>
            <input type="radio" name={f("by")} data-testid="mock-by-path" checked={by === "path"} onChange={() => setBy("path")} />
            {t("panelMockByPath")}
          </label>
          <input
            class="mock-path"
            data-testid="mock-path"
            aria-label={t("panelMockPathLabel")}
            value={path}
            disabled={by !== "path"}
            spellcheck={false}
            aria-invalid={!pathOk}
            onInput={(e) => setPath(e.currentTarget.value)}
          />
        </fieldset>
        <fieldset class="mock-choice">
          <legend>{t("panelMockTiming")}</legend>
          <label>
            <input type="radio" name={f("timing")} data-testid="mock-timing-recorded" checked={timing === "recorded"} onChange={() => setTiming("recorded")} />
            {t("panelMockTimingRecorded")}
          </label>
          <label>
            <input type="radio" name={f("timing")} data-testid="mock-timing-fast" checked={timing === "fast"} onChange={() => setTiming("fast")} />
            {t("panelMockTimingFast")}
          </label>
        </fieldset>
        <button type="submit" class="mock-primary" data-testid="mock-serve" disabled={!usable} title={usable ? t("panelMockServeTitle") : t("panelMockNotSocket")}>
          {t("panelMockServe")}
        </button>
      </div>
      {served && (
        <p class="mock-line mock-done" role="status" data-testid="mock-served">
          <span>
            {t(served.replaced ? "panelMockReplaced" : "panelMockServing", [clip(served.match, 120), String(served.frames)])}{" "}
            {served.truncated + served.overLimit > 0 && t("panelMockLeftOut", [String(served.truncated + served.overLimit)])}
          </span>
          <span>{t("panelMockReload")}</span>
          {reloadPage && (
            <button type="button" data-testid="mock-reload" onClick={reloadPage}>
              {t("panelReloadPage")}
            </button>
          )}
        </p>
      )}
      {error && (
        <p class="mock-error" role="alert" data-testid="mock-error">
          {error}
        </p>
      )}
    </form>
  );
}
