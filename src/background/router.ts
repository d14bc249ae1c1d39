/**
 * Pairs each panel port with every content port (all frames) of its tab and pipes guarded messages
 * between them, unchanged.
 *
 * It keeps no history and no business logic: the service worker may be killed at any moment, and
 * then relays and panels reconnect and the panel asks the page for a snapshot. The only state here is
 * which ports are open now, and each tab's budget: a page can have many frames, each within its
 * relay's budget, so the tab as a whole is bounded here too (src/shared/budget.ts); what is dropped is
 * counted and the tab's panels told (`over-budget`, at most once a second).
 */
import { Budget, TAB_BUDGET } from "../shared/budget";
import {
  CONTENT_PORT,
  PROTOCOL_VERSION,
  envelope,
  isForeignVersion,
  isPageToPanel,
  isPanelToPage,
  isRelayToPanel,
  tabIdOfPanelPort,
  weigh,
  type BackgroundToPanel,
  type PageToPanelMessage,
  type PanelToPage,
} from "../shared/protocol";
import type { PortLike } from "../shared/transports";

export interface RouterOptions {
  /**
   * The extension's own origin (`runtime.getURL("")`). When set, a `panel:` port must come from an
   * extension page: a content script cannot name itself a panel and read another tab.
   */
  extensionOrigin?: string;
  /** Clock for the tabs' budgets (tests drive it). */
  now?: () => number;
}

/** A tab's budget, and when its panels were last told what it dropped. */
interface TabBudget {
  budget: Budget;
  toldAt: number;
  timer?: ReturnType<typeof setTimeout>;
}

const NOTICE_EVERY_MS = 1000;

interface ContentEnd {
  port: PortLike;
  tabId: number;
  frameId: number;
  url: string;
  /** The protocol version this frame spoke when it did not speak ours; reported once per port. */
  foreignVersion?: number | string | null;
}

interface PanelEnd {
  port: PortLike;
  tabId: number;
}

export class TabRouter {
  private readonly contents = new Map<number, Set<ContentEnd>>();
  private readonly panels = new Map<number, Set<PanelEnd>>();
  private readonly budgets = new Map<number, TabBudget>();
  private readonly now: () => number;

  constructor(private readonly options: RouterOptions = {}) {
    this.now = options.now ?? (() => Date.now());
  }

  /** Takes a newly connected port (from `runtime.onConnect`). Ports it does not know are disconnected. */
  connect(port: PortLike): void {
    if (port.name === CONTENT_PORT) return this.connectContent(port);
    const tabId = tabIdOfPanelPort(port.name);
    if (tabId !== null && this.isExtensionPage(port)) return this.connectPanel(port, tabId);
    port.disconnect();
  }

  /** Open ports per tab, for tests and debugging. */
  stats(tabId: number): { contents: number; panels: number } {
    return { contents: this.contents.get(tabId)?.size ?? 0, panels: this.panels.get(tabId)?.size ?? 0 };
  }

  private isExtensionPage(port: PortLike): boolean {
    const origin = this.options.extensionOrigin;
    return origin === undefined || (port.sender?.url ?? "").startsWith(origin);
  }

  private connectContent(port: PortLike): void {
    const tabId = port.sender?.tab?.id;
    // A content port without a tab (an extension page, a prerendered document) has no panel to reach.
    if (typeof tabId !== "number" || tabId < 0) {
      port.disconnect();
      return;
    }
    const end: ContentEnd = { port, tabId, frameId: port.sender?.frameId ?? 0, url: port.sender?.url ?? "" };
    addTo(this.contents, tabId, end);
    this.notifyPanels(tabId, "frame-connected", { frameId: end.frameId, url: end.url });
    // A relay that connects answers with a snapshot: asked below, or by itself (a new background).
    this.budgetOf(tabId).budget.expectAnswer();
    if (this.panels.get(tabId)?.size) {
      post(port, listening(true));
      // A document that came while a panel is open (a reload, a navigation, a new iframe) may have
      // recorded before its relay connected: its history comes now, not when the panel happens to ask.
      post(port, envelope<PanelToPage, "snapshot-request">("lifeguard-background", "snapshot-request", {}));
    }

    port.onMessage.addListener((message) => {
      if (isPageToPanel(message)) {
        if (this.admit(tabId, message)) this.forwardToPanels(tabId, message);
      } else if (isRelayToPanel(message)) {
        this.forwardToPanels(tabId, message);
      } else if (isForeignVersion(message) && end.foreignVersion === undefined) {
        end.foreignVersion = versionOf(message);
        this.notifyPanels(tabId, "version-mismatch", { expected: PROTOCOL_VERSION, got: end.foreignVersion });
      }
      // Anything else is malformed: dropped.
    });
    port.onDisconnect.addListener(() => {
      removeFrom(this.contents, tabId, end);
      this.notifyPanels(tabId, "frame-disconnected", { frameId: end.frameId });
      this.forgetBudget(tabId);
    });
  }

