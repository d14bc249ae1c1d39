/**
 * What the extension costs a page that only uses sockets: installing the patch at document_start, the
 * heap the recorder's ring buffer holds after 100,000 frames, and CPU per 1,000 frames with the panel
 * closed and open.
 */
import type { CDPSession, Page } from "playwright-core";
import type { Ctx } from "./context";
import { openPage, setSettings, sleep, tabIdOf, type Browser } from "./rig";
import { alternate, median } from "./stats";

type PageB = { B: { open(u: string): Promise<boolean>; flood(n: number, size: number): Promise<number>; close(): void } };

/**
 * Patch install, two ways. (1) In the page: performance.now() at the first inline <head> script minus
 * the navigation's responseStart, with and without the extension (what the page waits). (2) CDP
 * tracing of the extension's page-world script: its compile + evaluation (`v8.compile`,
 * `EvaluateScript`/`v8.run` slices whose url is the script), per document.
 */
export async function installCost(ctx: Ctx): Promise<void> {
  const rounds = ctx.quick ? 2 : 20;
  const pages: Record<"native" | "extension", Page> = {
    native: (await openPage(ctx.native, `${ctx.server.origin}/install.html`)).page,
    extension: (await openPage(ctx.ext, `${ctx.server.origin}/install.html`)).page,
  };
  const firstScript = async (page: Page): Promise<number> => {
    await page.goto(`${ctx.server.origin}/install.html?r=${Math.random()}`);
    return page.evaluate(() => {
      const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
      return (window as unknown as { __firstScript: number }).__firstScript - nav.responseStart;
    });
  };
  for (const k of ["native", "extension"] as const) await firstScript(pages[k]);
  const samples = await alternate(["native", "extension"] as const, rounds, (k) => firstScript(pages[k]));
  const native = median(samples.native);
  const extension = median(samples.extension);
  ctx.rows.push({
    id: "page.install.first-script",
    section: "Page cost",
    label: `first inline script after responseStart: ${native.toFixed(2)} ms native, ${extension.toFixed(2)} ms with Lifeguard (difference)`,
    value: extension - native,
    unit: "ms",
    target: "< 1 ms per frame",
    holds: extension - native < 1,
    samples: samples.extension.map((x, i) => x - (samples.native[i] ?? NaN)),
  });

  // Tracing: the page-world script's own compile and run, per load.
  const cdp = await ctx.ext.context.newCDPSession(pages.extension);
  const traced: number[] = [];
  for (let i = 0; i < (ctx.quick ? 2 : 10); i++) traced.push(await traceScript(cdp, pages.extension, `${ctx.server.origin}/install.html?t=${i}`));
  await cdp.detach();
  const value = median(traced);
  ctx.rows.push({
    id: "page.install.trace",
    section: "Page cost",
    label: "page-world script compile + evaluate (CDP trace, src/page/index.iife.js)",
    value,
    unit: "ms",
    target: "< 1 ms per frame",
    holds: value < 1,
    samples: traced,
  });
  for (const p of Object.values(pages)) await p.close();
}

interface TraceEvent {
  name: string;
  ph: string;
  dur?: number;
  args?: { data?: { url?: string }; fileName?: string; url?: string };
}

