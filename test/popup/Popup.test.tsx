// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from "vitest";
import { render } from "preact";
import { act } from "preact/test-utils";
import { Popup } from "../../src/popup/Popup";
import type { TabInfo } from "../../src/popup/active-tab";
import { storageSettingsStore } from "../../src/options/settings-store";
import { panelPortName } from "../../src/shared/protocol";
import type { PortLike } from "../../src/shared/transports";
import { fakePortPair, flush, type FakePort } from "../support/fake-ports";
import { eventsMessage, snapshotMessage, socketInfo, socketSnapshot, stateEvent } from "../support/messages";
import { fakeStorage } from "../options/fake-storage";
import { translator } from "./i18n";

let container: HTMLElement;

afterEach(() => {
  render(null, container);
  container.remove();
});

const PAGE: TabInfo = { id: 7, url: "http://127.0.0.1:3000/app?x=1" };

async function mount(tab: TabInfo | null = PAGE, stored?: unknown) {
  const fake = fakeStorage(stored === undefined ? {} : { settings: stored });
  const servers: FakePort[] = [];
  const names: string[] = [];
  const connect = (name: string): PortLike => {
    names.push(name);
    const { client, server } = fakePortPair(name);
    servers.push(server);
    return client;
  };
  let optionsOpened = 0;
  container = document.createElement("div");
  document.body.append(container);
  await act(async () => {
    render(
      <Popup tab={tab} store={storageSettingsStore(fake.storage)} connect={connect} t={translator("en")} openOptions={() => optionsOpened++} />,
      container,
    );
  });
  await act(flush);
  const fromPage = async (...messages: unknown[]) => {
    await act(async () => {
      for (const m of messages) servers.at(-1)!.postMessage(m);
      await flush();
    });
  };
  return { ...fake, servers, names, fromPage, optionsOpened: () => optionsOpened };
}

const byTestId = <T extends HTMLElement = HTMLElement>(id: string) => container.querySelector<T>(`[data-testid="${id}"]`);
const count = () => byTestId("socket-count")!.textContent;
const detail = () => byTestId("socket-detail")!.textContent;
const siteStatus = () => byTestId("site-status")!;
const toggle = () => byTestId<HTMLButtonElement>("protect-toggle")!;

async function click(el: HTMLElement) {
  await act(async () => {
    el.click();
    await flush();
  });
}

describe("popup: sockets", () => {
  it("asks the tab's page world for a snapshot on the panel's port", async () => {
    const { names, servers } = await mount();
    expect(names).toEqual([panelPortName(7)]);
    expect(servers[0]!.received).toEqual([expect.objectContaining({ type: "snapshot-request" })]);
  });

  it("shows — until the page world answers, then the count, then follows events", async () => {
    const { fromPage } = await mount();
    expect(count()).toBe("—");
    expect(detail()).toBe("Lifeguard is not running in this page");
    await fromPage(snapshotMessage([socketSnapshot("a:1", { state: "open", protected: true }), socketSnapshot("a:2", { state: "open" })]));
    expect(count()).toBe("2");
    expect(byTestId("socket-count")!.dataset.count).toBe("2");
    expect(detail()).toBe("2 open, 1 protected");
    await fromPage(eventsMessage([{ kind: "created", t: 1, socket: socketInfo("a:3") }, stateEvent("a:2", "closed", 2)]));
    expect(count()).toBe("3");
    expect(detail()).toBe("1 open, 1 protected");
  });

  it("a flood of sockets: counts the panel's cap of them and says there were more", async () => {
    const { fromPage } = await mount();
    await fromPage(...Array.from({ length: 3 }, (_, p) => snapshotMessage(Array.from({ length: 1000 }, (_, i) => socketSnapshot(`s:${p * 1000 + i}`, { state: "open" }, { url: `wss://h${i % 3}.test/` })))));
    expect(count()).toBe("2000+");
    expect(byTestId("socket-count")!.dataset.count).toBe("2000");
    expect(detail()).toBe("2000 open, 0 protected");
  });

  it("opens no port without a tab, and shows —", async () => {
    const { names } = await mount(null);
    expect(names).toEqual([]);
    expect(count()).toBe("—");
  });
});

