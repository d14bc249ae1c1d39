/**
 * Page errors while a resilience check watches (page-errors.ts, the `check` command in world.ts):
 * uncaught exceptions, unhandled rejections and `console.error` calls become `page-error` events in
 * the stream's batches, only between `check` on and off (or the last panel leaving); the page's console
 * is the page's again afterwards, and hostile values cost nothing but their text.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PAGE_ERROR_MESSAGE_MAX, type PageErrorEvent } from "../../src/shared/protocol";
import { startTestWorld, until, type TestWorld } from "../support/page-world";

let world: TestWorld;
/** `console.error` as the window had it before the page world started. */
let original: (...args: unknown[]) => unknown;
/** Whether `console.error` was the console's own property (happy-dom's is inherited, a browser's is own). */
let ownBefore: boolean;
/** What the original was called with. */
let calls: { self: unknown; args: unknown[] }[];

beforeEach(async () => {
  calls = [];
  world = await startTestWorld({
    before: ({ win }) => {
      // A page's own console.error (a logger's, say), as an own property: what the wrapper must call, and put back.
      original = function error(this: unknown, ...args: unknown[]) {
        calls.push({ self: this, args });
        return "the original's result";
      };
      win.console.error = original as Console["error"];
      ownBefore = Object.prototype.hasOwnProperty.call(win.console, "error");
    },
  });
});

afterEach(async () => {
  expect(world.problems).toEqual([]);
  await world.close();
});

const pageErrors = () => world.events.filter((e): e is PageErrorEvent => e.kind === "page-error");
const texts = () => pageErrors().map((e) => `${e.what}: ${e.message}`);

/** Dispatches an uncaught exception's event on the window, as the browser does. */
function uncaught(message: string): void {
  const win = world.win;
  win.dispatchEvent(new win.ErrorEvent("error", { message, error: new Error(message) }));
}

/** Dispatches an unhandled rejection's event (happy-dom has no PromiseRejectionEvent: a plain event with `reason`). */
function rejected(reason: unknown): void {
  const win = world.win;
  const ev = new win.Event("unhandledrejection");
  Object.defineProperty(ev, "reason", { value: reason });
  win.dispatchEvent(ev);
}

/** Something that comes after everything sent before it. */
async function settle(): Promise<void> {
  await world.send("snapshot-request", { stream: "nobody" });
  await new Promise((r) => setTimeout(r, 80));
}

describe("page errors while a check watches", () => {
  it("records nothing and wraps nothing before a check starts", async () => {
    uncaught("before");
    rejected("before");
    world.win.console.error("before");
    await settle();
    expect(pageErrors()).toEqual([]);
    expect(world.win.console.error).toBe(original);
  });

  it("records uncaught errors, unhandled rejections and console.error calls, in order, as the stream's", async () => {
    await world.send("check", { on: true });
    uncaught("TypeError: x is undefined");
    rejected(new Error("fetch failed"));
    world.win.console.error("socket lost", 1006, { code: 1006, retry: [1, 2] }, null, undefined);
    await until(() =>
      expect(texts()).toEqual([
        "error: TypeError: x is undefined",
        "unhandledrejection: Error: fetch failed",
        'console: socket lost 1006 {"code":1006,"retry":[1,2]} null undefined',
      ]),
    );
    for (const e of pageErrors()) expect(e.t).toBeGreaterThan(0);
  });

  it("stops at check off: nothing more is recorded and the page's console.error is back, exactly", async () => {
    await world.send("check", { on: true });
    expect(world.win.console.error).not.toBe(original);
    world.win.console.error("during");
    await world.send("check", { on: false });
    expect(world.win.console.error).toBe(original);
    expect(Object.prototype.hasOwnProperty.call(world.win.console, "error")).toBe(ownBefore);
    uncaught("after");
    rejected("after");
    world.win.console.error("after");
    await settle();
    expect(texts()).toEqual(["console: during"]);
  });

  it("stops when the tab's last panel leaves (listening off), as at check off", async () => {
    await world.send("check", { on: true });
    await world.send("listening", { on: false });
    expect(world.win.console.error).toBe(original);
    await world.send("listening", { on: true });
    uncaught("after");
    await settle();
    expect(pageErrors()).toEqual([]);
  });

  it("a second check records each error once, and so does a check started twice", async () => {
    await world.send("check", { on: true });
    await world.send("check", { on: true });
    world.win.console.error("one");
    await world.send("check", { on: false });
    await world.send("check", { on: true });
    world.win.console.error("two");
    uncaught("three");
    await until(() => expect(texts()).toEqual(["console: one", "console: two", "error: three"]));
    await settle();
    expect(texts()).toHaveLength(3);
  });
});

