/**
 * Pairings the relays refused: someone in the page (or another frame) tried to take over Lifeguard's
 * private channel in a frame. Each relay reports the running total of its refusals; the panel sums
 * the latest of each and names the frame of the latest report. The frame URL is the page's text.
 */
import type { RelayToPanel } from "../shared/protocol";

/** Relays remembered one by one; an older one's count is kept in a sum. */
const MAX_RELAYS = 256;

export class BridgeRefusals {
  private readonly relays = new Map<string, number>();
  private retired = 0;
  private baseline = 0;
  /** The frame of the latest report that counted one more refusal, and why it was refused. */
  frameUrl = "";
  reason: RelayToPanel["bridge-refused"]["reason"] = "second";
  version = 0;

  report({ relay, frameUrl, reason, count }: RelayToPanel["bridge-refused"]): void {
    const before = this.relays.get(relay) ?? 0;
    // A relay's total only grows; a smaller one is a late message, already counted.
    if (count <= before) return;
    this.relays.delete(relay);
    this.relays.set(relay, count);
    if (this.relays.size > MAX_RELAYS) {
      const [oldest, countOfOldest] = this.relays.entries().next().value!;
      this.retired += countOfOldest;
      this.relays.delete(oldest);
    }
    this.frameUrl = frameUrl;
    this.reason = reason;
    this.version++;
  }

  /** Refusals since the panel opened (or was last cleared). */
  total(): number {
    return this.reported() - this.baseline;
  }

  reset(): void {
    this.baseline = this.reported();
    this.version++;
  }

  private reported(): number {
    let sum = this.retired;
    for (const count of this.relays.values()) sum += count;
    return sum;
  }
}
