/**
 * What the extension costs a page that only uses sockets: installing the patch at document_start, the
 * heap the recorder's ring buffer holds after 100,000 frames, and CPU per 1,000 frames with the panel
 * closed and open.
 */
import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CDPSession, Page } from "playwright-core";
import type { Ctx } from "./context";
import type { Row } from "./report";
import { busiestRenderer, launch, openPage, quiet, rendererMainThreads, setSettings, sleep, tabIdOf, tempDir } from "./rig";
import { alternate, median, quantile } from "./stats";

type PageB = { B: { open(u: string): Promise<boolean>; flood(n: number, size: number): Promise<number>; close(): void } };

/**
 * Patch install, two ways. (1) In the page: performance.now() at the first inline <head> script minus
 * the navigation's responseStart, without the extension, with it, and with the two controls (what the
 * page waits; per load it spreads by several ms, so it ranks the parts but cannot judge 1 ms).
 * (2) CDP tracing of the extension's two document_start scripts: each one's compile + evaluation
 * (`EvaluateScript`, or `v8.compile` + `v8.run`, slices whose url is the script), per document.
 */
export async function installCost(ctx: Ctx): Promise<void> {
  // Navigation timing spreads by milliseconds from load to load: many rounds for a sub-millisecond difference.
  const rounds = ctx.quick ? 2 : 120;
  // Two controls, copies of the same build registered and injected the same way: "no-patch" with an
  // empty page-world script (the relay still runs), "empty" with both document_start scripts empty
  // (what the page waits with it is Chromium's own cost of injecting an extension's scripts at all).
  const controls = { "no-patch": [PAGE_SCRIPT], empty: [PAGE_SCRIPT, RELAY_SCRIPT] };
  const dirs = Object.entries(controls).map(([name, scripts]) => {
    const dir = tempDir(`lifeguard-bench-${name}-`);
    cpSync(ctx.shippedDir, dir.path, { recursive: true });
    for (const script of scripts) writeFileSync(join(dir.path, script), ";\n");
    return dir;
  });
  const [noPatch, empty] = await Promise.all(dirs.map((d) => launch(d.path)));
  try {
    const configs = ["native", "extension", "no-patch", "empty"] as const;
    type Install = (typeof configs)[number];
    const browsers = { native: ctx.native, extension: ctx.ext, "no-patch": noPatch!, empty: empty! };
    const pages = {} as Record<Install, Page>;
    for (const k of configs) pages[k] = (await openPage(browsers[k], `${ctx.server.origin}/install.html`)).page;
    const firstScript = async (page: Page): Promise<number> => {
      await page.bringToFront();
      await page.goto(`${ctx.server.origin}/install.html?r=${Math.random()}`);
      return page.evaluate(() => {
        const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
        return (window as unknown as { __firstScript: number }).__firstScript - nav.responseStart;
      });
    };
    for (const k of configs) await firstScript(pages[k]);
    const samples = await alternate(configs, rounds, (k) => firstScript(pages[k]));
    const med = (k: Install) => median(samples[k]);
    const diff = (a: Install, b: Install) => samples[a].map((x, i) => x - (samples[b][i] ?? NaN));
    const spread = (a: Install, b: Install) =>
      `per-load differences ${quantile(diff(a, b), 0.25).toFixed(1)} to ${quantile(diff(a, b), 0.75).toFixed(1)} ms, middle half`;
    const row = (id: string, label: string, a: Install, b: Install): Row => ({
      id: `page.install.${id}`,
      section: "Page cost",
      label: `${label} (${spread(a, b)})`,
      value: med(a) - med(b),
      unit: "ms",
      holds: null,
      samples: diff(a, b),
    });
    ctx.rows.push(
      row("first-script", `first inline script after responseStart: ${med("native").toFixed(2)} ms native, ${med("extension").toFixed(2)} ms with Lifeguard; all the page waits`, "extension", "native"),
      row("empty-script", `the same with both document_start scripts empty, ${med("empty").toFixed(2)} ms: Chromium's injection of an extension's scripts`, "empty", "native"),
      row("relay", "what the relay's script adds to that wait (empty page-world script minus both empty)", "no-patch", "empty"),
      row("patch", "what the patch adds to that wait (Lifeguard minus the empty page-world script; the trace below measures it for the target)", "extension", "no-patch"),
    );
    for (const k of ["native", "no-patch", "empty"] as const) await pages[k].close();
    await traced(ctx, pages.extension);
  } finally {
    await Promise.all([noPatch?.close(), empty?.close()]);
    for (const d of dirs) d.remove();
  }
}

