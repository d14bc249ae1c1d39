import type { FaultCommand, FaultTarget } from "../shared/protocol";
import { secondsLeft, type FaultInForce } from "./fault-state";
import { clip } from "./format";
import "./FaultsInForce.css";
import { t } from "../shared/i18n";

export interface FaultsInForceProps {
  inForce: readonly FaultInForce[];
  /** Sockets of the tab a fault can act on: a fault on all of them is ended for the tab at once. */
  live: number;
  now: number;
  onFault(target: FaultTarget, fault: FaultCommand): void;
}

/** Test ids of an entry's text and End button (the offline ones are those the fault bar always had). */
const TEST_IDS = {
  offline: ["fault-countdown", "fault-offline-end"],
  blackhole: ["fault-blackhole-countdown", "fault-blackhole-end"],
  latency: ["fault-latency-on", "fault-latency-end"],
  refuse: ["fault-refuse-countdown", "fault-refuse-end"],
} as const;

const ENDS: Record<FaultInForce["kind"], FaultCommand> = {
  offline: { kind: "offline", durationMs: 0 },
  blackhole: { kind: "blackhole", durationMs: 0 },
  latency: { kind: "latency", inMs: 0, outMs: 0 },
  refuse: { kind: "refuse", durationMs: 0 },
};

const NAMES = {
  offline: "panelTimelineFaultOffline",
  blackhole: "panelTimelineFaultBlackhole",
  latency: "panelTimelineFaultLatency",
  refuse: "panelTimelineFaultRefuse",
} as const;

/** How many socket URLs a "3 sockets" title lists. */
const TITLE_URLS = 20;

/**
 * Every fault in force in the tab, whatever is selected: what it is, what it is on, the time left for
 * the ones that end by themselves, and End.
 */
export function FaultsInForce({ inForce, live, now, onFault }: FaultsInForceProps) {
  if (inForce.length === 0) return null;
  return (
    <section class="faults-in-force" data-testid="faults-in-force" aria-label={t("panelInForceLabel")}>
      <span class="faults-in-force-caption" aria-hidden="true">
        {t("panelInForce")}
      </span>
      <ul>
        {inForce.map((fault) => (
          <Entry key={`${fault.kind} ${fault.until ?? ""} ${fault.detail ?? ""}`} fault={fault} live={live} now={now} onFault={onFault} />
        ))}
      </ul>
    </section>
  );
}

function Entry({ fault, live, now, onFault }: { fault: FaultInForce; live: number; now: number; onFault: FaultsInForceProps["onFault"] }) {
  const [whatId, endId] = TEST_IDS[fault.kind];
  const { sockets } = fault;
  const what =
    fault.kind === "offline"
      ? t("panelOfflineLeft", [secondsLeft(fault.until!, now)])
      : fault.kind === "blackhole"
        ? t("panelBlackholeLeft", [secondsLeft(fault.until!, now)])
        : fault.kind === "refuse"
          ? t("panelRefuseLeft", [secondsLeft(fault.until!, now)])
          : t("panelLatencyInForce", [fault.detail ?? ""]);
  const onEvery = sockets.length > 0 && sockets.length >= live;
  const on =
    fault.kind === "offline"
      ? t("panelAppliesTab")
      : sockets.length === 1
        ? clip(sockets[0]!.url.replace(/^wss?:\/\//, ""), 60)
        : onEvery
          ? t("panelAppliesEvery", [String(sockets.length)])
          : t("panelAppliesSockets", [String(sockets.length)]);
  const title =
    fault.kind === "offline"
      ? undefined
      : sockets
          .slice(0, TITLE_URLS)
          .map((s) => clip(s.url, 4096))
          .join("\n") + (sockets.length > TITLE_URLS ? "\n…" : "");
  const end = (): void => {
    const off = ENDS[fault.kind];
    // On every live socket: one command for the tab; otherwise one per socket, so the others keep theirs.
    // A refusal is of endpoints, and one for the tab (which ends every refusal) is the only sure end
    // of one started for the tab on sockets that have closed since.
    if (fault.kind === "offline" || fault.kind === "refuse" || onEvery) onFault({ tab: true }, off);
    else for (const s of sockets) onFault({ socket: s.id }, off);
  };
  const name = t(NAMES[fault.kind]);
  return (
    <li class="fault-in-force" data-testid="fault-in-force" data-kind={fault.kind}>
      <span class="fault-in-force-what" data-testid={whatId}>
        {what}
      </span>
      <span class="fault-in-force-on" data-testid="fault-in-force-on" title={title}>
        {on}
      </span>
      <button type="button" data-testid={endId} aria-label={t("panelEndFault", [name])} title={t("panelEndFault", [name])} onClick={end}>
        {t("panelEnd")}
      </button>
    </li>
  );
}
