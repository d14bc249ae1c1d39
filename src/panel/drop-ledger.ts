/**
 * What never reached the panel's view of a tab, wherever it was dropped: by each frame's relay and by
 * the router (each reports running totals of its own), and by the panel itself (sockets past its cap,
 * frames and events past its log's bounds, messages past its backlog). The overflow banner shows the sum.
 */
import type { BudgetDrops } from "../shared/protocol";

/** Relays remembered one by one; an older one's totals are kept in a sum (a tab may churn through frames). */
const MAX_RELAYS = 256;

export function noDrops(): BudgetDrops {
  return { messages: 0, events: 0, sockets: 0, chars: 0 };
}

function add(into: BudgetDrops, x: BudgetDrops): void {
  into.messages += x.messages;
  into.events += x.events;
  into.sockets += x.sockets;
  into.chars += x.chars;
}

/** Running totals only grow; smaller ones mean their source started again (a new service worker). */
function restarted(before: BudgetDrops, now: BudgetDrops): boolean {
  return now.messages < before.messages || now.events < before.events || now.sockets < before.sockets || now.chars < before.chars;
}

export class DropLedger {
  /** The panel's own drops (the log adds its own to it in place, with its version going up). */
  readonly panel: BudgetDrops = noDrops();
  private router: BudgetDrops = noDrops();
  private readonly relays = new Map<string, BudgetDrops>();
  /** Totals of relays forgotten past MAX_RELAYS and of sources that restarted. */
  private readonly retired: BudgetDrops = noDrops();
  /** What was reported before the last reset (a clear), subtracted from the sum. */
  private baseline: BudgetDrops = noDrops();
  /** Goes up on every report (the panel's own counts go with the log's or the inbox's changes). */
  version = 0;

  /** A socket past the panel's cap, with the events it came with. */
  dropSocket(events = 0): void {
    this.panel.sockets++;
    this.panel.events += events;
    this.version++;
  }

  /** An event of a socket the panel does not keep. */
  dropEvent(): void {
    this.panel.events++;
    this.version++;
  }

  /** A whole message the panel had no room for. */
  dropMessage(weight: { events: number; sockets: number; chars: number }): void {
    this.panel.messages++;
    this.panel.events += weight.events;
    this.panel.sockets += weight.sockets;
    this.panel.chars += weight.chars;
    this.version++;
  }

  reportRouter(totals: BudgetDrops): void {
    if (restarted(this.router, totals)) add(this.retired, this.router);
    this.router = { ...totals };
    this.version++;
  }

  reportRelay(relay: string, totals: BudgetDrops): void {
    const before = this.relays.get(relay);
    if (before && restarted(before, totals)) add(this.retired, before);
    // Delete first so the Map's order is the order of last reports: the one evicted is the quietest.
    this.relays.delete(relay);
    this.relays.set(relay, { ...totals });
    if (this.relays.size > MAX_RELAYS) {
      const [oldest, totalsOfOldest] = this.relays.entries().next().value!;
      add(this.retired, totalsOfOldest);
      this.relays.delete(oldest);
    }
    this.version++;
  }

  /** Everything dropped for this tab since the panel opened (or was last cleared). */
  total(): BudgetDrops {
    const sum = this.reported();
    add(sum, this.panel);
    return { messages: sum.messages - this.baseline.messages, events: sum.events - this.baseline.events, sockets: sum.sockets - this.baseline.sockets, chars: sum.chars - this.baseline.chars };
  }

  /** Events and sockets dropped: the banner's number. */
  dropped(): number {
    const total = this.total();
    return total.events + total.sockets;
  }

  /** "Clear": start counting afresh; relays and the router keep reporting running totals. */
  reset(): void {
    this.baseline = this.reported();
    this.panel.messages = this.panel.events = this.panel.sockets = this.panel.chars = 0;
    this.version++;
  }

  private reported(): BudgetDrops {
    const sum = noDrops();
    add(sum, this.router);
    add(sum, this.retired);
    for (const totals of this.relays.values()) add(sum, totals);
    return sum;
  }
}
