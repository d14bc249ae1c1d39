/**
 * The panel in real Chromium: the built panel page in a tab (`?tabId=N`), 100,000 frames imported as a
 * HAR file (generated here with the panel's own exporter), then filters and scrolling.
 * - ingest + first render: from the file input's `change` to the frame count showing every frame
 *   with rows in the table, then to the next painted frame;
 * - filter: from the `input` event to the count changing, then to the next painted frame;
 * - scroll: mouse.wheel over the table; per animation frame that had a scroll event, the main-thread
 *   time from the first scroll event (or the rAF callback) to a task posted from rAF, which runs after
 *   style, layout and paint of that frame.
 * `bench/panel-ingest.test.ts` measures the same work in happy-dom (no layout):
 * `npx vitest run --config vitest.bench.config.ts`.
 */
import type { Page } from "playwright-core";
import { createModel, reduce } from "../src/panel/model";
import { exportHar } from "../src/panel/har";
import { envelope, type FrameRecord, type PageToPanel, type RecorderEvent } from "../src/shared/protocol";
import type { Ctx } from "./context";
import { isExtensionUrl } from "./context";
import { profiled, summarise } from "./profile";
import { openPage, sleep, tabIdOf, type Browser } from "./rig";
import { median, quantile } from "./stats";

/** The frames of bench/panel-ingest.test.ts: heartbeats, hex binaries and JSON ticks. */
export function harWith(n: number): string {
  const frames: FrameRecord[] = Array.from({ length: n }, (_, i) => {
    const preview =
      i % 10 === 0
        ? "ping"
        : i % 3 === 0
          ? "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
          : JSON.stringify({ type: "tick", seq: i, sym: i % 7 === 0 ? "INIT" : "ACME", px: 100 + (i % 50) / 10 });
    return { socket: "a:1", seq: i + 1, t: 1_700_000_000_000 + i * 5, dir: i % 2 ? "in" : "out", opcode: i % 3 === 0 && i % 10 ? "binary" : "text", size: preview.length, preview, truncated: false };
  });
  let model = reduce(createModel(), {
    ...envelope<PageToPanel, "snapshot">("lifeguard-page", "snapshot", {
      stream: "a",
      upTo: 0,
      part: 0,
      parts: 1,
      frameUrl: "https://app.test/",
      sockets: [{ info: { id: "a:1", url: "wss://app.test/ws", protocols: [], frameUrl: "https://app.test/", topFrame: true, createdAt: 1_700_000_000_000 }, state: "open", protected: false, framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0, lastSeq: 0, events: [] }],
    }),
  });
  for (let i = 0; i < n; i += 1000) {
    const events: RecorderEvent[] = frames.slice(i, i + 1000).map((frame) => ({ kind: "frame", frame }));
    model = reduce(model, envelope<PageToPanel, "events">("lifeguard-page", "events", { stream: "a", from: i + 1, to: i + events.length, events }));
  }
  return exportHar([...model.sockets.values()], model.log);
}

async function openPanel(ctx: Ctx, browser: Browser): Promise<Page> {
  const { page: target } = await openPage(browser, `${ctx.server.origin}/page.html?panel-target=${Math.random()}`);
  const tabId = await tabIdOf(browser, target.url());
  const panel = await browser.context.newPage();
  await panel.setViewportSize({ width: 1280, height: 800 });
  await panel.goto(`chrome-extension://${browser.extensionId}/src/panel/index.html?tabId=${tabId}`);
  await panel.waitForSelector('[data-testid="har-import"]', { state: "attached" });
  return panel;
}

/** Imports the HAR; ms from `change` to the count showing n (rows present), and to the next paint. */
async function importFrames(panel: Page, har: Buffer, n: number): Promise<{ dom: number; painted: number }> {
  await panel.evaluate((total) => {
    const w = window as unknown as { __import: Promise<{ dom: number; painted: number }> };
    w.__import = new Promise((resolve) => {
      let t0 = 0;
      document.addEventListener("change", () => (t0 = performance.now()), { capture: true, once: true });
      const done = () => {
        const count = document.querySelector<HTMLElement>('[data-testid="frame-count"]');
        return t0 > 0 && Number(count?.dataset.total) >= total && document.querySelector('[data-testid="frame-row"]') !== null;
      };
      const mo = new MutationObserver(() => {
        if (!done()) return;
        mo.disconnect();
        const dom = performance.now() - t0;
        requestAnimationFrame(() => {
          const mc = new MessageChannel();
          mc.port1.onmessage = () => resolve({ dom, painted: performance.now() - t0 });
          mc.port2.postMessage(0);
        });
      });
      mo.observe(document.body, { subtree: true, childList: true, attributes: true });
    });
  }, n);
  await panel.setInputFiles('[data-testid="har-import"]', { name: "bench.har", mimeType: "application/json", buffer: har });
  return panel.evaluate(() => (window as unknown as { __import: Promise<{ dom: number; painted: number }> }).__import);
}

