// The panel's operator views in headless Chromium, driven by hub/tests/panel_operations.rs: the
// Bans page lists the pairs the Rust side got banned (a revoked key on two models) with reason,
// since and next probe; one is cleared by its button, the rest by "Clear all"; the dashboard
// shows the current rates (RPM, TPM) of the requests the Rust side sent, per channel, group,
// token and model. Prints one JSON line with what it saw for the Rust side to check.
//
// Env: PANEL_URL, ADMIN_KEY, BANNED (JSON: [{channelId, model}] the Rust side expects banned),
// GROUP and MODELS (JSON: model names) of the requests sent, CHROMIUM (default /usr/bin/chromium).
// Every wait is bounded; the whole run is too.
import { chromium } from "playwright-core";

const WAIT_MS = 10_000;
const TOTAL_MS = 90_000;
const base = process.env.PANEL_URL;
const adminKey = process.env.ADMIN_KEY;
if (!base || !adminKey || !process.env.BANNED || !process.env.GROUP || !process.env.MODELS) {
  console.error("PANEL_URL, ADMIN_KEY, BANNED, GROUP and MODELS are required");
  process.exit(2);
}
const banned = JSON.parse(process.env.BANNED);
const group = process.env.GROUP;
const models = JSON.parse(process.env.MODELS);
const guard = setTimeout(() => {
  console.error(`the browser run took longer than ${TOTAL_MS} ms`);
  process.exit(3);
}, TOTAL_MS);

function check(condition, message) {
  if (!condition) throw new Error(message);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox"],
  timeout: WAIT_MS,
});
let failed = false;
try {
  // English: the times below are read as en-US formats them (month/day/year, 24-hour clock).
  const page = await browser.newPage({ locale: "en-US" });
  page.setDefaultTimeout(WAIT_MS);
  page.setDefaultNavigationTimeout(WAIT_MS);
  const problems = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(String(error)));

  await page.goto(`${base}/panel/`);
  await page.fill('[data-testid="signin"] input[name="admin-key"]', adminKey);
  await page.click('[data-testid="signin"] button[type="submit"]');
  await page.locator("nav").waitFor();

  // The dashboard: the current rates of the requests just sent, by every dimension.
  await page.goto(`${base}/panel/#/dashboard?range=1h`);
  const rates = page.locator('[data-testid="current-rates"]');
  for (const dimension of ["channel", "group", "token", "model"]) {
    await rates.locator(`[data-testid="rates-${dimension}"]`).waitFor();
  }
  const groupRow = rates.locator('[data-testid="rates-group"] tr', { hasText: group });
  const groupCells = await groupRow.locator("td").allTextContents();
  check(groupCells.length === 3, `group rate row: ${groupCells}`);
  const modelRows = {};
  for (const model of models) {
    modelRows[model] = await rates.locator('[data-testid="rates-model"] tr', { hasText: model }).locator("td").allTextContents();
  }

  // The bans page: every expected pair, with its reason and times.
  await page.click('nav a[href="#/bans"]');
  const table = page.locator('[data-testid="bans-table"]');
  await table.waitFor();
  const rows = table.locator("tbody tr");
  check((await rows.count()) === banned.length, `${await rows.count()} bans shown, ${banned.length} expected`);
  const shown = [];
  for (const pair of banned) {
    const cells = await rows
      .filter({ has: page.locator(`[data-testid="bans-clear-${pair.channelId}-${pair.model}"]`) })
      .locator("td")
      .allTextContents();
    shown.push(cells);
    check(cells[0].includes(`#${pair.channelId}`), `channel cell: ${cells}`);
    check(cells[1] === pair.model, `model cell: ${cells}`);
    check(cells[2].includes("HTTP 401"), `reason cell: ${cells}`);
    check(/^\d\d\/\d\d\/\d{4}, \d\d:\d\d:\d\d$/.test(cells[3]), `since cell: ${cells}`);
    check(/^\d\d\/\d\d\/\d{4}, \d\d:\d\d:\d\d$/.test(cells[5]), `next probe cell: ${cells}`);
  }

  // One cleared by its own button: the others stay.
  const [first, ...rest] = banned;
  await page.click(`[data-testid="bans-clear-${first.channelId}-${first.model}"]`);
  await page.locator("#notice", { hasText: "1 ban(s) cleared" }).waitFor();
  // The notice shows before the list is read again: wait (bounded) for the row to go.
  await page
    .locator(`[data-testid="bans-clear-${first.channelId}-${first.model}"]`)
    .waitFor({ state: "detached" });
  check((await rows.count()) === rest.length, `after one clear: ${await rows.count()} rows`);

  // The rest at once.
  page.once("dialog", (dialog) => void dialog.accept());
  await page.click('[data-testid="bans-clear-all"]');
  await page.locator("#notice", { hasText: `${rest.length} ban(s) cleared` }).waitFor();
  await page.locator('[data-testid="bans-empty"]').waitFor();

  check(problems.length === 0, `browser errors: ${problems.join(" | ")}`);
  console.log(JSON.stringify({ groupCells, modelRows, shown }));
} catch (error) {
  failed = true;
  console.error(String(error?.stack ?? error));
} finally {
  await browser.close();
  clearTimeout(guard);
}
process.exit(failed ? 1 : 0);
