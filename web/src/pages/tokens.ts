// Tokens of one group: list (paged, searched by name, filtered by status), create (the key is
// shown once), edit what UpdateToken allows, enable/disable, delete one or the selected ones.
// Listings come masked from the server (a key prefix only); the plain key exists only in the
// create answer and is shown in this page until the next navigation.
import { api } from "../api";
import { Status, statusFilterOptions, statusName, toggled } from "../common";
import { button, form, h, list, localFromMs, msFromLocal, optionalBigint, optionalString, showNotice, table, time, type Field, type Values } from "../dom";
import { QuotaPeriod, type Token } from "../gen/aiproxy/admin/v1/tokens_pb";
import { pager } from "../paging";

const periodOptions: [string, string][] = [
  [String(QuotaPeriod.UNSPECIFIED), "none"],
  [String(QuotaPeriod.DAILY), "daily"],
  [String(QuotaPeriod.WEEKLY), "weekly"],
  [String(QuotaPeriod.MONTHLY), "monthly"],
];

// What UpdateToken changes from the edit form (status has its own button).
const EDITABLE = ["name", "models", "subnets", "mcp_servers", "quota", "period_quota", "period", "rpm", "tpm", "max_concurrency", "expires_at_ms"];

function fields(token?: Token): Field[] {
  return [
    { kind: "text", name: "name", label: "Name", value: token?.name ?? "", required: true },
    { kind: "text", name: "models", label: "Models", value: token?.models.join(", ") ?? "", hint: "comma-separated; empty: every model of the group" },
    { kind: "text", name: "subnets", label: "Subnets (CIDR)", value: token?.subnets.join(", ") ?? "", hint: "empty: anywhere" },
    { kind: "text", name: "mcp_servers", label: "MCP servers", value: token?.mcpServers.join(", ") ?? "", hint: "server or server/tool, comma-separated; empty: every server of the group and the public ones" },
    { kind: "text", name: "quota", label: "Lifetime quota", value: token?.quota ?? "", hint: "empty: unlimited" },
    { kind: "text", name: "period_quota", label: "Period quota", value: token?.periodQuota ?? "", hint: "empty: unlimited" },
    { kind: "select", name: "period", label: "Period", options: periodOptions, value: String(token?.period ?? QuotaPeriod.UNSPECIFIED) },
    { kind: "number", name: "rpm", label: "RPM", value: token?.rpm?.toString() ?? "", hint: "empty: unlimited" },
    { kind: "number", name: "tpm", label: "TPM", value: token?.tpm?.toString() ?? "", hint: "empty: unlimited" },
    { kind: "number", name: "max_concurrency", label: "Max concurrency", value: token?.maxConcurrency?.toString() ?? "", hint: "empty: unlimited" },
    { kind: "datetime", name: "expires", label: "Expires", value: localFromMs(token?.expiresAtMs), hint: "empty: never" },
    ...(token ? [] : [{ kind: "password", name: "key", label: "Key", hint: "empty: generated (at least 8 characters)" } as Field]),
  ];
}

function tokenFrom(values: Values, groupId: string) {
  const expires = msFromLocal(values.expires);
  return {
    groupId,
    name: values.name,
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
  };
}

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
  const filter = { keyword: "", status: Status.UNSPECIFIED };
  const listing = pager(
    "tokens-pager",
    (pageSize, pageToken) => api.tokens.listTokens({ groupId, pageSize, pageToken, ...filter }),
    (response) => [
      h("p", { class: "actions" }, button("Delete selected", () => deleteSelected(), "delete-tokens")),
      table(
        ["", "Id", "Name", "Key", "Status", "Models", "MCP servers", "Used", "Quota left", "Requests", "Expires", "Last used", ""],
        response.tokens.map((token) => [
          h("input", { type: "checkbox", "data-token-id": token.id.toString(), "aria-label": `select ${token.name}` }),
          token.id,
          token.name,
          `${token.keyPrefix}…`,
          statusName[token.status],
          token.models.join(", "),
          token.mcpServers.join(", "),
          token.usedAmount,
          token.remainingQuota ?? "unlimited",
          token.requestCount,
          time(token.expiresAtMs),
          time(token.accessedAtMs),
          h(
            "span",
            { class: "actions" },
            button("Edit", () => edit(token)),
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
    ],
    (response) => response.tokens.length,
  );
  root.append(
    button("New token", () => {
      editor.replaceChildren(
        h("h3", {}, `New token in ${groupId}`),
        form(fields(), "Create", async (values) => {
          const response = await api.tokens.createToken({
            token: { ...tokenFrom(values, groupId), status: Status.ENABLED },
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
    form(
      [
        { kind: "text", name: "keyword", label: "Search", hint: "part of the name" },
        { kind: "select", name: "status", label: "Status", options: statusFilterOptions(false) },
      ],
      "Search",
      async (values) => {
        filter.keyword = values.keyword;
        filter.status = Number(values.status) as Status;
        await listing.reload(true);
      },
      "tokens-search",
    ),
    listing.element,
  );

  function edit(token: Token): void {
    editor.replaceChildren(
      h("h3", {}, `Edit token ${token.name}`),
      form(fields(token), "Save", async (values) => {
        await api.tokens.updateToken({
          token: { ...tokenFrom(values, groupId), id: token.id },
          updateMask: { paths: EDITABLE },
        });
        editor.replaceChildren();
        showNotice(`token ${values.name} saved`);
        await refresh();
      }, "token-form"),
    );
  }

  async function deleteSelected(): Promise<void> {
    const ids = [...listing.element.querySelectorAll<HTMLInputElement>("input[data-token-id]:checked")]
      .map((box) => BigInt(box.dataset.tokenId ?? "0"));
    if (ids.length === 0) {
      showNotice("no tokens selected");
      return;
    }
    if (!window.confirm(`Delete ${ids.length} tokens?`)) return;
    const { deleted } = await api.tokens.batchDeleteTokens({ ids });
    showNotice(`${deleted} tokens deleted`);
    await refresh();
  }

  async function refresh(): Promise<void> {
    await listing.reload();
  }

  await refresh();
}