/** Types `text` into the filter; ms from the input event to the count changing and to the next paint. */
function filterTo(panel: Page, text: string): Promise<{ dom: number; painted: number; shown: number }> {
  return panel.evaluate(
    (t) =>
      new Promise<{ dom: number; painted: number; shown: number }>((resolve, reject) => {
        const input = document.querySelector<HTMLInputElement>('[data-testid="filter-text"]')!;
        const shownNow = () => document.querySelector<HTMLElement>('[data-testid="frame-count"]')?.dataset.shown;
        const before = shownNow();
        const timer = setTimeout(() => reject(new Error(`filter "${t}" never changed the count from ${before}`)), 10_000);
        const mo = new MutationObserver(() => {
          if (shownNow() === before) return;
          mo.disconnect();
          const dom = performance.now() - t0;
          requestAnimationFrame(() => {
            const mc = new MessageChannel();
            mc.port1.onmessage = () => {
              clearTimeout(timer);
              resolve({ dom, painted: performance.now() - t0, shown: Number(shownNow()) });
            };
            mc.port2.postMessage(0);
          });
        });
        mo.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
        const t0 = performance.now();
        input.value = t;
        input.dispatchEvent(new InputEvent("input", { bubbles: true }));
      }),
    text,
  );
}

/** Scrolls the frames table with the wheel; main-thread ms of each frame that scrolled. */
async function scrollFrames(panel: Page, steps: number): Promise<number[]> {
  await panel.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __stop: boolean };
    w.__frames = [];
    w.__stop = false;
    let first: number | null = null;
    document.addEventListener("scroll", () => (first ??= performance.now()), { capture: true, passive: true });
    const tick = () => {
      if (w.__stop) return;
      requestAnimationFrame((now) => {
        const start = first ?? now;
        const scrolled = first !== null;
        first = null;
        const mc = new MessageChannel();
        mc.port1.onmessage = () => {
          if (scrolled) w.__frames.push(performance.now() - start);
        };
        mc.port2.postMessage(0);
        tick();
      });
    };
    tick();
  });
  const box = (await panel.locator('[data-testid="frames-table"]').boundingBox())!;
  await panel.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let i = 0; i < steps; i++) {
    await panel.mouse.wheel(0, i % 20 < 15 ? 600 : -400);
    await sleep(20);
  }
  await sleep(200);
  return panel.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __stop: boolean };
    w.__stop = true;
    return w.__frames;
  });
}

const FILTERS = ["acme", "init", "", "ping"];

export async function panel(ctx: Ctx): Promise<void> {
  const n = ctx.quick ? 5000 : 100_000;
  const rounds = ctx.quick ? 1 : 3;
  const har = Buffer.from(harWith(n));
  const ingest: { dom: number; painted: number }[] = [];
  const filters: number[] = [];
  const scroll: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const page = await openPanel(ctx, ctx.ext);
    ingest.push(await importFrames(page, har, n));
    await sleep(300);
    for (const f of FILTERS) filters.push((await filterTo(page, f)).painted);
    await filterTo(page, "");
    scroll.push(...(await scrollFrames(page, ctx.quick ? 20 : 120)));
    await page.close();
  }
  const painted = median(ingest.map((i) => i.painted));
  ctx.rows.push({
    id: "panel.ingest",
    section: "Panel",
    label: `import ${n} frames (HAR, ${(har.length / 2 ** 20).toFixed(1)} MiB) to first painted table (DOM ready ${median(ingest.map((i) => i.dom)).toFixed(0)} ms)`,
    value: painted,
    unit: "ms",
    target: "< 1000 ms",
    holds: painted < 1000,
    samples: ingest.map((i) => i.painted),
  });
  const filterMed = median(filters);
  const filterWorst = Math.max(...filters);
  ctx.rows.push({
    id: "panel.filter",
    section: "Panel",
    label: `filter over ${n} frames, input to painted (${FILTERS.map((f) => JSON.stringify(f)).join(", ")}; worst ${filterWorst.toFixed(0)} ms)`,
    value: filterMed,
    unit: "ms",
    target: "< 100 ms",
    holds: filterMed < 100,
    samples: filters,
  });
  const p95 = quantile(scroll, 0.95);
  ctx.rows.push({
    id: "panel.scroll",
    section: "Panel",
    label: `scroll frame main-thread time, p95 (p50 ${quantile(scroll, 0.5).toFixed(1)} ms, max ${Math.max(...scroll).toFixed(1)} ms, ${scroll.length} frames)`,
    value: p95,
    unit: "ms",
    target: "< 16 ms (p95)",
    holds: p95 < 16,
    samples: scroll,
  });
}

/** The panel's own time, from a readable build: the import, and scrolling with 100k frames. */
export async function panelProfiles(ctx: Ctx): Promise<void> {
  const n = ctx.quick ? 5000 : 100_000;
  const har = Buffer.from(harWith(n));
  const page = await openPanel(ctx, ctx.readable);
  const cdp = await ctx.readable.context.newCDPSession(page);
  const imported = await profiled(cdp, () => importFrames(page, har, n));
  ctx.profiles.push(summarise(`panel, import of ${n} frames (${imported.result.painted.toFixed(0)} ms)`, imported.profile, isExtensionUrl));
  await sleep(300);
  const filtered = await profiled(cdp, async () => {
    for (const f of FILTERS) await filterTo(page, f);
  });
  ctx.profiles.push(summarise(`panel, filters ${FILTERS.map((f) => JSON.stringify(f)).join(", ")} over ${n} frames`, filtered.profile, isExtensionUrl));
  await filterTo(page, "").catch(() => undefined);
  const scrolled = await profiled(cdp, () => scrollFrames(page, ctx.quick ? 20 : 120));
  ctx.profiles.push(summarise(`panel, scrolling ${n} frames`, scrolled.profile, isExtensionUrl));
  await cdp.detach();
  await page.close();
}
