import { describe, expect, it } from "vitest";
import { PAGE_WORLD_ID, pageWorldRegistration, type RegisteredScript, type ScriptingLike } from "../../src/background/page-world";

function fakeScripting(): ScriptingLike & { registered: Map<string, RegisteredScript>; calls: string[] } {
  const registered = new Map<string, RegisteredScript>();
  const calls: string[] = [];
  const tick = () => new Promise((r) => setTimeout(r, Math.random() * 3));
  return {
    registered,
    calls,
    async getRegisteredContentScripts(filter) {
      await tick();
      return [...registered.values()].filter((s) => !filter?.ids || filter.ids.includes(s.id));
    },
    async registerContentScripts(scripts) {
      await tick();
      for (const s of scripts) {
        if (registered.has(s.id)) throw new Error(`Duplicate script ID '${s.id}'`);
        registered.set(s.id, s);
      }
      calls.push("register");
    },
    async unregisterContentScripts(filter) {
      await tick();
      for (const id of filter?.ids ?? []) registered.delete(id);
      calls.push("unregister");
    },
  };
}

describe("page-world registration", () => {
  it("registers the MAIN-world script at document_start in every frame when enabled", async () => {
    const s = fakeScripting();
    await pageWorldRegistration(s, "src/page/index.iife.js").sync(true);
    expect(s.registered.get(PAGE_WORLD_ID)).toEqual({
      id: PAGE_WORLD_ID,
      js: ["src/page/index.iife.js"],
      matches: ["<all_urls>"],
      runAt: "document_start",
      allFrames: true,
      matchOriginAsFallback: true,
      world: "MAIN",
      persistAcrossSessions: true,
    });
  });

  it("unregisters when disabled, and does nothing when already in the wanted state", async () => {
    const s = fakeScripting();
    const r = pageWorldRegistration(s, "src/page/index.iife.js");
    await r.sync(true);
    await r.sync(true);
    expect(s.calls).toEqual(["register"]);
    await r.sync(false);
    expect(s.registered.size).toBe(0);
    await r.sync(false);
    expect(s.calls).toEqual(["register", "unregister"]);
  });

  it("re-registers a stale registration from an older build", async () => {
    const s = fakeScripting();
    await pageWorldRegistration(s, "old.js").sync(true);
    await pageWorldRegistration(s, "src/page/index.iife.js").sync(true);
    expect(s.registered.get(PAGE_WORLD_ID)!.js).toEqual(["src/page/index.iife.js"]);
  });

  it("a burst of changes ends in the state of the last one, with no duplicate registration", async () => {
    const s = fakeScripting();
    const r = pageWorldRegistration(s, "p.js");
    const last = [true, false, true, true, false, true].map((on) => r.sync(on)).at(-1);
    await last;
    expect(s.registered.has(PAGE_WORLD_ID)).toBe(true);
  });
});
