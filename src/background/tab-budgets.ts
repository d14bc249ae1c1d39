/**
 * Each tab's budget in the router: a page can have many frames, each within its relay's budget, so the
 * tab as a whole is bounded too (src/shared/budget.ts). What is dropped is counted, and the tab's panels
 * told (`over-budget`) at once and then at most once a second.
 */
import { Budget, TAB_BUDGET } from "../shared/budget";
import { weigh, type BudgetDrops, type PageToPanelMessage } from "../shared/protocol";

const NOTICE_EVERY_MS = 1000;

interface TabBudget {
  budget: Budget;
  toldAt: number;
  timer?: ReturnType<typeof setTimeout>;
}

export class TabBudgets {
  private readonly tabs = new Map<number, TabBudget>();

  constructor(
    private readonly now: () => number,
    /** Tells a tab's panels what it dropped so far. */
    private readonly tell: (tabId: number, dropped: BudgetDrops) => void,
  ) {}

  /** A snapshot was asked of the tab (or a relay connected and answers with one). */
  expectAnswer(tabId: number): void {
    this.of(tabId).budget.expectAnswer();
  }

  /** Whether the tab's budget takes the message; what it does not take is counted and reported. */
  admit(tabId: number, message: PageToPanelMessage): boolean {
    const tab = this.of(tabId);
    const weight = weigh(message);
    if (message.type === "snapshot" ? tab.budget.admitAnswer(weight) : tab.budget.admitLive(weight)) return true;
    this.report(tabId, tab);
    return false;
  }

  /** What the tab dropped so far, if anything (a panel that attaches hears it). */
  dropped(tabId: number): BudgetDrops | null {
    const dropped = this.tabs.get(tabId)?.budget.dropped;
    return dropped?.messages ? { ...dropped } : null;
  }

  /** A tab nobody is connected for has nothing to bound. */
  forget(tabId: number): void {
    clearTimeout(this.tabs.get(tabId)?.timer);
    this.tabs.delete(tabId);
  }

  private of(tabId: number): TabBudget {
    let tab = this.tabs.get(tabId);
    if (!tab) this.tabs.set(tabId, (tab = { budget: new Budget(TAB_BUDGET, this.now), toldAt: -Infinity }));
    return tab;
  }

  private report(tabId: number, tab: TabBudget): void {
    if (tab.timer !== undefined) return;
    const tell = (): void => {
      tab.timer = undefined;
      tab.toldAt = this.now();
      this.tell(tabId, { ...tab.budget.dropped });
    };
    const wait = tab.toldAt + NOTICE_EVERY_MS - this.now();
    if (wait <= 0) tell();
    else tab.timer = setTimeout(tell, wait);
  }
}
