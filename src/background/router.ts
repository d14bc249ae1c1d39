/**
 * Pairs each panel port with every content port (all frames) of its tab and pipes guarded messages
 * between them, unchanged.
 *
 * It keeps no history and no business logic: the service worker may be killed at any moment, and
 * then relays and panels reconnect and the panel asks the page for a snapshot. The only state here is
 * which ports are open now, and each tab's budget (tab-budgets.ts).
 */
import {
  CONTENT_PORT,
  PROTOCOL_VERSION,
  envelope,
  foreignVersionOf,
  isForeignVersion,
  isPageToPanel,
  isPanelToPage,
  isRelayToPanel,
  tabIdOfPanelPort,
  type BackgroundToPanel,
  type PanelToPage,
} from "../shared/protocol";
import type { PortLike } from "../shared/transports";
import { TabBudgets } from "./tab-budgets";
import { TabPorts, post } from "./tab-ports";

export interface RouterOptions {
  /** The extension's origin: a `panel:` port must come from an extension page (a content script cannot name itself a panel). */
  extensionOrigin?: string;
  /** Clock for the tabs' budgets (tests drive it). */
  now?: () => number;
}

interface ContentEnd {
  port: PortLike;
  frameId: number;
  url: string;
  /** The protocol version this frame spoke when it did not speak ours; reported once per port. */
  foreignVersion?: number | string | null;
}

export class TabRouter {
  private readonly contents = new TabPorts<ContentEnd>();
  private readonly panels = new TabPorts<PortLike>();
  private readonly budgets: TabBudgets;

  constructor(private readonly options: RouterOptions = {}) {
    this.budgets = new TabBudgets(options.now ?? (() => Date.now()), (tabId, dropped) => this.notifyPanels(tabId, "over-budget", { dropped }));
  }

  /** Takes a newly connected port (from `runtime.onConnect`). Ports it does not know are disconnected. */
  connect(port: PortLike): void {
    if (port.name === CONTENT_PORT) return this.connectContent(port);
    const tabId = tabIdOfPanelPort(port.name);
    const origin = this.options.extensionOrigin;
    if (tabId !== null && (origin === undefined || (port.sender?.url ?? "").startsWith(origin))) return this.connectPanel(port, tabId);
    port.disconnect();
  }

  /** Open ports per tab, for tests and debugging. */
  stats(tabId: number): { contents: number; panels: number } {
    return { contents: this.contents.of(tabId).size, panels: this.panels.of(tabId).size };
  }

  private connectContent(port: PortLike): void {
    const tabId = port.sender?.tab?.id;
    // A content port without a tab (an extension page, a prerendered document) has no panel to reach.
    if (typeof tabId !== "number" || tabId < 0) return port.disconnect();
    const end: ContentEnd = { port, frameId: port.sender?.frameId ?? 0, url: port.sender?.url ?? "" };
    this.contents.add(tabId, end);
    this.notifyPanels(tabId, "frame-connected", { frameId: end.frameId, url: end.url });
    // A relay that connects answers with a snapshot: asked below, or by itself (a new background).
    this.budgets.expectAnswer(tabId);
    if (this.panels.of(tabId).size) {
      post(port, listening(true));
      // A document that came while a panel is open (a reload, a navigation, a new iframe) may have
      // recorded before its relay connected: its history comes now, not when the panel happens to ask.
      post(port, envelope<PanelToPage, "snapshot-request">("lifeguard-background", "snapshot-request", {}));
    }
    port.onMessage.addListener((message) => {
      if (isPageToPanel(message)) {
        // With no panel there is nobody to cost anything: the message goes nowhere.
        if (this.panels.of(tabId).size && this.budgets.admit(tabId, message)) this.forwardToPanels(tabId, message);
      } else if (isRelayToPanel(message)) {
        this.forwardToPanels(tabId, message);
      } else if (isForeignVersion(message) && end.foreignVersion === undefined) {
        end.foreignVersion = foreignVersionOf(message);
        this.notifyPanels(tabId, "version-mismatch", { expected: PROTOCOL_VERSION, got: end.foreignVersion });
      }
      // Anything else is malformed: dropped.
    });
    port.onDisconnect.addListener(() => {
      this.contents.remove(tabId, end);
      this.notifyPanels(tabId, "frame-disconnected", { frameId: end.frameId });
      this.forgetBudget(tabId);
    });
  }

  private connectPanel(port: PortLike, tabId: number): void {
    const first = !this.panels.of(tabId).size;
    this.panels.add(tabId, port);
    const contents = this.contents.of(tabId);
    // The tab's page worlds start posting their recorder batches only now.
    if (first) for (const content of contents) post(content.port, listening(true));
    // What the panel missed while it was not connected: which frames are there (and what they speak).
    for (const content of contents) {
      post(port, background("frame-connected", { frameId: content.frameId, url: content.url }));
      if (content.foreignVersion !== undefined) post(port, background("version-mismatch", { expected: PROTOCOL_VERSION, got: content.foreignVersion }));
    }
    const dropped = this.budgets.dropped(tabId);
    if (dropped) post(port, background("over-budget", { dropped }));

    port.onMessage.addListener((message) => {
      if (isPanelToPage(message)) {
        if (message.type === "snapshot-request") this.budgets.expectAnswer(tabId);
        for (const content of this.contents.of(tabId)) post(content.port, message);
      } else if (isForeignVersion(message)) {
        post(port, background("version-mismatch", { expected: PROTOCOL_VERSION, got: foreignVersionOf(message) }));
      }
    });
    port.onDisconnect.addListener(() => {
      this.panels.remove(tabId, port);
      if (!this.panels.of(tabId).size) for (const content of this.contents.of(tabId)) post(content.port, listening(false));
      this.forgetBudget(tabId);
    });
  }

  /** A tab nobody is connected for has nothing to bound. */
  private forgetBudget(tabId: number): void {
    if (!this.contents.of(tabId).size && !this.panels.of(tabId).size) this.budgets.forget(tabId);
  }

  private notifyPanels<K extends keyof BackgroundToPanel>(tabId: number, type: K, payload: BackgroundToPanel[K]): void {
    this.forwardToPanels(tabId, background(type, payload));
  }

  private forwardToPanels(tabId: number, message: unknown): void {
    for (const panel of this.panels.of(tabId)) post(panel, message);
  }
}

function background<K extends keyof BackgroundToPanel>(type: K, payload: BackgroundToPanel[K]): unknown {
  return envelope<BackgroundToPanel, K>("lifeguard-background", type, payload);
}

function listening(on: boolean): unknown {
  return envelope<PanelToPage, "listening">("lifeguard-background", "listening", { on });
}
