import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { RateSeries } from "./timeline-model";
import "./RateChart.css";
import { t } from "../shared/i18n";

export interface RateChartProps {
  series: RateSeries;
  height?: number;
}

function cssVar(el: Element, name: string, fallback: string): string {
  // The theme's colours are light-dark() pairs: let the browser resolve one through a real property,
  // since a canvas takes only a concrete colour.
  const probe = el.ownerDocument.createElement("span");
  probe.style.color = `var(${name})`;
  el.append(probe);
  const color = getComputedStyle(probe).color.trim();
  probe.remove();
  return color || fallback;
}

/** Messages per second in and out, and heartbeat RTT on its own axis (uPlot, on a canvas). */
export function RateChart({ series, height = 140 }: RateChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const el = box.current;
    // No 2D canvas (a DOM without one, as in component tests): no chart, the lanes still tell.
    if (!el || !document.createElement("canvas").getContext?.("2d")) return;
    const axis = { stroke: cssVar(el, "--muted", "#888"), grid: { stroke: cssVar(el, "--border", "#ddd"), width: 1 }, ticks: { show: false } };
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, rtt: { auto: true } },
      axes: [
        { ...axis },
        { ...axis, label: t("panelChartRate"), size: 44 },
        { ...axis, scale: "rtt", side: 1, label: t("panelChartRtt"), size: 48, grid: { show: false } },
      ],
      series: [
        {},
        { label: t("panelChartIn"), stroke: cssVar(el, "--in-arrow", "#c5221f"), width: 1.5 },
        { label: t("panelChartOut"), stroke: cssVar(el, "--out-arrow", "#188038"), width: 1.5 },
        { label: t("panelChartRtt"), scale: "rtt", stroke: cssVar(el, "--reconnecting", "#b06000"), width: 1, spanGaps: true, points: { show: true, size: 4 } },
      ],
    };
    const chart = new uPlot(opts, [[], [], [], []], el);
    plot.current = chart;
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [height]);

  useEffect(() => {
    plot.current?.setData([series.x, series.inbound, series.outbound, series.rtt]);
  }, [series]);

  return <div class="rate-chart" ref={box} data-testid="rate-chart" />;
}