/** The two document_start scripts of the extension as built (the page world's patch, the relay). */
const PAGE_SCRIPT = "src/page/index.iife.js";
const RELAY_SCRIPT = "src/content/index.iife.js";

/** The page-world script's own compile and run, and the relay's, per load (CDP tracing); closes the page. */
async function traced(ctx: Ctx, page: Page): Promise<void> {
  const cdp = await ctx.ext.context.newCDPSession(page);
  const patch: number[] = [];
  const relay: number[] = [];
  for (let i = 0; i < (ctx.quick ? 2 : 20); i++) {
    const t = await traceScripts(cdp, page, `${ctx.server.origin}/install.html?t=${i}`);
    patch.push(t[PAGE_SCRIPT]!);
    relay.push(t[RELAY_SCRIPT]!);
  }
  await cdp.detach();
  ctx.rows.push(
    {
      id: "page.install.trace",
      section: "Page cost",
      label: `page-world script compile + evaluate: the patch (CDP trace, ${PAGE_SCRIPT})`,
      value: median(patch),
      unit: "ms",
      target: "< 1 ms per frame",
      holds: median(patch) < 1,
      samples: patch,
    },
    {
      id: "page.install.trace-relay",
      section: "Page cost",
      label: `relay script compile + evaluate, isolated world (CDP trace, ${RELAY_SCRIPT})`,
      value: median(relay),
      unit: "ms",
      holds: null,
      samples: relay,
    },
  );
  await page.close();
}

interface TraceEvent {
  name: string;
  ph: string;
  dur?: number;
  args?: { data?: { url?: string }; fileName?: string; url?: string };
}

async function traceScripts(cdp: CDPSession, page: Page, url: string): Promise<Record<string, number>> {
  const events: TraceEvent[] = [];
  const onData = (e: { value: unknown[] }) => void events.push(...(e.value as TraceEvent[]));
  cdp.on("Tracing.dataCollected", onData);
  await cdp.send("Tracing.start", {
    traceConfig: { includedCategories: ["devtools.timeline", "v8", "v8.execute", "disabled-by-default-devtools.timeline"] },
    transferMode: "ReportEvents",
  });
  await page.goto(url);
  const done = new Promise<void>((r) => cdp.once("Tracing.tracingComplete", () => r()));
  await cdp.send("Tracing.end");
  await done;
  cdp.off("Tracing.dataCollected", onData);
  const ms: Record<string, number> = {};
  for (const script of [PAGE_SCRIPT, RELAY_SCRIPT]) {
    const ours = (e: TraceEvent) => (e.args?.data?.url ?? e.args?.fileName ?? e.args?.url ?? "").includes(script);
    // Outermost slices only: EvaluateScript contains the compile and run of the same script.
    const evaluate = events.filter((e) => e.ph === "X" && e.name === "EvaluateScript" && ours(e));
    const slices = evaluate.length ? evaluate : events.filter((e) => e.ph === "X" && (e.name === "v8.compile" || e.name === "v8.run") && ours(e));
    if (slices.length === 0) throw new Error(`no trace slice of ${script} (${new Set(events.map((e) => e.name)).size} event kinds)`);
    ms[script] = slices.reduce((s, e) => s + (e.dur ?? 0), 0) / 1000;
  }
  return ms;
}

async function heap(cdp: CDPSession): Promise<number> {
  for (let i = 0; i < 3; i++) await cdp.send("HeapProfiler.collectGarbage");
  const usage = (await cdp.send("Runtime.getHeapUsage")) as { usedSize: number; embedderHeapUsedSize?: number; backingStorageSize?: number };
  return usage.usedSize + (usage.embedderHeapUsedSize ?? 0) + (usage.backingStorageSize ?? 0);
}

/**
 * Heap a page holds after 100,000 echoed 1 KiB frames (100k sent + 100k received) beyond what it held
 * with the socket just open: native, Lifeguard with the default ring (10,000 frames per socket), and
 * with a ring of 1,000. The bound is maxFramesPerSocket x (1 KiB preview + 512 B of record).
 */
