// The dashboard's charts, drawn by uPlot on canvas. Loaded with import() by the dashboard pages
// only, so uPlot is a chunk of its own that the other pages never fetch. A chart is a time axis
// (the operator's zone, labels by Intl in the panel's language) and one or more series; a
// stacked chart draws each series on top of the ones before it (uPlot has no stacking: the
// cumulative sums are drawn, largest first, and the legend shows each series' own value).
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

import { lang, t } from "./i18n";
import { zone } from "./prefs";

export type ChartSeries = { label: string; values: (number | null)[] };

export type ChartSpec = {
  /// Bucket starts, unix ms, ascending.
  times: number[];
  series: ChartSeries[];
  stacked: boolean;
  /// How a value is shown on the y axis and in the legend.
  format: (value: number) => string;
  /// Accessible name of the chart (it is a picture to a screen reader).
  title: string;
  testId: string;
};

// Colours readable on the light and the dark theme alike, so a theme switch needs no redraw.
const PALETTE = ["#5b9bff", "#f5a142", "#3fbf7f", "#e0607e", "#a58cff", "#2cc4c9", "#c9b52c", "#9aa5b1", "#ff7a45", "#6c8ebf"];
const AXIS = "#8a94a0";
const GRID = "rgba(138, 148, 160, 0.25)";

export function colour(index: number): string {
  return PALETTE[index % PALETTE.length];
}

function timeLabels(spanMs: number): Intl.DateTimeFormat {
  const short = spanMs <= 36 * 3_600_000;
  return new Intl.DateTimeFormat(lang(), {
    timeZone: zone(),
    hourCycle: "h23",
    ...(short ? { hour: "2-digit", minute: "2-digit" } : { month: "2-digit", day: "2-digit", hour: "2-digit" }),
  });
}

/// Draws `spec` into a new element, sized to its container and redrawn at a new width.
export function drawChart(spec: ChartSpec): HTMLElement {
  const holder = document.createElement("div");
  holder.className = "plot";
  holder.setAttribute("data-testid", spec.testId);
  holder.setAttribute("role", "img");
  holder.setAttribute("aria-label", spec.title);
  const seconds = spec.times.map((ms) => ms / 1000);
  const span = spec.times.length > 1 ? spec.times[spec.times.length - 1] - spec.times[0] : 0;
  const labels = timeLabels(span);
  const own = spec.series.map((series) => series.values);
  let drawn = own;
  let order = spec.series.map((_, index) => index);
  if (spec.stacked) {
    // Cumulative sums, then reversed: the tallest band is drawn first and each smaller one over it.
    const sums: (number | null)[][] = [];
    own.forEach((values, index) => {
      sums.push(values.map((value, at) => (value ?? 0) + (index > 0 ? (sums[index - 1][at] ?? 0) : 0)));
    });
    drawn = sums.reverse();
    order = order.reverse();
  }
  const options: uPlot.Options = {
    width: 600,
    height: 220,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), zone()),
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.05 : 1] } },
    axes: [
      { stroke: AXIS, grid: { stroke: GRID }, ticks: { stroke: GRID }, values: (_u, splits) => splits.map((split) => labels.format(new Date(split * 1000))) },
      { stroke: AXIS, grid: { stroke: GRID }, ticks: { stroke: GRID }, size: 70, values: (_u, splits) => splits.map((split) => spec.format(split)) },
    ],
    series: [
      { label: t("Time"), value: (_u, ts) => (ts === null ? "" : new Intl.DateTimeFormat(lang(), { timeZone: zone(), dateStyle: "short", timeStyle: "short" }).format(new Date(ts * 1000))) },
      ...order.map((index) => ({
        label: spec.series[index].label,
        stroke: colour(index),
        fill: spec.stacked ? colour(index) : undefined,
        width: spec.stacked ? 1 : 2,
        points: { show: false },
        value: (_u: uPlot, _value: number | null, _series: number, at: number | null) => {
          const value = at === null ? null : own[index][at];
          return value === null || value === undefined ? "–" : spec.format(value);
        },
      })),
    ],
  };
  const plot = new uPlot(options, [seconds, ...drawn] as uPlot.AlignedData, holder);
  // uPlot draws at a fixed size: follow the container's width.
  const resize = new ResizeObserver(() => {
    if (!holder.isConnected) {
      resize.disconnect();
      plot.destroy();
      return;
    }
    const width = Math.max(240, Math.floor(holder.clientWidth));
    if (width !== plot.width) plot.setSize({ width, height: 220 });
  });
  resize.observe(holder);
  return holder;
}
