import { useEffect, useState } from "preact/hooks";
import { isFaultCommand, isServerCloseCode, type FaultCommand, type FaultTarget } from "../shared/protocol";
import type { SocketView } from "./model";
import { secondsLeft, type ActiveFaults } from "./fault-state";
import { clip } from "./format";
import "./FaultBar.css";
import { t, type MessageKey } from "../shared/i18n";

export interface FaultBarProps {
  /** The selected socket, or null: the whole tab. */
  socket: SocketView | null;
  faults: ActiveFaults;
  onFault(target: FaultTarget, fault: FaultCommand): void;
  now: number;
}

const CLOSE_PRESETS: [number, MessageKey][] = [
  [1000, "panelCloseNormal"],
  [1001, "panelCloseGoingAway"],
  [1011, "panelCloseServerError"],
  [1012, "panelCloseServiceRestart"],
  [1013, "panelCloseTryAgainLater"],
  [4000, "panelCloseApplication"],
];

/** Keyboard shortcuts (Alt+Shift+key), also shown in the buttons' titles. */
export const FAULT_KEYS = { drop: "D", offline: "O", blackhole: "B", reconnect: "R", latency: "L" } as const;

/**
 * Break on purpose: every control acts on the selected socket, or on every socket of the tab when none
 * is selected ("offline" always takes the whole tab, as a network does).
 */
