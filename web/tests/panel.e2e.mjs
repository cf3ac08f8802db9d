// End-to-end check of the panel in headless Chromium, driven by hub/tests/panel_browser.rs:
// a wrong key shows the server's error and no data; then sign in, create a group, a token
// (reading its shown-once key), a channel to the test's mock upstream, send one relay request
// with the new key, and see it on the dashboard and the logs page; then a refused write shows
// the server's error, and the group, token, models, options and MCP pages each make one
// change. Prints one JSON line with what it created for the Rust side to check through gRPC.
// Expects an embedded MCP server `clock` (the Rust side's config file).
//
// Env: PANEL_URL (the hub's base URL), ADMIN_KEY, UPSTREAM_URL (mock OpenAI base URL),
// CHROMIUM (default /usr/bin/chromium). Every wait is bounded; the whole run is too.
import { chromium } from "playwright-core";

const WAIT_MS = 10_000;
const TOTAL_MS = 90_000;
const base = process.env.PANEL_URL;
const adminKey = process.env.ADMIN_KEY;
const upstream = process.env.UPSTREAM_URL;
if (!base || !adminKey || !upstream) {
  console.error("PANEL_URL, ADMIN_KEY and UPSTREAM_URL are required");
  process.exit(2);
}
const guard = setTimeout(() => {
  console.error(`the browser run took longer than ${TOTAL_MS} ms`);
  process.exit(3);
}, TOTAL_MS);

const groupId = "e2e-group";
const tokenName = "e2e-token";
const channelName = "e2e-channel";
const channelKey = "sk-e2e-upstream-secret-0123456789";
const model = "gpt-4o-mini";

function check(condition, message) {
  if (!condition) throw new Error(message);
}