async function traceScript(cdp: CDPSession, page: Page, url: string): Promise<number> {
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
  const ours = (e: TraceEvent) => {
    const u = e.args?.data?.url ?? e.args?.fileName ?? e.args?.url ?? "";
    return u.includes("src/page/index.iife.js");
  };
  // Outermost slices only: EvaluateScript contains the compile and run of the same script.
  const evaluate = events.filter((e) => e.ph === "X" && e.name === "EvaluateScript" && ours(e));
  const slices = evaluate.length ? evaluate : events.filter((e) => e.ph === "X" && (e.name === "v8.compile" || e.name === "v8.run") && ours(e));
  if (slices.length === 0) throw new Error(`no trace slice of the page-world script (${new Set(events.map((e) => e.name)).size} event kinds)`);
  return slices.reduce((s, e) => s + (e.dur ?? 0), 0) / 1000;
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

type Metrics = Record<string, number>;
async function metrics(cdp: CDPSession): Promise<Metrics> {
  const { metrics: list } = (await cdp.send("Performance.getMetrics")) as { metrics: { name: string; value: number }[] };
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

/**
 * CPU per 1,000 frames (Performance.getMetrics TaskDuration and ScriptDuration deltas over an echo
 * flood): the page natively, with Lifeguard and no panel, with Lifeguard and the panel open on the tab
 * (the panel page's own CPU reported too).
 */
export async function cpuCost(ctx: Ctx): Promise<void> {
  const messages = ctx.quick ? 500 : 10_000;
  const frames = messages * 2;
  const rounds = ctx.quick ? 1 : 5;
  await setSettings(ctx.ext, { rules: [] });
  const open = async (browser: Browser, tag: string) => {
    const url = `${ctx.server.origin}/page.html?cpu=${tag}&r=${Math.random()}`;
    const { page, cdp } = await openPage(browser, url);
    await cdp.send("Performance.enable", { timeDomain: "threadTicks" });
    await page.evaluate((u) => (window as unknown as PageB).B.open(u), `${ctx.server.wsOrigin}/echo`);
    return { page, cdp, url };
  };
  const native = await open(ctx.native, "native");
  const closed = await open(ctx.ext, "closed");
  const opened = await open(ctx.ext, "open");
  const panel = await openPage(ctx.ext, `chrome-extension://${ctx.ext.extensionId}/src/panel/index.html?tabId=${await tabIdOf(ctx.ext, opened.url)}`);
  await panel.cdp.send("Performance.enable", { timeDomain: "threadTicks" });
  await panel.page.waitForSelector('[data-testid="socket-row"]', { timeout: 10_000 });

  const configs = ["native", "panel-closed", "panel-open"] as const;
  const pages = { native, "panel-closed": closed, "panel-open": opened };
  const run = async (config: (typeof configs)[number]) => {
    const p = pages[config];
    if (config === "panel-open") await panel.page.click('[data-testid="clear"]');
    // The page measured is the browser's front tab, as in the throughput runs (see there).
    await p.page.bringToFront();
    const before = await metrics(p.cdp);
    const panelBefore = await metrics(panel.cdp);
    await p.page.evaluate((n) => (window as unknown as PageB).B.flood(n, 1024), messages);
    // The panel's work trails the page's by a batch or two.
    await sleep(300);
    const after = await metrics(p.cdp);
    const panelAfter = await metrics(panel.cdp);
    const per = (a: Metrics, b: Metrics, k: string) => ((a[k]! - b[k]!) * 1000) / (frames / 1000);
    return {
      task: per(after, before, "TaskDuration"),
      script: per(after, before, "ScriptDuration"),
      panelTask: per(panelAfter, panelBefore, "TaskDuration"),
    };
  };
  await run("native");
  const samples = await alternate(configs, rounds, run);
  const nativeTask = median(samples.native.map((s) => s.task));
  for (const config of configs) {
    const task = median(samples[config].map((s) => s.task));
    const script = median(samples[config].map((s) => s.script));
    ctx.rows.push({
      id: `page.cpu.${config}`,
      section: "Page cost",
      label: `page CPU per 1,000 frames, ${config} (ScriptDuration ${script.toFixed(2)} ms)`,
      value: task,
      unit: "ms",
      ratio: task / nativeTask,
      holds: null,
      samples: samples[config].map((s) => s.task),
    });
  }
  ctx.rows.push({
    id: "page.cpu.panel",
    section: "Page cost",
    label: "panel page CPU per 1,000 frames (panel open)",
    value: median(samples["panel-open"].map((s) => s.panelTask)),
    unit: "ms",
    holds: null,
  });
  for (const p of [native, closed, opened, panel]) await p.page.close();
}
