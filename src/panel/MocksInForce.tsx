import { useEffect, useState } from "preact/hooks";
import type { StoredValue } from "./stored-value";
import { mocksInForce, removeMock, type MockInForce } from "./mock-list";
import { clip } from "./format";
import { t } from "../shared/i18n";
import "./MocksInForce.css";

export interface MocksInForceProps {
  /** The `mocks` key of `storage.local`: read when shown, and on every change from elsewhere. */
  store: StoredValue;
  reloadPage?: () => void;
}

/**
 * The mocks serving sockets of this browser (they are stored, so they last until stopped), each with
 * Stop. Nothing when there is none.
 */
export function MocksInForce({ store, reloadPage }: MocksInForceProps) {
  const [mocks, setMocks] = useState<MockInForce[]>([]);
  const [stopped, setStopped] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const take = (raw: unknown): void => {
      if (live) setMocks(mocksInForce(raw));
    };
    const unwatch = store.watch(take);
    store.load().then(take, (e: unknown) => live && setError(t("panelMockSaveFailed", [String(e)])));
    return () => {
      live = false;
      unwatch();
    };
  }, [store]);

  const stop = (match: string): void => {
    setError(null);
    void (async () => {
      try {
        const next = removeMock(await store.load(), match);
        await store.save(next);
        setMocks(mocksInForce(next));
        setStopped(true);
      } catch (e) {
        setError(t("panelMockSaveFailed", [e instanceof Error ? e.message : String(e)]));
      }
    })();
  };

  if (mocks.length === 0 && !stopped && !error) return null;
  return (
    <section class="mocks-in-force" aria-label={t("panelMocksInForce")} data-testid="mocks-in-force">
      <ul class="mocks-list">
        {mocks.map((m) => (
          <li key={m.match} class="mocks-line" data-testid="mock-in-force" data-match={m.match}>
            <span class="mocks-glyph" aria-hidden="true">
              ◇
            </span>
            <span class="mocks-match" title={clip(m.match, 4096)}>
              {t("panelMockInForce", [clip(m.match, 120), String(m.frames), m.replay === "order" ? t("panelMockByOrder") : m.replay, m.timing === "fast" ? t("panelMockTimingFast") : t("panelMockTimingRecorded")])}
            </span>
            <button type="button" data-testid="mock-stop" aria-label={t("panelMockStopLabel", [clip(m.match, 120)])} onClick={() => stop(m.match)}>
              {t("panelMockStop")}
            </button>
          </li>
        ))}
      </ul>
      {stopped && (
        <p class="mocks-line" role="status" data-testid="mock-stopped">
          <span>{t("panelMockStopped")}</span>
          {reloadPage && (
            <button type="button" onClick={reloadPage}>
              {t("panelReloadPage")}
            </button>
          )}
        </p>
      )}
      {error && (
        <p class="mocks-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
