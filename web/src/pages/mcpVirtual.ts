// The editor of a virtual MCP server's composition: pick a source server, list its tools,
// prompts and resources (ListMcpServerTools, ListMcpServerOfferings), add the ones to compose,
// then rename each, override its description, fix arguments (JSON) and price a tool.
//
// Every composed item is one row of inputs named `{kind}:{row}:{field}`; the form's values
// carry them (slot controls come as text by name) and `compositionFrom` reads them back, so a
// removed row is simply gone and nothing is kept beside the form.
import { api } from "../api";
import { button, h, showError, type Field, type Values } from "../dom";
import { McpServerType, type McpServer, type McpVirtualPrompt, type McpVirtualResource, type McpVirtualTool } from "../gen/aiproxy/admin/v1/mcp_pb";
import { t, type Message } from "../i18n";

type Kind = "tool" | "prompt" | "resource";

/// The inputs of one kind's row: [field, label, whether long text].
const COLUMNS: Record<Kind, [string, Message][]> = {
  tool: [["server", "Source server"], ["source", "Tool"], ["name", "Exposed name"], ["description", "Description"], ["defaults", "Fixed arguments (JSON)"], ["price", "Price per call"]],
  prompt: [["server", "Source server"], ["source", "Prompt"], ["name", "Exposed name"], ["description", "Description"], ["defaults", "Fixed arguments (JSON)"]],
  resource: [["server", "Source server"], ["source", "URI or template"], ["name", "Exposed URI"], ["label", "Name"], ["description", "Description"]],
};

const TITLES: Record<Kind, Message> = { tool: "Composed tools", prompt: "Composed prompts", resource: "Composed resources" };

let rowCount = 0;

/// The composition editor of `server` (empty for a new one).
export function virtualFields(server?: McpServer): Field[] {
  const lists: Record<Kind, HTMLElement> = {
    tool: h("div", { "data-testid": "mcp-virtual-tools" }),
    prompt: h("div", { "data-testid": "mcp-virtual-prompts" }),
    resource: h("div", { "data-testid": "mcp-virtual-resources" }),
  };
  const add = (kind: Kind, values: Record<string, string>) => lists[kind].append(row(kind, values));
  const stored = server?.type === McpServerType.VIRTUAL ? server : undefined;
  for (const tool of stored?.virtualTools ?? []) {
    add("tool", { server: tool.serverId, source: tool.tool, name: tool.name, description: tool.description ?? "", defaults: tool.defaultsJson, price: stored?.toolPrices[tool.name || tool.tool] ?? "" });
  }
  for (const prompt of stored?.virtualPrompts ?? []) {
    add("prompt", { server: prompt.serverId, source: prompt.prompt, name: prompt.name, description: prompt.description ?? "", defaults: prompt.defaultsJson });
  }
  for (const resource of stored?.virtualResources ?? []) {
    add("resource", { server: resource.serverId, source: resource.uri, name: resource.exposedUri, label: resource.name, description: resource.description ?? "" });
  }
  const sources = h("select", { "data-testid": "mcp-virtual-source" });
  const offered = h("div", { "data-testid": "mcp-virtual-offered" });
  void api.mcp.listMcpServers({ pageSize: 1000, pageToken: "" }).then((response) => {
    // A source is never virtual itself, and a docs entry is never served.
    const usable = response.servers.filter((candidate) => candidate.type !== McpServerType.VIRTUAL && candidate.type !== McpServerType.DOCS);
    sources.replaceChildren(...usable.map((candidate) => h("option", { value: candidate.id }, candidate.id)));
  }, showError);

  /// The source's items, each with a button adding it to the composition.
  async function listSource(): Promise<void> {
    const id = sources.value;
    if (!id) return;
    const groupId = (sources.closest("form")?.querySelector<HTMLInputElement>("[name=group_id]")?.value ?? "").trim();
    const [tools, offerings] = await Promise.all([
      api.mcp.listMcpServerTools({ id, groupId }),
      api.mcp.listMcpServerOfferings({ id, groupId }),
    ]);
    const item = (kind: Kind, label: string, about: string, values: Record<string, string>) =>
      h("li", {}, button(t("Add"), () => add(kind, { server: id, ...values }), `mcp-virtual-add-${kind}-${label}`), " ", h("code", {}, label), about ? ` ${about}` : "");
    offered.replaceChildren(
      h(
        "ul",
        { class: "offered" },
        ...tools.tools.map((tool) => item("tool", tool.name, tool.description, { source: tool.name })),
        ...offerings.prompts.map((prompt) =>
          item("prompt", prompt.name, `${t("prompt")} (${prompt.arguments.map((argument) => argument.name).join(", ")}) ${prompt.description}`, { source: prompt.name }),
        ),
        ...offerings.resources.map((resource) =>
          item("resource", resource.uri, `${resource.template ? t("template") : t("resource")} ${resource.description}`, { source: resource.uri }),
        ),
      ),
    );
  }

  return [
    {
      kind: "slot",
      element: h(
        "div",
        { class: "virtual" },
        h("label", { class: "inline" }, `${t("Source server")} `, sources, " ", button(t("List its tools, prompts and resources"), listSource, "mcp-virtual-list")),
        offered,
        ...(["tool", "prompt", "resource"] as Kind[]).flatMap((kind) => [h("h4", {}, t(TITLES[kind])), lists[kind]]),
      ),
    },
  ];
}

/// One composed item: its inputs and a button removing it.
function row(kind: Kind, values: Record<string, string>): HTMLElement {
  const index = rowCount++;
  const element: HTMLElement = h(
    "div",
    { class: "fields", "data-testid": `mcp-virtual-${kind}` },
    ...COLUMNS[kind].map(([field, label]) =>
      h("label", {}, h("span", {}, t(label)), h("input", { type: "text", name: `${kind}:${index}:${field}`, value: values[field] ?? "", required: field === "server" || field === "source" })),
    ),
    button(t("Remove"), () => element.remove()),
  );
  return element;
}

/// The rows of `kind` in the form's values, in order, each by field.
function rows(values: Values, kind: Kind): Record<string, string>[] {
  const found = new Map<string, Record<string, string>>();
  for (const [name, value] of Object.entries(values)) {
    const [prefix, index, field] = name.split(":");
    if (prefix !== kind || field === undefined || typeof value !== "string") continue;
    const entry = found.get(index) ?? {};
    entry[field] = value;
    found.set(index, entry);
  }
  return [...found.entries()].sort(([a], [b]) => Number(a) - Number(b)).map(([, entry]) => entry);
}

/// What the editor's rows compose, as the server message's fields.
export function compositionFrom(values: Values) {
  const toolPrices: Record<string, string> = {};
  const description = (text: string) => (text === "" ? undefined : text);
  const virtualTools = rows(values, "tool").map((entry): Partial<McpVirtualTool> => {
    if (entry.price) toolPrices[entry.name || entry.source] = entry.price;
    return { serverId: entry.server, tool: entry.source, name: entry.name, description: description(entry.description), defaultsJson: entry.defaults };
  });
  const virtualPrompts = rows(values, "prompt").map((entry): Partial<McpVirtualPrompt> => ({
    serverId: entry.server,
    prompt: entry.source,
    name: entry.name,
    description: description(entry.description),
    defaultsJson: entry.defaults,
  }));
  const virtualResources = rows(values, "resource").map((entry): Partial<McpVirtualResource> => ({
    serverId: entry.server,
    uri: entry.source,
    exposedUri: entry.name,
    name: entry.label,
    description: description(entry.description),
  }));
  return { virtualTools, virtualPrompts, virtualResources, toolPrices };
}
