// Entry point: sign-in, the header (navigation, language, theme and time zone) and the fragment
// router (#/groups, #/tokens?group=x). Pages are addressed by the fragment so the server needs
// no catch-all route.
import "./style.css";

import { adminKey, describeError, isUnauthenticated, signIn, signOut } from "./api";
import { clearBanners, h, showError } from "./dom";
import { LANGS, lang, setLang, t, type Lang, type Message } from "./i18n";
import { applyTheme, setZone, theme, zone, zones, type Theme } from "./prefs";
import { adminKeysPage } from "./pages/adminKeys";
import { auditPage } from "./pages/audit";
import { bansPage } from "./pages/bans";
import { channelsPage } from "./pages/channels";
import { dashboardPage } from "./pages/dashboard";
import { groupsPage } from "./pages/groups";
import { groupPage } from "./pages/group";
import { logsPage } from "./pages/logs";
import { mcpPage } from "./pages/mcp";
import { modelsPage } from "./pages/models";
import { optionsPage } from "./pages/options";
import { tokensPage } from "./pages/tokens";

export type Page = (root: HTMLElement, params: URLSearchParams) => Promise<void>;

const pages: [string, Message, Page][] = [
  ["dashboard", "Dashboard", dashboardPage],
  ["groups", "Groups", groupsPage],
  ["tokens", "Tokens", tokensPage],
  ["channels", "Channels", channelsPage],
  ["bans", "Bans", bansPage],
  ["models", "Models", modelsPage],
  ["logs", "Logs", logsPage],
  ["mcp", "MCP servers", mcpPage],
  ["options", "Options", optionsPage],
  ["admin-keys", "Admin keys", adminKeysPage],
  ["audit", "Audit", auditPage],
];

// Pages reached from another page's links, not from the navigation: [name, title, page, the
// navigation entry shown as current].
const linkedPages: [string, Message, Page, string][] = [
  ["group", "Group", groupPage, "groups"],
];

function element(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing from index.html`);
  return found;
}

/// A labelled picker of the header; `onPick` gets the value chosen.
function picker(name: string, label: Message, options: [string, string][], value: string, onPick: (value: string) => void): HTMLElement {
  const select = h(
    "select",
    { name, "data-testid": `pick-${name}` },
    ...options.map(([option, text]) => h("option", { value: option, selected: option === value }, text)),
  );
  select.addEventListener("change", () => onPick(select.value));
  return h("label", { class: "pick" }, h("span", {}, t(label)), select);
}

/// Language, theme and time zone: each applied at once and remembered; a change of language or
/// zone redraws the page (texts and times are drawn with them).
function preferences(): HTMLElement {
  const themes: [Theme, Message][] = [["system", "system"], ["light", "light"], ["dark", "dark"]];
  return h(
    "div",
    { class: "prefs" },
    picker("lang", "Language", LANGS, lang(), (value) => {
      setLang(value as Lang);
      redraw();
    }),
    picker("theme", "Theme", themes.map(([value, label]) => [value, t(label)]), theme(), (value) => applyTheme(value as Theme)),
    picker("zone", "Time zone", zones().map((name) => [name, name]), zone(), (value) => {
      setZone(value);
      redraw();
    }),
  );
}

function redraw(): void {
  // The sign-in form is drawn again only when none is shown (see renderSignIn): drop it first.
  element("main").replaceChildren();
  void route();
}

function renderSignIn(): void {
  // Sign-out renders the form and then changes the hash, whose handler asks for it again: a
  // second, empty form would swallow what the user (or a test) already typed into the first.
  if (element("main").querySelector('[data-testid="signin"]')) return;
  element("top").replaceChildren(h("h1", {}, "aiproxy"), h("span", { class: "spacer" }), preferences());
  const input = h("input", { type: "password", name: "admin-key", autocomplete: "off", required: true });
  const signInForm = h(
    "form",
    { class: "form signin", "data-testid": "signin" },
    h("label", {}, h("span", {}, t("Admin key")), input),
    h("button", { type: "submit" }, t("Sign in")),
  );
  signInForm.addEventListener("submit", (event) => {
    event.preventDefault();
    void (async () => {
      try {
        await signIn(input.value.trim());
        input.value = "";
        clearBanners();
        await route();
      } catch (error) {
        showError(error);
      }
    })();
  });
  element("main").replaceChildren(signInForm);
}

function renderNav(current: string): void {
  element("top").replaceChildren(
    h("button", { type: "button", class: "skip", onclick: () => element("main").focus() }, t("Skip to content")),
    h("h1", {}, "aiproxy"),
    h(
      "nav",
      { "aria-label": t("Pages") },
      ...pages.map(([name, label]) =>
        h("a", {
          href: `#/${name}`,
          class: name === current ? "current" : undefined,
          "aria-current": name === current ? "page" : undefined,
        }, t(label)),
      ),
    ),
    preferences(),
    h("button", {
      type: "button",
      "data-testid": "signout",
      onclick: () => {
        signOut();
        window.location.hash = "";
        renderSignIn();
      },
    }, t("Sign out")),
  );
}

// Each navigation gets a number so a slow page that finishes after the user moved on does not
// overwrite the newer one.
let navigation = 0;

async function route(): Promise<void> {
  if (!adminKey()) {
    renderSignIn();
    return;
  }
  const [path, query] = window.location.hash.replace(/^#\/?/, "").split("?", 2);
  const linked = linkedPages.find(([name]) => name === path);
  const [name, label, page] = linked ?? pages.find(([name]) => name === path) ?? pages[0];
  document.title = t("aiproxy panel");
  renderNav(linked?.[3] ?? name);
  clearBanners();
  const mine = ++navigation;
  const root = h("section", { "data-page": name }, h("h2", {}, t(label)));
  element("main").replaceChildren(root);
  try {
    await page(root, new URLSearchParams(query ?? ""));
  } catch (error) {
    if (mine !== navigation) return;
    // The stored key stopped working (the server's key changed): ask for it again.
    if (isUnauthenticated(error)) {
      signOut();
      renderSignIn();
    }
    showError(error);
  }
}

window.addEventListener("hashchange", () => void route());
window.addEventListener("unhandledrejection", (event) => {
  element("error").textContent = describeError(event.reason);
  element("error").hidden = false;
});
void route();
