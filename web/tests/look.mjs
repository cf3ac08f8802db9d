// The panel's language and look in headless Chromium, run by panel.e2e.mjs once the main run
// has filled the hub with data: every page the navigation offers, in English and Simplified
// Chinese and in the light and dark themes, each chosen by the browser alone (its languages and
// prefers-color-scheme); on each page no console error, every control labelled, no English text
// the catalogue translates on a Chinese page (nor a `{name}` left unfilled), and a screenshot
// saved for review (a group's page, with its dashboard, too); once more on a tablet's screen, which the page must fit. Then the header's pickers: language, theme and time zone switched, the
// times redrawn in the new zone, a time typed into a filter read in it, and all three
// remembered after a reload. The structured forms (plugins, channel types, MCP try-it) in both
// languages. And the keyboard: the skip link and the navigation by Tab and
// Enter, with the focus drawn. First the catalogue itself: a Chinese text for every message,
// with the same `{name}`s.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const catalogue = JSON.parse(readFileSync(new URL("../src/i18n/zh-CN.json", import.meta.url), "utf8"));

/// What English shows of a message: the text before a `|context`.
const english = (message) => message.replace(/\|.*$/, "");

/// The messages whose Chinese differs from their English ("RPM" is "RPM" in both): shown on a
/// Chinese page, such a text means a string escaped the catalogue.
const translated = Object.entries(catalogue).filter(([message, zh]) => english(message) !== zh);
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/// Each as a whole text: values (`{name}`) may be anything. A message that is mostly values
/// ("{id} for {group}") would match data (a channel type described "... for trying ..."): only
/// those with at least five letters of their own are looked for.
const ownLetters = (message) => english(message).replace(/\{\w+\}/g, "").replace(/[^A-Za-z]/g, "").length;
const patterns = translated.filter(([message]) => ownLetters(message) >= 5 || !message.includes("{")).map(([message]) => [
  message,
  new RegExp(`^${escape(english(message)).replace(/\\\{\w+\\\}/g, ".+?")}$`),
]);
/// Placeholder names, to catch a `{name}` drawn unfilled.
const placeholders = new Set(Object.keys(catalogue).flatMap((message) => [...message.matchAll(/\{(\w+)\}/g)].map((match) => match[1])));
const unfilled = new RegExp(`\\{(${[...placeholders].join("|")})\\}`);

/// The element of each page that appears once its data is drawn.
const ready = {
  dashboard: '[data-testid="totals"]',
  groups: '[data-testid="groups-table"]',
  tokens: '[data-testid="tokens-table"]',
  channels: '[data-testid="channels-table"]',
  bans: '[data-testid="bans-table"], [data-testid="bans-empty"]',
  models: '[data-testid="served-table"]',
  logs: '[data-testid="logs-table"]',
  mcp: '[data-testid="mcp-table"]',
  options: '[data-testid="options-table"]',
  "admin-keys": '[data-testid="admin-keys-table"]',
  audit: '[data-testid="audit-table"]',
};

const CJK = /[\u4e00-\u9fff]/;
const LAPTOP = { width: 1280, height: 800 };
/// A tablet held upright: narrower than any page's widest table.
const TABLET = { width: 820, height: 1180 };

/// The browser's zone in every context: not UTC, so a switch to UTC moves every time shown.
const BROWSER_ZONE = "Asia/Tokyo";

function check(condition, message) {
  if (!condition) throw new Error(message);
}

/// Every text node and labelling attribute the page shows.
async function shownTexts(page) {
  return page.evaluate(() => {
    const texts = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent.trim();
      if (text !== "") texts.push(text);
    }
    for (const element of document.body.querySelectorAll("[aria-label], [placeholder], [title]")) {
      for (const name of ["aria-label", "placeholder", "title"]) {
        const value = element.getAttribute(name)?.trim();
        if (value) texts.push(value);
      }
    }
    return texts;
  });
}

/// Controls without a label, an aria-label or a title: named by tag and name.
async function unlabelled(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll("input, select, textarea")]
      .filter((control) => control.type !== "hidden")
      .filter((control) => control.labels.length === 0 && !control.getAttribute("aria-label") && !control.getAttribute("aria-labelledby") && !control.title)
      .map((control) => `${control.tagName.toLowerCase()}[name=${control.getAttribute("name")}]`),
  );
}

