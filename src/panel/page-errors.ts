/**
 * The page errors the tab's page worlds recorded while a resilience check watched (protocol
 * `PageErrorEvent`), with the stream each came from: the newest `PAGE_ERRORS_KEPT`, changed in place
 * with a `version`, like the panel's other stores. The Resilience view reads them per step.
 */
import type { PageErrorEvent, StreamId } from "../shared/protocol";
import type { PageError } from "../shared/resilience/types";

export const PAGE_ERRORS_KEPT = 500;

export class PageErrorLog {
  private readonly list: PageError[] = [];
  /** Goes up on every change. */
  version = 0;

  add(event: PageErrorEvent, stream: StreamId): void {
    this.list.push({ t: event.t, stream, what: event.what, message: event.message });
    if (this.list.length > PAGE_ERRORS_KEPT) this.list.shift();
    this.version++;
  }

  /** A copy, oldest first: what a model hands its views. */
  all(): PageError[] {
    return this.list.slice();
  }

  clear(): void {
    if (this.list.length === 0) return;
    this.list.length = 0;
    this.version++;
  }
}
