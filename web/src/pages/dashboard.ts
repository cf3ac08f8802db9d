// Dashboard: over a chosen range and filters (group, token, model, channel; in the fragment),
// the totals (requests, tokens in, out and cached, cost, error rate, latency and time to first
// token: mean, p50 and p95) and the current RPM/TPM, charts of requests, tokens, cost, error
// rate, latency and time to first token per bucket (requests and cost stacked by model or
// channel; percentiles from the summaries' histograms), and rankings of groups,
// channels, models and tokens by requests or cost. Everything is read from LogService's
// summaries (GetSummary, GetTotals, GetRanking) and live rates (GetCurrentRates), never from raw
// log rows. The charts are uPlot (src/charts.ts), imported only when a dashboard is drawn.
// `dashboardView` is also a group's own dashboard (src/pages/group.ts).
import { api } from "../api";
import type { ChartSpec } from "../charts";
import { button, form, h, optionalString, table } from "../dom";
import {
  Granularity,
  RankingDimension,
  RankingMetric,
  SummarySplit,
  type CurrentRate,
  type RankingEntry,
  type SummaryPoint,
} from "../gen/aiproxy/admin/v1/logs_pb";
import { decimal, num, t, type Message } from "../i18n";

const dimensions: [string, Message][] = [
  ["channel", "Channels"],
  ["group", "Groups"],
  ["token", "Tokens"],
  ["model", "Models"],
];

const ranges: [string, Message, number, Granularity][] = [
  ["1h", "last hour", 3_600_000, Granularity.MINUTE],
  ["24h", "last 24 hours", 86_400_000, Granularity.HOUR],
  ["7d", "last 7 days", 7 * 86_400_000, Granularity.HOUR],
  ["30d", "last 30 days", 30 * 86_400_000, Granularity.HOUR],
];

const stacks: [string, Message, SummarySplit][] = [
  ["none", "not stacked", SummarySplit.UNSPECIFIED],
  ["model", "per model", SummarySplit.MODEL],
  ["channel", "per channel", SummarySplit.CHANNEL],
];

const rankMetrics: [string, Message, RankingMetric][] = [
  ["requests", "Requests", RankingMetric.REQUESTS],
  ["cost", "Cost", RankingMetric.COST],
];

/// At most this many models or channels get a band of their own; the rest are summed as one.
const STACKED_KEYS = 8;

export async function dashboardPage(root: HTMLElement, params: URLSearchParams): Promise<void> {
  await dashboardView(root, params, "dashboard");
}

