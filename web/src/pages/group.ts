// One group (#/group?id=x, from the groups list): its settings, its tokens, its model
// overrides, the MCP parameters it has set (masked, as the server reads them), its own
// dashboard (the dashboard's charts and rankings with the group filter fixed) and its latest
// logs, each linking to the page that edits or lists them in full.
import { api, isNotFound } from "../api";
import { statusName } from "../common";
import { h, table, time } from "../dom";
import { McpScope, type GroupMcpParams } from "../gen/aiproxy/admin/v1/mcp_pb";
import { decimal, num, t } from "../i18n";
import { dashboardView } from "./dashboard";

/// Latest logs shown here; the logs page pages through the rest.
const LATEST_LOGS = 20;
/// MCP servers whose parameters for the group are looked up.
const MCP_SERVERS = 100;

export async function groupPage(root: HTMLElement, params: URLSearchParams): Promise<void> {
  const id = params.get("id") ?? "";
  const link = (href: string, text: string) => h("a", { href }, text);
  const encoded = encodeURIComponent(id);
  const [group, tokens, overrides, servers, logs] = await Promise.all([
    api.groups.getGroup({ id }),
    api.tokens.listTokens({ groupId: id, pageSize: 100 }),
    api.models.listGroupModelOverrides({ groupId: id }),
    api.mcp.listMcpServers({ pageSize: MCP_SERVERS }),
    api.logs.listLogs({ filter: { groupId: id }, pageSize: LATEST_LOGS }),
  ]);
  const mcpParams = (
    await Promise.all(
      // A group-scoped server of another group has nothing for this one.
      servers.servers.filter((server) => server.scope !== McpScope.GROUP || server.groupId === id).map((server) =>
        api.mcp.getGroupMcpParams({ serverId: server.id, groupId: id }).catch((error: unknown) => {
          // A server the group set nothing for.
          if (isNotFound(error)) return undefined;
          throw error;
        }),
      ),
    )
  ).filter((found): found is GroupMcpParams => found !== undefined);

  root.querySelector("h2")?.append(` ${id}`);
  root.append(
    h(
      "div",
      { class: "cards", "data-testid": "group-summary" },
      h("div", { class: "card" }, h("span", {}, t("Status")), h("strong", {}, statusName(group.status))),
      h("div", { class: "card" }, h("span", {}, t("Balance")), h("strong", {}, decimal(group.balance || "0"))),
      h("div", { class: "card" }, h("span", {}, t("RPM/TPM ratio")), h("strong", {}, `${group.rpmRatio} / ${group.tpmRatio}`)),
      h("div", { class: "card" }, h("span", {}, t("Sets")), h("strong", {}, group.availableSets.join(", ") || t("default"))),
    ),
    h("h3", {}, t("Tokens"), " ", link(`#/tokens?group=${encoded}`, t("manage"))),
    table(
      [t("Name"), t("Status"), t("Key"), t("Models"), t("Requests"), t("Used")],
      tokens.tokens.map((token) => [token.name, statusName(token.status), `${token.keyPrefix}…`, token.models.join(", ") || t("all"), num(token.requestCount), decimal(token.usedAmount || "0")]),
      "group-tokens",
    ),
    h("h3", {}, t("Model overrides"), " ", link("#/models", t("manage"))),
    overrides.overrides.length === 0
      ? h("p", { "data-testid": "group-overrides-empty" }, t("none"))
      : table(
          [t("Model"), t("RPM"), t("TPM"), t("Price"), t("Plugins"), t("Updated")],
          overrides.overrides.map((override) => [
            override.model,
            override.rpm?.toString() ?? "",
            override.tpm?.toString() ?? "",
            override.price ? t("own price") : "",
            override.pluginsJson ?? "",
            time(override.updatedAtMs),
          ]),
          "group-overrides",
        ),
    h("h3", {}, t("MCP parameters"), " ", link("#/mcp", t("manage"))),
    mcpParams.length === 0
      ? h("p", { "data-testid": "group-mcp-empty" }, t("none"))
      : table(
          [t("Server"), t("Parameters"), t("Updated")],
          mcpParams.map((found) => [found.serverId, Object.keys(found.params).sort().map((name) => `${name}=${found.params[name]}`).join(", "), time(found.updatedAtMs)]),
          "group-mcp-params",
        ),
    h("h3", {}, t("Latest logs"), " ", link(`#/logs?group=${encoded}`, t("all logs"))),
    table(
      [t("Time"), t("Token"), t("Model"), t("Status"), t("Tokens|count"), t("Cost")],
      logs.logs.map((log) => [time(log.createdAtMs), log.tokenName, log.requestedModel, String(log.statusCode), num(log.totalTokens), decimal(log.cost || "0")]),
      "group-logs",
    ),
    h("h3", {}, t("Dashboard")),
  );
  const dashboard = h("div", { "data-testid": "group-dashboard" });
  root.append(dashboard);
  await dashboardView(dashboard, params, "group", id);
}
