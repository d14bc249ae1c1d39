// @vitest-environment happy-dom
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { MockSpec } from "../../src/shared/frame-rule-types";
import { validateMocks } from "../../src/shared/mock-validate";
import { snapshotMessage, socketSnapshot } from "../support/messages";
import { fakeStore, mountApp, typeInto, type MountedApp } from "./app-mount";

let app: MountedApp | null = null;
afterEach(() => {
  app?.unmount();
  app = null;
});

const HAR = readFileSync(join(import.meta.dirname, "fixtures/chrome-websocket.har"), "utf8");
const OTHER: MockSpec = { match: "wss://other.test/*", protocol: "", frames: [], replay: { by: "order" }, timing: "fast" };

/** The panel with Chrome's HAR imported and its socket selected. */
async function withImported(stored: unknown = [OTHER]) {
  const mocks = fakeStore(stored);
  const reloads: number[] = [];
  app = await mountApp({ mocks: mocks.store, reloadPage: () => reloads.push(1) });
  const a = app;
  // A live socket too: "Serve as mock" is for recordings only.
  await a.send(snapshotMessage([socketSnapshot("a:1")]));
  const input = a.$("har-import") as HTMLInputElement;
  Object.defineProperty(input, "files", { configurable: true, value: [new File([HAR], "chat.har", { type: "application/json" })] });
  await a.act(async () => {
    input.dispatchEvent(new Event("change", { bubbles: true }));
    await new Promise((r) => setTimeout(r, 20));
  });
  const row = (origin: string) => a.$$("socket-row").find((r) => r.dataset.origin === origin)!;
  await a.act(() => row("live").click());
  expect(a.$("mock-from-recording")).toBeNull();
  await a.act(() => row("imported").click());
  return { a, mocks, reloads };
}

const stored = (mocks: ReturnType<typeof fakeStore>) => mocks.stored() as MockSpec[];

describe("Serve as mock", () => {
  it("writes the recorded conversation as a mock, replayed by a JSON path and fast; says to reload, and Reload reloads", async () => {
    const { a, mocks, reloads } = await withImported();
    await a.act(() => void a.$("mock-by-path")!.dispatchEvent(new Event("change", { bubbles: true })));
    await a.act(() => void a.$("mock-timing-fast")!.dispatchEvent(new Event("change", { bubbles: true })));
    await a.act(() => void a.$("mock-serve")!.click());

    const [other, mock] = stored(mocks);
    expect(other).toEqual(OTHER);
    expect(mock).toMatchObject({
      match: "wss://chat.example.test/socket?*",
      // Two offered, none known to be chosen.
      protocol: "",
      replay: { by: "path", path: "$.id" },
      timing: "fast",
    });
    // Times from the socket's start (the entry's startedDateTime, 09:14:02.421).
    expect(mock!.frames).toEqual([
      { dir: "out", t: 77.721, opcode: "text", data: '{"type":"hello","user":"ada"}' },
      { dir: "in", t: 120.307, opcode: "text", data: '{"type":"welcome","users":["ada","bob"],"motd":"héllo ✓"}' },
      { dir: "in", t: 681, opcode: "binary", data: "gqJpZAGkbmFtZaNib2I=" },
      { dir: "out", t: 30079, opcode: "text", data: "ping" },
      { dir: "in", t: 30109.1, opcode: "text", data: "pong" },
    ]);
    // What the relay takes, as written.
    expect(validateMocks(mocks.stored())).toEqual({ mocks: [OTHER, mock], problems: [] });
    expect(a.$("mock-served")!.textContent).toContain("Serving wss://chat.example.test/socket?* with 5 recorded frames");
    expect(a.$("mock-served")!.textContent).toContain("Reload the page to use it");
    await a.act(() => void a.$("mock-reload")!.click());
    expect(reloads).toEqual([1]);

    // The strip lists what is in force.
    expect(a.$$("mock-in-force").map((el) => el.dataset.match)).toEqual(["wss://other.test/*", "wss://chat.example.test/socket?*"]);
  });

  it("serving the same URL again replaces its mock; a bad JSON path is named and nothing is written", async () => {
    const { a, mocks } = await withImported([]);
    await a.act(() => void a.$("mock-serve")!.click());
    expect(stored(mocks)).toHaveLength(1);
    expect(stored(mocks)[0]).toMatchObject({ replay: { by: "order" }, timing: "recorded" });

    await a.act(() => void a.$("mock-by-path")!.dispatchEvent(new Event("change", { bubbles: true })));
    await a.act(() => typeInto(a.$("mock-path")!, "id"));
    await a.act(() => void a.$("mock-serve")!.click());
    expect(a.$("mock-error")!.textContent).toContain("Not a JSON path");
    expect(mocks.saves).toHaveLength(1);

    await a.act(() => typeInto(a.$("mock-path")!, "$.user"));
    await a.act(() => void a.$("mock-serve")!.click());
    expect(stored(mocks)).toHaveLength(1);
    expect(stored(mocks)[0]!.replay).toEqual({ by: "path", path: "$.user" });
    expect(a.$("mock-served")!.textContent).toContain("in place of the mock before");
  });

  it("lists only what is in force; Stop removes one, keeps the rest as stored, and offers to reload", async () => {
    const broken = { match: "wss://broken.test/*", frames: "not a list" };
    const { a, mocks } = await withImported([OTHER, broken]);
    expect(a.$$("mock-in-force").map((el) => el.dataset.match)).toEqual(["wss://other.test/*"]);
    await a.act(() => void a.$("mock-serve")!.click());
    const stop = a.$$("mock-in-force").find((el) => el.dataset.match === "wss://other.test/*")!.querySelector<HTMLElement>('[data-testid="mock-stop"]')!;
    await a.act(() => stop.click());
    expect(stored(mocks).map((m) => m.match)).toEqual(["wss://broken.test/*", "wss://chat.example.test/socket?*"]);
    expect(a.$$("mock-in-force").map((el) => el.dataset.match)).toEqual(["wss://chat.example.test/socket?*"]);
    expect(a.$("mock-stopped")!.textContent).toContain("Mock stopped");
  });
});
