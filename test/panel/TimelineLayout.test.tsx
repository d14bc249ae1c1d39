// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { act } from "preact/test-utils";
import type uPlot from "uplot";
import { Timeline } from "../../src/panel/Timeline";
import { formatTick, labelFits, TICK_GAP, timelineGeometry, timeTicks, timeX, trackWidth } from "../../src/panel/timeline-geometry";
import { MARK_LOOKS, MARK_ORDER } from "../../src/panel/timeline-glyphs";
import { createModel, reduce, type PanelModel } from "../../src/panel/model";
import type { RecorderEvent } from "../../src/shared/protocol";
import { eventsMessage, socketInfo, stateEvent } from "../support/messages";
import { frame, mount, unmount } from "./frames-support";
import { formatClock } from "../../src/panel/format";
import { fakeCanvas } from "./timeline-canvas";

let container: HTMLElement | undefined;
let restore: (() => void) | undefined;
beforeEach(() => {
  restore = fakeCanvas();
});
afterEach(async () => {
  if (container) await unmount(container);
  container = undefined;
  restore?.();
});

const modelOf = (events: RecorderEvent[]): PanelModel => reduce(createModel(), eventsMessage(events));

/** 2 s open, a long reconnect, open again, closed at 61 s: short segments beside long ones. */
const story: RecorderEvent[] = [
  { kind: "created", t: 1000, socket: socketInfo("a:1", { createdAt: 1000 }) },
  stateEvent("a:1", "open", 1100),
  { kind: "heartbeat", t: 2000, socket: "a:1", phase: "sent" },
  { kind: "note", t: 2500, socket: "a:1", text: "a note" },
  stateEvent("a:1", "reconnecting", 3000, { attempt: 1, delayMs: 120, cause: "heartbeat timeout" }),
  stateEvent("a:1", "open", 40_000),
  stateEvent("a:1", "closed", 61_000, { code: 4001, reason: "bye" }),
];

const tick = () => act(() => new Promise<void>((r) => setTimeout(r, 0)));

describe("time axis", () => {
  const px = (text: string) => text.length * 6.2;
  const spans = [50, 900, 4_000, 61_000, 10 * 60_000, 5 * 3600_000, 3 * 86_400_000];
  const widths = [268, 600, 1200];

  it("labels never overlap, whatever the span and the room", () => {
    for (const span of spans) {
      for (const width of widths) {
        const start = new Date(2026, 1, 12, 14, 57, 3, 250).getTime();
        const ticks = timeTicks(start, start + span, width, px);
        expect(ticks.length, `${span} ms in ${width} px`).toBeGreaterThanOrEqual(1);
        for (let i = 1; i < ticks.length; i++) {
          const gap = ((ticks[i]!.t - ticks[i - 1]!.t) / span) * width;
          // Centred labels: half of each on either side of its tick.
          expect(gap - (px(ticks[i]!.label) + px(ticks[i - 1]!.label)) / 2, `${span} ms in ${width} px`).toBeGreaterThanOrEqual(TICK_GAP);
        }
      }
    }
  });

  it("compact labels: HH:MM:SS, .mmm when the span is short, a date only when it crosses days", () => {
    const start = new Date(2026, 1, 12, 14, 57, 3, 250).getTime();
    expect(timeTicks(start, start + 61_000, 600, px).map((k) => k.label)).toEqual(["14:57:10", "14:57:20", "14:57:30", "14:57:40", "14:57:50", "14:58:00"]);
    expect(timeTicks(start, start + 900, 600, px)[0]!.label).toMatch(/^14:57:03\.\d{3}$/);
    expect(timeTicks(start, start + 2 * 3600_000, 600, px)[0]!.label).toMatch(/^1[45]:\d\d$/);
    const lateNight = new Date(2026, 1, 12, 23, 0).getTime();
    expect(timeTicks(lateNight, lateNight + 3 * 3600_000, 1200, px).map((k) => k.label)).toContain("02-13 00:00");
    expect(formatTick(start, 86_400_000, true)).toBe("02-12");
  });
});

describe("segment labels", () => {
  it("a label is drawn only when all of it fits; the full text is always in the title and accessible name", async () => {
    container = await mount(<Timeline model={modelOf(story)} socket="a:1" width={1000} />);
    const segments = [...container.querySelectorAll<HTMLElement>('[data-testid="timeline-segment"]')];
    expect(segments.map((s) => s.dataset.state)).toEqual(["connecting", "open", "reconnecting", "open", "closed"]);
    const g = timelineGeometry(1000);
    for (const s of segments) {
      const text = s.textContent ?? "";
      const name = s.getAttribute("aria-label")!;
      expect(s.getAttribute("title")).toBe(name);
      const widthPx = (parseFloat(s.style.width) / 100) * trackWidth(g);
      // No fragment: either the whole label, or nothing.
      if (text) expect(name.startsWith(`${text}, `)).toBe(true);
      expect(text === "" || labelFits(text, widthPx)).toBe(true);
    }
    // 100 ms of "connecting" in 60 s cannot hold its label; 37 s of "reconnecting #1 ..." can.
    expect(segments[0]!.textContent).toBe("");
    expect(segments[0]!.getAttribute("aria-label")).toMatch(/^connecting, /);
    expect(segments[2]!.textContent).toBe("reconnecting #1 in 120 ms (heartbeat timeout)");
  });
});

