// The MCP catalogue: a card per embedded template and per docs entry (a server users run
// elsewhere), showing the display name and description in the panel's language, tags, logo,
// homepage, the readme rendered from Markdown without raw HTML (`markdown.ts`) and, for a docs
// entry, how to install it. Also the catalogue inputs of the server form.
import { h, list, type Field, type Values } from "../dom";
import type { McpCatalogue, McpServer, McpTemplate } from "../gen/aiproxy/admin/v1/mcp_pb";
import { lang, t } from "../i18n";
import { markdown, safeHref } from "../markdown";

/// `english` or `chinese` as the panel's language has it, else the other, else `fallback`.
function inLanguage(english = "", chinese = "", fallback: string): string {
  return (lang() === "zh-CN" ? chinese || english : english || chinese) || fallback;
}

/// The name to show: the entry's in the panel's language, else the other language's, else `id`.
export function displayName(entry: McpCatalogue | undefined, id: string): string {
  return inLanguage(entry?.displayName, entry?.displayNameZh, id);
}

/// The one-line description in the panel's language, else `fallback`.
export function displayDescription(entry: McpCatalogue | undefined, fallback: string): string {
  return inLanguage(entry?.description, entry?.descriptionZh, fallback);
}

/// Logos go into an `<img>`: https URLs and image `data:` URIs only.
function logoSource(logo: string): string | undefined {
  if (logo.startsWith("data:image/")) return logo;
  return logo.startsWith("https://") ? logo : undefined;
}

/// One catalogue entry as a card.
export function catalogueCard(entry: McpCatalogue | undefined, id: string, description: string, testId: string): HTMLElement {
  const logo = logoSource(entry?.logo ?? "");
  const homepage = entry?.homepage && safeHref(entry.homepage) ? entry.homepage : undefined;
  return h(
    "section",
    { class: "catalogue-card", "data-testid": testId },
    h(
      "header",
      {},
      logo ? h("img", { src: logo, alt: "", referrerpolicy: "no-referrer" }) : null,
      h("h4", {}, displayName(entry, id)),
      h("small", {}, id),
    ),
    h("p", { class: "about" }, displayDescription(entry, description)),
    entry && entry.tags.length > 0 ? h("p", { class: "tags" }, ...entry.tags.map((tag) => h("span", { class: "tag" }, tag))) : null,
    homepage ? h("p", {}, h("a", { href: homepage, target: "_blank", rel: "noopener noreferrer" }, t("Homepage"))) : null,
    entry?.install ? h("div", {}, h("strong", {}, t("Install")), h("pre", {}, h("code", {}, entry.install))) : null,
    entry?.readme ? h("details", {}, h("summary", {}, t("Readme")), markdown(entry.readme, `${testId}-readme`)) : null,
  );
}

/// Every template and docs entry as cards.
export function catalogueView(templates: McpTemplate[], docs: McpServer[]): HTMLElement {
  return h(
    "div",
    { class: "catalogue", "data-testid": "mcp-catalogue-cards" },
    ...templates.map((template) => catalogueCard(template.catalogue, template.name, template.description, `mcp-catalogue-${template.name}`)),
    ...docs.map((server) => catalogueCard(server.catalogue, server.id, "", `mcp-catalogue-${server.id}`)),
  );
}

/// The catalogue inputs of the server form.
export function catalogueFields(server?: McpServer): Field[] {
  const entry = server?.catalogue;
  return [
    { kind: "text", name: "cat_display_name", label: t("Display name"), value: entry?.displayName ?? "" },
    { kind: "text", name: "cat_display_name_zh", label: t("Display name (Chinese)"), value: entry?.displayNameZh ?? "" },
    { kind: "text", name: "cat_description", label: t("Description"), value: entry?.description ?? "" },
    { kind: "text", name: "cat_description_zh", label: t("Description (Chinese)"), value: entry?.descriptionZh ?? "" },
    { kind: "text", name: "cat_tags", label: t("Tags"), value: entry?.tags.join(", ") ?? "", hint: "a, b" },
    { kind: "text", name: "cat_logo", label: t("Logo"), value: entry?.logo ?? "", hint: "https:// | data:image/" },
    { kind: "text", name: "cat_homepage", label: t("Homepage"), value: entry?.homepage ?? "" },
    { kind: "textarea", name: "cat_readme", label: t("Readme"), value: entry?.readme ?? "", hint: t("Markdown") },
    { kind: "textarea", name: "cat_install", label: t("Install"), value: entry?.install ?? "", hint: t("docs entries: how to run it") },
  ];
}

/// The catalogue entry the form's inputs describe.
export function catalogueFrom(values: Values): Omit<McpCatalogue, "$typeName"> {
  return {
    displayName: values.cat_display_name ?? "",
    displayNameZh: values.cat_display_name_zh ?? "",
    description: values.cat_description ?? "",
    descriptionZh: values.cat_description_zh ?? "",
    tags: list(values.cat_tags ?? ""),
    logo: values.cat_logo ?? "",
    homepage: values.cat_homepage ?? "",
    readme: values.cat_readme ?? "",
    install: values.cat_install ?? "",
  };
}
