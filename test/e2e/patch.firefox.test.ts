/**
 * The same patch-present and echo checks in real Firefox ESR, plus a sample of the fidelity checks.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "puppeteer-core";
import { launchFirefox, probeToken, startServer, waitForPageWorld, DIST_FIREFOX, type Firefox, type TestServer } from "./harness";

let server: TestServer;
let patched: Firefox;
let plain: Firefox;

beforeAll(async () => {
  server = await startServer(probeToken(DIST_FIREFOX));
  patched = await launchFirefox({ extension: true });
  plain = await launchFirefox({ extension: false });
  const page = await patched.browser.newPage();
  await waitForPageWorld(page, `${server.origin}/fixtures/blank.html`, probeToken(DIST_FIREFOX));
  await page.close();
});

afterAll(async () => {
  await patched?.close();
  await plain?.close();
  await server?.close();
});

describe("the patch is in place (Firefox)", () => {
  it("for an inline <head> script, and the socket echoes", async () => {
    const page = await patched.browser.newPage();
    await page.goto(`${server.origin}/fixtures/inline.html`);
    expect(await page.evaluate(() => (window as unknown as { headProbe: string }).headProbe)).toBe("lifeguard-installed");
    expect(await page.evaluate(() => (window as unknown as { headEcho: Promise<string> }).headEcho)).toBe("hello from head");
    expect(server.received).toContain("hello from head");
    await page.close();
  });

  it("in a same-origin iframe and a script-created about:blank frame", async () => {
    const page = await patched.browser.newPage();
    await page.goto(`${server.origin}/fixtures/frames.html`);
    type W = { blankProbe: string; blankEcho: Promise<string> };
    expect(await page.evaluate(() => (window as unknown as W).blankProbe)).toBe("lifeguard-installed");
    expect(await page.evaluate(() => (window as unknown as W).blankEcho)).toBe("hello from blank");
    await page.close();
  });

  it("fidelity checks give the same results with and without the extension", async () => {
    const open = async (b: Firefox): Promise<Page> => {
      const p = await b.browser.newPage();
      await p.goto(`${server.origin}/fixtures/fidelity.html`);
      return p;
    };
    const [a, b] = await Promise.all([open(plain), open(patched)]);
    const names = await a.evaluate(() => Object.keys((window as unknown as { __checks: object }).__checks));
    const run = (p: Page) =>
      p.evaluate(async (list: string[]) => {
        const checks = (window as unknown as { __checks: Record<string, () => unknown> }).__checks;
        const out: Record<string, unknown> = {};
        for (const n of list) {
          try {
            out[n] = await checks[n]!();
          } catch (e) {
            out[n] = `failed: ${e}`;
          }
        }
        return out;
      }, names);
    const [expected, actual] = [await run(a), await run(b)];
    for (const n of names) expect.soft(actual[n], n).toEqual(expected[n]);
  });
});