export function FaultBar({ socket, faults, onFault, now }: FaultBarProps) {
  const [code, setCode] = useState("1001");
  const [reason, setReason] = useState("");
  const [offlineSeconds, setOfflineSeconds] = useState("5");
  const [blackholeSeconds, setBlackholeSeconds] = useState("10");
  const [latencyIn, setLatencyIn] = useState("200");
  const [latencyOut, setLatencyOut] = useState("200");
  const [payload, setPayload] = useState("");
  const [encoding, setEncoding] = useState<"text" | "hex" | "base64">("text");
  const [error, setError] = useState<string | null>(null);

  const readOnly = socket !== null && socket.origin !== "live";
  const target: FaultTarget = socket ? { socket: socket.id } : { tab: true };
  const send = (fault: FaultCommand): void => {
    // The page world drops a malformed command: say what is wrong here instead.
    if (!isFaultCommand(fault as unknown)) {
      return setError(fault.kind === "inject" || fault.kind === "send" ? t("panelFaultBadPayload", [fault.encoding]) : t("panelFaultInvalid"));
    }
    setError(null);
    onFault(fault.kind === "offline" ? { tab: true } : target, fault);
  };
  const seconds = (text: string, what: string): number | null => {
    const s = Number(text);
    if (!Number.isFinite(s) || s <= 0 || s > 3600) {
      setError(t("panelFaultBadSeconds", [what]));
      return null;
    }
    return Math.round(s * 1000);
  };
  const millis = (text: string): number | null => {
    const ms = Number(text);
    return Number.isInteger(ms) && ms >= 0 && ms <= 60_000 ? ms : null;
  };

  const actions = {
    drop: () => send({ kind: "drop" }),
    offline: () => {
      const ms = seconds(offlineSeconds, t("panelFaultOffline"));
      if (ms !== null) send({ kind: "offline", durationMs: ms });
    },
    blackhole: () => {
      const ms = seconds(blackholeSeconds, t("panelFaultBlackhole"));
      if (ms !== null) send({ kind: "blackhole", durationMs: ms });
    },
    reconnect: () => send({ kind: "reconnect" }),
    latency: () => {
      const inMs = millis(latencyIn);
      const outMs = millis(latencyOut);
      if (inMs === null || outMs === null) return setError(t("panelFaultBadLatency"));
      send({ kind: "latency", inMs, outMs });
    },
  };

  // Alt+Shift+<key> anywhere in the panel.
  useEffect(() => {
    if (readOnly) return;
    const onKey = (e: KeyboardEvent): void => {
      if (!e.altKey || !e.shiftKey || e.ctrlKey || e.metaKey) return;
      const entry = Object.entries(FAULT_KEYS).find(([, key]) => e.code === `Key${key}`);
      if (!entry) return;
      e.preventDefault();
      actions[entry[0] as keyof typeof FAULT_KEYS]();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  });

  if (readOnly) {
    return (
      <div class="faultbar faultbar-readonly" data-testid="faultbar">
        {t(socket.origin === "imported" ? "panelReadOnlyImported" : "panelReadOnlyPrevious")}
      </div>
    );
  }

  const closeCode = Number(code);
  const codeOk = isServerCloseCode(closeCode);
  const reasonOk = new TextEncoder().encode(reason).length <= 123;
  const title = (what: string, key: string) => `${what} (Alt+Shift+${key})`;

  return (
    <div class="faultbar" role="toolbar" aria-label={t("panelFaults")} data-testid="faultbar">
      <span class="faultbar-scope" data-testid="fault-scope" title={socket ? clip(socket.url, 4096) : undefined}>
        {socket ? t("panelScopeSocket", [clip(socket.url, 60)]) : t("panelScopeTab")}
      </span>
      <span class="faultbar-group">
        <button type="button" data-testid="fault-drop" title={title(t("panelDropTitle"), FAULT_KEYS.drop)} onClick={actions.drop}>
          {t("panelDrop")}
        </button>
      </span>
      <span class="faultbar-group">
        <input
          class="faultbar-code"
          data-testid="fault-close-code"
          list="faultbar-codes"
          value={code}
          aria-label={t("panelCloseCode")}
          aria-invalid={!codeOk}
          onInput={(e) => setCode(e.currentTarget.value)}
        />
        <datalist id="faultbar-codes">
          {CLOSE_PRESETS.map(([value, label]) => (
            <option key={value} value={String(value)} label={`${value} ${t(label)}`} />
          ))}
        </datalist>
        <input
          class="faultbar-reason"
          data-testid="fault-close-reason"
          placeholder={t("panelReasonPlaceholder")}
          value={reason}
          aria-label={t("panelCloseReason")}
          aria-invalid={!reasonOk}
          onInput={(e) => setReason(e.currentTarget.value)}
        />
        <button
          type="button"
          data-testid="fault-close"
          disabled={!codeOk || !reasonOk}
          title={codeOk ? t("panelCloseTitle") : t("panelCloseBadCode")}
          onClick={() => send({ kind: "close", code: closeCode, reason })}
        >
          {t("panelClose")}
        </button>
      </span>
      <span class="faultbar-group">
        {faults.offlineUntil !== undefined ? (
          <>
            <span class="faultbar-countdown" data-testid="fault-countdown" role="status">
              {t("panelOfflineLeft", [secondsLeft(faults.offlineUntil, now)])}
            </span>
            <button type="button" data-testid="fault-offline-end" onClick={() => send({ kind: "offline", durationMs: 0 })}>
              {t("panelEnd")}
            </button>
          </>
        ) : (
          <>
            <input
              class="faultbar-seconds"
              data-testid="fault-offline-seconds"
              value={offlineSeconds}
              aria-label={t("panelOfflineSeconds")}
              onInput={(e) => setOfflineSeconds(e.currentTarget.value)}
            />
            <button type="button" data-testid="fault-offline" title={title(t("panelOfflineTitle"), FAULT_KEYS.offline)} onClick={actions.offline}>
              {t("panelOfflineButton")}
            </button>
          </>
        )}
      </span>
      <span class="faultbar-group">
        {faults.blackholeUntil !== undefined ? (
          <>
            <span class="faultbar-countdown" data-testid="fault-blackhole-countdown" role="status">
              {t("panelBlackholeLeft", [secondsLeft(faults.blackholeUntil, now)])}
            </span>
            <button type="button" data-testid="fault-blackhole-end" onClick={() => send({ kind: "blackhole", durationMs: 0 })}>
              {t("panelEnd")}
            </button>
          </>
        ) : (
          <>
            <input
              class="faultbar-seconds"
              data-testid="fault-blackhole-seconds"
              value={blackholeSeconds}
              aria-label={t("panelBlackholeSeconds")}
              onInput={(e) => setBlackholeSeconds(e.currentTarget.value)}
            />
            <button
              type="button"
              data-testid="fault-blackhole"
              title={title(t("panelBlackholeTitle"), FAULT_KEYS.blackhole)}
              onClick={actions.blackhole}
            >
              {t("panelBlackholeButton")}
            </button>
          </>
        )}
      </span>
      <span class="faultbar-group">
        {t("panelLatencyIn")}
        <input class="faultbar-ms" data-testid="fault-latency-in" value={latencyIn} aria-label={t("panelLatencyInLabel")} onInput={(e) => setLatencyIn(e.currentTarget.value)} />
        {t("panelLatencyOut")}
        <input class="faultbar-ms" data-testid="fault-latency-out" value={latencyOut} aria-label={t("panelLatencyOutLabel")} onInput={(e) => setLatencyOut(e.currentTarget.value)} />
        <button type="button" data-testid="fault-latency" title={title(t("panelLatencyTitle"), FAULT_KEYS.latency)} onClick={actions.latency}>
          {t("panelLatencyButton")}
        </button>
        {faults.latency && (
          <span class="faultbar-countdown" data-testid="fault-latency-on">
            {t("panelLatencyOn", [faults.latency])}
          </span>
        )}
      </span>
      {(socket === null || socket.protected) && (
        <button
          type="button"
          data-testid="fault-reconnect"
          title={title(t("panelReconnectTitle"), FAULT_KEYS.reconnect)}
          onClick={actions.reconnect}
        >
          {t("panelReconnect")}
        </button>
      )}
      <span class="faultbar-group faultbar-payload">
        <textarea
          data-testid="fault-payload"
          rows={1}
          placeholder={t("panelMessagePlaceholder")}
          value={payload}
          aria-label={t("panelMessageLabel")}
          onInput={(e) => setPayload(e.currentTarget.value)}
        />
        <select data-testid="fault-encoding" value={encoding} aria-label={t("panelEncoding")} onChange={(e) => setEncoding(e.currentTarget.value as typeof encoding)}>
          <option value="text">text</option>
          <option value="hex">hex</option>
          <option value="base64">base64</option>
        </select>
        <button type="button" data-testid="fault-inject" title={t("panelInjectTitle")} onClick={() => send({ kind: "inject", data: payload, encoding })}>
          {t("panelInject")}
        </button>
        <button type="button" data-testid="fault-send" title={t("panelSendTitle")} onClick={() => send({ kind: "send", data: payload, encoding })}>
          {t("panelSend")}
        </button>
      </span>
      {error && (
        <span class="faultbar-error" role="alert" data-testid="fault-error">
          {error}
        </span>
      )}
    </div>
  );
}
