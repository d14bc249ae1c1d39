/**
 * The relay (isolated world): carries messages between the page world's private MessagePort and the
 * background's runtime port, running the protocol guards in both directions.
 *
 * It connects to the background only once the page world offered its port: with Lifeguard disabled
 * there is no page-world script, and then the relay does nothing at all. When the background dies
 * (MV3 service worker), the runtime port reconnects and the relay asks the page for a snapshot itself,
 * so a panel that is open gets the whole history back.
 *
 * Page messages travel on unchanged (source `lifeguard-page`); commands reach the page re-stamped with
 * source `lifeguard-relay`, the only source the page world obeys.
 */
import {
  envelope,
  isForeignVersion,
  isPageToPanel,
  isPanelToPage,
  type PanelToPage,
} from "../shared/protocol";
import type { Transport } from "../shared/transport";
import { messagePortTransport, runtimePortTransport, type PortLike, type RuntimePortOptions } from "../shared/transports";

export interface RelayOptions {
  /** Hands over the page world's port once it offers one (`acceptPort` from page-channel.ts). */
  acceptPort: (onPort: (port: MessagePort) => void) => void;
  /** Opens the runtime port to the background (`runtime.connect({ name: CONTENT_PORT })`). */
  connect: () => PortLike;
  /**
   * The stored `settings` value and its changes (`storage.local`): handed to the page world as they
   * are, at once and on every change. The page world validates them.
   */
  settings?: { get(): Promise<unknown>; onChange(listener: (value: unknown) => void): void };
  /** Passed to the runtime port transport (tests shorten the backoff). */
  reconnectDelay?: RuntimePortOptions["reconnectDelay"];
}

export interface Relay {
  /** Closes both channels; idempotent. */
  stop(): void;
}

export function startRelay(options: RelayOptions): Relay {
  let page: Transport | null = null;
  let extension: Transport | null = null;
  let stopped = false;

  options.acceptPort((port) => {
    if (stopped) {
      port.close();
      return;
    }
    const toPage = messagePortTransport(port);
    page = toPage;
    const toExtension = runtimePortTransport(options.connect, {
      reconnectDelay: options.reconnectDelay,
      onReconnect: () => {
        // A new background knows of no panel yet: the page goes quiet until it says one is there,
        // and answers with its history for a panel that is.
        toPage.post(envelope<PanelToPage, "listening">("lifeguard-relay", "listening", { on: false }));
        toPage.post(envelope<PanelToPage, "snapshot-request">("lifeguard-relay", "snapshot-request", {}));
      },
    });
    extension = toExtension;

    toPage.onMessage((message) => {
      if (isPageToPanel(message) && message.source === "lifeguard-page") {
        toExtension.post(message);
      } else if (isForeignVersion(message) && (message as { source: string }).source === "lifeguard-page") {
        // Only the version travels on, so the background can tell the panel; the unchecked payload stays here.
        toExtension.post({ source: "lifeguard-page", v: (message as { v: unknown }).v });
      }
    });
    if (options.settings) {
      const push = (settings: unknown): void =>
        toPage.post(envelope<PanelToPage, "settings">("lifeguard-relay", "settings", { settings }));
      options.settings.onChange(push);
      void options.settings.get().then(push, () => push(undefined));
    }
    toExtension.onMessage((message) => {
      // `source` names who put the envelope on this wire; the page world takes commands from the relay only.
      if (isPanelToPage(message)) toPage.post({ ...message, source: "lifeguard-relay" });
    });
  });

  return {
    stop() {
      stopped = true;
      extension?.close();
      page?.close();
    },
  };
}
