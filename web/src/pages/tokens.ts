// Tokens of one group: list, create (the key is shown once), enable/disable, delete. Listings
// come masked from the server (a key prefix only); the plain key exists only in the create
// answer and is shown in this page until the next navigation.
import { api } from "../api";
import { Status, statusName, toggled } from "../common";
import { button, form, h, list, msFromLocal, optionalBigint, optionalString, showNotice, table, time, type Field } from "../dom";
import { QuotaPeriod } from "../gen/aiproxy/admin/v1/tokens_pb";

const periodOptions: [string, string][] = [
  [String(QuotaPeriod.UNSPECIFIED), "none"],
  [String(QuotaPeriod.DAILY), "daily"],
  [String(QuotaPeriod.WEEKLY), "weekly"],
  [String(QuotaPeriod.MONTHLY), "monthly"],
];

const createFields: Field[] = [
  { kind: "text", name: "name", label: "Name", required: true },
  { kind: "text", name: "models", label: "Models", hint: "comma-separated; empty: every model of the group" },
  { kind: "text", name: "subnets", label: "Subnets (CIDR)", hint: "empty: anywhere" },
  { kind: "text", name: "mcp_servers", label: "MCP servers", hint: "empty: every server of the group" },
  { kind: "text", name: "quota", label: "Lifetime quota", hint: "empty: unlimited" },
  { kind: "text", name: "period_quota", label: "Period quota", hint: "empty: unlimited" },
  { kind: "select", name: "period", label: "Period", options: periodOptions },
  { kind: "number", name: "rpm", label: "RPM", hint: "empty: unlimited" },
  { kind: "number", name: "tpm", label: "TPM", hint: "empty: unlimited" },
  { kind: "number", name: "max_concurrency", label: "Max concurrency", hint: "empty: unlimited" },
  { kind: "datetime", name: "expires", label: "Expires", hint: "empty: never" },
  { kind: "password", name: "key", label: "Key", hint: "empty: generated (at least 8 characters)" },
];

export async function tokensPage(root: HTMLElement, params: URLSearchParams): Promise<void> {
  const groups = await api.groups.listGroups({ pageSize: 1000 });
  const groupId = params.get("group") ?? groups.groups[0]?.id ?? "";
  const picker = h(
    "select",
    {
      name: "group",
      "data-testid": "token-group",
      onchange: (event) => {
        window.location.hash = `#/tokens?group=${encodeURIComponent((event.target as HTMLSelectElement).value)}`;
      },
    },
    ...groups.groups.map((group) => h("option", { value: group.id, selected: group.id === groupId }, group.id)),
  );
  root.append(h("label", { class: "inline" }, "Group ", picker));
  if (groupId === "") {
    root.append(h("p", {}, "No groups yet: create one first."));
    return;
  }

  const created = h("div", { class: "created" });
  const editor = h("div", { class: "editor" });
  const listing = h("div");
  root.append(
    button("New token", () => {
      editor.replaceChildren(
        h("h3", {}, `New token in ${groupId}`),
        form(createFields, "Create", async (values) => {
          const expires = msFromLocal(values.expires);
          const response = await api.tokens.createToken({
            token: {
              groupId,
              name: values.name,
              status: Status.ENABLED,
              models: list(values.models),
              subnets: list(values.subnets),
              mcpServers: list(values.mcp_servers),
              quota: optionalString(values.quota),
              periodQuota: optionalString(values.period_quota),
              period: Number(values.period) as QuotaPeriod,
              rpm: optionalBigint(values.rpm),
              tpm: optionalBigint(values.tpm),
              maxConcurrency: optionalBigint(values.max_concurrency),
              expiresAtMs: expires === 0n ? undefined : expires,
            },
            key: optionalString(values.key),
          });
          editor.replaceChildren();
          created.replaceChildren(
            h("p", {}, `Token ${response.token?.name ?? ""} created. Copy the key now: it cannot be shown again.`),
            h("code", { "data-testid": "new-token-key" }, response.key),
          );
          showNotice("token created");
          await refresh();
        }, "token-form"),
      );
    }, "new-token"),
    created,
    editor,
    listing,
  );

  async function refresh(): Promise<void> {
    const response = await api.tokens.listTokens({ groupId, pageSize: 1000 });
    listing.replaceChildren(
      h("p", {}, `${response.totalSize} tokens`),
      table(
        ["Id", "Name", "Key", "Status", "Models", "Used", "Quota left", "Requests", "Expires", "Last used", ""],
        response.tokens.map((token) => [
          token.id,
          token.name,
          `${token.keyPrefix}…`,
          statusName[token.status],
          token.models.join(", "),
          token.usedAmount,
          token.remainingQuota ?? "unlimited",
          token.requestCount,
          time(token.expiresAtMs),
          time(token.accessedAtMs),
          h(
            "span",
            { class: "actions" },
            button(token.status === Status.ENABLED ? "Disable" : "Enable", async () => {
              await api.tokens.setTokenStatus({ id: token.id, status: toggled(token.status) });
              await refresh();
            }),
            button("Delete", async () => {
              if (!window.confirm(`Delete token ${token.name}?`)) return;
              await api.tokens.deleteToken({ id: token.id });
              showNotice(`token ${token.name} deleted`);
              await refresh();
            }),
          ),
        ]),
        "tokens-table",
      ),
    );
  }

  await refresh();
}
