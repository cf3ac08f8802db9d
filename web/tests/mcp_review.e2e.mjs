// The MCP page's tool-change review and Catalogue view in headless Chromium, driven by
// hub/tests/panel_mcp_review.rs: the changes a proxied server's upstream made after approval are
// listed, each with its kind, the poisoning scan's findings and a line diff of the approved and
// offered definitions; the changed tool is approved and the new one rejected from the panel,
// which then lists nothing waiting. The Catalogue view shows every template (its display name,
// description, tags and readme as the mcp crate declares them) and the docs entry (its install
// line and its readme rendered from Markdown, raw HTML shown as text), in English and, after
// the header's language switch, in Chinese. Screenshots go to SCREENSHOTS. Prints one JSON line
// with what it did for the Rust side to check through gRPC and MCP.
//
// Env: PANEL_URL, ADMIN_KEY, SCREENSHOTS, REVIEW (JSON: `{server, changed, approvedDescription,
// offeredDescription, new}`: the server, its tool whose description changed and its new,
// poisoned tool), TEMPLATES (JSON: `[{name, displayName, displayNameZh, description,
// descriptionZh, tags, hasReadme, readmeOpening}]`, the templates' catalogue entries as declared;
// the readme's opening is the plain text it starts with), DOCS (JSON: the docs entry `{id,
// displayName, displayNameZh, description, descriptionZh, tags, install, homepage}`), CHROMIUM
// (default /usr/bin/chromium). Every wait is bounded; the whole run is too.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { chromium } from "playwright-core";

const WAIT_MS = 10_000;
const TOTAL_MS = 120_000;
const base = process.env.PANEL_URL;
const adminKey = process.env.ADMIN_KEY;
const screenshots = process.env.SCREENSHOTS;
if (!base || !adminKey || !screenshots || !process.env.REVIEW || !process.env.TEMPLATES || !process.env.DOCS) {
  console.error("PANEL_URL, ADMIN_KEY, SCREENSHOTS, REVIEW, TEMPLATES and DOCS are required");
  process.exit(2);
}
const review = JSON.parse(process.env.REVIEW);
const templates = JSON.parse(process.env.TEMPLATES);
const docs = JSON.parse(process.env.DOCS);
const zh = JSON.parse(readFileSync(new URL("../src/i18n/zh-CN.json", import.meta.url), "utf8"));
const guard = setTimeout(() => {
  console.error(`the browser run took longer than ${TOTAL_MS} ms`);
  process.exit(3);
}, TOTAL_MS);

function check(condition, message) {
  if (!condition) throw new Error(message);
}

/// What a card shows in `lang`: the text in that language, else the other's, else `fallback`
/// (mcpCatalogue.ts's rule).
function inLanguage(lang, english, chinese, fallback) {
  return (lang === "zh-CN" ? chinese || english : english || chinese) || fallback;
}

