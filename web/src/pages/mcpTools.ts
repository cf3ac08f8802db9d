// An MCP server's tools for a group: each tool's arguments read from its JSON Schema (name,
// type, required, description), and a try-it form that calls one as a group (CallMcpTool: the
// group's own governed path, so it is charged and logged as the group's call).
import { api } from "../api";
import { form, h, table } from "../dom";
import type { McpServer, McpTool } from "../gen/aiproxy/admin/v1/mcp_pb";
import { num, t } from "../i18n";

type Schema = { type?: string | string[]; enum?: unknown[]; description?: string; default?: unknown; properties?: Record<string, Schema>; required?: string[] };

function parse(json: string): Schema {
  try {
    const schema = JSON.parse(json) as unknown;
    return typeof schema === "object" && schema !== null ? (schema as Schema) : {};
  } catch {
    return {};
  }
}

const typeOf = (schema: Schema): string =>
  schema.enum ? schema.enum.map(String).join(" | ") : [schema.type ?? "any"].flat().join(" | ");

/// One line per argument: "city (string, required): the city to look up".
function argumentsCell(tool: McpTool): HTMLElement {
  const schema = parse(tool.inputSchemaJson);
  const required = schema.required ?? [];
  return h(
    "ul",
    { class: "args" },
    ...Object.entries(schema.properties ?? {}).map(([name, property]) =>
      h(
        "li",
        {},
        h("code", {}, name),
        ` (${typeOf(property)}${required.includes(name) ? `, ${t("required")}` : ""})`,
        property.description ? `: ${property.description}` : "",
      ),
    ),
  );
}

/// Arguments to start from: each required one at its default or an empty value of its type.
function skeleton(tool: McpTool | undefined): string {
  const schema = parse(tool?.inputSchemaJson ?? "{}");
  const empty: Record<string, unknown> = { string: "", number: 0, integer: 0, boolean: false, array: [], object: {} };
  const args = Object.fromEntries(
    (schema.required ?? []).map((name) => {
      const property = schema.properties?.[name] ?? {};
      return [name, property.default ?? property.enum?.[0] ?? empty[[property.type].flat()[0] ?? ""] ?? null];
    }),
  );
  return JSON.stringify(args, null, 1);
}

export function toolsView(server: McpServer, groupId: string, tools: McpTool[]): HTMLElement[] {
  const result = h("div", { "data-testid": "mcp-try-result" });
  const tryIt = form(
    [
      { kind: "text", name: "group", label: t("Group"), value: groupId, required: true },
      {
        kind: "select",
        name: "tool",
        label: t("Tool"),
        options: tools.map((tool): [string, string] => [tool.name, tool.name]),
        onChange: (name) => {
          const box = tryIt.querySelector("textarea");
          if (box) box.value = skeleton(tools.find((tool) => tool.name === name));
        },
      },
      { kind: "textarea", name: "arguments", label: t("Arguments (JSON)"), value: skeleton(tools[0]) },
    ],
    t("Call as the group"),
    async (values) => {
      const answer = await api.mcp.callMcpTool({ id: server.id, groupId: values.group, tool: values.tool, argumentsJson: values.arguments });
      result.replaceChildren(
        h("p", {}, t(answer.isError ? "the tool answered with an error in {ms} ms" : "answered in {ms} ms", { ms: num(answer.latencyMs) })),
        h("pre", {}, JSON.stringify(JSON.parse(answer.resultJson), null, 2)),
      );
    },
    "mcp-try-form",
  );
  return [
    table(
      [t("Name"), t("Title"), t("Description"), t("Arguments")],
      tools.map((tool) => [tool.name, tool.title, tool.description, argumentsCell(tool)]),
      "mcp-tools-table",
    ),
    h("h4", {}, t("Try a tool")),
    tryIt,
    result,
  ];
}
