// MCP servers: list, enable/disable, test a server and list its tools (as the server's own
// group for a group server).
import { api } from "../api";
import { Status, statusName, toggled } from "../common";
import { button, h, showNotice, table } from "../dom";
import { McpScope, McpServerType, type McpServer } from "../gen/aiproxy/admin/v1/mcp_pb";

const scopeName: Record<number, string> = {
  [McpScope.UNSPECIFIED]: "",
  [McpScope.PUBLIC]: "public",
  [McpScope.GROUP]: "group",
};

const typeName: Record<number, string> = {
  [McpServerType.UNSPECIFIED]: "",
  [McpServerType.EMBEDDED]: "embedded",
  [McpServerType.PROXY_STREAMABLE]: "proxy (streamable HTTP)",
  [McpServerType.PROXY_SSE]: "proxy (SSE)",
  [McpServerType.OPENAPI]: "OpenAPI",
};

export async function mcpPage(root: HTMLElement): Promise<void> {
  const tools = h("div", { class: "detail", "data-testid": "mcp-tools" });
  const listing = h("div");
  root.append(tools, listing);

  async function showTools(server: McpServer): Promise<void> {
    const response = await api.mcp.listMcpServerTools({ id: server.id, groupId: server.groupId });
    tools.replaceChildren(
      h("h3", {}, `Tools of ${server.id}`),
      table(
        ["Name", "Title", "Description"],
        response.tools.map((tool) => [tool.name, tool.title, tool.description]),
        "mcp-tools-table",
      ),
      button("Close", () => tools.replaceChildren()),
    );
  }

  async function test(server: McpServer): Promise<void> {
    const result = await api.mcp.testMcpServer({ id: server.id, groupId: server.groupId });
    showNotice(
      result.ok
        ? `${server.id}: ok, ${result.toolCount} tools in ${result.latencyMs} ms`
        : `${server.id}: failed: ${result.error}`,
    );
  }

  async function refresh(): Promise<void> {
    const response = await api.mcp.listMcpServers({ pageSize: 1000 });
    listing.replaceChildren(
      h("p", {}, `${response.totalSize} servers`),
      table(
        ["Id", "Scope", "Group", "Type", "Template / URL", "Price per call", "Status", ""],
        response.servers.map((server) => [
          server.id,
          scopeName[server.scope],
          server.groupId,
          typeName[server.type],
          server.template || server.url || server.openapi?.specUrl || "",
          server.pricePerCall,
          statusName[server.status],
          h(
            "span",
            { class: "actions" },
            button(server.status === Status.ENABLED ? "Disable" : "Enable", async () => {
              await api.mcp.setMcpServerStatus({ id: server.id, status: toggled(server.status) });
              await refresh();
            }),
            button("Tools", () => showTools(server)),
            button("Test", () => test(server)),
          ),
        ]),
        "mcp-table",
      ),
    );
  }

  await refresh();
}
