import { useEffect, useState } from "preact/hooks";
import { isFaultCommand, isServerCloseCode, type FaultCommand, type FaultTarget } from "../shared/protocol";
import type { SocketView } from "./model";
import type { FaultInForce } from "./fault-state";
import { FaultsInForce } from "./FaultsInForce";
import { clip } from "./format";
import "./FaultBar.css";
import { t, type MessageKey } from "../shared/i18n";

export interface FaultBarProps {
  /** The selected socket, or null: the whole tab. */
  socket: SocketView | null;
  /** Every fault in force in the tab (`FaultTracker.inForce`). */
  inForce: readonly FaultInForce[];
  /** Sockets of the tab a fault can act on: of the page now, and not closed. */
  live: number;
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

type Encoding = "text" | "hex" | "base64";
/** Inputs whose value can be wrong; each one's message shows in its own group. */
type Field = "offline" | "blackhole" | "latency" | "payload";

/** Milliseconds from a number of seconds (more than 0, at most an hour), or null. */
function secondsOf(text: string): number | null {
  const s = Number(text);
  return text.trim() !== "" && Number.isFinite(s) && s > 0 && s <= 3600 ? Math.round(s * 1000) : null;
}

/** Whole milliseconds from 0 to a minute, or null. */
function millisOf(text: string): number | null {
  const ms = Number(text);
  return text.trim() !== "" && Number.isInteger(ms) && ms >= 0 && ms <= 60_000 ? ms : null;
}

/** Why the faults that need a live connection cannot act on the target, or null when they can. */
function whyNot(socket: SocketView | null, live: number): string | null {
  if (socket === null) return live > 0 ? null : t("panelFaultsNoLiveSocket");
  if (socket.origin === "imported") return t("panelFaultsImported");
  if (socket.origin === "previous-page") return t("panelFaultsPrevious");
  if (socket.state !== "closed") return null;
  return socket.closeCode !== undefined ? t("panelFaultsClosedCode", [String(socket.closeCode)]) : t("panelFaultsClosed");
}

/** The socket's URL without its scheme (the caption says what it is), clipped; the full URL is the title. */
function shortUrl(url: string): string {
  return clip(url.replace(/^wss?:\/\//, ""), 60);
}

let ids = 0;

/**
 * Break on purpose: every control acts on the selected socket, or on every socket of the tab when none
 * is selected ("offline" always takes the whole tab, as a network does). Controls come in labelled
 * groups that wrap as units; under them, what the bar acts on, why it cannot, and every fault in force.
 */
export function FaultBar({ socket, inForce, live, onFault, now }: FaultBarProps) {
  const [id] = useState(() => `faultbar-${++ids}`);
  const [code, setCode] = useState("1001");
  const [reason, setReason] = useState("");
  const [offlineSeconds, setOfflineSeconds] = useState("5");
  const [blackholeSeconds, setBlackholeSeconds] = useState("10");
  const [latencyIn, setLatencyIn] = useState("200");
  const [latencyOut, setLatencyOut] = useState("200");
  const [payload, setPayload] = useState("");
  const [encoding, setEncoding] = useState<Encoding>("text");
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});

  const why = whyNot(socket, live);
  const dead = why !== null;
  const target: FaultTarget = socket ? { socket: socket.id } : { tab: true };
  const latencyOn = inForce.some((f) => f.kind === "latency" && (socket === null || f.sockets.some((s) => s.id === socket.id)));

  /** The message for a field's value, or undefined when it is fine. */
  const problem = (field: Field, value: { text?: string; latency?: [string, string]; payload?: [string, Encoding] }): string | undefined => {
    switch (field) {
      case "offline":
        return secondsOf(value.text!) === null ? t("panelFaultBadSeconds", [t("panelFaultOffline")]) : undefined;
      case "blackhole":
        return secondsOf(value.text!) === null ? t("panelFaultBadSeconds", [t("panelFaultBlackhole")]) : undefined;
      case "latency":
        return millisOf(value.latency![0]) === null || millisOf(value.latency![1]) === null ? t("panelFaultBadLatency") : undefined;
      case "payload": {
        const [data, enc] = value.payload!;
        return isFaultCommand({ kind: "inject", data, encoding: enc } as unknown) ? undefined : t("panelFaultBadPayload", [enc]);
      }
    }
  };
  const setError = (field: Field, message: string | undefined): void => setErrors((e) => ({ ...e, [field]: message }));
  // A message goes as soon as its input is fixed (and only then: typing does not raise new ones).
  const recheck = (field: Field, value: Parameters<typeof problem>[1]): void => {
    if (errors[field] !== undefined) setError(field, problem(field, value));
  };

  const send = (fault: FaultCommand, to: FaultTarget = target): void => onFault(fault.kind === "offline" ? { tab: true } : to, fault);

  const actions = {
    drop: () => {
      if (!dead) send({ kind: "drop" });
    },
    offline: () => {
      const ms = secondsOf(offlineSeconds);
      setError("offline", problem("offline", { text: offlineSeconds }));
      if (ms !== null) send({ kind: "offline", durationMs: ms });
    },
    blackhole: () => {
      if (dead) return;
      const ms = secondsOf(blackholeSeconds);
      setError("blackhole", problem("blackhole", { text: blackholeSeconds }));
      if (ms !== null) send({ kind: "blackhole", durationMs: ms });
    },
    reconnect: () => {
      if (!dead && (socket === null || socket.protected)) send({ kind: "reconnect" });
    },
    latency: () => {
      if (dead) return;
      const inMs = millisOf(latencyIn);
      const outMs = millisOf(latencyOut);
      setError("latency", problem("latency", { latency: [latencyIn, latencyOut] }));
      if (inMs !== null && outMs !== null) send({ kind: "latency", inMs, outMs });
    },
  };
  const frame = (kind: "inject" | "send"): void => {
    const message = problem("payload", { payload: [payload, encoding] });
    setError("payload", message);
    if (message === undefined) send({ kind, data: payload, encoding });
  };

  // Alt+Shift+<key> anywhere in the panel.
  useEffect(() => {
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

  const closeCode = Number(code);
  const codeOk = isServerCloseCode(closeCode);
  const reasonOk = new TextEncoder().encode(reason).length <= 123;
  const closeProblem = !codeOk ? t("panelCloseBadCode") : !reasonOk ? t("panelCloseReasonTooLong") : undefined;
  const title = (what: string, key: string) => `${what} (Alt+Shift+${key})`;
  const f = (name: string) => `${id}-${name}`;
  const errorsOf = (...fields: Field[]) => fields.filter((field) => errors[field] !== undefined);
  const described = (field: Field) => (errors[field] !== undefined ? f(`${field}-error`) : undefined);
  const errorLines = (fields: Field[]) =>
    fields.map((field) => (
      <span key={field} id={f(`${field}-error`)} class="faultbar-error" role="alert" data-testid="fault-error" data-field={field}>
        {errors[field]}
      </span>
    ));

  return (
    <div class="faultbar" data-testid="faultbar" data-dead={dead ? "" : undefined}>
      <div class="faultbar-row" role="toolbar" aria-label={t("panelFaults")}>
        <div class="faultbar-group" role="group" aria-label={t("panelFaultGroupConnection")} data-group="connection">
          <span class="faultbar-caption" aria-hidden="true">
            {t("panelFaultGroupConnection")}
          </span>
          <div class="faultbar-controls">
            <button type="button" data-testid="fault-drop" disabled={dead} title={title(t("panelDropTitle"), FAULT_KEYS.drop)} onClick={actions.drop}>
              {t("panelDrop")}
            </button>
            <span class="faultbar-unit">
              <label for={f("code")}>{t("panelCloseCodeShort")}</label>
              <input
                id={f("code")}
                class="faultbar-code"
                data-testid="fault-close-code"
                list={f("codes")}
                value={code}
                aria-invalid={!codeOk}
                aria-describedby={!codeOk ? f("close-error") : undefined}
                onInput={(e) => setCode(e.currentTarget.value)}
              />
              <datalist id={f("codes")}>
                {CLOSE_PRESETS.map(([value, label]) => (
                  <option key={value} value={String(value)} label={`${value} ${t(label)}`} />
                ))}
              </datalist>
              <label for={f("reason")}>{t("panelCloseReasonShort")}</label>
              <input
                id={f("reason")}
                class="faultbar-reason"
                data-testid="fault-close-reason"
                value={reason}
                aria-invalid={!reasonOk}
                aria-describedby={!reasonOk ? f("close-error") : undefined}
                onInput={(e) => setReason(e.currentTarget.value)}
              />
              <button
                type="button"
                data-testid="fault-close"
                disabled={dead || closeProblem !== undefined}
                title={closeProblem ?? t("panelCloseTitle")}
                onClick={() => send({ kind: "close", code: closeCode, reason })}
              >
                {t("panelClose")}
              </button>
            </span>
          </div>
          {closeProblem !== undefined && (
            <span id={f("close-error")} class="faultbar-error" role="alert" data-testid="fault-error" data-field="close">
              {closeProblem}
            </span>
          )}
        </div>

        <div class="faultbar-group" role="group" aria-label={t("panelFaultGroupNetwork")} data-group="network">
          <span class="faultbar-caption" aria-hidden="true">
            {t("panelFaultGroupNetwork")}
          </span>
          <div class="faultbar-controls">
            <span class="faultbar-unit">
              <label for={f("offline")}>{t("panelFaultOffline")}</label>
              <input
                id={f("offline")}
                class="faultbar-seconds"
                data-testid="fault-offline-seconds"
                inputMode="decimal"
                value={offlineSeconds}
                aria-invalid={errors.offline !== undefined}
                aria-describedby={described("offline")}
                onInput={(e) => {
                  setOfflineSeconds(e.currentTarget.value);
                  recheck("offline", { text: e.currentTarget.value });
                }}
              />
              <span class="faultbar-unit-name">{t("panelUnitSeconds")}</span>
              <button
                type="button"
                data-testid="fault-offline"
                aria-label={t("panelOfflineStart")}
                title={title(t("panelOfflineTitle"), FAULT_KEYS.offline)}
                onClick={actions.offline}
              >
                {t("panelStart")}
              </button>
            </span>
            <span class="faultbar-unit">
              <label for={f("blackhole")}>{t("panelFaultBlackhole")}</label>
              <input
                id={f("blackhole")}
                class="faultbar-seconds"
                data-testid="fault-blackhole-seconds"
                inputMode="decimal"
                value={blackholeSeconds}
                disabled={dead}
                aria-invalid={errors.blackhole !== undefined}
                aria-describedby={described("blackhole")}
                onInput={(e) => {
                  setBlackholeSeconds(e.currentTarget.value);
                  recheck("blackhole", { text: e.currentTarget.value });
                }}
              />
              <span class="faultbar-unit-name">{t("panelUnitSeconds")}</span>
              <button
                type="button"
                data-testid="fault-blackhole"
                disabled={dead}
                aria-label={t("panelBlackholeStart")}
                title={title(t("panelBlackholeTitle"), FAULT_KEYS.blackhole)}
                onClick={actions.blackhole}
              >
                {t("panelStart")}
              </button>
            </span>
            <span class="faultbar-unit">
              <label for={f("latency-in")}>{t("panelLatencyInShort")}</label>
              <input
                id={f("latency-in")}
                class="faultbar-ms"
                data-testid="fault-latency-in"
                inputMode="numeric"
                value={latencyIn}
                disabled={dead}
                aria-invalid={errors.latency !== undefined}
                aria-describedby={described("latency")}
                onInput={(e) => {
                  setLatencyIn(e.currentTarget.value);
                  recheck("latency", { latency: [e.currentTarget.value, latencyOut] });
                }}
              />
              <span class="faultbar-unit-name">{t("panelUnitMs")}</span>
              <label for={f("latency-out")}>{t("panelLatencyOut")}</label>
              <input
                id={f("latency-out")}
                class="faultbar-ms"
                data-testid="fault-latency-out"
                inputMode="numeric"
                value={latencyOut}
                disabled={dead}
                aria-invalid={errors.latency !== undefined}
                aria-describedby={described("latency")}
                onInput={(e) => {
                  setLatencyOut(e.currentTarget.value);
                  recheck("latency", { latency: [latencyIn, e.currentTarget.value] });
                }}
              />
              <span class="faultbar-unit-name">{t("panelUnitMs")}</span>
              <button
                type="button"
                data-testid="fault-latency"
                disabled={dead}
                aria-label={t("panelLatencySetLabel")}
                title={title(t("panelLatencyTitle"), FAULT_KEYS.latency)}
                onClick={actions.latency}
              >
                {t("panelLatencySet")}
              </button>
              {latencyOn && (
                <button
                  type="button"
                  data-testid="fault-latency-off"
                  disabled={dead}
                  aria-label={t("panelLatencyOffLabel")}
                  title={t("panelLatencyOffLabel")}
                  onClick={() => send({ kind: "latency", inMs: 0, outMs: 0 })}
                >
                  {t("panelLatencyOff")}
                </button>
              )}
            </span>
          </div>
          {errorLines(errorsOf("offline", "blackhole", "latency"))}
        </div>

        <div class="faultbar-group faultbar-messages" role="group" aria-label={t("panelFaultGroupMessages")} data-group="messages">
          <label class="faultbar-caption" for={f("payload")}>
            {t("panelFaultMessage")}
          </label>
          <div class="faultbar-controls">
            <textarea
              id={f("payload")}
              data-testid="fault-payload"
              rows={1}
              value={payload}
              disabled={dead}
              aria-invalid={errors.payload !== undefined}
              aria-describedby={described("payload")}
              onInput={(e) => {
                setPayload(e.currentTarget.value);
                recheck("payload", { payload: [e.currentTarget.value, encoding] });
              }}
            />
            <span class="faultbar-unit">
              <label for={f("encoding")}>{t("panelEncodingAs")}</label>
              <select
                id={f("encoding")}
                data-testid="fault-encoding"
                value={encoding}
                disabled={dead}
                onChange={(e) => {
                  const next = e.currentTarget.value as Encoding;
                  setEncoding(next);
                  recheck("payload", { payload: [payload, next] });
                }}
              >
                <option value="text">text</option>
                <option value="hex">hex</option>
                <option value="base64">base64</option>
              </select>
              <button type="button" data-testid="fault-inject" disabled={dead} title={t("panelInjectTitle")} onClick={() => frame("inject")}>
                {t("panelInject")}
              </button>
              <button type="button" data-testid="fault-send" disabled={dead} title={t("panelSendTitle")} onClick={() => frame("send")}>
                {t("panelSend")}
              </button>
            </span>
          </div>
          {errorLines(errorsOf("payload"))}
        </div>

        {(socket === null || socket.protected) && (
          <div class="faultbar-group" role="group" aria-label={t("panelFaultGroupProtection")} data-group="protection">
            <span class="faultbar-caption" aria-hidden="true">
              {t("panelFaultGroupProtection")}
            </span>
            <div class="faultbar-controls">
              <button
                type="button"
                data-testid="fault-reconnect"
                disabled={dead}
                title={title(t("panelReconnectTitle"), FAULT_KEYS.reconnect)}
                onClick={actions.reconnect}
              >
                {t("panelReconnect")}
              </button>
            </div>
          </div>
        )}
      </div>

      <div class="faultbar-context">
        <span class="faultbar-scope" data-testid="fault-scope" title={socket ? clip(socket.url, 4096) : undefined}>
          <span class="faultbar-caption">{t("panelFaultActsOn")}</span> {socket ? shortUrl(socket.url) : t("panelScopeTab")}
        </span>
        {why !== null && (
          <span class="faultbar-why" role="status" data-testid="fault-why">
            {why}
          </span>
        )}
        <FaultsInForce inForce={inForce} live={live} now={now} onFault={onFault} />
      </div>
    </div>
  );
}
