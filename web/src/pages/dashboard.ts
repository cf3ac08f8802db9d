// Dashboard: the current rates (GetCurrentRates: requests and tokens per minute over the last
// 60 s, from the live counters of every replica) per channel, group, token and model; then
// totals and a time series from LogService's summaries for a chosen range, drawn as plain SVG
// bars (one chart, no chart library).
import { api } from "../api";
import { button, h, table } from "../dom";
import { Granularity, type CurrentRate, type SummaryPoint } from "../gen/aiproxy/admin/v1/logs_pb";
import { decimal, num, t, type Message } from "../i18n";
import { formatTime } from "../prefs";

const dimensions: [string, Message][] = [
  ["channel", "Channels"],
  ["group", "Groups"],
  ["token", "Tokens"],
  ["model", "Models"],
];

const SVG = "http://www.w3.org/2000/svg";

const ranges: [string, Message, number, Granularity][] = [
  ["1h", "last hour", 3_600_000, Granularity.MINUTE],
  ["24h", "last 24 hours", 86_400_000, Granularity.HOUR],
  ["7d", "last 7 days", 7 * 86_400_000, Granularity.HOUR],
  ["30d", "last 30 days", 30 * 86_400_000, Granularity.HOUR],
];

const metrics: [string, Message, (point: SummaryPoint) => number][] = [
  ["requests", "Requests", (point) => Number(point.requests)],
  ["tokens", "Tokens|count", (point) => Number(point.totalTokens)],
  ["cost", "Cost", (point) => Number(point.cost || "0")],
  ["errors", "Errors", (point) => Number(point.errors)],
];

export async function dashboardPage(root: HTMLElement, params: URLSearchParams): Promise<void> {
  const rangeName = params.get("range") ?? "24h";
  const metricName = params.get("metric") ?? "requests";
  const [, rangeLabel, span, granularity] = ranges.find(([name]) => name === rangeName) ?? ranges[1];
  const [, metricLabel, metricOf] = metrics.find(([name]) => name === metricName) ?? metrics[0];

  const go = (range: string, metric: string) => {
    window.location.hash = `#/dashboard?range=${range}&metric=${metric}`;
  };
  root.append(
    h(
      "div",
      { class: "toolbar" },
      h("label", { class: "inline" }, `${t("Range")} `,
        h("select", { name: "range", onchange: (event) => go((event.target as HTMLSelectElement).value, metricName) },
          ...ranges.map(([name, label]) => h("option", { value: name, selected: name === rangeName }, t(label))))),
      h("label", { class: "inline" }, `${t("Chart")} `,
        h("select", { name: "metric", onchange: (event) => go(rangeName, (event.target as HTMLSelectElement).value) },
          ...metrics.map(([name, label]) => h("option", { value: name, selected: name === metricName }, t(label))))),
    ),
  );

  const rates = h("div", { "data-testid": "current-rates" });
  const refreshRates = async () => {
    const { rates: current } = await api.logs.getCurrentRates({});
    rates.replaceChildren(...ratesTables(current));
  };
  root.append(
    h("h3", {}, `${t("Current rates, last minute")} `, button(t("Refresh"), refreshRates, "rates-refresh")),
    rates,
  );
  await refreshRates();

  const end = BigInt(Date.now());
  const filter = { startMs: end - BigInt(span), endMs: end + 60_000n };
  const [totals, summary] = await Promise.all([
    api.logs.getTotals({ granularity, filter }),
    api.logs.getSummary({ granularity, filter }),
  ]);

  root.append(
    h(
      "div",
      { class: "cards", "data-testid": "totals" },
      card(t("Requests"), num(totals.requests), "total-requests"),
      card(t("Tokens|count"), num(totals.totalTokens), "total-tokens"),
      card(t("Cost"), decimal(totals.cost || "0"), "total-cost"),
      card(t("Errors"), t("{errors} ({client} 4xx, {server} 5xx)", { errors: num(totals.errors), client: num(totals.clientErrors), server: num(totals.serverErrors) }), "total-errors"),
      card(t("Avg latency"), t("{ms} ms", { ms: num(Math.round(totals.avgLatencyMs)) }), "total-latency"),
    ),
    h("h3", {}, t(granularity === Granularity.MINUTE ? "{metric}, {range}, per minute" : "{metric}, {range}, per hour", { metric: t(metricLabel), range: t(rangeLabel) })),
    chart(summary.points, metricOf, Number(filter.startMs), Number(end), granularity === Granularity.MINUTE ? 60_000 : 3_600_000),
  );
}

/// One table per dimension (highest request rate first, as the server sorts), or a line when
/// nothing ran in the last minute.
function ratesTables(rates: CurrentRate[]): HTMLElement[] {
  if (rates.length === 0) return [h("p", { "data-testid": "rates-empty" }, t("No requests in the last minute."))];
  return dimensions
    .map(([dimension, label]) => [label, dimension, rates.filter((rate) => rate.dimension === dimension)] as const)
    .filter(([, , rows]) => rows.length > 0)
    .map(([label, dimension, rows]) =>
      h(
        "div",
        { class: "rates" },
        h("h4", {}, t(label)),
        table(
          [dimension === "model" || dimension === "group" ? t("Name") : t("Id"), t("RPM"), t("TPM")],
          rows.map((rate) => [rate.id, num(rate.requestsPerMinute), num(rate.tokensPerMinute)]),
          `rates-${dimension}`,
        ),
      ),
    );
}

function card(label: string, value: string, testId: string): HTMLElement {
  return h("div", { class: "card" }, h("span", {}, label), h("strong", { "data-testid": testId }, value));
}

function chart(points: SummaryPoint[], metricOf: (point: SummaryPoint) => number, startMs: number, endMs: number, bucketMs: number): Element {
  const width = 800;
  const height = 200;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height + 20}`);
  svg.setAttribute("class", "chart");
  svg.setAttribute("data-testid", "chart");
  svg.setAttribute("role", "img");
  const max = Math.max(0, ...points.map(metricOf));
  const buckets = Math.max(1, Math.ceil((endMs - startMs) / bucketMs));
  const barWidth = width / buckets;
  for (const point of points) {
    const value = metricOf(point);
    const x = ((Number(point.bucketMs) - startMs) / (endMs - startMs)) * width;
    const barHeight = max > 0 ? (value / max) * height : 0;
    const bar = document.createElementNS(SVG, "rect");
    bar.setAttribute("x", String(Math.max(0, x)));
    bar.setAttribute("y", String(height - barHeight));
    bar.setAttribute("width", String(Math.max(1, barWidth - 1)));
    bar.setAttribute("height", String(barHeight));
    const title = document.createElementNS(SVG, "title");
    title.textContent = `${formatTime(point.bucketMs)}: ${num(value)}`;
    bar.append(title);
    svg.append(bar);
  }
  const axis = document.createElementNS(SVG, "text");
  axis.setAttribute("x", "0");
  axis.setAttribute("y", String(height + 15));
  axis.textContent = points.length === 0 ? t("no requests in this range") : t("max {value}", { value: num(max) });
  svg.append(axis);
  return svg;
}
