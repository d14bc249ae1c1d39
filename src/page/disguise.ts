/**
 * Makes Lifeguard's replacements read as native code: `Function.prototype.toString` of the hooked
 * constructor, methods and accessors returns what the browser's own would. One `toString` replacement
 * per realm (frame), all sharing one table, so a function hooked from the parent frame into a
 * same-origin child reads native there too.
 *
 * The replacement also answers a probe no page can guess (a per-build token as its argument): that is
 * how a frame's own page-world script learns that its parent already patched it, without a marker
 * in the page.
 */
import { apply } from "./natives";

declare const __LIFEGUARD_CHANNEL__: string;
const PROBE = `lifeguard-probe-${typeof __LIFEGUARD_CHANNEL__ === "string" ? __LIFEGUARD_CHANNEL__ : "dev"}`;
const PROBE_ANSWER = "lifeguard-installed";

const nativeSource = new WeakMap<object, string>();
const getPrototypeOf = Reflect.getPrototypeOf;

export class Disguise {
  /** The source text of our toString replacement: the same in every frame's copy of this script. */
  private ownSource: string | null = null;

  constructor(private readonly nativeToString: typeof Function.prototype.toString) {}

  /**
   * Whether `fn` is a toString replacement of Lifeguard (any frame's copy), read from its source
   * text with the genuine native toString: nothing of the page's is called, no token is shown.
   */
  isOurs(fn: unknown): fn is typeof Function.prototype.toString {
    if (typeof fn !== "function" || this.ownSource === null) return false;
    try {
      return apply(this.nativeToString, fn, []) === this.ownSource;
    } catch {
      return false;
    }
  }

  /** `fake` will read exactly as `original` does. */
  as(fake: object, original: object): void {
    nativeSource.set(fake, apply(this.nativeToString, original, []) as string);
  }

  /** Replaces `fnProto.toString` in one realm (idempotent per realm). */
  installToString(fnProto: typeof Function.prototype): void {
    const nativeToString = this.nativeToString;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    const replacement = {
      // Same name, length 0, no prototype, not a constructor: like the native one.
      toString(this: unknown): string {
        // eslint-disable-next-line prefer-rest-params
        if (arguments[0] === PROBE) return PROBE_ANSWER;
        const fake = typeof this === "function" || (typeof this === "object" && this !== null)
          ? nativeSource.get(this as object)
          : undefined;
        if (fake !== undefined) return fake;
        // A function of another same-origin frame whose own page-world script hooked it: that
        // frame's table knows it, so ask that frame's toString.
        if (typeof this === "function") {
          const proto: unknown = getPrototypeOf(this);
          if (proto !== fnProto && typeof proto === "function") {
            const other = (proto as typeof Function.prototype).toString;
            // eslint-disable-next-line prefer-rest-params
            if (self.isOurs(other)) return apply(other, this, arguments as unknown as unknown[]) as string;
          }
        }
        // eslint-disable-next-line prefer-rest-params
        return apply(nativeToString, this, arguments as unknown as unknown[]) as string;
      },
    }.toString;
    Object.setPrototypeOf(replacement, fnProto);
    this.as(replacement, nativeToString);
    this.ownSource ??= apply(nativeToString, replacement, []) as string;
    const desc = Reflect.getOwnPropertyDescriptor(fnProto, "toString")!;
    Reflect.defineProperty(fnProto, "toString", { ...desc, value: replacement });
  }
}

/**
 * At document_start, before any page script of this frame ran: true when this realm's
 * `Function.prototype.toString` is already Lifeguard's (a same-origin parent hooked the frame the
 * moment it touched it). Only for that moment: later, a page's own toString would see the probe.
 */
export function isInstalledAtStart(fnProto: typeof Function.prototype): boolean {
  try {
    return apply(fnProto.toString, fnProto.toString, [PROBE]) === PROBE_ANSWER;
  } catch {
    return false;
  }
}