describe("popup: this site", () => {
  it("protects the tab's origin: the rule goes first, the others stay", async () => {
    const { data, sets } = await mount(PAGE, { rules: [{ match: "wss://other.test/*" }] });
    expect(siteStatus().textContent).toBe("Not protected: its sockets are only inspected.");
    expect(siteStatus().dataset.protected).toBe("false");
    expect(toggle().textContent).toBe("Protect this site");
    await click(toggle());
    expect(sets).toHaveLength(1);
    expect((data.settings as { rules: unknown }).rules).toEqual([{ match: "ws://127.0.0.1:3000/*" }, { match: "wss://other.test/*" }]);
    // The popup follows storage: now it offers the ways back.
    expect(siteStatus().textContent).toBe("Protected by rule 1: ws://127.0.0.1:3000/*");
    expect(toggle()).toBeNull();
    expect(byTestId("unprotect")!.textContent).toBe("Pause protection for this site");
    // A rule that is only a pattern goes at once.
    await click(byTestId("delete-rule")!);
    expect((data.settings as { rules: unknown }).rules).toEqual([{ match: "wss://other.test/*" }]);
    expect(toggle().textContent).toBe("Protect this site");
  });

  it("protects where the tab's sockets go when that is not the page's own origin", async () => {
    const { data, fromPage } = await mount(PAGE, { rules: [] });
    await fromPage(snapshotMessage([socketSnapshot("a:1", { state: "open" }, { url: "wss://api.example.com/live" })]));
    expect(container.querySelector(".site-host")!.textContent).toBe("api.example.com");
    await click(toggle());
    expect((data.settings as { rules: unknown }).rules).toEqual([{ match: "wss://api.example.com/*" }]);
  });

  it("with sockets to several origins, protects them all and says how many are covered", async () => {
    const { data, fromPage } = await mount(PAGE, { rules: [{ match: "wss://a.test/*" }] });
    await fromPage(
      snapshotMessage([
        socketSnapshot("a:1", { state: "open" }, { url: "wss://a.test/x" }),
        socketSnapshot("a:2", { state: "open" }, { url: "ws://b.test:81/y" }),
        socketSnapshot("a:3", { state: "closed" }, { url: "wss://gone.test/" }),
      ]),
    );
    expect(siteStatus().textContent).toBe("1 of 2 socket origins protected.");
    await click(toggle());
    expect((data.settings as { rules: { match: string }[] }).rules.map((r) => r.match).sort()).toEqual(["ws://b.test:81/*", "wss://a.test/*"]);
    expect(siteStatus().textContent).toBe("Protected: a rule covers every socket origin of this tab.");
    await click(byTestId("unprotect")!);
    expect((data.settings as { rules: { enabled?: boolean }[] }).rules.map((r) => r.enabled)).toEqual([false, false]);
    expect(siteStatus().textContent).toBe("0 of 2 socket origins protected.");
    await click(byTestId("resume-protection")!);
    expect(siteStatus().textContent).toBe("Protected: a rule covers every socket origin of this tab.");
    // Two rules: Delete asks first.
    await click(byTestId("delete-rule")!);
    await click(byTestId("delete-rule-confirm")!);
    expect((data.settings as { rules: unknown[] }).rules).toEqual([]);
  });

  it("an https page is protected as wss://", async () => {
    const { data } = await mount({ id: 7, url: "https://chat.example.com/room/1" });
    await click(toggle());
    expect((data.settings as { rules: unknown }).rules).toEqual([{ match: "wss://chat.example.com/*" }]);
  });

  it("names the broader rules Delete would remove too, asks, and removes them", async () => {
    const { data } = await mount(PAGE, { rules: [{ match: "wss://x/*" }, { match: "ws://127.0.0.1:*" }, { match: "ws://127.0.0.1:3000/*" }] });
    expect(siteStatus().textContent).toBe("Protected by rule 2: ws://127.0.0.1:*");
    expect(byTestId("unprotect-also")!.textContent).toBe("Delete also removes these broader rules: ws://127.0.0.1:*");
    await click(byTestId("delete-rule")!);
    expect(container.querySelector('[role="alertdialog"]')!.textContent).toContain("Delete rule 2 (ws://127.0.0.1:*), 3 (ws://127.0.0.1:3000/*)?");
    await click(byTestId("delete-rule-confirm")!);
    expect((data.settings as { rules: unknown }).rules).toEqual([{ match: "wss://x/*" }]);
  });

  const TUNED = {
    enabled: true,
    rules: [{ match: "ws://127.0.0.1:3000/*", heartbeat: { intervalMs: 5000, message: "hb" }, reconnect: { maxDelayMs: 9000 } }, { match: "wss://other.test/*" }],
    frameRules: [],
    record: { maxFramesPerSocket: 10000, maxPreviewBytes: 65536 },
  };

  it("pauses a tuned rule (the primary action), resumes it, and Undo gives back exactly what was stored", async () => {
    const { data } = await mount(PAGE, structuredClone(TUNED));
    expect(byTestId("unprotect")!.className).toContain("primary");
    await click(byTestId("unprotect")!);
    expect(data.settings).toEqual({ ...TUNED, rules: [{ ...TUNED.rules[0], enabled: false }, TUNED.rules[1]] });
    expect(siteStatus().textContent).toBe("Protection paused: rule 1 (ws://127.0.0.1:3000/*) is off and keeps its settings.");
    expect(siteStatus().dataset.protected).toBe("false");
    expect(container.querySelector('[role="status"]')!.textContent).toContain("Protection paused.");
    await click(byTestId("undo")!);
    expect(data.settings).toEqual(TUNED);
    expect(byTestId("undo")).toBeNull();

    await click(byTestId("unprotect")!);
    await click(byTestId("resume-protection")!);
    expect(data.settings).toEqual(TUNED);
    await click(byTestId("undo")!);
    expect(data.settings).toEqual({ ...TUNED, rules: [{ ...TUNED.rules[0], enabled: false }, TUNED.rules[1]] });
  });

  it("deleting a tuned rule asks first, and Undo brings it back with its tuning", async () => {
    const { data, sets } = await mount(PAGE, structuredClone(TUNED));
    await click(byTestId("delete-rule")!);
    expect(sets).toHaveLength(0);
    await click(byTestId("delete-rule-cancel")!);
    expect(container.querySelector('[role="alertdialog"]')).toBeNull();
    await click(byTestId("delete-rule")!);
    await click(byTestId("delete-rule-confirm")!);
    expect(data.settings).toEqual({ ...TUNED, rules: [TUNED.rules[1]] });
    await click(byTestId("undo")!);
    expect(data.settings).toEqual(TUNED);
  });

  it("says a reload is needed when every socket of the tab is closed and none was protected", async () => {
    const { fromPage } = await mount(PAGE, { rules: [] });
    // Not known yet: nothing said.
    expect(byTestId("closed-hint")).toBeNull();
    await fromPage(snapshotMessage([socketSnapshot("a:1", { state: "closed" }, { url: "ws://127.0.0.1:3000/x" })]));
    expect(byTestId("closed-hint")!.textContent).toBe(
      "This tab's sockets are closed: protection applies to sockets opened from now on. Reload the page to protect them.",
    );
    await fromPage(eventsMessage([{ kind: "created", t: 2, socket: socketInfo("a:2", { url: "ws://127.0.0.1:3000/y" }) }], 1));
    expect(byTestId("closed-hint")).toBeNull();
  });

  it("says nothing of a reload when a closed socket was protected (protection did its work and ended)", async () => {
    const { fromPage } = await mount(PAGE, { rules: [] });
    await fromPage(snapshotMessage([socketSnapshot("a:1", { state: "closed", protected: true }, { url: "ws://127.0.0.1:3000/x" })]));
    expect(byTestId("socket-count")!.dataset.count).toBe("1");
    expect(byTestId("closed-hint")).toBeNull();
  });

  it("offers nothing to protect on a page that is not http(s), or whose url it cannot see", async () => {
    await mount({ id: 3, url: "chrome://extensions/" });
    expect(siteStatus().textContent).toBe("This is not a web page: Lifeguard works on http and https pages only.");
    expect(toggle()).toBeNull();
    render(null, container);
    container.remove();
    await mount({ id: 3, url: undefined });
    expect(toggle()).toBeNull();
  });
});

describe("popup: the global switch", () => {
  it("turns Lifeguard off and on, and says what off means", async () => {
    const { data } = await mount(PAGE, { rules: [{ match: "wss://x/*" }] });
    const sw = byTestId<HTMLInputElement>("enabled-toggle")!;
    expect(sw.checked).toBe(true);
    expect(byTestId("disabled-note")).toBeNull();
    await click(sw);
    expect(data.settings).toMatchObject({ enabled: false, rules: [{ match: "wss://x/*" }] });
    expect(byTestId<HTMLInputElement>("enabled-toggle")!.checked).toBe(false);
    expect(byTestId("disabled-note")!.textContent).toContain("Lifeguard is off");
    await click(byTestId<HTMLInputElement>("enabled-toggle")!);
    expect(data.settings).toMatchObject({ enabled: true });
  });

  it("opens the settings page", async () => {
    const { optionsOpened } = await mount();
    await click(byTestId("open-options")!);
    expect(optionsOpened()).toBe(1);
  });
});
