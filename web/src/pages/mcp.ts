// MCP servers: list (paged, searched, filtered by scope, group and status), create and edit
// every type the control plane knows (embedded from a template, proxied streamable HTTP or SSE,
// an OpenAPI document uploaded, pasted or fetched from a URL), enable/disable, delete, test a
// server and list its tools (and call one as a group, `mcpTools.ts`), and each group's own
// parameters of a server; for a proxied server whose upstream wants OAuth, each group's
// authorization (`mcpUpstreamAuth.ts`). A virtual server's composition has its own editor
// (`mcpVirtual.ts`).
//
// Secrets (headers, template parameters, OpenAPI credentials, group parameters) come back
// masked by the server; a masked value sent back unchanged keeps the stored secret, so the
// forms show them as they are.
//
// Embedded servers are built from what ListTemplates describes: the template's description,
// one input per parameter the admin sets, and the parameters each group sets (offered in the
// group-parameters view). A template reads only the parameters it declares and ignores any
// other, so there is no box for free-form extra parameters: they would be stored and never
// read. Editing keeps stored parameters the inputs do not cover unless they are unticked.
//
// Every server and template carries a catalogue entry (display names in both languages,
// description, tags, readme, logo, homepage): the form edits a server's, the Catalogue view
// shows them as cards (`mcpCatalogue.ts`), with the docs entries: servers users run elsewhere,
// listed and never served.
//
// Tool changes: what remote servers' upstreams offer against the approved (pinned) tool
// definitions, quarantined until reviewed: each one with the poisoning scan's findings and a
// line diff of the approved and offered definitions, approved or rejected one by one.
import { api, isNotFound } from "../api";
import { Status, statusFilterOptions, statusName, statusOptions, toggled } from "../common";
import { button, form, h, list, pairs, pairsText, showNotice, table, time, type Field, type Values } from "../dom";
import {
  McpScope,
  McpServerType,
  McpTemplateParamOwner,
  McpPinnedItemKind,
  McpToolChangeKind,
  type GroupMcpParams,
  type McpToolChange,
  type McpServer,
  type McpTemplate,
  type McpTemplateParam,
} from "../gen/aiproxy/admin/v1/mcp_pb";
import { decimal, num, t, type Message } from "../i18n";
import { pager } from "../paging";
import { catalogueCard, catalogueFields, catalogueFrom, catalogueView, displayDescription, displayName } from "./mcpCatalogue";
import { toolsView } from "./mcpTools";
import { compositionFrom, virtualFields } from "./mcpVirtual";
import { upstreamAuthView, upstreamOAuthFields, upstreamOAuthFrom } from "./mcpUpstreamAuth";

const scopeName: Record<number, Message> = {
  [McpScope.UNSPECIFIED]: "unspecified",
  [McpScope.PUBLIC]: "public",
  [McpScope.GROUP]: "group",
};

const typeName: Record<number, Message> = {
  [McpServerType.UNSPECIFIED]: "unspecified",
  [McpServerType.EMBEDDED]: "embedded",
  [McpServerType.PROXY_STREAMABLE]: "proxy (streamable HTTP)",
  [McpServerType.PROXY_SSE]: "proxy (SSE)",
  [McpServerType.OPENAPI]: "OpenAPI",
  [McpServerType.VIRTUAL]: "virtual",
  [McpServerType.GRPC]: "gRPC",
  [McpServerType.DOCS]: "docs entry (runs elsewhere)",
};

const changeKindName: Record<number, Message> = {
  [McpToolChangeKind.UNSPECIFIED]: "unspecified",
  [McpToolChangeKind.CHANGED]: "definition changed",
  [McpToolChangeKind.NEW]: "new, not approved",
  [McpToolChangeKind.REMOVED]: "removed by the upstream",
};

const itemKindName: Record<number, Message> = {
  [McpPinnedItemKind.UNSPECIFIED]: "tool|pinned item",
  [McpPinnedItemKind.TOOL]: "tool|pinned item",
  [McpPinnedItemKind.PROMPT]: "prompt|pinned item",
  [McpPinnedItemKind.RESOURCE]: "resource|pinned item",
  [McpPinnedItemKind.RESOURCE_TEMPLATE]: "resource template|pinned item",
};

