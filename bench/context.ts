import type { Page } from "playwright-core";
import { assertQuiet, quiet, type BenchServer, type Browser } from "./rig";
import type { Profile, Row } from "./report";

export interface Ctx {
  quick: boolean;
  server: BenchServer;
  /** No extension: the native baseline and the bundled libraries. */
  native: Browser;
  /** The extension as shipped (minified). */
  ext: Browser;
  /** Where that build is (the install section copies it). */
  shippedDir: string;
  /** The extension built without minification: only for profiles, so function names mean something. */
  readable: Browser;
  rows: Row[];
  profiles: Profile[];
  log(msg: string): void;
}

export type Config = "native" | "inspect" | "protected" | "partysocket" | "reconnecting-websocket";
export const CONFIGS: readonly Config[] = ["native", "inspect", "protected", "partysocket", "reconnecting-websocket"];

/** Protected sockets are those under /protected/: one extension browser serves inspect-only and protected. */
export function protectedRule(wsOrigin: string): unknown {
  return {
    match: `${wsOrigin}/protected/*`,
    heartbeat: { enabled: true, intervalMs: 1000, timeoutMs: 1000, message: "ping", reply: "pong", hideReplies: true },
  };
}

/** The page for one configuration, with its socket open (to `path`, or the configuration's echo). */
export async function openConfig(ctx: Ctx, config: Config, browser?: Browser, path?: string): Promise<Page> {
  const b = browser ?? (config === "inspect" || config === "protected" ? ctx.ext : ctx.native);
  const page = await quiet(await b.context.newPage());
  await page.goto(`${ctx.server.origin}/page.html?config=${config}&r=${Math.random()}`);
  if (config === "partysocket" || config === "reconnecting-websocket") {
    await page.addScriptTag({ url: `/lib/${config}.js` });
    await page.evaluate(() => {
      const lib = (window as unknown as { BenchLib: unknown }).BenchLib;
      if (typeof lib !== "function") throw new Error("the library bundle set no constructor");
    });
  }
  const socketPath = path ?? (config === "protected" ? "/protected/echo" : "/echo");
  await assertQuiet(page, () =>
    page.evaluate((u) => (window as unknown as { B: { open(u: string): Promise<boolean> } }).B.open(u), `${ctx.server.wsOrigin}${socketPath}`),
  );
  return page;
}

export const isExtensionUrl = (url: string): boolean => url.startsWith("chrome-extension://");
