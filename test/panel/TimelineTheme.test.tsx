// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { act } from "preact/test-utils";
import type uPlot from "uplot";
import { RateChart } from "../../src/panel/RateChart";
import { timelineGeometry, timeTicks, trackWidth } from "../../src/panel/timeline-geometry";
import { rateSeries } from "../../src/panel/timeline-model";
import { mount, unmount } from "./frames-support";
import { fakeCanvas } from "./timeline-canvas";

let container: HTMLElement | undefined;
let restore: (() => void) | undefined;
const root = document.documentElement;
beforeEach(() => {
  restore = fakeCanvas();
});
afterEach(async () => {
  if (container) await unmount(container);
  container = undefined;
  restore?.();
  delete root.dataset.theme;
  vi.unstubAllGlobals();
});

/**
 * happy-dom's getComputedStyle does not resolve light-dark(): the colour reader stands in for it,
 * answering what the theme in force would give.
 */
let osDark = false;
const PALETTE = { light: "rgb(197, 34, 31)", dark: "rgb(242, 139, 130)" };
const readColor = (_el: Element, name: string, fallback: string) => {
  if (name !== "--in-arrow") return fallback;
  const dark = root.dataset.theme ? root.dataset.theme === "dark" : osDark;
  return dark ? PALETTE.dark : PALETTE.light;
};

const tick = () => act(() => new Promise<void>((r) => setTimeout(r, 0)));

async function mountChart(): Promise<{ plots: (uPlot | null)[]; inColor: () => string | undefined }> {
  const plots: (uPlot | null)[] = [];
  const g = timelineGeometry(800);
  const series = rateSeries([], [], [], 0, 10_000);
  container = await mount(
    <RateChart series={series} geometry={g} start={0} stop={10_000} ticks={timeTicks(0, 10_000, trackWidth(g))} readColor={readColor} onPlot={(p) => plots.push(p)} />,
  );
  await tick();
  // The "in" series' swatch in uPlot's legend is drawn in the colour the chart was built with.
  const inColor = () => container!.querySelectorAll<HTMLElement>(".u-legend .u-marker")[1]?.style.borderColor;
  return { plots, inColor };
}

describe("rate chart colours follow the theme", () => {
  it("a live switch of DevTools' theme (data-theme on the root) redraws the chart in the new colours", async () => {
    root.dataset.theme = "light";
    const { plots, inColor } = await mountChart();
    expect(inColor()).toBe(PALETTE.light);
    await act(async () => {
      root.dataset.theme = "dark";
    });
    await tick();
    expect(inColor()).toBe(PALETTE.dark);
    // The old chart went, a new one came: built, destroyed, built again.
    expect(plots.map((p) => p !== null)).toEqual([true, false, true]);
    expect(container!.querySelectorAll(".uplot")).toHaveLength(1);
  });

  it("so does a change of the OS's scheme, which light-dark() follows when DevTools did not say", async () => {
    const scheme = Object.assign(new EventTarget(), { matches: false, media: "(prefers-color-scheme: dark)" });
    vi.stubGlobal("matchMedia", () => scheme);
    osDark = false;
    const { inColor } = await mountChart();
    expect(inColor()).toBe(PALETTE.light);
    osDark = true;
    await act(async () => {
      scheme.dispatchEvent(new Event("change"));
    });
    await tick();
    expect(inColor()).toBe(PALETTE.dark);
    osDark = false;
  });
});
