import { useEffect, useState } from "preact/hooks";
import { isFaultCommand, isServerCloseCode, type FaultCommand, type FaultTarget } from "../shared/protocol";
import type { SocketView } from "./model";
import { secondsLeft, type ActiveFaults } from "./fault-state";
import { clip } from "./format";
import "./FaultBar.css";

export interface FaultBarProps {
  /** The selected socket, or null: the whole tab. */
  socket: SocketView | null;
  faults: ActiveFaults;
  onFault(target: FaultTarget, fault: FaultCommand): void;
  /** "Protect this site" / "Unprotect" for the selected socket's origin; absent when settings cannot be written. */
  onProtect?(socket: SocketView, protect: boolean): void;
  now: number;
}

const CLOSE_PRESETS: [number, string][] = [
  [1000, "1000 normal"],
  [1001, "1001 going away"],
  [1011, "1011 server error"],
  [1012, "1012 service restart"],
  [1013, "1013 try again later"],
  [4000, "4000 application"],
];

/** Keyboard shortcuts (Alt+Shift+key), also shown in the buttons' titles. */
export const FAULT_KEYS = { drop: "D", offline: "O", blackhole: "B", reconnect: "R", latency: "L" } as const;

/**
 * Break on purpose: every control acts on the selected socket, or on every socket of the tab when none
 * is selected ("offline" always takes the whole tab, as a network does).
 */
