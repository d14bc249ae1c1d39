/**
 * The page-world script is registered at run time, not listed in the manifest, so that
 * `settings.enabled: false` gives pages loaded afterwards the native WebSocket with no Lifeguard
 * script at all (a manifest content script cannot be switched off). Registrations persist across
 * browser sessions; this keeps them in step with the setting on every worker start and change.
 */

export const PAGE_WORLD_ID = "lifeguard-page-world";

/** The part of `scripting` this needs (the browser's, or a fake in tests). */
export interface ScriptingLike {
  getRegisteredContentScripts(filter?: { ids?: string[] }): Promise<{ id: string; js?: string[] }[]>;
  registerContentScripts(scripts: RegisteredScript[]): Promise<unknown>;
  unregisterContentScripts(filter?: { ids?: string[] }): Promise<unknown>;
}

export interface RegisteredScript {
  id: string;
  js: string[];
  matches: string[];
  runAt: "document_start";
  allFrames: boolean;
  matchOriginAsFallback: boolean;
  world: "MAIN";
  persistAcrossSessions: boolean;
}

export function pageWorldScript(file: string): RegisteredScript {
  return {
    id: PAGE_WORLD_ID,
    js: [file.replace(/^\//, "")],
    matches: ["<all_urls>"],
    runAt: "document_start",
    allFrames: true,
    // about:blank, srcdoc, blob: and data: frames too (their parent's origin decides).
    matchOriginAsFallback: true,
    world: "MAIN",
    persistAcrossSessions: true,
  };
}

/**
 * Registers or unregisters the page-world script to match `enabled`. Calls are serialised: a burst of
 * settings changes ends in the state of the last one.
 */
export function pageWorldRegistration(scripting: ScriptingLike, file: string) {
  let chain: Promise<void> = Promise.resolve();
  const wanted = pageWorldScript(file);
  const apply = async (enabled: boolean): Promise<void> => {
    const [current] = await scripting.getRegisteredContentScripts({ ids: [PAGE_WORLD_ID] });
    if (enabled && current && current.js?.join() === wanted.js.join()) return;
    if (current) await scripting.unregisterContentScripts({ ids: [PAGE_WORLD_ID] });
    if (enabled) await scripting.registerContentScripts([wanted]);
  };
  return {
    sync(enabled: boolean): Promise<void> {
      chain = chain.then(() => apply(enabled)).catch((e: unknown) => {
        console.error("Lifeguard: could not update the page-world script registration:", e);
      });
      return chain;
    },
  };
}
