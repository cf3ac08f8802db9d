// Upstream OAuth of a proxied server, per group: the group's authorization state (never a
// token), Authorize (opens the upstream's authorization page and polls the state until the
// callback stored the tokens) and Revoke. The editor's fields for the server's OAuth client.
import { api } from "../api";
import { button, form, h, list, table, time, type Field, type Values } from "../dom";
import { McpUpstreamAuthorizationState, type McpServer, type McpUpstreamAuthorization } from "../gen/aiproxy/admin/v1/mcp_pb";
import { t, type Message } from "../i18n";

const stateName: Record<number, Message> = {
  [McpUpstreamAuthorizationState.UNSPECIFIED]: "unspecified",
  [McpUpstreamAuthorizationState.NOT_AUTHORIZED]: "not authorized",
  [McpUpstreamAuthorizationState.AUTHORIZED]: "authorized",
  [McpUpstreamAuthorizationState.REFRESH_FAILED]: "refresh failed: authorize again",
};

/// The editor's upstream OAuth fields of a proxied server (the secret comes back masked).
export function upstreamOAuthFields(server?: McpServer): Field[] {
  const client = server?.upstreamOauth;
  return [
    { kind: "checkbox", name: "upstream_oauth", label: t("The upstream wants OAuth: the gateway holds each group's tokens"), checked: client !== undefined },
    { kind: "text", name: "oauth_client_id", label: t("OAuth client id"), value: client?.clientId ?? "", hint: t("empty: the gateway registers itself") },
    { kind: "text", name: "oauth_client_secret", label: t("OAuth client secret"), value: client?.clientSecret ?? "" },
    { kind: "text", name: "oauth_scopes", label: t("OAuth scopes"), value: client?.scopes.join(", ") ?? "", hint: t("empty: those the upstream names") },
  ];
}

/// The server's `upstreamOauth` the editor's fields describe.
export function upstreamOAuthFrom(values: Values) {
  if (!values.checked.upstream_oauth) return undefined;
  return { clientId: values.oauth_client_id, clientSecret: values.oauth_client_secret, scopes: list(values.oauth_scopes) };
}

function stateRow(state: McpUpstreamAuthorization): (string | HTMLElement)[] {
  return [
    state.groupId,
    t(stateName[state.state] ?? "unspecified"),
    state.expiresAtMs > 0n ? time(state.expiresAtMs) : "",
    state.scopes.join(" "),
    state.refreshError,
    pauseText(state),
  ];
}

/// The refresh pause every replica honours after refreshes that failed for now: how many in
/// a row, of which kind, and until when.
function pauseText(state: McpUpstreamAuthorization): string {
  if (state.refreshFailures === 0) return "";
  const values = { count: String(state.refreshFailures), class: state.refreshFailureClass };
  return state.refreshPausedUntilMs > BigInt(Date.now())
    ? t("{count} failed in a row ({class}), no refresh before {time}", { ...values, time: time(state.refreshPausedUntilMs) })
    : t("{count} failed in a row ({class}), the next use refreshes", values);
}

function columns(): string[] {
  return [t("Group"), t("State"), t("Expires"), t("Scopes"), t("Error"), t("Refresh pause")];
}

/// The upstream OAuth view of `server` into `detail`.
export async function upstreamAuthView(server: McpServer, detail: HTMLElement): Promise<void> {
  const slot = h("div", { "data-testid": "mcp-oauth-state" });
  const listed = h("div");
  detail.replaceChildren(
    h("h3", {}, t("Upstream OAuth of {id}", { id: server.id })),
    listed,
    form(
      [{ kind: "text", name: "group", label: t("Group"), value: server.groupId, required: true }],
      t("Open"),
      async (values) => load(values.group),
      "mcp-oauth-group",
    ),
    slot,
    button(t("Close"), () => detail.replaceChildren()),
  );
  await showList();
  if (server.groupId) await load(server.groupId);

  async function showList(): Promise<void> {
    const answer = await api.mcp.listMcpUpstreamAuthorizations({ serverId: server.id });
    listed.replaceChildren(
      table(columns(), answer.authorizations.map(stateRow), "mcp-oauth-list"),
    );
  }

  async function load(groupId: string): Promise<void> {
    const state = await api.mcp.getMcpUpstreamAuthorization({ serverId: server.id, groupId });
    slot.replaceChildren(
      table(columns(), [stateRow(state)], "mcp-oauth-group-state"),
      h(
        "p",
        { class: "actions" },
        button(t("Authorize"), () => authorize(groupId, state.updatedAtMs), "mcp-oauth-authorize"),
        state.state !== McpUpstreamAuthorizationState.NOT_AUTHORIZED
          ? button(t("Revoke"), async () => {
              if (!window.confirm(t("Forget the tokens of {group} for {id}?", { group: groupId, id: server.id }))) return;
              await api.mcp.revokeMcpUpstreamAuthorization({ serverId: server.id, groupId });
              await refreshAll(groupId);
            }, "mcp-oauth-revoke")
          : null,
      ),
    );
  }

  async function refreshAll(groupId: string): Promise<void> {
    await showList();
    await load(groupId);
  }

  /// Opens the authorization page, then polls until the callback stored new tokens (their
  /// update time moves) or ten minutes pass.
  async function authorize(groupId: string, before: bigint): Promise<void> {
    const started = await api.mcp.startMcpUpstreamAuthorization({ serverId: server.id, groupId });
    window.open(started.authorizationUrl, "_blank", "noopener");
    slot.append(h("p", { "data-testid": "mcp-oauth-waiting" }, t("Waiting for the authorization in the other window…")));
    const deadline = Date.now() + 10 * 60 * 1000;
    while (Date.now() < deadline && document.body.contains(slot)) {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const state = await api.mcp.getMcpUpstreamAuthorization({ serverId: server.id, groupId });
      if (state.updatedAtMs !== before && state.state === McpUpstreamAuthorizationState.AUTHORIZED) break;
    }
    await refreshAll(groupId);
  }
}