export async function heapCost(ctx: Ctx): Promise<void> {
  const frames = ctx.quick ? 3000 : 100_000;
  const rounds = ctx.quick ? 1 : 2;
  const configs = ["native", "ring-10000", "ring-1000"] as const;
  const run = async (config: (typeof configs)[number]): Promise<number> => {
    const browser = config === "native" ? ctx.native : ctx.ext;
    if (config !== "native") {
      await setSettings(ctx.ext, { rules: [], record: { maxFramesPerSocket: config === "ring-1000" ? 1000 : 10000, maxPreviewBytes: 65536 } });
    }
    const { page, cdp } = await openPage(browser, `${ctx.server.origin}/page.html?heap=${config}&r=${Math.random()}`);
    await cdp.send("Runtime.enable");
    await page.evaluate((u) => (window as unknown as PageB).B.open(u), `${ctx.server.wsOrigin}/echo`);
    await sleep(100);
    const before = await heap(cdp);
    await page.evaluate((n) => (window as unknown as PageB).B.flood(n, 1024), frames);
    // Let the last recorder batch go out.
    await sleep(200);
    const after = await heap(cdp);
    await cdp.detach();
    await page.close();
    return after - before;
  };
  const samples = await alternate(configs, rounds, run);
  const native = median(samples.native);
  for (const config of configs) {
    const retained = median(samples[config]);
    const ring = config === "ring-1000" ? 1000 : config === "ring-10000" ? 10000 : 0;
    const bound = ring * (1024 + 512);
    const extra = retained - native;
    ctx.rows.push({
      id: `page.heap.${config}`,
      section: "Page cost",
      label:
        config === "native"
          ? `heap retained after ${frames} echoed 1 KiB frames, native`
          : `heap retained after ${frames} echoed frames, ring ${ring}/socket (over native; bound ${(bound / 2 ** 20).toFixed(1)} MiB)`,
      value: (config === "native" ? retained : extra) / 2 ** 20,
      unit: "MiB",
      target: config === "native" ? undefined : "bounded by the ring setting",
      holds: config === "native" ? null : extra <= bound,
      samples: samples[config].map((x) => x / 2 ** 20),
    });
  }
}


/**
 * Main-thread CPU per 1,000 frames (the kernel's account, see rendererMainThreads) over an echo
 * flood: the page natively, with Lifeguard and no panel, with Lifeguard and the panel open on the tab
 * (the panel page's own CPU reported too).
 */
export async function cpuCost(ctx: Ctx): Promise<void> {
  const messages = ctx.quick ? 500 : 10_000;
  const frames = messages * 2;
  const rounds = ctx.quick ? 1 : 7;
  await setSettings(ctx.ext, { rules: [] });
  const configs = ["native", "panel-closed", "panel-open"] as const;
  // As in the throughput runs: a fresh page per sample, alone and in front, and no DevTools session on
  // it; CPU from the kernel (see rendererMainThreads). The panel, when open, is a tab of its own.
  const run = async (config: (typeof configs)[number]) => {
    const browser = config === "native" ? ctx.native : ctx.ext;
    const url = `${ctx.server.origin}/page.html?cpu=${config}&r=${Math.random()}`;
    const page = await quiet(await browser.context.newPage());
    let panel: Page | null = null;
    try {
      await page.goto(url);
      await page.evaluate((u) => (window as unknown as PageB).B.open(u), `${ctx.server.wsOrigin}/echo`);
      if (config === "panel-open") {
        panel = await browser.context.newPage();
        await panel.goto(`chrome-extension://${ctx.ext.extensionId}/src/panel/index.html?tabId=${await tabIdOf(ctx.ext, url)}`);
        await panel.waitForSelector('[data-testid="socket-row"]', { timeout: 10_000 });
      }
      await page.bringToFront();
      // Warm-up (JIT), not counted.
      await page.evaluate((n) => (window as unknown as PageB).B.flood(n, 1024), Math.min(500, messages));
      const before = rendererMainThreads();
      await page.evaluate((n) => (window as unknown as PageB).B.flood(n, 1024), messages);
      // The panel's work trails the page's by a batch or two.
      await sleep(300);
      const after = rendererMainThreads();
      const per = (us: number) => us / 1000 / (frames / 1000);
      return { task: per(busiestRenderer(before, after, "page")), panelTask: per(busiestRenderer(before, after, "extension")) };
    } finally {
      await panel?.close();
      await page.close();
    }
  };
  const samples = await alternate(configs, rounds, run);
  const paired = (c: (typeof configs)[number]) => median(samples[c].map((s, i) => s.task / samples.native[i]!.task));
  for (const config of configs) {
    const task = median(samples[config].map((s) => s.task));
    ctx.rows.push({
      id: `page.cpu.${config}`,
      section: "Page cost",
      label: `page main-thread CPU per 1,000 frames, ${config}`,
      value: task,
      unit: "ms",
      ratio: config === "native" ? 1 : paired(config),
      holds: null,
      samples: samples[config].map((s) => s.task),
    });
  }
  ctx.rows.push({
    id: "page.cpu.panel",
    section: "Page cost",
    label: "panel main-thread CPU per 1,000 frames (panel open)",
    value: median(samples["panel-open"].map((s) => s.panelTask)),
    unit: "ms",
    holds: null,
  });
}