/// JSON text laid out one value per line, so a diff shows which field changed.
function pretty(json: string): string[] {
  if (json === "") return [];
  try {
    return JSON.stringify(JSON.parse(json), null, 2).split("\n");
  } catch {
    return json.split("\n");
  }
}

/// A line diff (longest common subsequence): [" ", line] kept, ["-", line] only in `before`,
/// ["+", line] only in `after`. Past a fixed size every line of one side is shown removed and
/// every line of the other added, so a hostile definition cannot make the page spin.
export function lineDiff(before: string[], after: string[]): [string, string][] {
  const n = before.length;
  const m = after.length;
  if (n * m > 1_000_000) {
    return [...before.map((line): [string, string] => ["-", line]), ...after.map((line): [string, string] => ["+", line])];
  }
  const lengths: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i][j] = before[i] === after[j] ? lengths[i + 1][j + 1] + 1 : Math.max(lengths[i + 1][j], lengths[i][j + 1]);
    }
  }
  const lines: [string, string][] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (before[i] === after[j]) {
      lines.push([" ", before[i]]);
      i++;
      j++;
    } else if (lengths[i + 1][j] >= lengths[i][j + 1]) {
      lines.push(["-", before[i++]]);
    } else {
      lines.push(["+", after[j++]]);
    }
  }
  while (i < n) lines.push(["-", before[i++]]);
  while (j < m) lines.push(["+", after[j++]]);
  return lines;
}

function changeView(change: McpToolChange, actions: HTMLElement): HTMLElement {
  const diff = lineDiff(pretty(change.approvedDefinitionJson), pretty(change.offeredDefinitionJson));
  const sign: Record<string, string> = { "-": "removed", "+": "added", " ": "same" };
  return h(
    "section",
    { class: "tool-change", "data-testid": "mcp-tool-change" },
    h(
      "h4",
      {},
      `${change.serverId} / ${t(itemKindName[change.itemKind] ?? "tool|pinned item")} ${change.toolName}: ${t(changeKindName[change.kind] ?? "unspecified")}${change.rejected ? ` ${t("(rejected)")}` : ""}`,
    ),
    change.findings.length > 0
      ? h(
          "ul",
          { class: "findings" },
          ...change.findings.map((finding) => h("li", {}, t("{kind} in {location}: {excerpt}", { kind: finding.kind, location: finding.location, excerpt: finding.excerpt }))),
        )
      : null,
    h("pre", { class: "diff" }, ...diff.map(([mark, line]) => h("span", { class: sign[mark] }, `${mark} ${line}\n`))),
    actions,
  );
}

const scopeOptions = (): [string, string][] => [
  [String(McpScope.PUBLIC), t("public (every group)")],
  [String(McpScope.GROUP), t("group (one group only)")],
];

const serverTypes = [
  McpServerType.EMBEDDED,
  McpServerType.PROXY_STREAMABLE,
  McpServerType.PROXY_SSE,
  McpServerType.OPENAPI,
  McpServerType.GRPC,
  // Chosen tools, prompts and resources of other servers (`mcpVirtual.ts`).
  McpServerType.VIRTUAL,
  // A catalogue entry only: its catalogue fields are all it has.
  McpServerType.DOCS,
];

// Every updatable field: the form always sends the whole server, so a change of type leaves
// nothing of the old type behind.
const EDITABLE = [
  "scope",
  "group_id",
  "type",
  "template",
  "url",
  "headers",
  "query",
  "params",
  "openapi",
  "status",
  "price_per_call",
  "required_group_params",
  "catalogue",
  // Empty for every type but virtual: a server that stops being virtual composes nothing.
  "virtual_tools",
  "virtual_prompts",
  "virtual_resources",
  "upstream_oauth",
  "aggregate_unprefixed",
];

const MASKED_HINT: Message = "NAME=value per line; values come back masked, and a masked value left as it is keeps the stored one";

