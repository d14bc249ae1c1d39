/**
 * What the page showed as an error while a resilience check watches (issue 20, "what the user saw"):
 * uncaught exceptions (window `error`), unhandled rejections, and `console.error` calls, each as text
 * of at most `PAGE_ERROR_MESSAGE_MAX` characters.
 *
 * Nothing is installed until a check starts, and all of it goes when it ends: a page with no check
 * pays nothing. `console.error` is wrapped only meanwhile; the wrapper reads as the function it wraps
 * (disguise.ts), calls it with the same `this` and arguments, and returns what it returns. Values are
 * turned into text with the functions captured at document_start, and whatever a hostile value does
 * (a `toString` that throws, a revoked Proxy) costs its text, never the page's call.
 */
import { PAGE_ERROR_MESSAGE_MAX, type PageErrorKind } from "../shared/protocol";
import type { Disguise } from "./disguise";
import { apply, NO_ARGS, type Natives } from "./natives";

/** Values a JSON text of one console argument visits at most: a huge object is cut, not walked. */
const JSON_VALUES = 100;

export class PageErrorWatch {
  private stop: (() => void) | null = null;

  constructor(
    private readonly n: Natives,
    private readonly disguise: Disguise,
    private readonly report: (what: PageErrorKind, message: string) => void,
  ) {}

  get watching(): boolean {
    return this.stop !== null;
  }

  start(): void {
    if (this.stop) return;
    const n = this.n;
    const onError = (ev: Event): void => {
      // Only an ErrorEvent has a message: a resource's failed load (captured on its way) has none.
      const message = read(n.errorMessage, ev, "message");
      if (typeof message === "string") this.note("error", clipped(message));
    };
    const onRejection = (ev: Event): void => this.note("unhandledrejection", describe(read(n.rejectionReason, ev, "reason"), n));
    // Capture: before the page's own listeners, which may stop the event.
    apply(n.addEventListener, n.win, ["error", onError, true]);
    apply(n.addEventListener, n.win, ["unhandledrejection", onRejection, true]);
    const unwrap = this.wrapConsoleError();
    this.stop = () => {
      apply(n.removeEventListener, n.win, ["error", onError, true]);
      apply(n.removeEventListener, n.win, ["unhandledrejection", onRejection, true]);
      unwrap();
    };
  }

  end(): void {
    const stop = this.stop;
    this.stop = null;
    stop?.();
  }

  private note(what: PageErrorKind, message: string): void {
    try {
      this.report(what, message);
    } catch {
      // The page's error, or its console call, goes on whatever becomes of the record.
    }
  }

  /**
   * Puts a wrapper in place of `console.error`; returns what takes it away. A page that put its own in
   * place of the wrapper meanwhile keeps it (the wrapper, inside it, records nothing any more).
   */
  private wrapConsoleError(): () => void {
    const n = this.n;
    const target = n.console;
    let own: PropertyDescriptor | undefined;
    let original: unknown;
    try {
      own = Reflect.getOwnPropertyDescriptor(target, "error");
      original = Reflect.get(target, "error");
    } catch {
      return () => {};
    }
    if (typeof original !== "function" || (own && !("value" in own))) return () => {};
    let on = true;
    const noteArgs = (args: unknown[]): void => this.note("console", describeAll(args, n));
    const wrapper = {
      // The native one's name and length (0), no prototype, not a constructor.
      error(this: unknown): unknown {
        // eslint-disable-next-line prefer-rest-params
        const args = arguments as unknown as unknown[];
        if (on) noteArgs(args);
        return apply(original as (...a: unknown[]) => unknown, this, args);
      },
    }.error;
    Object.setPrototypeOf(wrapper, n.win.Function.prototype);
    try {
      this.disguise.as(wrapper, original);
    } catch {
      // An original whose source cannot be read (a revoked Proxy): not worth a wrapper that reads as ours.
      return () => {};
    }
    const placed = Reflect.defineProperty(
      target,
      "error",
      own ? { ...own, value: wrapper } : { value: wrapper, writable: true, enumerable: true, configurable: true },
    );
    if (!placed) return () => {};
    return () => {
      on = false;
      if (Reflect.get(target, "error") !== wrapper) return;
      if (own) Reflect.defineProperty(target, "error", own);
      else Reflect.deleteProperty(target, "error");
    };
  }
}

/** A field of an event with the browser's own getter (captured), or as a plain read where it has none. */
function read(getter: ((this: Event) => unknown) | null, ev: Event, name: string): unknown {
  try {
    return getter ? apply(getter, ev, NO_ARGS) : Reflect.get(ev, name);
  } catch {
    return undefined;
  }
}

function clipped(s: string): string {
  return s.length > PAGE_ERROR_MESSAGE_MAX ? s.slice(0, PAGE_ERROR_MESSAGE_MAX) : s;
}

/** `console.error`'s arguments as one line, as far as it fits. */
function describeAll(args: unknown[], n: Natives): string {
  let out = "";
  for (let i = 0; i < args.length && out.length < PAGE_ERROR_MESSAGE_MAX; i++) out += (i > 0 ? " " : "") + describe(args[i], n);
  return clipped(out);
}

/**
 * One value as text: a string as it is; an error (or any object but a plain one or an array) by its
 * `String()`, which for an Error reads "TypeError: message"; plain objects and arrays as a short JSON
 * text. Past the first failure, the value's tag; past that, nothing the value can make throw.
 */
function describe(value: unknown, n: Natives): string {
  if (typeof value === "string") return clipped(value);
  try {
    if (typeof value !== "object" || value === null) return clipped(n.String(value));
    const tag = apply(n.objectToString, value, NO_ARGS) as string;
    if (tag === "[object Object]" || tag === "[object Array]") {
      const json = boundedJson(value, n);
      if (json !== undefined) return clipped(json);
    }
    return clipped(n.String(value));
  } catch {
    try {
      return clipped(apply(n.objectToString, value, NO_ARGS) as string);
    } catch {
      return "[unprintable]";
    }
  }
}

/** JSON of at most JSON_VALUES values (the rest left out), or undefined (a cycle, a BigInt, a getter that threw). */
function boundedJson(value: object, n: Natives): string | undefined {
  let left = JSON_VALUES;
  try {
    return apply(n.jsonStringify, null, [value, (_key: string, v: unknown) => (left-- > 0 ? v : undefined)]) as string | undefined;
  } catch {
    return undefined;
  }
}