/// The Catalogue view in `lang`: a card per template and one for the docs entry, each with its
/// display name, description and tags; each template's readme starts as declared; the docs
/// entry's install line, homepage and readme (opened: heading, list, link and bold rendered,
/// raw HTML shown as its text). Returns the number of cards.
async function checkCatalogue(page, lang) {
  const cards = page.locator('[data-testid="mcp-catalogue-cards"]');
  await cards.waitFor();
  const shown = await cards.locator(":scope > section").count();
  check(shown === templates.length + 1, `${lang}: ${shown} cards, ${templates.length} templates and one docs entry declared`);
  for (const declared of templates) {
    const card = cards.locator(`[data-testid="mcp-catalogue-${declared.name}"]`);
    const where = `${lang} ${declared.name}`;
    const name = (await card.locator("header h4").textContent()) ?? "";
    const expected = inLanguage(lang, declared.displayName, declared.displayNameZh, declared.name);
    check(name === expected, `${where}: named ${name}, not ${expected}`);
    const about = (await card.locator("p.about").textContent()) ?? "";
    const description = inLanguage(lang, declared.description, declared.descriptionZh, declared.description);
    check(about === description, `${where}: described ${about}, not ${description}`);
    const tags = await card.locator("p.tags .tag").allTextContents();
    check(JSON.stringify(tags) === JSON.stringify(declared.tags), `${where}: tags ${tags}, declared ${declared.tags}`);
    const readme = card.locator(`[data-testid="mcp-catalogue-${declared.name}-readme"]`);
    if (!declared.hasReadme) {
      check((await readme.count()) === 0, `${where}: a readme shown where none is declared`);
    } else {
      // Rendered into the DOM though folded.
      const text = (await readme.textContent()) ?? "";
      check(text.startsWith(declared.readmeOpening), `${where}: the readme starts ${text.slice(0, 80)}, not ${declared.readmeOpening}`);
    }
  }
  const card = cards.locator(`[data-testid="mcp-catalogue-${docs.id}"]`);
  const name = (await card.locator("header h4").textContent()) ?? "";
  const expected = inLanguage(lang, docs.displayName, docs.displayNameZh, docs.id);
  check(name === expected, `${lang} docs entry: named ${name}, not ${expected}`);
  const about = (await card.locator("p.about").textContent()) ?? "";
  const description = inLanguage(lang, docs.description, docs.descriptionZh, "");
  check(about === description, `${lang} docs entry: described ${about}, not ${description}`);
  const tags = await card.locator("p.tags .tag").allTextContents();
  check(JSON.stringify(tags) === JSON.stringify(docs.tags), `${lang} docs entry: tags ${tags}`);
  check(((await card.locator("pre code").textContent()) ?? "") === docs.install, `${lang} docs entry: the install line`);
  check((await card.locator(`a[href="${docs.homepage}"]`).count()) === 1, `${lang} docs entry: no homepage link`);
  // The readme is folded: opened, it shows the Markdown rendered and the HTML as text.
  const readme = card.locator(`[data-testid="mcp-catalogue-${docs.id}-readme"]`);
  check(!(await readme.isVisible()), `${lang} docs entry: the readme is not folded`);
  await card.locator("details summary").click();
  await readme.waitFor({ state: "visible" });
  await readme.locator("h5", { hasText: "Filesystem" }).waitFor();
  await readme.locator("strong", { hasText: "your" }).waitFor();
  check((await readme.locator("li").count()) === 2, `${lang} docs entry: the readme's list`);
  await readme.locator('a[href="https://modelcontextprotocol.io"]', { hasText: "the protocol" }).waitFor();
  await readme.locator("p", { hasText: "<img src=x onerror=alert(1)>" }).waitFor();
  check((await readme.locator("img").count()) === 0, `${lang} docs entry: the readme's HTML made an element`);
  return shown;
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
  mkdirSync(screenshots, { recursive: true });
  // English and light whatever the machine's locale: the checks read English texts first.
  const page = await browser.newPage({ locale: "en-US", colorScheme: "light" });
  page.setDefaultTimeout(WAIT_MS);
  page.setDefaultNavigationTimeout(WAIT_MS);
  const problems = [];
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    // Catalogue logos are the vendors' own https images, which this offline machine cannot
    // fetch: a failed load of another origin's image is the network's, not the panel's.
    const foreign = !(message.location().url ?? "").startsWith(base);
    if (foreign && message.text().startsWith("Failed to load resource")) return;
    problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(String(error)));

  await page.goto(`${base}/panel/`);
  await page.fill('[data-testid="signin"] input[name="admin-key"]', adminKey);
  await page.click('[data-testid="signin"] button[type="submit"]');
  await page.locator("nav").waitFor();
  await page.click('nav a[href="#/mcp"]');
  await page.locator('[data-testid="mcp-table"]').waitFor();

  // The review: both changes, each with its kind, findings and diff.
  await page.click('[data-testid="mcp-changes"]');
  const changes = page.locator('[data-testid="mcp-tool-change"]');
  const changeOf = (tool, kind) => changes.filter({ has: page.locator("h4", { hasText: `${review.server} / tool ${tool}: ${kind}` }) });
  const changed = changeOf(review.changed, "definition changed");
  const added = changeOf(review.new, "new, not approved");
  await changed.waitFor();
  await added.waitFor();
  check((await changes.count()) === 2, `${await changes.count()} changes listed`);
  // The changed tool: its old description removed, the new one added, the rest kept; nothing
  // the scan flags.
  await changed.locator(".diff .removed", { hasText: `"description": "${review.approvedDescription}"` }).waitFor();
  await changed.locator(".diff .added", { hasText: `"description": "${review.offeredDescription}"` }).waitFor();
  await changed.locator(".diff .same", { hasText: `"name": "${review.changed}"` }).waitFor();
  check((await changed.locator(".findings li").count()) === 0, "the changed tool has findings");
  // The new tool: its whole definition added, and the instruction in its description found.
  await added.locator(".findings li", { hasText: "instruction in description" }).waitFor();
  await added.locator(".diff .added", { hasText: `"name": "${review.new}"` }).waitFor();
  check((await added.locator(".diff .removed, .diff .same").count()) === 0, "the new tool's diff keeps or removes lines");
  await page.screenshot({ path: join(screenshots, "en-light-mcp-tool-changes.png"), fullPage: true });

  // Approve one: the notice comes before the list is read again, so wait for it to go.
  await changed.locator("button", { hasText: "Approve" }).click();
  await page.locator("#notice", { hasText: `${review.server} / ${review.changed} approved` }).waitFor();
  await changed.waitFor({ state: "detached" });
  check((await changes.count()) === 1, `${await changes.count()} changes left after the approval`);
  // Reject the other: nothing waits any more.
  await added.locator("button", { hasText: "Reject" }).click();
  await page.locator("#notice", { hasText: `${review.server} / ${review.new} rejected: it stays quarantined` }).waitFor();
  await page.locator('[data-testid="mcp-tools"] p', { hasText: "No tool, prompt or resource change waits for review." }).waitFor();
  check((await changes.count()) === 0, "a change is still listed");

  // The Catalogue view in English.
  await page.click('[data-testid="mcp-catalogue"]');
  const cards = await checkCatalogue(page, "en");
  await page.screenshot({ path: join(screenshots, "en-light-mcp-catalogue.png"), fullPage: true });

  // In Chinese, switched in the header: the page is drawn again, the view closed.
  await page.selectOption('[data-testid="pick-lang"]', "zh-CN");
  await page.locator('[data-testid="mcp-catalogue"]', { hasText: zh["Catalogue"] }).click();
  await page.locator('[data-testid="mcp-tools"] h3', { hasText: zh["MCP catalogue"] }).waitFor();
  await checkCatalogue(page, "zh-CN");
  await page.screenshot({ path: join(screenshots, "zh-CN-light-mcp-catalogue.png"), fullPage: true });
  await page.click('[data-testid="mcp-changes"]');
  await page.locator('[data-testid="mcp-tools"] p', { hasText: zh["No tool, prompt or resource change waits for review."] }).waitFor();

  check(problems.length === 0, `browser errors: ${problems.join(" | ")}`);
  console.log(JSON.stringify({ approved: review.changed, rejected: review.new, cards }));
} catch (error) {
  failed = true;
  console.error(String(error?.stack ?? error));
} finally {
  await browser.close();
  clearTimeout(guard);
}
process.exit(failed ? 1 : 0);