function commonFields(server?: McpServer): Field[] {
  return [
    ...(server ? [] : [{ kind: "text", name: "id", label: t("Id"), required: true } as Field]),
    { kind: "select", name: "scope", label: t("Scope"), options: scopeOptions(), value: String(server?.scope ?? McpScope.PUBLIC) },
    { kind: "text", name: "group_id", label: t("Group"), value: server?.groupId ?? "", hint: t("the owning group, for scope group only") },
    { kind: "select", name: "status", label: t("Status"), options: statusOptions(false), value: String(server?.status ?? Status.ENABLED) },
    { kind: "text", name: "price_per_call", label: t("Price per call"), value: server?.pricePerCall ?? "", hint: t("charged to the caller's group per tool call; empty: free") },
    { kind: "text", name: "required_group_params", label: t("Required group parameters"), value: server?.requiredGroupParams.join(", ") ?? "", hint: t("names every group must set before the server is offered to it (header:X-Api-Key, query:key, a security scheme, a template parameter)") },
    { kind: "checkbox", name: "aggregate_unprefixed", label: t("Unprefixed in the aggregated /mcp (tools, prompts and resources under their own names)"), checked: server?.aggregateUnprefixed ?? false },
  ];
}

/// The input of a template parameter: labelled with its name (marked when required) and
/// described; `param:NAME` in the form's values. `enforce`: the form cannot be sent without it.
function paramInput(param: McpTemplateParam, value: string, required: boolean, enforce = required): HTMLLabelElement {
  return h(
    "label",
    {},
    h("span", {}, param.name, required ? h("strong", { class: "required" }, ` ${t("(required)")}`) : null),
    h("input", { type: "text", name: `param:${param.name}`, value, required: enforce, autocomplete: "off" }),
    h("small", {}, param.description),
  );
}

function paramsSetBy(template: McpTemplate | undefined, owner: McpTemplateParamOwner): McpTemplateParam[] {
  return template?.params.filter((param) => param.setBy === owner) ?? [];
}

/// What the form shows for `template`: its description, one input per parameter the admin
/// sets, the parameters each group sets, and (editing a server of this template) the stored
/// parameters no input covers, kept unless unticked.
function templateSection(template: McpTemplate | undefined, name: string, server?: McpServer): HTMLElement {
  const section = h("div", { "data-testid": "mcp-template" });
  // Stored values belong to the stored template: another template reads other names.
  const stored = server?.type === McpServerType.EMBEDDED && server.template === name ? server.params : {};
  if (!template) {
    section.append(h("p", {}, t("This build offers no template {name}.", { name })));
  } else {
    section.append(h("p", { class: "about", "data-testid": "mcp-template-description" }, displayDescription(template.catalogue, template.description)));
    if (template.catalogue) {
      section.append(catalogueCard(template.catalogue, template.name, template.description, "mcp-template-catalogue"));
    }
  }
  const admin = paramsSetBy(template, McpTemplateParamOwner.ADMIN);
  section.append(
    admin.length > 0
      ? h(
          "div",
          { class: "fields", "data-testid": "mcp-template-admin-params" },
          ...admin.map((param) => paramInput(param, stored[param.name] ?? "", param.required)),
        )
      : h("p", { "data-testid": "mcp-template-no-admin-params" }, t("The admin sets no parameter of this template.")),
  );
  const group = paramsSetBy(template, McpTemplateParamOwner.GROUP);
  if (group.length > 0) {
    section.append(
      h("p", {}, t("Each group sets these through Group parameters (list one under Required group parameters to hide the server from groups that have not set it):")),
      h(
        "ul",
        { "data-testid": "mcp-template-group-params" },
        ...group.map((param) =>
          h("li", {}, h("code", {}, param.name), param.required ? ` ${t("(required)")}` : "", `: ${param.description}`),
        ),
      ),
    );
  }
  const others = Object.keys(stored).filter((key) => !admin.some((param) => param.name === key));
  if (others.length > 0) {
    section.append(
      h("p", {}, t("Also stored (values masked); untick to remove:")),
      h(
        "div",
        { class: "fields", "data-testid": "mcp-template-other-params" },
        ...others.map((key) =>
          h(
            "label",
            { class: "check" },
            h("input", { type: "checkbox", name: `keep:${key}`, checked: true }),
            h("span", {}, `${key}=${stored[key]} `, h("small", {}, group.some((param) => param.name === key)
              ? t("(the value for groups that set none)")
              : t("(not read by this template)"))),
          ),
        ),
      ),
    );
  }
  return section;
}