  private budgetOf(tabId: number): TabBudget {
    let tab = this.budgets.get(tabId);
    if (!tab) this.budgets.set(tabId, (tab = { budget: new Budget(TAB_BUDGET, this.now), toldAt: -Infinity }));
    return tab;
  }

  /** A tab nobody is connected for has nothing to bound. */
  private forgetBudget(tabId: number): void {
    if (this.contents.get(tabId)?.size || this.panels.get(tabId)?.size) return;
    clearTimeout(this.budgets.get(tabId)?.timer);
    this.budgets.delete(tabId);
  }

  /** Whether the tab's budget takes the message; what it does not take is counted and reported. */
  private admit(tabId: number, message: PageToPanelMessage): boolean {
    // With no panel there is nobody to cost anything: the message goes nowhere.
    if (!this.panels.get(tabId)?.size) return false;
    const tab = this.budgetOf(tabId);
    const weight = weigh(message);
    if (message.type === "snapshot" ? tab.budget.admitAnswer(weight) : tab.budget.admitLive(weight)) return true;
    this.reportDrops(tabId, tab);
    return false;
  }

  private reportDrops(tabId: number, tab: TabBudget): void {
    if (tab.timer !== undefined) return;
    const tell = (): void => {
      tab.timer = undefined;
      tab.toldAt = this.now();
      this.notifyPanels(tabId, "over-budget", { dropped: { ...tab.budget.dropped } });
    };
    const wait = tab.toldAt + NOTICE_EVERY_MS - this.now();
    if (wait <= 0) tell();
    else tab.timer = setTimeout(tell, wait);
  }

  private connectPanel(port: PortLike, tabId: number): void {
    const end: PanelEnd = { port, tabId };
    const first = !this.panels.get(tabId)?.size;
    addTo(this.panels, tabId, end);
    // The tab's page worlds start posting their recorder batches only now.
    if (first) for (const content of this.contents.get(tabId) ?? []) post(content.port, listening(true));
    // What the panel missed while it was not connected: which frames are there (and what they speak).
    for (const content of this.contents.get(tabId) ?? []) {
      post(port, envelope<BackgroundToPanel, "frame-connected">("lifeguard-background", "frame-connected", {
        frameId: content.frameId,
        url: content.url,
      }));
      if (content.foreignVersion !== undefined) {
        post(port, envelope<BackgroundToPanel, "version-mismatch">("lifeguard-background", "version-mismatch", {
          expected: PROTOCOL_VERSION,
          got: content.foreignVersion,
        }));
      }
    }

    const dropped = this.budgets.get(tabId)?.budget.dropped;
    if (dropped?.messages) post(port, envelope<BackgroundToPanel, "over-budget">("lifeguard-background", "over-budget", { dropped: { ...dropped } }));

    port.onMessage.addListener((message) => {
      if (isPanelToPage(message)) {
        if (message.type === "snapshot-request") this.budgetOf(tabId).budget.expectAnswer();
        for (const content of this.contents.get(tabId) ?? []) post(content.port, message);
      } else if (isForeignVersion(message)) {
        post(port, envelope<BackgroundToPanel, "version-mismatch">("lifeguard-background", "version-mismatch", {
          expected: PROTOCOL_VERSION,
          got: versionOf(message),
        }));
      }
    });
    port.onDisconnect.addListener(() => {
      removeFrom(this.panels, tabId, end);
      if (!this.panels.get(tabId)?.size) for (const content of this.contents.get(tabId) ?? []) post(content.port, listening(false));
      this.forgetBudget(tabId);
    });
  }

  private notifyPanels<K extends keyof BackgroundToPanel>(tabId: number, type: K, payload: BackgroundToPanel[K]): void {
    if (!this.panels.get(tabId)?.size) return;
    this.forwardToPanels(tabId, envelope<BackgroundToPanel, K>("lifeguard-background", type, payload));
  }

  private forwardToPanels(tabId: number, message: unknown): void {
    for (const panel of this.panels.get(tabId) ?? []) post(panel.port, message);
  }
}

function versionOf(message: unknown): number | string | null {
  const v = (message as { v?: unknown }).v;
  if (typeof v === "number") return v;
  // The value came from another context: report it, bounded, never as an object.
  if (typeof v === "string") return v.slice(0, 64);
  return null;
}

function post(port: PortLike, message: unknown): void {
  try {
    port.postMessage(message);
  } catch {
    // The port is gone; its onDisconnect removes it.
  }
}

function addTo<T>(map: Map<number, Set<T>>, key: number, value: T): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

function removeFrom<T>(map: Map<number, Set<T>>, key: number, value: T): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}

function listening(on: boolean): unknown {
  return envelope<PanelToPage, "listening">("lifeguard-background", "listening", { on });
}
