/**
 * The panel's port to the background (`panel:<tabId>`): reconnects when the service worker dies, asks
 * the page for a snapshot on every (re)connect, and lets through only messages that pass a guard.
 */
import {
  PROTOCOL_VERSION,
  envelope,
  isBackgroundToPanel,
  isForeignVersion,
  isPageToPanel,
  panelPortName,
  type BackgroundToPanel,
  type FaultCommand,
  type FaultTarget,
  type PanelToPage,
} from "../shared/protocol";
import { runtimePortTransport, type PortLike, type RuntimePortOptions } from "../shared/transports";
import type { PanelAction } from "./model";

export type ConnectPort = (name: string) => PortLike;

export interface PanelPort {
  requestSnapshot(): void;
  /** A fault for one socket or the whole tab; every frame of the tab hears it, the owner acts. */
  fault(target: FaultTarget, fault: FaultCommand): void;
  close(): void;
}

export function openPanelPort(
  tabId: number,
  connect: ConnectPort,
  dispatch: (action: PanelAction) => void,
  options: Pick<RuntimePortOptions, "reconnectDelay"> = {},
): PanelPort {
  const requestSnapshot = (): void =>
    transport.post(envelope<PanelToPage, "snapshot-request">("lifeguard-panel", "snapshot-request", {}));

  const transport = runtimePortTransport(() => connect(panelPortName(tabId)), {
    ...options,
    onDisconnect: () => dispatch({ type: "port", connected: false }),
    onReconnect: () => {
      dispatch({ type: "port", connected: true });
      requestSnapshot();
    },
  });

  transport.onMessage((message) => {
    if (isPageToPanel(message) || isBackgroundToPanel(message)) {
      dispatch(message);
      // The top document went away; the panel cleared its list. Ask the new document for everything,
      // in case its first events arrived before the old one's goodbye.
      if (message.type === "frame-disconnected" && message.frameId === 0) requestSnapshot();
    } else if (isForeignVersion(message)) {
      const got = (message as { v: unknown }).v;
      dispatch(
        envelope<BackgroundToPanel, "version-mismatch">("lifeguard-panel", "version-mismatch", {
          expected: PROTOCOL_VERSION,
          got: typeof got === "number" || typeof got === "string" ? got : null,
        }),
      );
    }
  });

  dispatch({ type: "port", connected: transport.connected });
  requestSnapshot();

  return {
    requestSnapshot,
    fault: (target, fault) => transport.post(envelope<PanelToPage, "fault">("lifeguard-panel", "fault", { target, fault })),
    close: () => transport.close(),
  };
}
