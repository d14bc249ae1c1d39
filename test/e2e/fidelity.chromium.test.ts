/**
 * The fidelity suite: every check in fixtures/fidelity.js runs in Chromium WITHOUT the extension and in
 * Chromium WITH it, and the results must be identical. The page must not be able to tell.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { launchChromium, probeToken, startServer, DIST_CHROME, type Chromium, type TestServer } from "./harness";

const CHECKS = [
  ...readFileSync(join(import.meta.dirname, "fixtures/fidelity.js"), "utf8").matchAll(/^ {4}"([^"]+)":/gm),
].map((m) => m[1]!);

let server: TestServer;
let plain: Chromium;
let patched: Chromium;
let plainPage: Page;
let patchedPage: Page;

async function run(page: Page, name: string): Promise<unknown> {
  return page.evaluate(async (n) => {
    const checks = (window as unknown as { __checks: Record<string, () => unknown> }).__checks;
    try {
      return { ok: await checks[n]!() };
    } catch (e) {
      return { failed: String(e) };
    }
  }, name);
}

beforeAll(async () => {
  server = await startServer(probeToken(DIST_CHROME));
  [plain, patched] = await Promise.all([launchChromium({ extension: false }), launchChromium({ extension: true })]);
  plainPage = await plain.context.newPage();
  patchedPage = await patched.context.newPage();
  await Promise.all([
    plainPage.goto(`${server.origin}/fixtures/fidelity.html`),
    patchedPage.goto(`${server.origin}/fixtures/fidelity.html`),
  ]);
});

afterAll(async () => {
  await Promise.all([plain?.close(), patched?.close()]);
  await server?.close();
});

describe("fidelity: the page cannot tell the patched WebSocket from the native one (Chromium)", () => {
  it("has at least 30 checks", () => {
    expect(CHECKS.length).toBeGreaterThanOrEqual(30);
  });

  it("the patch is in place in the page under test", async () => {
    const token = probeToken(DIST_CHROME);
    const probe = (page: Page) =>
      page.evaluate((t) => (Function.prototype.toString as (this: unknown, probe: string) => string).call(Function.prototype.toString, t), token);
    expect(await probe(patchedPage)).toBe("lifeguard-installed");
    expect(await probe(plainPage)).toContain("[native code]");
  });

  for (const name of CHECKS) {
    it(name, async () => {
      const [expected, actual] = await Promise.all([run(plainPage, name), run(patchedPage, name)]);
      expect(expected).not.toHaveProperty("failed");
      expect(actual).toEqual(expected);
    });
  }
});