/// The relative luminance of the page's background, 0 (black) to 1 (white).
async function backgroundLuminance(page) {
  const colour = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  const [r, g, b] = colour.match(/\d+/g).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

async function checkTheme(page, theme, where) {
  const luminance = await backgroundLuminance(page);
  check(theme === "dark" ? luminance < 0.3 : luminance > 0.7, `${where}: ${theme} theme, background luminance ${luminance}`);
}

async function signIn(page, base, adminKey) {
  await page.goto(`${base}/panel/`);
  await page.fill('[data-testid="signin"] input[name="admin-key"]', adminKey);
  await page.click('[data-testid="signin"] button[type="submit"]');
  await page.locator("nav").waitFor();
}

/// Opens a context whose browser speaks `locale` and prefers `theme`; its console errors go to
/// `problems`.
async function open(browser, locale, theme, problems, waitMs, viewport = LAPTOP) {
  const context = await browser.newContext({ locale, colorScheme: theme, timezoneId: BROWSER_ZONE, viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(waitMs);
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`${locale} ${theme}: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`${locale} ${theme}: ${error}`));
  return { context, page };
}

/// What every page must be: each control labelled, no `{name}` unfilled, on a Chinese page no
/// English the catalogue translates, and on a tablet no sideways scrolling.
async function checkPage(page, where, lang, tablet) {
  const bare = await unlabelled(page);
  check(bare.length === 0, `${where}: controls without a label: ${bare.join(", ")}`);
  const texts = await shownTexts(page);
  // A route a channel type serves names its own `{model}`: paths are data, not messages.
  const left = texts.filter((text) => unfilled.test(text.replace(/\/[^\s,]*/g, "")));
  check(left.length === 0, `${where}: placeholders left unfilled: ${left.join(" | ")}`);
  if (lang === "zh-CN") {
    const untranslated = texts.filter((text) => patterns.some(([, pattern]) => pattern.test(text)));
    check(untranslated.length === 0, `${where}: English the catalogue translates: ${untranslated.join(" | ")}`);
  }
  if (tablet) {
    const [scrollWidth, innerWidth] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    check(scrollWidth <= innerWidth, `${where}: the tablet's page is ${scrollWidth} px wide in ${innerWidth}`);
  }
}

/// The structured forms in one language: a model's plugin and tier editors, a channel type's
/// form (its key help and config fields), and an MCP tool's schema and try-it, called as
/// `groupId` on the server `tryServer` (whose tool `get_current_time` takes a `timezone`);
/// each checked like a page and saved as a screenshot.
async function forms(browser, options, locale) {
  const { base, adminKey, screenshots, waitMs, problems, groupId, tryServer, model } = options;
  const lang = locale.startsWith("zh") ? "zh-CN" : "en";
  const { context, page } = await open(browser, locale, "light", problems, waitMs);
  const shot = async (name) => {
    await checkPage(page, `${lang} ${name}`, lang, false);
    await page.screenshot({ path: join(screenshots, `${lang}-light-${name}.png`), fullPage: true });
  };
  try {
    await signIn(page, base, adminKey);
    await page.goto(`${base}/panel/#/models`);
    await page.click(`[data-testid="edit-model-${model}"]`);
    await page.locator('[data-testid="plugin-web_search"]').waitFor();
    await shot("model-form");

    await page.goto(`${base}/panel/#/channels`);
    await page.click('[data-testid="new-channel"]');
    await page.selectOption('[data-testid="channel-form"] select[name="type"]', "openai");
    await page.locator('[data-testid="channel-key-help"]').waitFor();
    await shot("channel-form");

    await page.goto(`${base}/panel/#/mcp`);
    await page.click(`[data-testid="mcp-tools-${tryServer}"]`);
    await page.locator('[data-testid="mcp-tools-table"] ul.args code', { hasText: "timezone" }).first().waitFor();
    await page.fill('[data-testid="mcp-try-form"] input[name="group"]', groupId);
    await page.selectOption('[data-testid="mcp-try-form"] select[name="tool"]', "get_current_time");
    await page.fill('[data-testid="mcp-try-form"] textarea[name="arguments"]', '{"timezone": "UTC"}');
    await page.click('[data-testid="mcp-try-form"] button[type="submit"]');
    await page.locator('[data-testid="mcp-try-result"] pre', { hasText: '"timezone": "UTC"' }).waitFor();
    await shot("mcp-try");
  } finally {
    await context.close();
  }
}

/// Every page in one language and theme, as the browser chose them; on a laptop's screen or,
/// with `tablet`, a tablet's, where the page must not scroll sideways (wide tables scroll in
/// their own box).
async function tour(browser, options, locale, theme, tablet = false) {
  const { base, adminKey, screenshots, waitMs, problems } = options;
  const lang = locale.startsWith("zh") ? "zh-CN" : "en";
  const { context, page } = await open(browser, locale, theme, problems, waitMs, tablet ? TABLET : LAPTOP);
  try {
    await signIn(page, base, adminKey);
    check((await page.getAttribute("html", "lang")) === lang, `${locale}: the panel chose ${await page.getAttribute("html", "lang")}`);
    check((await page.inputValue('[data-testid="pick-zone"]')) === BROWSER_ZONE, `${locale}: the zone is not the browser's`);
    check((await page.inputValue('[data-testid="pick-theme"]')) === "system", `${locale}: a theme was picked`);
    await checkTheme(page, theme, `${locale} sign-in`);
    const names = (await page.locator("nav a").evaluateAll((links) => links.map((link) => link.getAttribute("href")))).map((href) =>
      href.replace(/^#\//, ""),
    );
    check(names.length === Object.keys(ready).length, `the navigation offers ${names.join(", ")}`);
    for (const name of names) {
      const where = `${lang} ${theme} ${name}`;
      await page.click(`nav a[href="#/${name}"]`);
      await page.locator(`section[data-page="${name}"]`).locator(ready[name]).first().waitFor();
      const heading = (await page.locator(`section[data-page="${name}"] h2`).textContent()) ?? "";
      check(CJK.test(heading) === (lang === "zh-CN"), `${where}: heading ${heading}`);
      await checkTheme(page, theme, where);
      await checkPage(page, where, lang, tablet);
      await page.screenshot({ path: join(screenshots, `${tablet ? "tablet-" : ""}${lang}-${theme}-${name}.png`), fullPage: true });
    }
    // A group's page (linked from the groups list, not in the navigation), with its dashboard.
    await page.goto(`${base}/panel/#/group?id=${encodeURIComponent(options.trafficGroup)}`);
    await page.locator('section[data-page="group"] [data-testid="group-dashboard"] [data-testid="ranking-model"]').waitFor();
    await page.locator('section[data-page="group"] [data-testid="chart-requests"] canvas').waitFor();
    await checkTheme(page, theme, `${lang} ${theme} group`);
    await checkPage(page, `${lang} ${theme} group`, lang, tablet);
    await page.screenshot({ path: join(screenshots, `${tablet ? "tablet-" : ""}${lang}-${theme}-group.png`), fullPage: true });
  } finally {
    await context.close();
  }
}

/// The header's pickers, starting from a Chinese, dark browser: each switch applies at once and
/// survives a reload. The time zone moves the logs' times and reads a typed filter in it.
async function pickers(browser, options) {
  const { base, adminKey, waitMs, problems, groupId } = options;
  const { context, page } = await open(browser, "zh-CN", "dark", problems, waitMs);
  try {
    await signIn(page, base, adminKey);
    const heading = page.locator("section h2");

    await page.selectOption('[data-testid="pick-lang"]', "en");
    await heading.filter({ hasText: "Dashboard" }).waitFor();
    await page.selectOption('[data-testid="pick-theme"]', "light");
    await checkTheme(page, "light", "theme picked");

    // Times on the logs page: the browser's zone first, then UTC, nine hours behind Tokyo.
    await page.goto(`${base}/panel/#/logs?group=${encodeURIComponent(groupId)}`);
    const firstTime = page.locator('[data-testid="logs-table"] tbody tr td').first();
    await firstTime.waitFor();
    const hourOf = async () => {
      const text = (await firstTime.textContent()) ?? "";
      const match = text.match(/(\d{2}):\d{2}:\d{2}/);
      check(match, `no time of day in ${text}`);
      return Number(match[1]);
    };
    const tokyoHour = await hourOf();
    await page.selectOption('[data-testid="pick-zone"]', "UTC");
    await page.waitForFunction(
      (before) => {
        const cell = document.querySelector('[data-testid="logs-table"] tbody tr td');
        const match = cell?.textContent?.match(/(\d{2}):\d{2}:\d{2}/);
        return match !== null && match !== undefined && Number(match[1]) !== before;
      },
      tokyoHour,
    );
    const utcHour = await hourOf();
    check((utcHour + 9) % 24 === tokyoHour, `UTC ${utcHour}h, Tokyo ${tokyoHour}h`);

    // A time typed into the filter is read in the chosen zone, and shown back in it.
    await page.fill('[data-testid="log-filter"] input[name="from"]', "2026-01-02T03:04");
    await page.click('[data-testid="log-filter"] button[type="submit"]');
    await page.waitForFunction(() => window.location.hash.includes("from="));
    const from = new URLSearchParams(new URL(page.url()).hash.split("?")[1]).get("from");
    check(from === String(Date.UTC(2026, 0, 2, 3, 4)), `03:04 UTC read as ${from}`);
    await page.selectOption('[data-testid="pick-zone"]', BROWSER_ZONE);
    await page.waitForFunction(
      () => document.querySelector('[data-testid="log-filter"] input[name="from"]')?.value === "2026-01-02T12:04",
    );

    // All three remembered.
    await page.selectOption('[data-testid="pick-zone"]', "UTC");
    await page.reload();
    await page.locator('[data-testid="log-filter"]').waitFor();
    check((await page.getAttribute("html", "lang")) === "en", "the language was not remembered");
    check((await page.inputValue('[data-testid="pick-theme"]')) === "light", "the theme was not remembered");
    check((await page.inputValue('[data-testid="pick-zone"]')) === "UTC", "the time zone was not remembered");
    await checkTheme(page, "light", "after a reload");
    await page.selectOption('[data-testid="pick-lang"]', "zh-CN");
    await heading.filter({ hasText: "日志" }).waitFor();
  } finally {
    await context.close();
  }
}

/// Tab reaches the skip link first, then the navigation; Enter follows a link; focus is drawn.
async function keyboard(browser, options) {
  const { base, adminKey, waitMs, problems } = options;
  const { context, page } = await open(browser, "en-US", "light", problems, waitMs);
  try {
    await signIn(page, base, adminKey);
    await page.locator('[data-testid="totals"]').waitFor();
    const focused = () =>
      page.evaluate(() => {
        const element = document.activeElement;
        return {
          text: element?.textContent?.trim() ?? "",
          href: element?.getAttribute("href") ?? "",
          outline: element ? getComputedStyle(element).outlineStyle : "none",
        };
      });
    // A fresh page (the key stays in the tab's session): nothing focused, Tab starts at the top.
    await page.reload();
    await page.locator('[data-testid="totals"]').waitFor();
    await page.keyboard.press("Tab");
    let now = await focused();
    check(now.text === "Skip to content", `the first Tab reached ${now.text}`);
    check(now.outline === "solid", `the focused skip link is drawn ${now.outline}, not by the panel's focus style`);
    await page.keyboard.press("Enter");
    check(await page.evaluate(() => document.activeElement?.id === "main"), "the skip link did not move to the content");
    await page.reload();
    await page.locator('[data-testid="totals"]').waitFor();
    await page.keyboard.press("Tab");
    for (let step = 0; step < 10 && (await focused()).href !== "#/groups"; step++) await page.keyboard.press("Tab");
    now = await focused();
    check(now.href === "#/groups", `Tab did not reach the groups link: ${now.text}`);
    check(now.outline === "solid", `the focused link is drawn ${now.outline}, not by the panel's focus style`);
    await page.keyboard.press("Enter");
    await page.locator('[data-testid="groups-table"]').waitFor();
  } finally {
    await context.close();
  }
}

/// The catalogue itself: every Chinese text non-empty, with the same values put in as its
/// English (a misspelt `{name}` would show as it is).
function checkCatalogue() {
  const names = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort().join(",");
  for (const [message, zh] of Object.entries(catalogue)) {
    check(typeof zh === "string" && zh.trim() !== "", `the catalogue has no Chinese for ${message}`);
    check(names(english(message)) === names(zh), `the Chinese of "${message}" puts in {${names(zh)}}`);
  }
}

/// Runs it all; `options`: base, adminKey, screenshots (a directory), waitMs, groupId (one with
/// logged requests), trafficGroup (one with a day of summaries, whose page is toured too),
/// problems (console errors are pushed there), model (one with a config) and tryServer (an
/// enabled public `time` server, for the try-it).
export async function checkLooks(browser, options) {
  checkCatalogue();
  mkdirSync(options.screenshots, { recursive: true });
  for (const locale of ["en-US", "zh-CN"]) {
    for (const theme of ["light", "dark"]) {
      await tour(browser, options, locale, theme);
    }
  }
  await tour(browser, options, "zh-CN", "light", true);
  for (const locale of ["en-US", "zh-CN"]) await forms(browser, options, locale);
  await pickers(browser, options);
  await keyboard(browser, options);
}
