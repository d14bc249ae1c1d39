import { useEffect, useRef, useState } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { RateSeries } from "./timeline-model";
import { LABEL_FONT, type TimelineGeometry, type Tick } from "./timeline-geometry";
import { watchTheme } from "./theme";
import "./RateChart.css";
import { t } from "../shared/i18n";

/** Reads a colour variable of App.css as a concrete colour a canvas takes. */
export type ColorReader = (el: Element, name: string, fallback: string) => string;

export interface RateChartProps {
  series: RateSeries;
  /** The timeline's geometry: the plot spans exactly the lanes' time area. */
  geometry: TimelineGeometry;
  /** The lanes' time range, in ms. */
  start: number;
  stop: number;
  /** The lanes' ticks, so the chart's x axis reads the same. */
  ticks: readonly Tick[];
  height?: number;
  readColor?: ColorReader;
  /** Called with the chart each time it is built (and null when it goes): tests read its layout. */
  onPlot?: (plot: uPlot | null) => void;
}

export const cssColor: ColorReader = (el, name, fallback) => {
  // The theme's colours are light-dark() pairs: let the browser resolve one through a real property.
  const probe = el.ownerDocument.createElement("span");
  probe.style.color = `var(${name})`;
  el.append(probe);
  const color = getComputedStyle(probe).color.trim();
  probe.remove();
  return color || fallback;
};

/** Room for the rotated axis titles ("msg/s", "RTT (ms)"), inside the gutters. */
const TITLE_SIZE = 16;

/** Messages per second in and out, and heartbeat RTT on its own axis (uPlot, on a canvas), under the lanes. */
export function RateChart({ series, geometry, start, stop, ticks, height = 140, readColor = cssColor, onPlot }: RateChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  // The axes' size, range and split functions read these, so a new layout needs no new chart.
  const layout = useRef({ geometry, start, stop, ticks, series });
  layout.current = { geometry, start, stop, ticks, series };
  const [themeVersion, setThemeVersion] = useState(0);

  useEffect(() => watchTheme(document, () => setThemeVersion((v) => v + 1)), []);

  useEffect(() => {
    const el = box.current;
    // No 2D canvas (a DOM without one, as in component tests): no chart, the lanes still tell.
    if (!el || !document.createElement("canvas").getContext?.("2d")) return;
    // Read on every build: after a theme change, the canvas is drawn again with the new colours.
    const color = (name: string, fallback: string) => readColor(el, name, fallback);
    const axis = {
      stroke: color("--muted", "#888"),
      grid: { stroke: color("--border", "#ddd"), width: 1 },
      ticks: { show: false },
      font: LABEL_FONT,
      labelFont: LABEL_FONT,
      labelSize: TITLE_SIZE,
    };
    const opts: uPlot.Options = {
      width: layout.current.geometry.width,
      height,
      // No side padding: the plot's left and right edges are the gutters' edges, as on the lanes.
      padding: [8, 0, 0, 0],
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true, range: () => [layout.current.start / 1000, layout.current.stop / 1000] },
        // Always a range, even with no RTT yet: a scale without one hides its axis, and the right
        // gutter the lanes keep would go with it.
        rtt: { range: (_u, _min, max) => [0, max !== null && Number.isFinite(max) && max > 0 ? max * 1.1 : 100] },
      },
      axes: [
        {
          ...axis,
          size: 22,
          splits: () => layout.current.ticks.map((k) => k.t / 1000),
          values: () => layout.current.ticks.map((k) => k.label),
        },
        { ...axis, label: t("panelChartRate"), size: () => layout.current.geometry.left - TITLE_SIZE },
        { ...axis, scale: "rtt", side: 1, label: t("panelChartRtt"), size: () => layout.current.geometry.right - TITLE_SIZE, grid: { show: false } },
      ],
      series: [
        {},
        { label: t("panelChartIn"), stroke: color("--in-arrow", "#c5221f"), width: 1.5 },
        { label: t("panelChartOut"), stroke: color("--out-arrow", "#188038"), width: 1.5 },
        { label: t("panelChartRtt"), scale: "rtt", stroke: color("--reconnecting", "#b06000"), width: 1, spanGaps: true, points: { show: true, size: 4 } },
      ],
    };
    const s = layout.current.series;
    const chart = new uPlot(opts, [s.x, s.inbound, s.outbound, s.rtt], el);
    plot.current = chart;
    onPlot?.(chart);
    return () => {
      chart.destroy();
      plot.current = null;
      onPlot?.(null);
    };
  }, [height, themeVersion, readColor]);

  useEffect(() => {
    plot.current?.setData([series.x, series.inbound, series.outbound, series.rtt]);
  }, [series]);

  useEffect(() => {
    // Sizes, gutters and ticks are read by the axes on a new layout.
    plot.current?.setSize({ width: geometry.width, height });
  }, [geometry.width, geometry.left, geometry.right, ticks]);

  return <div class="rate-chart" ref={box} data-testid="rate-chart" />;
}