/// The dashboard of `params`; `group`, when given, is fixed (a group's page), the other filters
/// and choices are the fragment's. `route` is the page the choices navigate to.
export async function dashboardView(root: HTMLElement, params: URLSearchParams, route: string, group?: string): Promise<void> {
  const choice = (name: string, fallback: string) => params.get(name) ?? fallback;
  const rangeName = choice("range", "24h");
  const [, rangeLabel, span, granularity] = ranges.find(([name]) => name === rangeName) ?? ranges[1];
  const filter = {
    groupId: group ?? optionalString(choice("group", "")),
    tokenName: optionalString(choice("token", "")),
    model: optionalString(choice("model", "")),
    channelId: /^\d+$/.test(choice("channel", "")) ? BigInt(choice("channel", "")) : undefined,
  };
  const byGroup = filter.groupId !== undefined || filter.tokenName !== undefined;
  // The per-channel summaries know no groups: a channel stack or filter is not offered with one.
  const stackOptions = stacks.filter(([name]) => !(byGroup && name === "channel"));
  const [stackName, , split] = stackOptions.find(([name]) => name === choice("stack", "model")) ?? stackOptions[0];
  const [rankName, , rankMetric] = rankMetrics.find(([name]) => name === choice("rank", "requests")) ?? rankMetrics[0];

  root.append(
    form(
      [
        { kind: "select", name: "range", label: t("Range"), options: ranges.map(([name, label]) => [name, t(label)]), value: rangeName },
        ...(group ? [] : [{ kind: "text", name: "group", label: t("Group"), value: filter.groupId ?? "" } as const]),
        { kind: "text", name: "token", label: t("Token name"), value: filter.tokenName ?? "" },
        { kind: "text", name: "model", label: t("Model"), value: filter.model ?? "" },
        ...(group ? [] : [{ kind: "number", name: "channel", label: t("Channel id"), value: filter.channelId?.toString() ?? "", hint: t("not with a group or token") } as const]),
        { kind: "select", name: "stack", label: t("Stack by"), options: stackOptions.map(([name, label]) => [name, t(label)]), value: stackName },
        { kind: "select", name: "rank", label: t("Rank by"), options: rankMetrics.map(([name, label]) => [name, t(label)]), value: rankName },
      ],
      t("Show"),
      async (values) => {
        const query = new URLSearchParams();
        if (group) query.set("id", group);
        for (const name of ["range", "group", "token", "model", "channel", "stack", "rank"]) {
          if (values[name]) query.set(name, values[name]);
        }
        window.location.hash = `#/${route}?${query.toString()}`;
      },
      "dashboard-filter",
    ),
  );

  const rates = h("div", { "data-testid": "current-rates" });
  const refreshRates = async () => {
    const { rates: current } = await api.logs.getCurrentRates({});
    rates.replaceChildren(...ratesTables(current, group));
  };

  const end = BigInt(Date.now());
  const bucketMs = granularity === Granularity.MINUTE ? 60_000 : 3_600_000;
  // Whole buckets: the first one that the range touches, up to the one now is in.
  const start = ((end - BigInt(span)) / BigInt(bucketMs)) * BigInt(bucketMs);
  const range = { ...filter, startMs: start, endMs: end + 1n };
  const rankRange = { granularity, startMs: start, endMs: end + 1n, metric: rankMetric, limit: 10, groupId: group };
  const ranked: [RankingDimension, Message][] = [
    ...(group ? [] : [[RankingDimension.GROUP, "Groups"], [RankingDimension.CHANNEL, "Channels"]] as [RankingDimension, Message][]),
    [RankingDimension.MODEL, "Models"],
    [RankingDimension.TOKEN, "Tokens"],
  ];
  const [totals, summary, stacked, rankings, current, charts] = await Promise.all([
    api.logs.getTotals({ granularity, filter: range }),
    api.logs.getSummary({ granularity, filter: range }),
    split === SummarySplit.UNSPECIFIED ? Promise.resolve(undefined) : api.logs.getSummary({ granularity, filter: range, split }),
    Promise.all(ranked.map(([dimension]) => api.logs.getRanking({ ...rankRange, dimension }))),
    api.logs.getCurrentRates({}),
    import("../charts"),
  ]);
  const [rpm, tpm] = currentRate(current.rates, filter);
  const errorRate = totals.requests > 0n ? Number(totals.errors) / Number(totals.requests) : 0;
  root.append(
    h(
      "div",
      { class: "cards", "data-testid": "totals" },
      card(t("Requests"), num(totals.requests), "total-requests"),
      card(t("Input tokens"), num(totals.inputTokens), "total-input"),
      card(t("Output tokens"), num(totals.outputTokens), "total-output"),
      card(t("Cached tokens"), num(totals.cachedTokens), "total-cached"),
      card(t("Tokens|count"), num(totals.totalTokens), "total-tokens"),
      card(t("Cost"), decimal(totals.cost || "0"), "total-cost"),
      card(t("Error rate"), percent(errorRate), "total-error-rate"),
      card(t("Errors"), t("{errors} ({client} 4xx, {server} 5xx)", { errors: num(totals.errors), client: num(totals.clientErrors), server: num(totals.serverErrors) }), "total-errors"),
      card(t("Avg latency"), millis(totals.avgLatencyMs), "total-latency"),
      card(t("p50 latency"), millis(totals.p50LatencyMs), "total-latency-p50"),
      card(t("p95 latency"), millis(totals.p95LatencyMs), "total-latency-p95"),
      card(t("Avg time to first token"), millis(totals.avgTtfbMs), "total-ttft"),
      card(t("p50 time to first token"), millis(totals.p50TtfbMs), "total-ttft-p50"),
      card(t("p95 time to first token"), millis(totals.p95TtfbMs), "total-ttft-p95"),
      card(t("RPM now"), num(rpm), "current-rpm"),
      card(t("TPM now"), num(tpm), "current-tpm"),
    ),
  );

  const times: number[] = [];
  for (let at = Number(start); at <= Number(end); at += bucketMs) times.push(at);
  const index = new Map(times.map((time, at) => [time, at]));
  const line = (label: string, of: (point: SummaryPoint) => number | null, points = summary.points): { label: string; values: (number | null)[] } => {
    const values: (number | null)[] = times.map(() => null);
    for (const point of points) {
      const at = index.get(Number(point.bucketMs));
      if (at !== undefined) values[at] = of(point);
    }
    return { label, values };
  };
  // Buckets without requests are absent from the summaries: a count is 0 there, a mean unknown.
  const zeroed = (series: { label: string; values: (number | null)[] }) => ({ ...series, values: series.values.map((value) => value ?? 0) });
  const stackedSeries = (of: (point: SummaryPoint) => number) => {
    if (!stacked) return [zeroed(line(t("All"), of))];
    const sums = new Map<string, number>();
    for (const point of stacked.points) sums.set(point.key, (sums.get(point.key) ?? 0) + Number(point.requests));
    const keys = [...sums.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([key]) => key);
    const shown = keys.slice(0, STACKED_KEYS);
    const series = shown.map((key) => zeroed(line(split === SummarySplit.CHANNEL ? t("channel #{id}", { id: key }) : key, of, stacked.points.filter((point) => point.key === key))));
    if (keys.length > shown.length) {
      const rest = new Set(keys.slice(STACKED_KEYS));
      const others = zeroed(line(t("others"), () => 0));
      for (const point of stacked.points) {
        const at = index.get(Number(point.bucketMs));
        if (rest.has(point.key) && at !== undefined) others.values[at] += of(point);
      }
      series.push(others);
    }
    return series;
  };
  const count = (value: number) => num(Math.round(value * 100) / 100);
  const specs: ChartSpec[] = [
    { title: t("Requests"), testId: "chart-requests", stacked: stacked !== undefined, format: count, times, series: stackedSeries((point) => Number(point.requests)) },
    { title: t("Cost"), testId: "chart-cost", stacked: stacked !== undefined, format: (value) => num(Math.round(value * 1e4) / 1e4), times, series: stackedSeries((point) => Number(point.cost || "0")) },
    {
      title: t("Tokens|count"), testId: "chart-tokens", stacked: false, format: count, times,
      series: [
        zeroed(line(t("Input tokens"), (point) => Number(point.inputTokens))),
        zeroed(line(t("Output tokens"), (point) => Number(point.outputTokens))),
        zeroed(line(t("Cached tokens"), (point) => Number(point.cachedTokens))),
      ],
    },
    {
      title: t("Error rate"), testId: "chart-errors", stacked: false, format: percent, times,
      series: [line(t("Error rate"), (point) => (point.requests > 0n ? Number(point.errors) / Number(point.requests) : null))],
    },
    {
      title: t("Latency"), testId: "chart-latency", stacked: false, format: millis, times,
      series: [
        line(t("Avg latency"), (point) => point.avgLatencyMs),
        line(t("p50 latency"), (point) => point.p50LatencyMs ?? null),
        line(t("p95 latency"), (point) => point.p95LatencyMs ?? null),
      ],
    },
    {
      title: t("Time to first token"), testId: "chart-ttft", stacked: false, format: millis, times,
      series: [
        line(t("Avg time to first token"), (point) => (point.avgTtfbMs > 0 ? point.avgTtfbMs : null)),
        line(t("p50 time to first token"), (point) => point.p50TtfbMs ?? null),
        line(t("p95 time to first token"), (point) => point.p95TtfbMs ?? null),
      ],
    },
  ];
  root.append(
    h("h3", {}, t(granularity === Granularity.MINUTE ? "{range}, per minute" : "{range}, per hour", { range: t(rangeLabel) })),
    ...(summary.points.length === 0 ? [h("p", { "data-testid": "chart-empty" }, t("no requests in this range"))] : []),
    h("div", { class: "charts" }, ...specs.map((spec) => h("figure", {}, h("figcaption", {}, spec.title), charts.drawChart(spec)))),
    h("h3", {}, t("Rankings by {metric}", { metric: t(rankMetrics.find(([name]) => name === rankName)?.[1] ?? "Requests") })),
    h(
      "div",
      { class: "rankings" },
      ...ranked.map(([dimension, label], at) => rankingTable(dimension, label, rankings[at].entries)),
    ),
    h("h3", {}, `${t("Current rates, last minute")} `, button(t("Refresh"), refreshRates, "rates-refresh")),
    rates,
  );
  rates.replaceChildren(...ratesTables(current.rates, group));
}