describe("the console.error wrapper", () => {
  it("reads as the function it wraps, calls it with the same this and arguments, and returns its result", async () => {
    const win = world.win;
    const sourceBefore = Function.prototype.toString.call(original);
    await world.send("check", { on: true });
    const wrapper = win.console.error;
    expect(win.Function.prototype.toString.call(wrapper)).toBe(sourceBefore);
    expect(`${wrapper}`).toBe(sourceBefore);
    expect([wrapper.name, wrapper.length]).toEqual(["error", 0]);
    expect(Object.getPrototypeOf(wrapper)).toBe(win.Function.prototype);
    const self = { logger: true };
    const args = ["a", 2, { b: 3 }];
    expect(Reflect.apply(wrapper, self, args)).toBe("the original's result");
    expect(calls).toHaveLength(1);
    expect(calls[0]!.self).toBe(self);
    expect(calls[0]!.args).toEqual(args);
    expect(calls[0]!.args[2]).toBe(args[2]);
  });

  it("lets the original's exception through, and records the call first", async () => {
    const thrown = new Error("logger broke");
    world.win.console.error = () => {
      throw thrown;
    };
    await world.send("check", { on: true });
    expect(() => world.win.console.error("x")).toThrow(thrown);
    await until(() => expect(texts()).toEqual(["console: x"]));
  });

  it("a console.error the page put in its place meanwhile stays after the check; the wrapper inside it records nothing more", async () => {
    await world.send("check", { on: true });
    const wrapper = world.win.console.error;
    const pages = (...args: unknown[]) => Reflect.apply(wrapper, world.win.console, args);
    world.win.console.error = pages;
    world.win.console.error("during");
    await world.send("check", { on: false });
    expect(world.win.console.error).toBe(pages);
    world.win.console.error("after");
    await settle();
    expect(texts()).toEqual(["console: during"]);
    // The page's chain still reaches the original.
    expect(calls.map((c) => c.args[0])).toEqual(["during", "after"]);
  });
});

describe("hostile and huge values", () => {
  it("a reason whose toString throws, a Proxy, a revoked Proxy: text as far as it goes, nothing thrown at the page", async () => {
    const win = world.win;
    await world.send("check", { on: true });
    const throwing = {
      toString() {
        throw new Error("no");
      },
    };
    const trap = new Proxy(
      {},
      {
        get() {
          throw new Error("trap");
        },
        getPrototypeOf() {
          throw new Error("trap");
        },
      },
    );
    const { proxy: revoked, revoke } = Proxy.revocable({}, {});
    revoke();
    const errorClass = class extends Error {
      override toString(): string {
        throw new Error("no");
      }
    };
    for (const reason of [throwing, trap, revoked, new errorClass("hidden"), Symbol("s"), 10n]) rejected(reason);
    expect(() => win.console.error(throwing, trap, revoked)).not.toThrow();
    await until(() => expect(pageErrors()).toHaveLength(7));
    const messages = pageErrors().map((e) => e.message);
    // A plain object's JSON leaves its functions out; a Proxy that throws on every read, or a revoked
    // one, has not even a tag; an Error whose toString throws has its tag.
    expect(messages.slice(0, 6)).toEqual(["{}", "[unprintable]", "[unprintable]", "[object Error]", "Symbol(s)", "10"]);
    expect(messages[6]).toBe("{} [unprintable] [unprintable]");
    expect(calls).toHaveLength(1);
  });

  it("clips every message to its bound, and a huge object's JSON to its first values", async () => {
    await world.send("check", { on: true });
    const long = "x".repeat(PAGE_ERROR_MESSAGE_MAX * 3);
    uncaught(long);
    rejected(long);
    world.win.console.error(long, "more");
    const huge = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]));
    world.win.console.error(huge);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    world.win.console.error(cyclic);
    await until(() => expect(pageErrors()).toHaveLength(5));
    const [a, b, c, d, e] = pageErrors().map((x) => x.message);
    expect([a!.length, b!.length, c!.length]).toEqual([PAGE_ERROR_MESSAGE_MAX, PAGE_ERROR_MESSAGE_MAX, PAGE_ERROR_MESSAGE_MAX]);
    expect(d!.startsWith('{"k0":0,"k1":1,')).toBe(true);
    expect(d!.length).toBeLessThan(PAGE_ERROR_MESSAGE_MAX);
    // A cycle has no JSON: its String() then.
    expect(e).toBe("[object Object]");
  });

  it("an error event that is not an uncaught exception (no message) is not recorded", async () => {
    await world.send("check", { on: true });
    world.win.dispatchEvent(new world.win.Event("error"));
    uncaught("real");
    await until(() => expect(texts()).toEqual(["error: real"]));
  });
});
