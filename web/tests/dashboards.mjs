// The dashboards over a day of generated traffic (hub/tests/support/traffic.rs wrote it into
// the summaries before the run), run by panel.e2e.mjs: the charts drawn (a canvas each, the
// stacked requests painted in the first band's colour, the legend naming the models or
// channels stacked), the totals counting the day, every ranking table led by the key the
// traffic makes top (by requests, then by cost), and the group's own page reached from the
// groups list, its dashboard fixed to the group: its p95 latency card within the histograms'
// bound of the traffic's exact p95, the latency charts' legends naming their percentiles.

function check(condition, message) {
  if (!condition) throw new Error(message);
}

const CHARTS = ["chart-requests", "chart-cost", "chart-tokens", "chart-errors", "chart-latency", "chart-ttft"];
/// How far a percentile read from the summaries' histograms may be from the exact one
/// (hub/src/logs/histogram.rs).
const PERCENTILE_BOUND = 0.4375;
/// The first band's colour (src/charts.ts PALETTE[0]).
const FIRST_BAND = [0x5b, 0x9b, 0xff];

/// Pixels of the chart's canvas painted in the first band's colour.
async function paintedPixels(page, scope, testId) {
  return page.locator(`${scope} [data-testid="${testId}"] canvas`).evaluate((canvas, rgb) => {
    const context = canvas.getContext("2d");
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let count = 0;
    for (let at = 0; at < data.length; at += 4) {
      if (Math.abs(data[at] - rgb[0]) < 8 && Math.abs(data[at + 1] - rgb[1]) < 8 && Math.abs(data[at + 2] - rgb[2]) < 8 && data[at + 3] > 200) count++;
    }
    return count;
  }, FIRST_BAND);
}

async function firstCell(page, scope, testId) {
  const cell = page.locator(`${scope} [data-testid="${testId}"] tbody tr`).first().locator("td").first();
  await cell.waitFor();
  return ((await cell.textContent()) ?? "").trim();
}

async function checkCharts(page, scope, where) {
  for (const chart of CHARTS) {
    await page.locator(`${scope} [data-testid="${chart}"] canvas`).first().waitFor();
  }
  const painted = await paintedPixels(page, scope, "chart-requests");
  check(painted > 500, `${where}: the requests chart painted ${painted} pixels of its first band`);
  for (const [chart, percentile] of [["chart-latency", "p95 latency"], ["chart-ttft", "p95 time to first token"]]) {
    const legend = (await page.locator(`${scope} [data-testid="${chart}"] .u-legend`).textContent()) ?? "";
    check(legend.includes(percentile), `${where}: the ${chart} legend reads ${legend}`);
  }
}

/// The number a card shows ("1,342 ms" is 1342); NaN for "-".
async function cardNumber(page, scope, testId) {
  const text = ((await page.locator(`${scope} [data-testid="${testId}"]`).textContent()) ?? "").trim();
  return text.startsWith("-") ? Number.NaN : Number(text.replace(/\D/g, ""));
}

/// `traffic`: {group, busyModel, costlyModel, busyToken, busyChannel} as the Rust side seeded.
export async function checkDashboards(page, base, traffic) {
  const scope = 'section[data-page="dashboard"]';
  await page.goto(`${base}/panel/#/dashboard?range=24h&stack=model&rank=requests`);
  await checkCharts(page, scope, "dashboard");
  const requests = Number(((await page.locator('[data-testid="total-requests"]').textContent()) ?? "").replace(/\D/g, ""));
  check(requests >= 24 * 40, `the day's totals count ${requests} requests`);
  const legend = (await page.locator(`${scope} [data-testid="chart-requests"] .u-legend`).textContent()) ?? "";
  check(legend.includes(traffic.busyModel) && legend.includes(traffic.costlyModel), `the stacked legend reads ${legend}`);
  const leaders = [
    ["ranking-group", traffic.group],
    ["ranking-channel", traffic.busyChannel],
    ["ranking-model", traffic.busyModel],
    ["ranking-token", traffic.busyToken],
  ];
  for (const [table, expected] of leaders) {
    const top = await firstCell(page, scope, table);
    check(top === expected, `${table} by requests is led by ${top}, not ${expected}`);
  }

  // By cost the dearer model leads; stacked by channel, the legend names the channels.
  await page.goto(`${base}/panel/#/dashboard?range=24h&stack=channel&rank=cost`);
  await checkCharts(page, scope, "dashboard by channel");
  await page.locator(`${scope} [data-testid="ranking-model"] tbody tr`, { hasText: traffic.costlyModel }).first().waitFor();
  const dearest = await firstCell(page, scope, "ranking-model");
  check(dearest === traffic.costlyModel, `ranking-model by cost is led by ${dearest}`);
  const channels = (await page.locator(`${scope} [data-testid="chart-requests"] .u-legend`).textContent()) ?? "";
  check(channels.includes(`channel #${traffic.busyChannel}`), `the channel legend reads ${channels}`);

  // The group's page, from the groups list: its tokens and its own dashboard.
  await page.goto(`${base}/panel/#/groups`);
  await page.fill('[data-testid="groups-search"] input[name="keyword"]', traffic.group);
  await page.click('[data-testid="groups-search"] button[type="submit"]');
  await page.locator('[data-testid="group-link"]', { hasText: traffic.group }).first().click();
  const group = 'section[data-page="group"] [data-testid="group-dashboard"]';
  await checkCharts(page, group, "group page");
  const model = await firstCell(page, group, "ranking-model");
  check(model === traffic.busyModel, `the group's ranking-model is led by ${model}`);
  // Only the seeded traffic is the group's, so its p95 is known exactly.
  const p95 = await cardNumber(page, group, "total-latency-p95");
  check(Math.abs(p95 - traffic.p95LatencyMs) <= traffic.p95LatencyMs * PERCENTILE_BOUND, `the group's p95 latency reads ${p95} ms, exact ${traffic.p95LatencyMs} ms`);
  const p50 = await cardNumber(page, group, "total-latency-p50");
  check(p50 > 0 && p50 <= p95, `the group's p50 latency reads ${p50} ms, p95 ${p95} ms`);
  const ttft = await cardNumber(page, group, "total-ttft-p95");
  check(ttft > 0 && ttft < p95, `the group's p95 time to first token reads ${ttft} ms`);
  const token = await firstCell(page, group, "ranking-token");
  check(token === traffic.busyToken, `the group's ranking-token is led by ${token}`);
  check((await page.locator(`${group} [data-testid="ranking-channel"]`).count()) === 0, "a group's page ranks channels, which know no groups");
  await page.locator('section[data-page="group"] [data-testid="group-tokens"]').waitFor();
  await page.locator('section[data-page="group"] [data-testid="group-logs"]').waitFor();
  check(page.url().includes(`#/group?id=${traffic.group}`), `the group link went to ${page.url()}`);
}