export function FaultBar({ socket, faults, onFault, onProtect, now }: FaultBarProps) {
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
      return setError(fault.kind === "inject" || fault.kind === "send" ? `Not valid ${fault.encoding}, or too long` : "Invalid values");
    }
    setError(null);
    onFault(fault.kind === "offline" ? { tab: true } : target, fault);
  };
  const seconds = (text: string, what: string): number | null => {
    const s = Number(text);
    if (!Number.isFinite(s) || s <= 0 || s > 3600) {
      setError(`${what}: give a number of seconds between 0 and 3600`);
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
      const ms = seconds(offlineSeconds, "Offline");
      if (ms !== null) send({ kind: "offline", durationMs: ms });
    },
    blackhole: () => {
      const ms = seconds(blackholeSeconds, "Black-hole");
      if (ms !== null) send({ kind: "blackhole", durationMs: ms });
    },
    reconnect: () => send({ kind: "reconnect" }),
    latency: () => {
      const inMs = millis(latencyIn);
      const outMs = millis(latencyOut);
      if (inMs === null || outMs === null) return setError("Latency: give whole milliseconds from 0 to 60000");
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
        This socket was {socket.origin === "imported" ? "imported from a file" : "on a previous page"}: nothing to break.
      </div>
    );
  }

  const closeCode = Number(code);
  const codeOk = isServerCloseCode(closeCode);
  const reasonOk = new TextEncoder().encode(reason).length <= 123;
  const title = (what: string, key: string) => `${what} (Alt+Shift+${key})`;

  return (
    <div class="faultbar" role="toolbar" aria-label="Faults" data-testid="faultbar">
      <span class="faultbar-scope" data-testid="fault-scope" title={socket ? clip(socket.url, 4096) : undefined}>
        {socket ? `Socket ${clip(socket.url, 60)}` : "Every socket of the tab"}
      </span>
      {socket && onProtect && (
        <button
          type="button"
          data-testid={socket.protected ? "unprotect" : "protect"}
          title={socket.protected ? `Protected by rule ${socket.rule ?? "(unknown)"}` : "Add a rule protecting every socket of this origin"}
          onClick={() => onProtect(socket, !socket.protected)}
        >
          {socket.protected ? "Unprotect" : "Protect this site"}
        </button>
      )}
      <span class="faultbar-group">
        <button type="button" data-testid="fault-drop" title={title("Tear the connection down, as a network failure does", FAULT_KEYS.drop)} onClick={actions.drop}>
          Drop
        </button>
      </span>
      <span class="faultbar-group">
        <input
          class="faultbar-code"
          data-testid="fault-close-code"
          list="faultbar-codes"
          value={code}
          aria-label="Close code"
          aria-invalid={!codeOk}
          onInput={(e) => setCode(e.currentTarget.value)}
        />
        <datalist id="faultbar-codes">
          {CLOSE_PRESETS.map(([value, label]) => (
            <option key={value} value={String(value)} label={label} />
          ))}
        </datalist>
        <input
          class="faultbar-reason"
          data-testid="fault-close-reason"
          placeholder="reason"
          value={reason}
          aria-label="Close reason"
          aria-invalid={!reasonOk}
          onInput={(e) => setReason(e.currentTarget.value)}
        />
        <button
          type="button"
          data-testid="fault-close"
          disabled={!codeOk || !reasonOk}
          title={codeOk ? "Close as the server would, with this code and reason" : "A server closes with 1000-1003, 1007-1014 or 3000-4999"}
          onClick={() => send({ kind: "close", code: closeCode, reason })}
        >
          Close
        </button>
      </span>
      <span class="faultbar-group">
        {faults.offlineUntil !== undefined ? (
          <>
            <span class="faultbar-countdown" data-testid="fault-countdown" role="status">
              Offline: {secondsLeft(faults.offlineUntil, now)} left
            </span>
            <button type="button" data-testid="fault-offline-end" onClick={() => send({ kind: "offline", durationMs: 0 })}>
              End
            </button>
          </>
        ) : (
          <>
            <input
              class="faultbar-seconds"
              data-testid="fault-offline-seconds"
              value={offlineSeconds}
              aria-label="Offline seconds"
              onInput={(e) => setOfflineSeconds(e.currentTarget.value)}
            />
            <button type="button" data-testid="fault-offline" title={title("Take the whole tab offline for this many seconds", FAULT_KEYS.offline)} onClick={actions.offline}>
              s offline
            </button>
          </>
        )}
      </span>
      <span class="faultbar-group">
        {faults.blackholeUntil !== undefined ? (
          <>
            <span class="faultbar-countdown" data-testid="fault-blackhole-countdown" role="status">
              Black-hole: {secondsLeft(faults.blackholeUntil, now)} left
            </span>
            <button type="button" data-testid="fault-blackhole-end" onClick={() => send({ kind: "blackhole", durationMs: 0 })}>
              End
            </button>
          </>
        ) : (
          <>
            <input
              class="faultbar-seconds"
              data-testid="fault-blackhole-seconds"
              value={blackholeSeconds}
              aria-label="Black-hole seconds"
              onInput={(e) => setBlackholeSeconds(e.currentTarget.value)}
            />
            <button
              type="button"
              data-testid="fault-blackhole"
              title={title("Keep the connection open but let nothing through, as a dead NAT mapping does", FAULT_KEYS.blackhole)}
              onClick={actions.blackhole}
            >
              s black-hole
            </button>
          </>
        )}
      </span>
      <span class="faultbar-group">
        in
        <input class="faultbar-ms" data-testid="fault-latency-in" value={latencyIn} aria-label="Inbound latency ms" onInput={(e) => setLatencyIn(e.currentTarget.value)} />
        out
        <input class="faultbar-ms" data-testid="fault-latency-out" value={latencyOut} aria-label="Outbound latency ms" onInput={(e) => setLatencyOut(e.currentTarget.value)} />
        <button type="button" data-testid="fault-latency" title={title("Delay frames by this many ms, order kept (0 and 0 ends it)", FAULT_KEYS.latency)} onClick={actions.latency}>
          ms latency
        </button>
        {faults.latency && (
          <span class="faultbar-countdown" data-testid="fault-latency-on">
            on ({faults.latency})
          </span>
        )}
      </span>
      {(socket === null || socket.protected) && (
        <button
          type="button"
          data-testid="fault-reconnect"
          title={title("A protected socket waiting on its backoff dials now", FAULT_KEYS.reconnect)}
          onClick={actions.reconnect}
        >
          Reconnect now
        </button>
      )}
      <span class="faultbar-group faultbar-payload">
        <textarea
          data-testid="fault-payload"
          rows={1}
          placeholder="message"
          value={payload}
          aria-label="Message to inject or send"
          onInput={(e) => setPayload(e.currentTarget.value)}
        />
        <select data-testid="fault-encoding" value={encoding} aria-label="Encoding" onChange={(e) => setEncoding(e.currentTarget.value as typeof encoding)}>
          <option value="text">text</option>
          <option value="hex">hex</option>
          <option value="base64">base64</option>
        </select>
        <button type="button" data-testid="fault-inject" title="Deliver to the page as if the server sent it" onClick={() => send({ kind: "inject", data: payload, encoding })}>
          Inject
        </button>
        <button type="button" data-testid="fault-send" title="Send to the server as if the page sent it" onClick={() => send({ kind: "send", data: payload, encoding })}>
          Send
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
