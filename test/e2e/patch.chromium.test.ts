/**
 * The hook is in before any page script runs, in every kind of frame, and sockets still work.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, probeToken, startServer, DIST_CHROME, type Chromium, type TestServer } from "./harness";

let server: TestServer;
let browser: Chromium;

beforeAll(async () => {
  server = await startServer(probeToken(DIST_CHROME));
  browser = await launchChromium({ extension: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("the patch is in place (Chromium)", () => {
  it("for an inline <head> script and in a same-origin iframe", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.origin}/fixtures/inline.html`);
    expect(await page.evaluate(() => (window as unknown as { headProbe: string }).headProbe)).toBe("lifeguard-installed");
    expect(await page.evaluate(() => (window as unknown as { headEcho: Promise<string> }).headEcho)).toBe("hello from head");
    const frame = page.frames().find((f) => f.url().endsWith("/fixtures/frame.html"))!;
    expect(frame).toBeTruthy();
    await frame.waitForFunction(() => "frameEcho" in window);
    expect(await frame.evaluate(() => (window as unknown as { frameProbe: string }).frameProbe)).toBe("lifeguard-installed");
    expect(await frame.evaluate(() => (window as unknown as { frameEcho: Promise<string> }).frameEcho)).toBe("hello from iframe");
    expect(server.received).toEqual(expect.arrayContaining(["hello from head", "hello from iframe"]));
    await page.close();
  });

  it("in script-created about:blank and srcdoc frames", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.origin}/fixtures/frames.html`);
    type W = { blankProbe: string; blankEcho: Promise<string>; framesProbe: string };
    expect(await page.evaluate(() => (window as unknown as W).blankProbe)).toBe("lifeguard-installed");
    expect(await page.evaluate(() => (window as unknown as W).framesProbe)).toBe("lifeguard-installed");
    expect(await page.evaluate(() => (window as unknown as W).blankEcho)).toBe("hello from blank");
    const srcdoc = page.frames().find((f) => f.url() === "about:srcdoc")!;
    await srcdoc.waitForFunction(() => "probe" in window);
    expect(await srcdoc.evaluate(() => (window as unknown as { probe: string }).probe)).toBe("lifeguard-installed");
    await page.close();
  });

  it("puts no marker in the page: no new globals, no window message traffic", async () => {
    const page = await browser.context.newPage();
    const plain = await launchChromium({ extension: false });
    try {
      const plainPage = await plain.context.newPage();
      const globals = async (p: typeof page) => {
        await p.goto(`${server.origin}/fixtures/blank.html`);
        return p.evaluate(async () => {
          const seen: string[] = [];
          window.addEventListener("message", (e) => seen.push(JSON.stringify(e.data)));
          const ws = new WebSocket(location.origin.replace("http", "ws") + "/echo");
          await new Promise((r) => (ws.onopen = r));
          ws.send("x");
          await new Promise((r) => (ws.onmessage = r));
          await new Promise((r) => setTimeout(r, 200));
          ws.close();
          return { keys: Object.getOwnPropertyNames(window).sort(), seen };
        });
      };
      const [a, b] = await Promise.all([globals(plainPage), globals(page)]);
      expect(b.seen).toEqual([]);
      expect(b.keys).toEqual(a.keys);
    } finally {
      await plain.close();
    }
  });
});
