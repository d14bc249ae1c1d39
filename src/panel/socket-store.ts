/**
 * The panel's sockets, in the order it first saw them: one Map, changed in place (copying it for every
 * 50 ms batch made a page with thousands of sockets cost its panel quadratic work), with a `version`
 * that goes up on every change, which is what the model and the views compare. Views are immutable
 * records: a changed socket gets a new one. Only the model's reducer writes.
 *
 * The page's sockets are capped (`full`): a page that declares more gets the first ones shown and the
 * rest counted as dropped. Imported sockets are the user's, and do not count.
 */
import type { SocketId } from "../shared/protocol";
import type { SocketView } from "./socket-view";

export class SocketStore extends Map<SocketId, SocketView> {
  /** Goes up on every change. */
  version = 0;
  /** Goes up when a socket comes or goes or changes origin: what the list's layout depends on. */
  membership = 0;
  /** Frames in and out of all sockets, as their counters say. */
  frames = 0;
  /** Sockets of the page (live or from a previous page): what the cap counts. */
  private fromPage = 0;

  constructor(readonly max: number) {
    super();
  }

  /** Whether the store holds as many of the page's sockets as it keeps. */
  get full(): boolean {
    return this.fromPage >= this.max;
  }

  override set(id: SocketId, view: SocketView): this {
    const before = super.get(id);
    this.fromPage += (view.origin === "imported" ? 0 : 1) - (before === undefined || before.origin === "imported" ? 0 : 1);
    this.frames += view.framesIn + view.framesOut - (before ? before.framesIn + before.framesOut : 0);
    if (before?.origin !== view.origin) this.membership++;
    this.version++;
    return super.set(id, view);
  }

  override delete(id: SocketId): boolean {
    const before = super.get(id);
    if (before === undefined) return false;
    if (before.origin !== "imported") this.fromPage--;
    this.frames -= before.framesIn + before.framesOut;
    this.membership++;
    this.version++;
    return super.delete(id);
  }

  override clear(): void {
    this.fromPage = this.frames = 0;
    this.membership++;
    this.version++;
    super.clear();
  }
}