/// Milliseconds, rounded; "-" when unknown (a percentile of summaries without histograms).
function millis(value: number | undefined): string {
  return value === undefined ? "-" : t("{ms} ms", { ms: num(Math.round(value)) });
}

function percent(value: number): string {
  return `${num(Math.round(value * 10_000) / 100)}%`;
}

/// The current RPM and TPM of what the filter selects: the live rates are kept per channel,
/// group, token and model (one dimension at a time), so the narrowest filter given is read; no
/// filter sums the models.
function currentRate(rates: CurrentRate[], filter: { groupId?: string; tokenName?: string; model?: string; channelId?: bigint }): [bigint, bigint] {
  const pick = (dimension: string, id?: string) => rates.filter((rate) => rate.dimension === dimension && (id === undefined || rate.id === id));
  const chosen =
    filter.channelId !== undefined ? pick("channel", filter.channelId.toString())
    : filter.model !== undefined ? pick("model", filter.model)
    : filter.groupId !== undefined ? pick("group", filter.groupId)
    : pick("model");
  return [chosen.reduce((sum, rate) => sum + rate.requestsPerMinute, 0n), chosen.reduce((sum, rate) => sum + rate.tokensPerMinute, 0n)];
}

function rankingTable(dimension: RankingDimension, label: Message, entries: RankingEntry[]): HTMLElement {
  const name = RankingDimension[dimension].toLowerCase();
  return h(
    "div",
    { class: "ranking" },
    h("h4", {}, t(label)),
    entries.length === 0
      ? h("p", {}, t("no requests in this range"))
      : table(
          [dimension === RankingDimension.CHANNEL ? t("Id") : t("Name"), t("Requests"), t("Tokens|count"), t("Cost"), t("Errors")],
          entries.map((entry) => [
            dimension === RankingDimension.GROUP ? h("a", { href: `#/group?id=${encodeURIComponent(entry.key)}` }, entry.key) : entry.key,
            num(entry.requests),
            num(entry.totalTokens),
            decimal(entry.cost || "0"),
            num(entry.errors),
          ]),
          `ranking-${name}`,
        ),
  );
}

/// One table per dimension (highest request rate first, as the server sorts), or a line when
/// nothing ran in the last minute; a group's page shows its own rate only.
function ratesTables(all: CurrentRate[], group?: string): HTMLElement[] {
  const rates = group === undefined ? all : all.filter((rate) => rate.dimension === "group" && rate.id === group);
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