/// Reloads the current page until `probe` holds (the log writer batches, so rows appear a
/// moment after the request), for at most `WAIT_MS`.
async function eventually(page, probe, what) {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await page.waitForTimeout(300);
    await page.reload();
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  // Root in CI containers: Chromium's sandbox needs user namespaces it may not get.
  args: ["--no-sandbox"],
  timeout: WAIT_MS,
});
let failed = false;
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(WAIT_MS);
  page.setDefaultNavigationTimeout(WAIT_MS);
  const problems = [];
  // A policy violation or a script error means the panel is broken even if the DOM looks fine.
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(String(error)));

  // The root redirects to the panel, which asks for the key.
  await page.goto(base + "/");
  check(page.url() === `${base}/panel/`, `/ did not lead to the panel: ${page.url()}`);

  // A wrong key: the server's refusal is shown, nothing is stored, no page is rendered.
  await page.fill('[data-testid="signin"] input[name="admin-key"]', "wrong-admin-key");
  await page.click('[data-testid="signin"] button[type="submit"]');
  await page.locator("#error").waitFor({ state: "visible" });
  const refusal = await page.locator("#error").textContent();
  check(/unauthenticated/.test(refusal ?? ""), `wrong key error: ${refusal}`);
  check((await page.locator("nav").count()) === 0, "navigation shown after a wrong key");
  check((await page.locator("table").count()) === 0, "data shown after a wrong key");
  check(
    (await page.evaluate(() => sessionStorage.length)) === 0,
    "a wrong key was kept in sessionStorage",
  );

  // The right key.
  await page.fill('[data-testid="signin"] input[name="admin-key"]', adminKey);
  await page.click('[data-testid="signin"] button[type="submit"]');
  await page.locator("nav").waitFor();
  check(!page.url().includes(adminKey), "the admin key is in the URL");

  // A group.
  await page.click('nav a[href="#/groups"]');
  await page.click('[data-testid="new-group"]');
  await page.fill('[data-testid="group-form"] input[name="id"]', groupId);
  await page.fill('[data-testid="group-form"] input[name="balance"]', "25.5");
  await page.click('[data-testid="group-form"] button[type="submit"]');
  await page.locator('[data-testid="groups-table"] td', { hasText: groupId }).first().waitFor();
  // The balance is the server's normalized decimal, not the text typed.
  await page.locator('[data-testid="groups-table"] td', { hasText: "25.5" }).first().waitFor();

  // A token of that group: the key is shown once, the list shows only its prefix.
  await page.goto(`${base}/panel/#/tokens?group=${groupId}`);
  await page.click('[data-testid="new-token"]');
  await page.fill('[data-testid="token-form"] input[name="name"]', tokenName);
  await page.click('[data-testid="token-form"] button[type="submit"]');
  const tokenKey = (await page.locator('[data-testid="new-token-key"]').textContent())?.trim() ?? "";
  check(tokenKey.length >= 16, `shown token key: ${tokenKey}`);
  await page.locator('[data-testid="tokens-table"] td', { hasText: tokenName }).first().waitFor();
  const tokensText = (await page.locator('[data-testid="tokens-table"]').textContent()) ?? "";
  check(tokensText.includes(tokenKey.slice(0, 8)), "the token list lacks the key prefix");
  check(!tokensText.includes(tokenKey), "the token list shows the whole key");

  // A channel to the mock upstream: the list shows the key masked by the server.
  await page.click('nav a[href="#/channels"]');
  await page.click('[data-testid="new-channel"]');
  await page.fill('[data-testid="channel-form"] input[name="name"]', channelName);
  await page.selectOption('[data-testid="channel-form"] select[name="type"]', "openai");
  await page.fill('[data-testid="channel-form"] input[name="base_url"]', upstream);
  await page.fill('[data-testid="channel-form"] input[name="key"]', channelKey);
  await page.fill('[data-testid="channel-form"] input[name="models"]', model);
  await page.click('[data-testid="channel-form"] button[type="submit"]');
  await page.locator('[data-testid="channels-table"] td', { hasText: channelName }).first().waitFor();
  const channelsText = (await page.locator('[data-testid="channels-table"]').textContent()) ?? "";
  check(!channelsText.includes(channelKey), "the channel list shows the whole upstream key");
  check(channelsText.includes("…"), "the channel key is not shown masked");

  // One request through the relay with the new token.
  const relayed = await fetch(`${base}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${tokenKey}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
    signal: AbortSignal.timeout(WAIT_MS),
  });
  check(relayed.status === 200, `relay answered ${relayed.status}: ${await relayed.text()}`);

  // The dashboard counts it.
  await page.goto(`${base}/panel/#/dashboard?range=1h`);
  await eventually(
    page,
    async () => {
      const requests = page.locator('[data-testid="total-requests"]');
      await requests.waitFor();
      return Number(await requests.textContent()) >= 1;
    },
    "the dashboard to count the request",
  );
  await page.locator('[data-testid="chart"] rect').first().waitFor({ state: "attached" });

  // The logs page lists it, filtered by the group, and opens its detail.
  await page.goto(`${base}/panel/#/logs?group=${groupId}`);
  await eventually(
    page,
    async () => {
      await page.locator('[data-testid="logs-table"]').waitFor();
      return (await page.locator('[data-testid="logs-table"] tbody tr').count()) >= 1;
    },
    "the logs page to list the request",
  );
  const row = page.locator('[data-testid="logs-table"] tbody tr').first();
  check(((await row.textContent()) ?? "").includes(model), "the log row lacks the model");
  await row.locator("button", { hasText: "Detail" }).click();
  await page.locator('[data-testid="log-detail"] dd', { hasText: tokenName }).first().waitFor();

  // A server error is shown as the server's status and message: the group exists already.
  await page.goto(`${base}/panel/#/groups`);
  await page.click('[data-testid="new-group"]');
  await page.fill('[data-testid="group-form"] input[name="id"]', groupId);
  await page.click('[data-testid="group-form"] button[type="submit"]');
  await page.locator("#error", { hasText: "already_exists" }).waitFor();

  // Edit the group: a field only the edit form sets.
  const groupRow = page.locator('[data-testid="groups-table"] tbody tr', { hasText: groupId });
  await groupRow.locator("button", { hasText: "Edit" }).click();
  await page.fill('[data-testid="group-form"] input[name="max_concurrency"]', "7");
  await page.click('[data-testid="group-form"] button[type="submit"]');
  await page.locator("#notice", { hasText: `group ${groupId} saved` }).waitFor();

  // Disable the token.
  await page.goto(`${base}/panel/#/tokens?group=${groupId}`);
  const tokenRow = page.locator('[data-testid="tokens-table"] tbody tr', { hasText: tokenName });
  await tokenRow.locator("button", { hasText: "Disable" }).click();
  await tokenRow.locator("td", { hasText: "disabled" }).waitFor();

  // Models: the served model has no config yet; configure its price from there.
  await page.goto(`${base}/panel/#/models`);
  const servedRow = page.locator('[data-testid="served-table"] tbody tr', { hasText: model });
  await servedRow.locator("button", { hasText: "Configure" }).click();
  check(
    (await page.inputValue('[data-testid="model-form"] input[name="model"]')) === model,
    "the configure form does not name the served model",
  );
  await page.fill('[data-testid="model-form"] input[name="input"]', "0.15");
  await page.fill('[data-testid="model-form"] input[name="output"]', "0.6");
  await page.click('[data-testid="model-form"] button[type="submit"]');
  await page.locator('[data-testid="models-table"] tbody tr', { hasText: "0.15" }).waitFor();
  await page.locator('[data-testid="served-table"] td', { hasText: "yes" }).first().waitFor();
  await page.fill('[data-testid="override-form"] input[name="group"]', groupId);
  await page.fill('[data-testid="override-form"] input[name="model"]', model);
  await page.fill('[data-testid="override-form"] input[name="rpm"]', "5");
  await page.click('[data-testid="override-form"] button[type="submit"]');
  await page.locator('[data-testid="overrides-table"] tbody tr', { hasText: groupId }).waitFor();

  // Options.
  await page.goto(`${base}/panel/#/options`);
  await page.fill('[data-testid="option-form"] input[name="key"]', "PanelE2E");
  await page.fill('[data-testid="option-form"] input[name="value"]', "on");
  await page.click('[data-testid="option-form"] button[type="submit"]');
  await page.locator('[data-testid="options-table"] td', { hasText: "PanelE2E" }).waitFor();

  // MCP servers: the config file's embedded server lists its tools, then is disabled.
  await page.goto(`${base}/panel/#/mcp`);
  const serverRow = page.locator('[data-testid="mcp-table"] tbody tr', { hasText: "clock" });
  await serverRow.locator("button", { hasText: "Tools" }).click();
  await page.locator('[data-testid="mcp-tools-table"] tbody tr').first().waitFor();
  await serverRow.locator("button", { hasText: "Disable" }).click();
  await serverRow.locator("td", { hasText: "disabled" }).waitFor();

  // Sign-out forgets the key.
  await page.click('[data-testid="signout"]');
  await page.locator('[data-testid="signin"]').waitFor();
  check((await page.evaluate(() => sessionStorage.length)) === 0, "sign-out kept the key");

  // A stored key the server no longer accepts sends the user back to sign-in, with the reason.
  await page.evaluate(() => sessionStorage.setItem("aiproxy.adminKey", "stale-admin-key"));
  await page.goto(`${base}/panel/#/groups`);
  await page.locator('[data-testid="signin"]').waitFor();
  await page.locator("#error", { hasText: "unauthenticated" }).waitFor();
  check((await page.locator("table").count()) === 0, "data shown with a stale key");
  check((await page.evaluate(() => sessionStorage.length)) === 0, "a stale key was kept");

  // gRPC-web answers refusals with HTTP 200 and the status inside, so even the wrong key and
  // the duplicate group leave nothing in the console.
  check(problems.length === 0, `browser errors: ${problems.join(" | ")}`);
  console.log(JSON.stringify({ groupId, tokenName, tokenKey, channelName, model }));
} catch (error) {
  failed = true;
  console.error(String(error?.stack ?? error));
} finally {
  await browser.close();
  clearTimeout(guard);
}
process.exit(failed ? 1 : 0);