describe("lanes and chart", () => {
  it("a moment is at the same x in the lanes and in the chart's plot", async () => {
    let plot: uPlot | null = null;
    container = await mount(<Timeline model={modelOf(story)} socket="a:1" width={1000} readColor={() => "#123456"} onPlot={(p) => (plot = p)} />);
    await tick();
    expect(plot).not.toBeNull();
    const chart = plot as unknown as uPlot;
    const g = timelineGeometry(1000);
    const start = 1000;
    const stop = 61_000;
    // The lanes' track starts at the label gutter and leaves the right gutter, as the geometry says.
    const track = container.querySelector<HTMLElement>('[data-testid="timeline"]')!;
    expect(track.style.getPropertyValue("--timeline-left")).toBe(`${g.left}px`);
    expect(track.style.getPropertyValue("--timeline-right")).toBe(`${g.right}px`);
    const marks = [...container.querySelectorAll<HTMLElement>('[data-testid="timeline-mark"]')];
    for (const t of [start, 2000, 2500, 40_000, stop]) {
      const laneX = timeX(g, start, stop, t);
      const chartX = parseFloat(chart.over.style.left) + chart.valToPos(t / 1000, "x");
      expect(chartX, `x of ${t}`).toBeCloseTo(laneX, 3);
    }
    // And a mark drawn on the lane is where the geometry puts it.
    const note = marks.find((m) => m.dataset.kind === "note")!;
    expect(g.left + (parseFloat(note.style.left) / 100) * trackWidth(g)).toBeCloseTo(timeX(g, start, stop, 2500), 1);
    // The chart's x axis labels the very ticks the lanes' axis shows.
    await tick();
    const laneTicks = [...container.querySelectorAll('[data-testid="timeline-tick"]')].map((e) => e.textContent);
    expect(laneTicks.length).toBeGreaterThan(1);
    expect((chart.axes[0] as { _values?: string[] })._values).toEqual(laneTicks);
  });
});

describe("half-open and silent on the lanes", () => {
  it("a black-hole draws a half-open segment, and a long silence a shade whose tooltip says how long", async () => {
    const events: RecorderEvent[] = [
      { kind: "created", t: 1000, socket: socketInfo("a:1", { createdAt: 1000 }) },
      stateEvent("a:1", "open", 1100),
      // A frame every 100 ms, then none for 28.8 s: far past max(5 s, 3 × 100 ms).
      ...[1, 2, 3, 4].map((seq): RecorderEvent => ({ kind: "frame", frame: frame("a:1", seq, { t: 1000 + seq * 100 }) })),
      { kind: "fault", t: 2000, socket: "a:1", fault: "blackhole", active: true, untilT: 30_000 },
      { kind: "fault", t: 30_000, socket: "a:1", fault: "blackhole", active: false },
      { kind: "frame", frame: frame("a:1", 5, { t: 30_100 }) },
      stateEvent("a:1", "closed", 31_000, { code: 1000 }),
    ];
    container = await mount(<Timeline model={modelOf(events)} socket="a:1" width={1000} />);
    const segments = [...container.querySelectorAll<HTMLElement>('[data-testid="timeline-segment"]')];
    expect(segments.map((s) => s.dataset.state)).toEqual(["connecting", "open", "half-open", "open", "closed"]);
    expect(segments[2]!.className).toContain("timeline-state-half-open");
    expect(segments[2]!.textContent).toBe("half-open (black-hole in force)");
    const silences = [...container.querySelectorAll<HTMLElement>('[data-testid="timeline-silence"]')];
    expect(silences).toHaveLength(1);
    expect(silences[0]!.getAttribute("title")).toBe(`silent for 28.7 s, ${formatClock(1400)} – ${formatClock(30_100)} (28.7 s)`);
  });
});

describe("legend", () => {
  it("every mark kind has its own glyph, and the legend lists each with the glyph the lane draws", async () => {
    const glyphs = MARK_ORDER.map((k) => MARK_LOOKS[k].glyph);
    expect(new Set(glyphs).size).toBe(glyphs.length);
    expect([...MARK_ORDER].sort()).toEqual(Object.keys(MARK_LOOKS).sort());
    container = await mount(<Timeline model={modelOf(story)} socket="a:1" width={1000} />);
    const legend = (kind: string) => container!.querySelector(`[data-testid="timeline-legend"] [data-kind="${kind}"] .timeline-glyph`)?.textContent;
    const marks = [...container.querySelectorAll<HTMLElement>('[data-testid="timeline-mark"]')];
    expect(marks.map((m) => m.dataset.kind)).toEqual(["heartbeat-sent", "note", "reconnect"]);
    for (const m of marks) expect(m.textContent).toBe(legend(m.dataset.kind!));
    expect(legend("note")).not.toBe(legend("heartbeat-sent"));
    expect(container.querySelector('[data-testid="timeline-legend"] [data-kind="half-open"]')!.textContent).toContain("half-open");
  });
});