/// The template parameters a submitted form gives: the admin inputs filled in, and the stored
/// parameters left ticked.
function templateParams(values: Values, template: McpTemplate | undefined, stored?: McpServer): Record<string, string> {
  const params: Record<string, string> = {};
  for (const param of paramsSetBy(template, McpTemplateParamOwner.ADMIN)) {
    const value = values[`param:${param.name}`] ?? "";
    if (value !== "") params[param.name] = value;
  }
  if (stored?.type === McpServerType.EMBEDDED && stored.template === values.template) {
    for (const [key, value] of Object.entries(stored.params)) {
      if (!(key in params) && values[`keep:${key}`] === "on") params[key] = value;
    }
  }
  return params;
}

function typeFields(type: McpServerType, templates: McpTemplate[], server?: McpServer): Field[] {
  switch (type) {
    case McpServerType.EMBEDDED: {
      const names = templates.map((template) => template.name);
      if (server?.template && !names.includes(server.template)) names.push(server.template);
      const chosen = server?.template || names[0] || "";
      const find = (name: string) => templates.find((template) => template.name === name);
      const slot = h("div", {}, templateSection(find(chosen), chosen, server));
      return [
        {
          kind: "select",
          name: "template",
          label: t("Template"),
          // Labelled by name (what the server record stores); the section shows the display name.
          options: names.map((name) => [name, name]),
          value: chosen,
          onChange: (name) => slot.replaceChildren(templateSection(find(name), name, server)),
        },
        { kind: "slot", element: slot },
      ];
    }
    case McpServerType.PROXY_STREAMABLE:
    case McpServerType.PROXY_SSE:
      return [
        { kind: "text", name: "url", label: t("Server URL"), value: server?.url ?? "", required: true, hint: type === McpServerType.PROXY_SSE ? t("the SSE endpoint") : t("the Streamable HTTP endpoint") },
        { kind: "textarea", name: "headers", label: t("Headers"), value: pairsText(server?.headers ?? {}), hint: t(MASKED_HINT) },
        { kind: "textarea", name: "query", label: t("Query parameters"), value: pairsText(server?.query ?? {}), hint: t("NAME=value per line, added to the URL") },
        ...upstreamOAuthFields(server),
      ];
    case McpServerType.OPENAPI: {
      const source = server?.openapi;
      const stored = source?.spec ? t("empty: keep the stored document ({count} characters)", { count: num(source.spec.length) }) : t("YAML or JSON");
      return [
        { kind: "file", name: "spec_file", label: t("Document file"), accept: ".yaml,.yml,.json,application/json,application/yaml", hint: t("an OpenAPI document to upload; wins over the text below") },
        { kind: "textarea", name: "spec", label: t("Document text"), hint: stored },
        { kind: "text", name: "spec_url", label: t("Document URL"), value: source?.specUrl ?? "", hint: t("fetched by the server on every save; an uploaded or pasted document replaces it") },
        { kind: "text", name: "base_url", label: t("Base URL"), value: source?.baseUrl ?? "", hint: t("empty: the document's server URL") },
        { kind: "checkbox", name: "allow_private_network", label: t("Allow private network addresses"), checked: source?.allowPrivateNetwork ?? false },
        { kind: "checkbox", name: "compact", label: t("Compact (search, describe and call tools instead of one per operation)"), checked: source?.compact ?? false },
        { kind: "textarea", name: "credentials", label: t("Credentials"), value: pairsText(source?.credentials ?? {}), hint: `${t("by security scheme name")}; ${t(MASKED_HINT)}` },
        { kind: "text", name: "include_operations", label: t("Include operations"), value: source?.includeOperations.join(", ") ?? "", hint: t("operation ids; empty: all") },
        { kind: "text", name: "exclude_operations", label: t("Exclude operations"), value: source?.excludeOperations.join(", ") ?? "" },
      ];
    }
    case McpServerType.GRPC: {
      const stored = server?.type === McpServerType.GRPC ? server.params : {};
      const descriptorSet = stored.descriptor_set ?? "";
      return [
        { kind: "text", name: "url", label: t("Server URL"), value: server?.url ?? "", required: true, hint: t("http://host:port (HTTP/2 without TLS) or https://host:port") },
        { kind: "file", name: "descriptor_file", label: t("Descriptor set"), accept: ".pb,.bin,.protoset,application/octet-stream", hint: descriptorSet ? t("empty: keep the stored descriptor set") : t("a FileDescriptorSet (protoc --descriptor_set_out); empty: read the services through server reflection") },
        ...(descriptorSet ? [{ kind: "checkbox", name: "drop_descriptor_set", label: t("Use server reflection instead of the stored descriptor set"), checked: false } as Field] : []),
        { kind: "checkbox", name: "allow_private_network", label: t("Allow private network addresses"), checked: stored.allow_private_network === "true" },
        { kind: "textarea", name: "headers", label: t("Metadata"), value: pairsText(server?.headers ?? {}), hint: t(MASKED_HINT) },
      ];
    }
    case McpServerType.VIRTUAL:
      return virtualFields(server);
    default:
      return [];
  }
}

/// A binary file as base64, the form a descriptor set is stored in.
async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let text = "";
  // In slices: spreading a large array into fromCharCode overflows the call stack.
  for (let start = 0; start < bytes.length; start += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(start, start + 0x8000));
  }
  return btoa(text);
}

/// The server message a form describes; `stored` is the server being edited.
async function serverFrom(values: Values, type: McpServerType, id: string, templates: McpTemplate[], stored?: McpServer) {
  const server = {
    id,
    type,
    scope: Number(values.scope) as McpScope,
    groupId: values.group_id,
    status: Number(values.status) as Status,
    pricePerCall: values.price_per_call,
    requiredGroupParams: list(values.required_group_params),
    aggregateUnprefixed: values.checked.aggregate_unprefixed,
    catalogue: catalogueFrom(values),
    upstreamOauth: undefined as ReturnType<typeof upstreamOAuthFrom>,
    template: "",
    url: "",
    headers: {} as Record<string, string>,
    query: {} as Record<string, string>,
    params: {} as Record<string, string>,
    openapi: undefined as undefined | {
      spec: string;
      specUrl: string;
      baseUrl: string;
      allowPrivateNetwork: boolean;
      compact: boolean;
      credentials: Record<string, string>;
      includeOperations: string[];
      excludeOperations: string[];
    },
  };
  switch (type) {
    case McpServerType.EMBEDDED:
      server.template = values.template;
      server.params = templateParams(values, templates.find((template) => template.name === values.template), stored);
      break;
    case McpServerType.PROXY_STREAMABLE:
    case McpServerType.PROXY_SSE:
      server.url = values.url;
      server.headers = pairs(values.headers);
      server.query = pairs(values.query);
      server.upstreamOauth = upstreamOAuthFrom(values);
      break;
    case McpServerType.GRPC: {
      server.url = values.url;
      server.headers = pairs(values.headers);
      const file = values.files.descriptor_file;
      const storedSet = stored?.type === McpServerType.GRPC ? stored.params.descriptor_set ?? "" : "";
      const descriptorSet = file ? await base64Of(file) : values.checked.drop_descriptor_set ? "" : storedSet;
      if (descriptorSet !== "") server.params.descriptor_set = descriptorSet;
      if (values.checked.allow_private_network) server.params.allow_private_network = "true";
      break;
    }
    case McpServerType.OPENAPI: {
      const file = values.files.spec_file;
      const document = file ? await file.text() : values.spec;
      server.openapi = {
        // A new document replaces the URL (the server would fetch the URL over it); without one
        // the stored document goes back as it is.
        spec: document !== "" ? document : stored?.openapi?.spec ?? "",
        specUrl: document !== "" ? "" : values.spec_url,
        baseUrl: values.base_url,
        allowPrivateNetwork: values.checked.allow_private_network,
        compact: values.checked.compact,
        credentials: pairs(values.credentials),
        includeOperations: list(values.include_operations),
        excludeOperations: list(values.exclude_operations),
      };
      break;
    }
    case McpServerType.VIRTUAL:
      return { ...server, ...compositionFrom(values) };
  }
  return server;
}

function source(server: McpServer): string {
  switch (server.type) {
    case McpServerType.EMBEDDED:
      return server.template;
    case McpServerType.DOCS:
      return server.catalogue?.homepage ?? "";
    case McpServerType.OPENAPI:
      return server.openapi?.specUrl || (server.openapi?.baseUrl ? t("uploaded document, calls {url}", { url: server.openapi.baseUrl }) : t("uploaded document"));
    default:
      return server.url;
  }
}

export async function mcpPage(root: HTMLElement): Promise<void> {
  const templates = (await api.mcp.listTemplates({})).templateDetails;
  const editor = h("div", { class: "editor" });
  const detail = h("div", { class: "detail", "data-testid": "mcp-tools" });
  const filter = { keyword: "", scope: McpScope.UNSPECIFIED, groupId: "", status: Status.UNSPECIFIED };
  const listing = pager(
    "mcp-pager",
    (pageSize, pageToken) => api.mcp.listMcpServers({ pageSize, pageToken, ...filter }),
    (response) => [
      table(
        [t("Id"), t("Scope"), t("Group"), t("Type"), t("Template / URL"), t("Price per call"), t("Group must set"), t("Status"), ""],
        response.servers.map((server) => [
          server.catalogue?.displayName || server.catalogue?.displayNameZh ? `${displayName(server.catalogue, server.id)} (${server.id})` : server.id,
          t(scopeName[server.scope] ?? "unspecified"),
          server.groupId,
          t(typeName[server.type] ?? "unspecified"),
          source(server),
          decimal(server.pricePerCall),
          server.requiredGroupParams.join(", "),
          statusName(server.status),
          h(
            "span",
            { class: "actions" },
            button(t("Edit"), () => openEditor(server)),
            button(server.status === Status.ENABLED ? t("Disable") : t("Enable"), async () => {
              await api.mcp.setMcpServerStatus({ id: server.id, status: toggled(server.status) });
              await refresh();
            }),
            button(t("Tools"), () => asGroup(server, (group) => showTools(server, group)), `mcp-tools-${server.id}`),
            button(t("Test"), () => asGroup(server, (group) => test(server, group)), `mcp-test-${server.id}`),
            button(t("Group parameters"), () => showParams(server)),
            server.upstreamOauth ? button(t("Upstream OAuth"), () => upstreamAuthView(server, detail), `mcp-oauth-${server.id}`) : null,
            button(t("Delete"), async () => {
              if (!window.confirm(t("Delete MCP server {id}?", { id: server.id }))) return;
              await api.mcp.deleteMcpServer({ id: server.id });
              showNotice(t("MCP server {id} deleted", { id: server.id }));
              await refresh();
            }),
          ),
        ]),
        "mcp-table",
      ),
    ],
    (response) => response.servers.length,
  );
  root.append(
    button(t("New server"), () => openEditor(), "new-mcp"),
    button(t("Tool changes"), () => showChanges(), "mcp-changes"),
    button(t("Catalogue"), () => showCatalogue(), "mcp-catalogue"),
    editor,
    detail,
    form(
      [
        { kind: "text", name: "keyword", label: t("Search"), hint: t("part of the id, template or URL") },
        { kind: "select", name: "scope", label: t("Scope"), options: [[String(McpScope.UNSPECIFIED), t("any scope")], ...scopeOptions()] },
        { kind: "text", name: "group", label: t("Group") },
        { kind: "select", name: "status", label: t("Status"), options: statusFilterOptions(false) },
      ],
      t("Search"),
      async (values) => {
        filter.keyword = values.keyword;
        filter.scope = Number(values.scope) as McpScope;
        filter.groupId = values.group;
        filter.status = Number(values.status) as Status;
        await listing.reload(true);
      },
      "mcp-search",
    ),
    listing.element,
  );

  async function refresh(): Promise<void> {
    await listing.reload();
  }

  /// The create form (no `server`) or the edit form; the type picker redraws the type's fields.
  function openEditor(server?: McpServer): void {
    let type = server?.type ?? McpServerType.EMBEDDED;
    const picker = h(
      "select",
      { name: "type", "data-testid": "mcp-type" },
      ...serverTypes.map((choice) => h("option", { value: choice, selected: choice === type }, t(typeName[choice]))),
    );
    const slot = h("div");
    picker.addEventListener("change", () => {
      type = Number(picker.value) as McpServerType;
      draw();
    });
    function draw(): void {
      slot.replaceChildren(
        form([...commonFields(server), ...typeFields(type, templates, server), ...catalogueFields(server)], server ? t("Save") : t("Create"), async (values) => {
          const message = await serverFrom(values, type, server?.id ?? values.id, templates, server);
          const answer = server
            ? await api.mcp.updateMcpServer({ server: message, updateMask: { paths: type === McpServerType.VIRTUAL ? [...EDITABLE, "tool_prices"] : EDITABLE } })
            : await api.mcp.createMcpServer({ server: message });
          editor.replaceChildren();
          const warnings = answer.warnings.length > 0 ? `; ${t("warnings: {list}", { list: answer.warnings.join("; ") })}` : "";
          showNotice(`${t(server ? "MCP server {id} saved" : "MCP server {id} created", { id: answer.id })}${warnings}`);
          await refresh();
        }, "mcp-form"),
      );
    }
    editor.replaceChildren(
      h("h3", {}, server ? t("Edit MCP server {id}", { id: server.id }) : t("New MCP server")),
      h("label", { class: "inline" }, `${t("Type")} `, picker),
      slot,
      button(t("Cancel"), () => editor.replaceChildren()),
    );
    draw();
  }

  /// The templates and docs entries as catalogue cards.
  async function showCatalogue(): Promise<void> {
    const servers = await api.mcp.listMcpServers({ pageSize: 1000, pageToken: "" });
    const docs = servers.servers.filter((server) => server.type === McpServerType.DOCS);
    detail.replaceChildren(
      h("h3", {}, t("MCP catalogue")),
      catalogueView(templates, docs),
      button(t("Close"), () => detail.replaceChildren()),
    );
  }

  /// Every change waiting for review, each with its diff and its approve and reject buttons.
  async function showChanges(): Promise<void> {
    const response = await api.mcp.listMcpToolChanges({ serverId: "", includeRejected: false });
    const review = (change: McpToolChange): HTMLElement =>
      h(
        "span",
        { class: "actions" },
        button(t("Approve"), async () => {
          await api.mcp.approveMcpServerTools({ serverId: change.serverId, toolNames: [change.toolName], groupId: "", itemKind: change.itemKind });
          showNotice(t("{server} / {tool} approved", { server: change.serverId, tool: change.toolName }));
          await showChanges();
        }),
        button(t("Reject"), async () => {
          await api.mcp.rejectMcpServerTools({ serverId: change.serverId, toolNames: [change.toolName], itemKind: change.itemKind });
          showNotice(t("{server} / {tool} rejected: it stays quarantined", { server: change.serverId, tool: change.toolName }));
          await showChanges();
        }),
      );
    detail.replaceChildren(
      h("h3", {}, t("Tool, prompt and resource changes waiting for review")),
      response.changes.length === 0
        ? h("p", {}, t("No tool, prompt or resource change waits for review."))
        : h("div", {}, ...response.changes.map((change) => changeView(change, review(change)))),
      button(t("Close"), () => detail.replaceChildren()),
    );
  }

  /// Tools and Test of a public server whose upstream wants OAuth run as a group (with its
  /// held tokens): the admin picks one of the groups holding an authorization.
  async function asGroup(server: McpServer, run: (groupId: string) => Promise<void>): Promise<void> {
    if (!server.upstreamOauth || server.groupId) return run(server.groupId);
    const held = await api.mcp.listMcpUpstreamAuthorizations({ serverId: server.id });
    const groups = held.authorizations.map((authorization): [string, string] => [authorization.groupId, authorization.groupId]);
    detail.replaceChildren(
      h("h3", {}, t("Inspect {id} as a group", { id: server.id })),
      groups.length === 0
        ? h("p", {}, t("No group holds an authorization of {id} yet: authorize one under Upstream OAuth.", { id: server.id }))
        : form([{ kind: "select", name: "group", label: t("Group"), options: groups }], t("Open"), async (values) => run(values.group), "mcp-inspect-group"),
      button(t("Close"), () => detail.replaceChildren()),
    );
  }

  async function showTools(server: McpServer, groupId: string): Promise<void> {
    const response = await api.mcp.listMcpServerTools({ id: server.id, groupId });
    detail.replaceChildren(
      h("h3", {}, groupId ? t("Tools of {id} for {group}", { id: server.id, group: groupId }) : t("Tools of {id}", { id: server.id })),
      ...toolsView(server, groupId, response.tools),
      button(t("Close"), () => detail.replaceChildren()),
    );
  }

  async function test(server: McpServer, groupId: string): Promise<void> {
    const result = await api.mcp.testMcpServer({ id: server.id, groupId });
    const who = groupId ? t("{id} for {group}", { id: server.id, group: groupId }) : server.id;
    showNotice(
      result.ok
        ? t("{who}: ok, {count} tools in {ms} ms", { who, count: num(result.toolCount), ms: num(result.latencyMs) })
        : t("{who}: failed: {error}", { who, error: result.error }),
    );
  }

  /// One group's parameters of `server`: pick the group, then read (masked), set, delete. For a
  /// server from a template, one input per parameter the template reads from groups.
  function showParams(server: McpServer): void {
    const template = server.type === McpServerType.EMBEDDED
      ? templates.find((candidate) => candidate.name === server.template)
      : undefined;
    const offered = paramsSetBy(template, McpTemplateParamOwner.GROUP);
    const slot = h("div");
    detail.replaceChildren(
      h("h3", {}, t("Group parameters of {id}", { id: server.id })),
      h("p", {}, server.requiredGroupParams.length > 0
        ? t("Every group must set: {names}.", { names: server.requiredGroupParams.join(", ") })
        : t("The server requires none; a group may still set its own.")),
      form(
        [{ kind: "text", name: "group", label: t("Group"), value: server.groupId, required: true }],
        t("Open"),
        async (values) => load(values.group),
        "mcp-params-group",
      ),
      slot,
      button(t("Close"), () => detail.replaceChildren()),
    );

    /// The template's group parameters as inputs (marked when the template or the server
    /// requires them, never enforced: a group may save the others first), then a box for any
    /// other name (a proxy's header, a security scheme, a name the server requires).
    function paramsFields(stored: Record<string, string>): Field[] {
      const fields: Field[] = [];
      if (offered.length > 0) {
        fields.push({
          kind: "slot",
          element: h(
            "div",
            { class: "fields", "data-testid": "mcp-params-template" },
            ...offered.map((param) =>
              paramInput(param, stored[param.name] ?? "", param.required || server.requiredGroupParams.includes(param.name), false),
            ),
          ),
        });
      }
      const others = Object.fromEntries(Object.entries(stored).filter(([key]) => !offered.some((param) => param.name === key)));
      fields.push({
        kind: "textarea",
        name: "params",
        label: offered.length > 0 ? t("Other parameters") : t("Parameters"),
        value: pairsText(others),
        hint: t(MASKED_HINT),
      });
      return fields;
    }

    async function load(groupId: string): Promise<void> {
      let current: GroupMcpParams | undefined;
      try {
        current = await api.mcp.getGroupMcpParams({ serverId: server.id, groupId });
      } catch (error) {
        // No parameters yet is a state to show, not a failure.
        if (!isNotFound(error)) throw error;
      }
      slot.replaceChildren(
        current
          ? h(
              "div",
              {},
              h("p", {}, t("Set by {group}, updated {time} (values as the server shows them, masked):", { group: groupId, time: time(current.updatedAtMs) })),
              table([t("Name"), t("Value")], Object.entries(current.params), "mcp-params-stored"),
            )
          : h("p", { "data-testid": "mcp-params-none" }, t("{group} has set no parameters for {id}.", { group: groupId, id: server.id })),
        form(
          paramsFields(current?.params ?? {}),
          t("Save"),
          async (values) => {
            const params = pairs(values.params);
            for (const param of offered) {
              const value = values[`param:${param.name}`] ?? "";
              if (value !== "") params[param.name] = value;
            }
            await api.mcp.setGroupMcpParams({ params: { serverId: server.id, groupId, params } });
            showNotice(t("parameters of {group} for {id} saved", { group: groupId, id: server.id }));
            await load(groupId);
          },
          "mcp-params-form",
        ),
        h(
          "p",
          { class: "actions" },
          button(t("Test for {group}", { group: groupId }), () => test(server, groupId), "mcp-params-test"),
          current
            ? button(t("Delete these parameters"), async () => {
                if (!window.confirm(t("Delete the parameters of {group} for {id}?", { group: groupId, id: server.id }))) return;
                await api.mcp.deleteGroupMcpParams({ serverId: server.id, groupId });
                showNotice(t("parameters of {group} for {id} deleted", { group: groupId, id: server.id }));
                await load(groupId);
              }, "mcp-params-delete")
            : null,
        ),
      );
    }
  }

  await refresh();
}
